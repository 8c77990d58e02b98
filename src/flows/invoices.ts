/**
 * invoices (ERP → shop): ERP invoices issued since the cursor, linked to their ledger order,
 * become offline shop invoices with the ERP PDF attached and the invoice e-mail sent.
 * Never two shop invoices for one ERP invoice: the order's invoices are read first (icsync's
 * comment on each carries the ERP invoice key), and `shop_pending` is committed before the create.
 */
import { asShopInvoiceId, asShopOrderId, type ErpInvoice, type ShopInvoice } from '../core/model.js';
import type { LinkRow } from '../store/index.js';
import { erpLabel, readCursor, shopLabel } from './common.js';
import type { OrderData } from './order-data.js';
import { startReport } from './report.js';
import type { FlowContext, LedgerFlow } from './types.js';

export interface InvoiceData {
  displayNumber: string;
  orderNumber: string;
  orderId: string;
  grossTotal: string;
  pdfAttached?: boolean;
  emailSent?: boolean;
  resume?: string;
}

export const INVOICE_WORK_STATES = ['discovered', 'shop_pending', 'in_shop'] as const;

/** The marker icsync writes into the shop invoice comment, and looks for before creating one. */
export const invoiceMarker = (erpKey: string): string => `[icsync erp-invoice ${erpKey}]`;

async function findOrderRow(ctx: FlowContext, invoice: ErpInvoice): Promise<LinkRow | undefined> {
  const { ledger } = ctx.store;
  if (invoice.orderKey) {
    const row = await ledger.get('order', { erpKey: invoice.orderKey });
    if (row) return row;
  }
  if (invoice.orderReference) return ledger.get('order', { shopKey: invoice.orderReference });
  return undefined;
}

const hasMarker = (invoice: ShopInvoice, erpKey: string): boolean => invoice.comments.some((c) => c.includes(invoiceMarker(erpKey)));

async function createShopInvoice(ctx: FlowContext, row: LinkRow): Promise<LinkRow> {
  const { ledger } = ctx.store;
  const data = row.data as InvoiceData;
  const erpKey = row.erpKey ?? '';
  const orderId = asShopOrderId(data.orderId);
  const existing = (await ctx.shop.listInvoices(orderId)).find((inv) => hasMarker(inv, erpKey));
  if (existing) {
    const message = row.state === 'shop_pending' ? `found ${shopLabel(ctx)} invoice ${existing.id} from an interrupted create; not created again` : `${shopLabel(ctx)} invoice ${existing.id} already exists`;
    return ledger.transition(row.id, ctx.owner, { state: 'in_shop', shopKey: existing.id }, { type: 'in_shop', message });
  }
  const pending = row.state === 'shop_pending' ? row : await ledger.transition(row.id, ctx.owner, { state: 'shop_pending' }, { type: 'intent', message: `creating the ${shopLabel(ctx)} invoice` });
  const comment = `${erpLabel(ctx)} invoice ${data.displayNumber} ${invoiceMarker(erpKey)}`;
  const invoiceId = await ctx.shop.createInvoice(orderId, { comment, notifyCustomer: false });
  await ctx.hooks?.afterShopInvoiceCreated?.({ erpInvoiceKey: erpKey, shopInvoiceId: invoiceId });
  return ledger.transition(pending.id, ctx.owner, { state: 'in_shop', shopKey: invoiceId }, { type: 'in_shop', message: `created ${shopLabel(ctx)} invoice ${invoiceId}` });
}

async function finishInShop(ctx: FlowContext, row: LinkRow): Promise<void> {
  const { ledger } = ctx.store;
  const settings = ctx.config.flows.invoices;
  let data = row.data as InvoiceData;
  const invoiceId = asShopInvoiceId(row.shopKey ?? '');
  if (settings.attachPdf && !data.pdfAttached) {
    const pdf = await ctx.erp.invoicePdf(row.erpKey as never);
    const attached = await ctx.shop.listInvoiceAttachments(invoiceId);
    if (!attached.some((a) => a.fileName === pdf.fileName)) await ctx.shop.attachInvoicePdf(invoiceId, pdf);
    data = { ...data, pdfAttached: true };
    await ledger.transition(row.id, ctx.owner, { data }, { type: 'pdf_attached', message: `attached ${pdf.fileName}` });
  }
  if (settings.sendEmail && !data.emailSent) {
    // After a crash between sending and recording, the shop's own flag says it went out.
    const current = (await ctx.shop.listInvoices(asShopOrderId(data.orderId))).find((inv) => inv.id === invoiceId);
    if (!current?.emailSent) await ctx.shop.sendInvoiceEmail(invoiceId);
    data = { ...data, emailSent: true };
    await ledger.transition(row.id, ctx.owner, { data }, { type: 'email_sent', message: 'invoice e-mail sent to the buyer' });
  }
  const order = await ctx.shop.getOrder(asShopOrderId(data.orderId));
  await ledger.transition(row.id, ctx.owner, { state: 'complete', lastError: null, lastErrorClass: null, attempts: 0, releaseLease: true }, { type: 'complete', message: `done; the ${shopLabel(ctx)} order is ${order.status}` });
  const orderRow = await ledger.get('order', { shopKey: data.orderNumber });
  if (orderRow && ['in_erp', 'invoiced', 'invoice_in_shop'].includes(orderRow.state)) {
    const state = order.shipped ? 'complete' : 'invoice_in_shop';
    if (orderRow.state !== state) {
      await ledger.transition(orderRow.id, null, { state }, { type: state, message: `${erpLabel(ctx)} invoice ${data.displayNumber} is in ${shopLabel(ctx)} (invoice ${invoiceId})${order.shipped ? '; the order was shipped, so it is complete' : ''}` });
    }
  }
}

export function createInvoicesFlow(): LedgerFlow {
  return {
    name: 'invoices',
    kind: 'ledger',
    entity: 'invoice',
    workStates: INVOICE_WORK_STATES,
    async discover(ctx, options) {
      const rb = startReport('invoices', options.dryRun);
      const runStartedAt = ctx.now();
      const since = await readCursor(ctx, 'invoices', options.full);
      const { ledger } = ctx.store;
      for await (const page of ctx.erp.invoices({ ...(since && { changedSince: since }) })) {
        options.signal?.throwIfAborted();
        for (const invoice of page) {
          rb.count('read');
          const orderRow = await findOrderRow(ctx, invoice);
          if (!orderRow?.shopKey) {
            rb.count('notFromShop');
            continue;
          }
          const orderData = orderRow.data as OrderData;
          if (options.dryRun) {
            if (!(await ledger.get('invoice', { erpKey: invoice.key }))) {
              rb.count('wouldDiscover');
              rb.change({ kind: 'invoice', key: invoice.key, action: 'create', fields: { order: [undefined, orderRow.shopKey], grossTotal: [undefined, invoice.grossTotal] } });
            }
            continue;
          }
          const data: InvoiceData = { displayNumber: invoice.displayNumber, orderNumber: orderRow.shopKey, orderId: orderData.orderId, grossTotal: invoice.grossTotal };
          const { created } = await ledger.ensure('invoice', { erpKey: invoice.key }, { state: 'discovered', data });
          rb.count(created ? 'discovered' : 'known');
          if (created && orderRow.state === 'in_erp') {
            await ledger.transition(orderRow.id, null, { state: 'invoiced' }, { type: 'invoiced', message: `${erpLabel(ctx)} issued invoice ${invoice.displayNumber}` });
          }
        }
      }
      if (!options.dryRun) await ctx.store.cursors.set('invoices', runStartedAt.toISOString());
      return rb.finish();
    },
    async step(ctx, claimed) {
      let row = claimed;
      if (row.state === 'discovered' || row.state === 'shop_pending') row = await createShopInvoice(ctx, row);
      await finishInShop(ctx, row);
    },
  };
}
