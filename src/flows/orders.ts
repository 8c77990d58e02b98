/**
 * orders (shop → ERP): shop orders gated by status, payment method and go-live date are
 * recorded as ledger rows; each row then moves discovered → partner_ready → erp_pending →
 * in_erp, every state committed before the next remote call (ARCHITECTURE.md, exactly-once).
 */
import { businessError, isSyncError } from '../core/errors.js';
import { asShopOrderId, asSku, type ErpOrder, type ShopOrder } from '../core/model.js';
import type { LinkRow } from '../store/index.js';
import { erpLabel, readCursor, shopLabel } from './common.js';
import { ORDER_WORK_STATES, type OrderData } from './order-data.js';
import { draftGross, erpOrderDraft, normaliseLines, orderGate, requiredSkus, totalsMismatch } from './order-mapping.js';
import { partnerDraft, requireBuyerIdentity } from './partner-mapping.js';
import { startReport } from './report.js';
import { ensurePartner } from './subjects.js';
import type { FlowContext, LedgerFlow } from './types.js';

function initialData(order: ShopOrder): OrderData {
  return {
    orderId: order.id,
    createdAt: order.createdAt,
    lines: normaliseLines(order.lines).map((line) => ({ sku: line.sku, quantity: line.quantity })),
  };
}

/**
 * SKUs the ERP confirmed lately, so that a run of many orders for the same goods does not ask
 * again for every order. Short-lived: an item deleted in the ERP is noticed within minutes,
 * and the ERP refuses an order with an unknown item anyway.
 */
const KNOWN_SKU_TTL_MS = 10 * 60_000;
type KnownSkus = Map<string, number>;

async function missingSkus(ctx: FlowContext, needed: string[], known: KnownSkus): Promise<string[]> {
  const now = Date.now();
  const unknown = needed.filter((sku) => (known.get(sku) ?? 0) < now);
  if (unknown.length === 0) return [];
  const existing = await ctx.erp.existingSkus(unknown.map(asSku));
  for (const sku of existing) known.set(sku, now + KNOWN_SKU_TTL_MS);
  return unknown.filter((sku) => !existing.has(asSku(sku)));
}

async function toPartnerReady(ctx: FlowContext, row: LinkRow, order: ShopOrder, known: KnownSkus): Promise<LinkRow> {
  const data = row.data as OrderData;
  const gate = orderGate(order, ctx.config.flows.orders);
  if (gate !== undefined) {
    return ctx.store.ledger.transition(row.id, ctx.owner, { state: 'skipped', releaseLease: true }, { type: 'skipped', message: `not entered: ${gate}` });
  }
  const missing = await missingSkus(ctx, requiredSkus(order, ctx.config.flows.orders), known);
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw businessError({
      sentence: `Order ${order.number}: SKU ${list} ${missing.length === 1 ? 'is' : 'are'} not in ${erpLabel(ctx)}. Create the item in ${erpLabel(ctx)} (or fix the SKU in ${shopLabel(ctx)}), then retry.`,
      record: { kind: 'order', key: order.number, field: 'sku' },
    });
  }
  const identity = requireBuyerIdentity(order);
  const partner = await ensurePartner(ctx, identity, partnerDraft(order.buyer, ctx.config), order.number);
  return ctx.store.ledger.transition(row.id, ctx.owner, { state: 'partner_ready', data: { ...data, ...initialData(order), partner } }, { type: 'partner_ready', message: `buyer ${identity} is ${erpLabel(ctx)} partner ${partner}` });
}

/** Creates the ERP order under the exactly-once protocol: intent committed first, then the call. */
async function createInErp(ctx: FlowContext, row: LinkRow, order: ShopOrder): Promise<{ row: LinkRow; erp: ErpOrder }> {
  const data = row.data as OrderData;
  const draft = erpOrderDraft(order, data.partner as never, ctx.config);
  const pending = row.state === 'erp_pending'
    ? row
    : await ctx.store.ledger.transition(row.id, ctx.owner, { state: 'erp_pending' }, { type: 'intent', message: `entering the order in ${erpLabel(ctx)} (gross ${draftGross(draft)})` });
  const { order: created, warnings } = await ctx.erp.createOrder(draft);
  await ctx.hooks?.afterErpOrderCreated?.({ reference: order.number, erpKey: created.key });
  for (const warning of warnings) await ctx.store.ledger.appendEvent(pending.id, { type: 'warning', message: warning.message, data: warning.record });
  const recorded = await recordInErp(ctx, pending, created, `entered in ${erpLabel(ctx)} as ${created.displayNumber}`);
  return { row: recorded, erp: created };
}

function recordInErp(ctx: FlowContext, row: LinkRow, erp: ErpOrder, message: string): Promise<LinkRow> {
  const data = row.data as OrderData;
  const erpInfo: NonNullable<OrderData['erp']> = { displayNumber: erp.displayNumber, ...(erp.grossTotal !== undefined && { grossTotal: erp.grossTotal }) };
  return ctx.store.ledger.transition(
    row.id,
    ctx.owner,
    { state: 'in_erp', erpKey: erp.key, data: { ...data, erp: erpInfo }, lastError: null, lastErrorClass: null, attempts: 0 },
    { type: 'in_erp', message, data: { erpKey: erp.key } },
  );
}

async function readGross(ctx: FlowContext, row: LinkRow, erp: ErpOrder) {
  try {
    return (await ctx.erp.getOrder(erp.key))?.grossTotal;
  } catch (error) {
    // The order is recorded as in the ERP; the check is reported, not retried for ever.
    await ctx.store.ledger.appendEvent(row.id, { type: 'warning', message: `could not read the total of ${erp.displayNumber} to compare it with the shop: ${(error as Error).message}` });
    return undefined;
  }
}

/** Totals guard and the shop comment, once the ERP holds the order. */
async function afterInErp(ctx: FlowContext, row: LinkRow, order: ShopOrder, erp: ErpOrder): Promise<void> {
  const { ledger } = ctx.store;
  const data = row.data as OrderData;
  const settings = ctx.config.flows.orders;
  const gross = erp.grossTotal ?? (await readGross(ctx, row, erp));
  if (data.totalsHeld) {
    await ledger.appendEvent(row.id, { type: 'totals_accepted', message: 'the totals difference was accepted by a person (retry)' });
  } else if (gross !== undefined) {
    const mismatch = totalsMismatch(order.number, gross, order.totals.grandTotal, settings.totalsTolerance, erp.displayNumber);
    if (mismatch !== undefined) {
      await ledger.transition(
        row.id,
        ctx.owner,
        { state: 'needs_attention', data: { ...data, resume: 'erp_pending', totalsHeld: true }, lastError: mismatch, lastErrorClass: 'business', releaseLease: true },
        { type: 'needs_attention', message: mismatch },
      );
      return;
    }
  }
  let current = row;
  if (settings.commentOnShopOrder && !data.commented) {
    // Best effort: the order is in the ERP either way; a missing comment is not worth a retry loop.
    try {
      await ctx.shop.addOrderComment(asShopOrderId(data.orderId), `Entered in ${erpLabel(ctx)} as ${erp.displayNumber}.`, { notifyCustomer: false, visibleOnFront: false });
      current = await ledger.transition(row.id, ctx.owner, { data: { ...data, commented: true } }, { type: 'commented', message: `commented on the ${shopLabel(ctx)} order with ${erp.displayNumber}` });
    } catch (error) {
      await ledger.appendEvent(row.id, { type: 'warning', message: `could not comment on the ${shopLabel(ctx)} order: ${(error as Error).message}` });
    }
  }
  await ledger.release(current.id, ctx.owner);
}

export function createOrdersFlow(): LedgerFlow {
  const known: KnownSkus = new Map();
  return {
    name: 'orders',
    kind: 'ledger',
    entity: 'order',
    workStates: ORDER_WORK_STATES,
    async discover(ctx, options) {
      const rb = startReport('orders', options.dryRun);
      const settings = ctx.config.flows.orders;
      const since = await readCursor(ctx, 'orders', options.full);
      let newest: string | undefined;
      // An order the shop connector cannot read waits for a person under its number; the others go on.
      const onUnreadable = async (order: { id: string; number?: string }, error: Error) => {
        rb.count('unreadable');
        const key = order.number ?? `id:${order.id}`;
        const sentence = isSyncError(error) ? error.sentence : error.message;
        rb.problem('order', key, sentence);
        if (options.dryRun) return;
        const { row } = await ctx.store.ledger.ensure('order', { shopKey: key }, { state: 'needs_attention', data: { orderId: order.id, createdAt: '', lines: [], resume: 'discovered' } satisfies OrderData });
        if (row.state === 'needs_attention' && row.lastError !== sentence) {
          await ctx.store.ledger.transition(row.id, null, { lastError: sentence, lastErrorClass: 'business' }, { type: 'needs_attention', message: sentence });
        }
      };
      for await (const page of ctx.shop.orders({ ...(since && { updatedSince: since }), statuses: settings.statuses, onUnreadable })) {
        options.signal?.throwIfAborted();
        for (const order of page) {
          rb.count('read');
          if (newest === undefined || order.updatedAt > newest) newest = order.updatedAt;
          if (orderGate(order, settings) !== undefined) {
            rb.count('gatedOut');
            continue;
          }
          if (options.dryRun) {
            const known = await ctx.store.ledger.get('order', { shopKey: order.number });
            if (!known) {
              rb.count('wouldDiscover');
              rb.change({ kind: 'order', key: order.number, action: 'create', fields: { grandTotal: [undefined, order.totals.grandTotal] } });
            }
            continue;
          }
          const { created } = await ctx.store.ledger.ensure('order', { shopKey: order.number }, { state: 'discovered', data: initialData(order) });
          rb.count(created ? 'discovered' : 'known');
        }
      }
      if (!options.dryRun && newest !== undefined) await ctx.store.cursors.set('orders', newest);
      return rb.finish();
    },

    async step(ctx, claimed) {
      let row = claimed;
      const data = row.data as OrderData;
      const order = await ctx.shop.getOrder(asShopOrderId(data.orderId));
      if (row.state === 'discovered') {
        row = await toPartnerReady(ctx, row, order, known);
        if (row.state === 'skipped') return;
      }
      if (row.state === 'erp_pending') {
        // Never re-send blindly: the previous attempt may have reached the ERP.
        const book = ctx.config.mappings.orderBook;
        const found = await ctx.erp.findOrderByReference(order.number, { orderDate: new Date(order.createdAt), ...(book && { book }) });
        if (found) {
          row = await recordInErp(ctx, row, found, `found in ${erpLabel(ctx)} as ${found.displayNumber} by its reference; not sent again`);
          await afterInErp(ctx, row, order, found);
          return;
        }
      }
      const { row: inErp, erp } = await createInErp(ctx, row, order);
      await afterInErp(ctx, inErp, order, erp);
    },
  };
}
