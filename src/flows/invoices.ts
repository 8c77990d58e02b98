/**
 * invoices (ERP → shop): ERP invoices issued since the cursor, linked to their ledger order,
 * become offline shop invoices with the ERP PDF attached and the invoice e-mail sent.
 * Never two shop invoices for one ERP invoice: the order's invoices are read first (icsync's
 * comment on each carries the ERP invoice key), and `shop_pending` is committed before the create.
 *
 * Linking an invoice to its order: first by what the invoice itself says (its order key or the
 * shop order number); an invoice that says neither may still be ours, because an ERP need not
 * write the link on the invoice (iCenter: docs/contracts/icenter.md#issued-invoices links from the order side). Then the
 * open orders of the same buyer are asked for their invoices (`ErpPort.invoicesForOrder`),
 * each at most once per run; `flows.invoices.orderLookup` widens or switches this off.
 */
import { surelyNotApplied } from '../core/errors.js';
import { asShopInvoiceId, asShopOrderId, type ErpDocumentKey, type ErpInvoice, type ShopInvoice } from '../core/model.js';
import type { AttachmentSupport, OnUnreadableRow, ShopPort } from '../core/ports.js';
import { LeaseLostError, type LinkRow } from '../store/index.js';
import { erpLabel, isUnreadable, readCursor, shopLabel } from './common.js';
import { recordLateWrite } from './late-writes.js';
import type { OrderData } from './order-data.js';
import { startReport } from './report.js';
import type { FlowContext, LedgerFlow, RunOptions } from './types.js';
import type { ReportBuilder } from './report.js';

export interface InvoiceData {
  displayNumber: string;
  orderNumber: string;
  orderId: string;
  grossTotal: string;
  pdfAttached?: boolean;
  emailSent?: boolean;
  /** When icsync last asked the shop to send the invoice e-mail (ISO, UTC): the intent, written before the call. */
  emailAskedAt?: string;
  resume?: string;
  /** Set while the PDF and e-mail wait for the shop's attachment add-on (the icsync Magento module). */
  waitingForShopModule?: boolean;
  /** Held because its order waits for a person (totals); released when the order is accepted. */
  waitingForOrder?: boolean;
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

/** An invoice the ERP issued that names no order of ours: kept light (no lines) until the order side is asked. */
interface UnlinkedInvoice {
  key: ErpDocumentKey;
  partner?: string;
}

/** Orders in the ERP and not invoiced yet, all of them (the ledger lists at most 1,000 a page). */
async function openOrders(ctx: FlowContext): Promise<LinkRow[]> {
  const rows: LinkRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await ctx.store.ledger.list({ kind: 'order', states: ['in_erp'], limit: 1000, offset });
    rows.push(...page);
    if (page.length < 1000) break;
  }
  // Rows can move while the pages are read; one id once.
  return [...new Map(rows.filter((row) => row.erpKey && row.shopKey).map((row) => [row.id, row])).values()];
}

/**
 * Which open orders to ask for their invoices: those of the buyers of the unlinked invoices, or
 * all of them when one unlinked invoice names no buyer, on `--full`, or with orderLookup every-run.
 */
async function ordersToAsk(ctx: FlowContext, unlinked: UnlinkedInvoice[], options: RunOptions): Promise<LinkRow[]> {
  const lookup = ctx.config.flows.invoices.orderLookup;
  if (lookup === 'off') return [];
  const everyOrder = lookup === 'every-run' || options.full === true || unlinked.some((invoice) => invoice.partner === undefined);
  if (!everyOrder && unlinked.length === 0) return [];
  const open = await openOrders(ctx);
  if (everyOrder) return open;
  const buyers = new Set(unlinked.map((invoice) => invoice.partner));
  return open.filter((row) => buyers.has((row.data as OrderData).partner));
}

/**
 * Whether the shop can take the PDFs (Magento: the icsync module), asked once per run by
 * `discover` and remembered per shop port for that run's steps, so a shop without the module
 * costs one request and one sentence per run, not a failure per invoice.
 */
const attachmentSupportSeen = new WeakMap<ShopPort, AttachmentSupport>();

/** A held invoice looks again after this long; a run that finds the module installed wakes them at once. */
export const SHOP_MODULE_RECHECK_MS = 60 * 60_000;

async function attachmentSupport(ctx: FlowContext): Promise<AttachmentSupport | undefined> {
  if (!ctx.shop.attachmentSupport) return undefined;
  let support = attachmentSupportSeen.get(ctx.shop);
  if (!support) {
    support = await ctx.shop.attachmentSupport();
    attachmentSupportSeen.set(ctx.shop, support);
  }
  return support;
}

/** Once per run: ask the shop, say it in one sentence when the module is missing, wake the held invoices when it is there. */
async function checkAttachmentSupport(ctx: FlowContext, rb: ReportBuilder, options: RunOptions): Promise<void> {
  attachmentSupportSeen.delete(ctx.shop);
  let support: AttachmentSupport | undefined;
  try {
    support = await attachmentSupport(ctx);
  } catch (error) {
    // Not known this time (the shop did not answer): each step asks again and fails as any call would.
    ctx.logger.warn({ err: error }, 'could not check the shop for the icsync module');
    return;
  }
  if (!support) return;
  if (!support.installed) {
    rb.problem('invoice', 'invoices', `${support.sentence} Until then icsync creates the shop invoices and holds back their PDFs and e-mails.`);
    return;
  }
  if (options.dryRun) return;
  const { ledger } = ctx.store;
  const held: LinkRow[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await ledger.list({ kind: 'invoice', states: ['in_shop'], limit: 1000, offset });
    held.push(...page.filter((row) => (row.data as InvoiceData).waitingForShopModule));
    if (page.length < 1000) break;
  }
  for (const row of held) {
    const data = row.data as InvoiceData;
    if (!data.waitingForShopModule) continue;
    const { waitingForShopModule: _woken, ...rest } = data;
    await ledger.transition(row.id, null, { data: rest, nextAttemptAt: null }, { type: 'note', message: `the ${shopLabel(ctx)} now has the icsync module; the PDF and e-mail go ahead` });
    rb.count('wokenByShopModule');
  }
}

/** The PDF cannot be attached yet: the row waits (no attempt counted, no error), one ledger note per wait. */
async function holdForShopModule(ctx: FlowContext, row: LinkRow, data: InvoiceData): Promise<void> {
  await ctx.store.ledger.transition(
    row.id,
    ctx.owner,
    { data: { ...data, waitingForShopModule: true }, nextAttemptAt: new Date(ctx.now().getTime() + SHOP_MODULE_RECHECK_MS) },
    { type: 'note', message: `the ${shopLabel(ctx)} invoice ${row.shopKey ?? ''} exists; its PDF and e-mail wait for the icsync module in the shop` },
  );
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
  // Invoiced in the shop by hand before the ERP invoice came: a second invoice (of the remainder,
  // labelled with the whole ERP invoice) would be wrong either way, so a person decides.
  const foreign = row.state === 'discovered' ? (await ctx.shop.listInvoices(orderId)).filter((inv) => !inv.comments.some((c) => c.includes('[icsync erp-invoice '))) : [];
  if (foreign.length > 0) {
    const list = foreign.map((inv) => `${inv.incrementId ?? inv.id} (${inv.grandTotal})`).join(', ');
    const sentence = `Order ${data.orderNumber} was already invoiced in ${shopLabel(ctx)} (invoice ${list}) before ${erpLabel(ctx)} invoice ${data.displayNumber} (${data.grossTotal}) arrived; icsync did not add a second invoice. If the ${shopLabel(ctx)} invoice stands, skip this one (icsync skip invoice ${erpKey}) and cancel or credit ${data.displayNumber} in ${erpLabel(ctx)}; otherwise refund the ${shopLabel(ctx)} invoice with a credit memo, then retry this invoice.`;
    return ledger.transition(row.id, ctx.owner, { state: 'needs_attention', data: { ...data, resume: 'discovered' }, lastError: sentence, lastErrorClass: 'business', releaseLease: true }, { type: 'needs_attention', message: sentence });
  }
  const pending = row.state === 'shop_pending' ? row : await ledger.transition(row.id, ctx.owner, { state: 'shop_pending' }, { type: 'intent', message: `creating the ${shopLabel(ctx)} invoice` });
  const comment = `${erpLabel(ctx)} invoice ${data.displayNumber} ${invoiceMarker(erpKey)}`;
  const invoiceId = await ctx.shop.createInvoice(orderId, { comment, notifyCustomer: false });
  try {
    await ctx.hooks?.afterShopInvoiceCreated?.({ erpInvoiceKey: erpKey, shopInvoiceId: invoiceId });
    return await ledger.transition(pending.id, ctx.owner, { state: 'in_shop', shopKey: invoiceId }, { type: 'in_shop', message: `created ${shopLabel(ctx)} invoice ${invoiceId}` });
  } catch (error) {
    if (error instanceof LeaseLostError) await recordLateWrite(ctx, pending, `${shopLabel(ctx)} invoice ${invoiceId}`, { shopInvoiceId: invoiceId });
    throw error;
  }
}

/**
 * The invoice e-mail cannot be asked for twice safely: Magento sets the invoice's email_sent only
 * once the mail is out, so after an ask whose answer was lost (a timeout while its SMTP is slow)
 * the flag still says "not sent" while that request goes on in the shop. A second ask then would
 * mail the buyer twice. So an earlier ask is given flows.invoices.emailSettle to finish before the
 * flag is trusted and the e-mail asked for again.
 *
 * That wait is scheduled, not a retry: the row is put off until the settle time is over, with no
 * attempt spent and no cap from worker.backoffMax (a short backoff would otherwise use up every
 * attempt within the settle time and leave the invoice with a person, its e-mail never sent).
 * True when the row now waits.
 */
async function awaitEarlierEmailAsk(ctx: FlowContext, row: LinkRow, data: InvoiceData): Promise<boolean> {
  if (data.emailAskedAt === undefined) return false;
  const settle = ctx.config.flows.invoices.emailSettle;
  const askedAt = Date.parse(data.emailAskedAt);
  const since = ctx.now().getTime() - askedAt;
  if (!(since < settle)) return false;
  const until = new Date(askedAt + settle);
  const sentence = `ERP invoice ${row.erpKey ?? ''}: the invoice e-mail was asked for ${Math.round(since / 1000)} s ago with no clear answer and the shop does not show it sent yet; icsync gives that request ${Math.round(settle / 1000)} s (flows.invoices.emailSettle) before asking again, so the buyer gets one e-mail. Next look at ${until.toISOString()}.`;
  await ctx.store.ledger.transition(row.id, ctx.owner, { nextAttemptAt: until, lastError: sentence, lastErrorClass: null, releaseLease: true }, { type: 'waiting', message: sentence });
  return true;
}

async function finishInShop(ctx: FlowContext, row: LinkRow): Promise<void> {
  const { ledger } = ctx.store;
  const settings = ctx.config.flows.invoices;
  let data = row.data as InvoiceData;
  const invoiceId = asShopInvoiceId(row.shopKey ?? '');
  if (settings.attachPdf && !data.pdfAttached) {
    const support = await attachmentSupport(ctx);
    if (support && !support.installed) {
      await holdForShopModule(ctx, row, data);
      return;
    }
    const pdf = await ctx.erp.invoicePdf(row.erpKey as never);
    const attached = await ctx.shop.listInvoiceAttachments(invoiceId);
    if (!attached.some((a) => a.fileName === pdf.fileName)) await ctx.shop.attachInvoicePdf(invoiceId, pdf);
    data = { ...data, pdfAttached: true };
    await ledger.transition(row.id, ctx.owner, { data }, { type: 'pdf_attached', message: `attached ${pdf.fileName}` });
  }
  if (settings.sendEmail && !data.emailSent) {
    // After a crash between sending and recording, the shop's own flag says it went out.
    const current = (await ctx.shop.listInvoices(asShopOrderId(data.orderId))).find((inv) => inv.id === invoiceId);
    if (!current?.emailSent) {
      if (await awaitEarlierEmailAsk(ctx, row, data)) return;
      data = { ...data, emailAskedAt: ctx.now().toISOString() };
      await ledger.transition(row.id, ctx.owner, { data }, { type: 'intent', message: 'asking the shop to send the invoice e-mail' });
      try {
        await ctx.shop.sendInvoiceEmail(invoiceId);
      } catch (error) {
        // The shop said no, or the ask never left: nothing is under way, so no wait before the next ask.
        if (surelyNotApplied(error)) {
          const { emailAskedAt: _cleared, ...rest } = data;
          await ledger.transition(row.id, ctx.owner, { data: rest }, { type: 'note', message: 'the invoice e-mail was not sent; it is asked for again on the next attempt' });
        }
        throw error;
      }
    }
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

/**
 * An order invoiced before it was shipped waits in `invoice_in_shop`; once the shop ships it,
 * the ledger calls it complete too. Only shop orders updated since the last run are read (a
 * first or --full run has no such bound and leaves this to the next run).
 */
async function completeShippedSince(ctx: FlowContext, rb: ReportBuilder, options: RunOptions, since: Date): Promise<void> {
  const { ledger } = ctx.store;
  // An unreadable order is the orders flow's to report (it names it); here it is only passed over.
  for await (const page of ctx.shop.orders({ updatedSince: since, onUnreadable: () => undefined })) {
    options.signal?.throwIfAborted();
    for (const order of page) {
      if (!order.shipped) continue;
      const row = await ledger.get('order', { shopKey: order.number });
      if (row?.state !== 'invoice_in_shop') continue;
      rb.count(options.dryRun ? 'wouldComplete' : 'completed');
      if (options.dryRun) continue;
      await ledger.transition(row.id, null, { state: 'complete' }, { type: 'complete', message: `the ${shopLabel(ctx)} order was shipped after it was invoiced; it is complete` });
    }
  }
}

/**
 * An invoice whose order waits for a person (its totals differ from the shop's) is neither put in
 * the shop nor e-mailed: the buyer would get a document the accountant has not accepted. It waits,
 * and the orders flow releases it when a person accepts the order.
 */
async function holdForOrder(ctx: FlowContext, row: LinkRow): Promise<boolean> {
  const data = row.data as InvoiceData;
  const order = await ctx.store.ledger.get('order', { shopKey: data.orderNumber });
  if (order?.state !== 'needs_attention') return false;
  const sentence = `${erpLabel(ctx)} invoice ${data.displayNumber} of order ${data.orderNumber} is not sent to ${shopLabel(ctx)} or the buyer while the order waits for a person (${order.lastError ?? 'see the order'}). Accepting the order (icsync retry order ${data.orderNumber}) sends it.`;
  await ctx.store.ledger.transition(row.id, ctx.owner, { state: 'needs_attention', data: { ...data, resume: row.state, waitingForOrder: true }, lastError: sentence, lastErrorClass: 'business', releaseLease: true }, { type: 'needs_attention', message: sentence });
  return true;
}

/** Puts the invoices held for an order back to work, once a person accepted the order. */
export async function releaseInvoicesOf(ctx: FlowContext, orderNumber: string): Promise<number> {
  let released = 0;
  for (let offset = 0; ; offset += 1000) {
    const rows = await ctx.store.ledger.list({ kind: 'invoice', states: ['needs_attention'], limit: 1000, offset });
    for (const row of rows) {
      const data = row.data as InvoiceData;
      if (data.orderNumber !== orderNumber || !data.waitingForOrder) continue;
      const { waitingForOrder: _released, ...rest } = data;
      await ctx.store.ledger.transition(row.id, null, { state: rest.resume ?? 'discovered', data: rest, lastError: null, lastErrorClass: null, nextAttemptAt: ctx.now() }, { type: 'released', message: `order ${orderNumber} was accepted by a person; the invoice goes on` });
      released += 1;
    }
    if (rows.length < 1000) break;
  }
  return released;
}

/** One invoice linked to its ledger order: its own ledger row (once), and the order marked invoiced. */
async function recordInvoice(ctx: FlowContext, rb: ReportBuilder, options: RunOptions, invoice: ErpInvoice, orderRow: LinkRow): Promise<void> {
  const { ledger } = ctx.store;
  const orderNumber = orderRow.shopKey ?? '';
  if (options.dryRun) {
    if (!(await ledger.get('invoice', { erpKey: invoice.key }))) {
      rb.count('wouldDiscover');
      rb.change({ kind: 'invoice', key: invoice.key, action: 'create', fields: { order: [undefined, orderNumber], grossTotal: [undefined, invoice.grossTotal] } });
    }
    return;
  }
  const data: InvoiceData = { displayNumber: invoice.displayNumber, orderNumber, orderId: (orderRow.data as OrderData).orderId, grossTotal: invoice.grossTotal };
  const ensured = await ledger.ensure('invoice', { erpKey: invoice.key }, { state: 'discovered', data });
  let created = ensured.created;
  if (!created && isUnreadable(ensured.row.data)) {
    // It could not be read before; now it can: it starts from the beginning.
    await ledger.transition(ensured.row.id, null, { state: 'discovered', data, lastError: null, lastErrorClass: null, attempts: 0 }, { type: 'discovered', message: 'readable now; discovered' });
    created = true;
  }
  rb.count(created ? 'discovered' : 'known');
  if (created && orderRow.state === 'in_erp') {
    await ledger.transition(orderRow.id, null, { state: 'invoiced' }, { type: 'invoiced', message: `${erpLabel(ctx)} issued invoice ${invoice.displayNumber}` });
  }
}

/** Linked on an earlier run; a row only held as unreadable still has to be linked. */
const isKnown = (row: LinkRow | undefined): boolean => row !== undefined && !isUnreadable(row.data);

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
      const unlinked = new Map<string, UnlinkedInvoice>();
      // An invoice with an unreadable value waits for a person under its key; the others go on.
      const onUnreadable: OnUnreadableRow = async (row, error) => {
        rb.count('unreadable');
        rb.problem('invoice', row.key, error.sentence);
        if (options.dryRun) return;
        const { row: link } = await ledger.ensure('invoice', { erpKey: row.key }, { state: 'needs_attention', data: { unreadable: error.sentence } });
        if (link.state === 'needs_attention' && link.lastError !== error.sentence) {
          await ledger.transition(link.id, null, { lastError: error.sentence, lastErrorClass: 'business', data: { ...(link.data as object), unreadable: error.sentence } }, { type: 'needs_attention', message: error.sentence });
        }
      };
      for await (const page of ctx.erp.invoices({ ...(since && { changedSince: since }), onUnreadable })) {
        options.signal?.throwIfAborted();
        for (const invoice of page) {
          rb.count('read');
          const orderRow = await findOrderRow(ctx, invoice);
          if (orderRow?.shopKey) await recordInvoice(ctx, rb, options, invoice, orderRow);
          // Linked on an earlier run (through its order): the delta's overlap reads it again.
          else if (isKnown(await ledger.get('invoice', { erpKey: invoice.key }))) rb.count('known');
          else unlinked.set(invoice.key, { key: invoice.key, ...(invoice.partner !== undefined && { partner: invoice.partner }) });
        }
      }
      // The order side: open orders asked for their invoices (one request each, once per run).
      for (const orderRow of await ordersToAsk(ctx, [...unlinked.values()], options)) {
        options.signal?.throwIfAborted();
        for (const invoice of await ctx.erp.invoicesForOrder(orderRow.erpKey as ErpDocumentKey)) {
          if (!unlinked.delete(invoice.key)) rb.count('read');
          rb.count('linkedByOrder');
          await recordInvoice(ctx, rb, options, invoice, orderRow);
        }
      }
      for (let i = 0; i < unlinked.size; i += 1) rb.count('notFromShop');
      if (since) await completeShippedSince(ctx, rb, options, since);
      if (ctx.config.flows.invoices.attachPdf) await checkAttachmentSupport(ctx, rb, options);
      if (!options.dryRun) await ctx.store.cursors.set('invoices', runStartedAt.toISOString());
      return rb.finish();
    },
    async step(ctx, claimed) {
      let row = claimed;
      if (await holdForOrder(ctx, row)) return;
      if (row.state === 'discovered' || row.state === 'shop_pending') row = await createShopInvoice(ctx, row);
      if (row.state === 'needs_attention') return;
      await finishInShop(ctx, row);
    },
  };
}
