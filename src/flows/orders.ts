/**
 * orders (shop → ERP): shop orders gated by status, payment method and go-live date are
 * recorded as ledger rows; each row then moves discovered → partner_ready → erp_pending →
 * in_erp, every state committed before the next remote call (ARCHITECTURE.md, exactly-once).
 */
import { isZero } from '../core/decimal.js';
import { businessError, isSyncError, transientError } from '../core/errors.js';
import { asPartnerCode, asShopOrderId, asSku, type ErpDocumentKey, type ErpOrder, type ErpOrderDraft, type ShopOrder } from '../core/model.js';
import { LeaseLostError, type LinkRow } from '../store/index.js';
import { erpLabel, readCursor, shopLabel } from './common.js';
import { heldForLateOrder, recordLateOrder } from './late-writes.js';
import { ORDER_EVENT_ORIGIN, ORDER_WORK_STATES, RECONCILIATION_MISSED, type OrderData } from './order-data.js';
import { draftGross, entryGate, heldSentence, normaliseLines, orderGate, planErpOrder, requiredSkus, totalsMismatch, type OrderPlan } from './order-mapping.js';
import { partnerDraft, requireBuyerIdentity } from './partner-mapping.js';
import { checkShopOrder } from './limits.js';
import { startReport, type ReportBuilder } from './report.js';
import { ensurePartner, partnerCodeOf } from './subjects.js';
import { releaseInvoicesOf } from './invoices.js';
import type { FlowContext, LedgerFlow, PlannedChange } from './types.js';

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

function unknownSkuError(ctx: FlowContext, order: ShopOrder, missing: string[]) {
  return businessError({
    sentence: `Order ${order.number}: SKU ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${erpLabel(ctx)}. Create the item in ${erpLabel(ctx)} (or fix the SKU in ${shopLabel(ctx)}), then retry.`,
    record: { kind: 'order', key: order.number, field: 'sku' },
  });
}

/** Before a row is worked on: an order canceled in the shop (or now excluded by a setting) is not entered. */
function skipIfGated(ctx: FlowContext, row: LinkRow, order: ShopOrder): Promise<LinkRow> | undefined {
  const gate = entryGate(order, ctx.config.flows.orders);
  if (gate === undefined) return undefined;
  return ctx.store.ledger.transition(row.id, ctx.owner, { state: 'skipped', releaseLease: true }, { type: 'skipped', message: `not entered: ${gate}` });
}

async function toPartnerReady(ctx: FlowContext, row: LinkRow, order: ShopOrder, known: KnownSkus): Promise<LinkRow> {
  const data = row.data as OrderData;
  const missing = await missingSkus(ctx, requiredSkus(order, ctx.config.flows.orders), known);
  if (missing.length > 0) throw unknownSkuError(ctx, order, missing);
  checkShopOrder(order, ctx.config.limits);
  const identity = requireBuyerIdentity(order);
  const partner = await ensurePartner(ctx, identity, partnerDraft(order.buyer, ctx.config), order.number);
  return ctx.store.ledger.transition(row.id, ctx.owner, { state: 'partner_ready', data: { ...data, ...initialData(order), partner, origin: undefined } }, { type: 'partner_ready', message: `buyer ${identity} is ${erpLabel(ctx)} partner ${partner}` });
}

/**
 * Holds the order before any ERP write when the draft's payable total (as the ERP will compute
 * it) differs from the shop's grand total. A person's retry accepts the difference they saw; a
 * different one holds the order again with the new figures.
 */
async function holdIfTotalsDiffer(ctx: FlowContext, row: LinkRow, order: ShopOrder, plan: OrderPlan): Promise<LinkRow | undefined> {
  const data = row.data as OrderData;
  if (isZero(plan.difference)) return undefined;
  if (data.totalsHeld && data.heldDifference === plan.difference) return undefined;
  const sentence = heldSentence(order, plan, erpLabel(ctx));
  await ctx.store.ledger.transition(
    row.id,
    ctx.owner,
    { state: 'needs_attention', data: { ...data, resume: row.state, totalsHeld: true, heldDifference: plan.difference }, lastError: sentence, lastErrorClass: 'business', releaseLease: true },
    { type: 'needs_attention', message: sentence, data: { held: 'totals', before: 'erp_write' } },
  );
  return row;
}

/** Creates the ERP order under the exactly-once protocol: totals checked, intent committed, then the call. */
async function createInErp(ctx: FlowContext, row: LinkRow, order: ShopOrder): Promise<{ row: LinkRow; erp: ErpOrder } | undefined> {
  const data = row.data as OrderData;
  const plan = planErpOrder(order, data.partner as never, ctx.config, ctx.erp.orderArithmetic);
  if (row.state !== 'erp_pending' && (await holdIfTotalsDiffer(ctx, row, order, plan))) return undefined;
  if (plan.settingsMismatch && row.state !== 'erp_pending') {
    // The amounts come from the shop's row totals either way; the setting only misleads explanations.
    const lines = plan.checks.filter((check) => check.settingsPaid !== undefined).map((check) => `${check.label} (shop ${check.shopPaid}, by the settings ${check.settingsPaid})`);
    await ctx.store.ledger.appendEvent(row.id, { type: 'warning', message: `the discount of ${lines.join(', ')} does not add up with flows.orders.shopTax; set it to the shop's tax calculation settings. The order is entered with the shop's row totals.` });
  }
  const { draft } = plan;
  const edit = await editedFrom(ctx, row, order);
  if (edit === 'held') return undefined;
  if (edit) return replaceInErp(ctx, row, order, plan, edit);
  const pending = row.state === 'erp_pending'
    ? row
    : await ctx.store.ledger.transition(row.id, ctx.owner, { state: 'erp_pending', data: { ...data, draftTotal: plan.erpTotal } }, { type: 'intent', message: `entering the order in ${erpLabel(ctx)} (total ${plan.erpTotal}, shop grand total ${order.totals.grandTotal})` });
  const { order: created, warnings } = await ctx.erp.createOrder(draft);
  try {
    await ctx.hooks?.afterErpOrderCreated?.({ reference: order.number, erpKey: created.key });
    const recorded = await recordInErp(ctx, pending, created, `entered in ${erpLabel(ctx)} as ${created.displayNumber}`);
    for (const warning of warnings) await ctx.store.ledger.appendEvent(pending.id, { type: 'warning', message: warning.message, data: warning.record });
    return { row: recorded, erp: created };
  } catch (error) {
    // The order went out although another process has the row now (this one was paused after
    // its fence check): it must not be lost, and a second ERP order must reach a person.
    if (error instanceof LeaseLostError) await recordLateOrder(ctx, pending, created);
    throw error;
  }
}

const IN_ERP_STATES = ['in_erp', 'invoiced', 'invoice_in_shop', 'complete'];

/**
 * An edited shop order (Magento: `<number>-1` naming the order it replaces) whose original is in
 * the ERP takes that ERP order over instead of adding a second one. Returns the original's row and
 * ERP key, 'held' when a person must decide (the original is invoiced, or the ERP cannot change an
 * order), or undefined for an ordinary order (also an edit whose original never reached the ERP).
 */
async function editedFrom(ctx: FlowContext, row: LinkRow, order: ShopOrder): Promise<{ parent: LinkRow; erpKey: string } | 'held' | undefined> {
  const data = row.data as OrderData;
  if (data.replaced) {
    const parent = await ctx.store.ledger.get('order', { shopKey: data.replaced.number });
    return parent ? { parent, erpKey: data.replaced.erpKey } : undefined;
  }
  if (!order.replaces) return undefined;
  const parent = await ctx.store.ledger.get('order', { shopKey: order.replaces });
  if (parent?.state === 'erp_pending') {
    // The original may be reaching the ERP right now: entering the edit beside it could make two documents.
    throw transientError({ target: ctx.erp.name, record: { kind: 'order', key: order.number }, sentence: `Order ${order.number} is an edit of order ${order.replaces}, which is being entered in ${erpLabel(ctx)}; it waits until that is settled.`, retryAfterMs: 30_000 });
  }
  // Any original the ERP holds counts, also one waiting for a person after entry.
  if (!parent?.erpKey || !(IN_ERP_STATES.includes(parent.state) || parent.state === 'needs_attention')) return undefined;
  const erpDoc = (parent.data as OrderData).erp?.displayNumber ?? parent.erpKey;
  let sentence: string | undefined;
  if (parent.state !== 'in_erp' && parent.state !== 'needs_attention') {
    sentence = `Order ${order.number} is an edit of order ${order.replaces}, which ${erpLabel(ctx)} already invoiced (${erpDoc}); icsync does not enter it as a second ${erpLabel(ctx)} order. Credit that invoice in ${erpLabel(ctx)} and enter the edited order there by hand, then skip this order (icsync skip order ${order.number}).`;
  } else if (!ctx.erp.replaceOrder) {
    sentence = `Order ${order.number} is an edit of order ${order.replaces}, entered in ${erpLabel(ctx)} as ${erpDoc}, and icsync cannot change an order there. Change ${erpDoc} in ${erpLabel(ctx)} to match the edited order, then skip this order (icsync skip order ${order.number}).`;
  }
  if (sentence !== undefined) {
    await ctx.store.ledger.transition(row.id, ctx.owner, { state: 'needs_attention', data: { ...data, resume: row.state }, lastError: sentence, lastErrorClass: 'business', releaseLease: true }, { type: 'needs_attention', message: sentence });
    return 'held';
  }
  return { parent, erpKey: parent.erpKey };
}

/** The original of an edited order hands its ERP document over (one ledger row per ERP document). */
async function takeOverFrom(ctx: FlowContext, row: LinkRow): Promise<void> {
  const replaced = (row.data as OrderData).replaced;
  if (!replaced) return;
  const parent = await ctx.store.ledger.get('order', { shopKey: replaced.number });
  if (parent?.erpKey !== replaced.erpKey) return;
  await ctx.store.ledger.transition(parent.id, null, { state: 'replaced', erpKey: null }, { type: 'replaced', message: `edited in the shop into order ${row.shopKey}, which took over ${erpLabel(ctx)} order ${replaced.erpKey}` });
}

/** Replaces the original's ERP order with the edited order (intent first; repeating the replace is harmless). */
async function replaceInErp(ctx: FlowContext, row: LinkRow, order: ShopOrder, plan: OrderPlan, edit: { parent: LinkRow; erpKey: string }): Promise<{ row: LinkRow; erp: ErpOrder }> {
  const data = row.data as OrderData;
  const replaced = { number: edit.parent.shopKey ?? String(order.replaces), erpKey: edit.erpKey };
  const pending = row.state === 'erp_pending' && data.replaced
    ? row
    : await ctx.store.ledger.transition(row.id, ctx.owner, { state: 'erp_pending', data: { ...data, draftTotal: plan.erpTotal, replaced } }, { type: 'intent', message: `replacing ${erpLabel(ctx)} order ${edit.erpKey} of order ${replaced.number} with this edited order (total ${plan.erpTotal})` });
  const { order: changed, warnings } = await ctx.erp.replaceOrder!(edit.erpKey as ErpDocumentKey, plan.draft);
  for (const warning of warnings) await ctx.store.ledger.appendEvent(pending.id, { type: 'warning', message: warning.message, data: warning.record });
  await takeOverFrom(ctx, pending);
  const recorded = await recordInErp(ctx, pending, changed, `${erpLabel(ctx)} order ${changed.displayNumber} of order ${replaced.number} now carries this edited order; no second order was entered`);
  return { row: recorded, erp: changed };
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
  if (await heldForLateOrder(ctx, row, erp)) return;
  const data = row.data as OrderData;
  const settings = ctx.config.flows.orders;
  const gross = erp.grossTotal ?? (await readGross(ctx, row, erp));
  if (data.totalsHeld) {
    await ledger.appendEvent(row.id, { type: 'totals_accepted', message: 'the totals difference was accepted by a person (retry)' });
    const released = await releaseInvoicesOf(ctx, order.number);
    if (released > 0) await ledger.appendEvent(row.id, { type: 'note', message: `${released} held invoice${released === 1 ? '' : 's'} of this order released` });
  } else if (gross !== undefined) {
    // To the cent: icsync computed the total before sending, so any difference is the ERP's own doing.
    const mismatch = totalsMismatch(order.number, gross, order.totals.grandTotal, data.draftTotal, erp.displayNumber, erpLabel(ctx));
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

/**
 * A shop order canceled after it reached the ERP: its ERP order is canceled (flows.orders.onShopCancel
 * cancel, while not invoiced) or put in front of a person with what to do. An order canceled by an
 * edit is left to its successor, which takes its ERP order over.
 */
async function afterShopCancel(ctx: FlowContext, rb: ReportBuilder, order: ShopOrder, dryRun: boolean): Promise<void> {
  if (order.state !== 'canceled' && order.status !== 'canceled') return;
  const row = await ctx.store.ledger.get('order', { shopKey: order.number });
  if (!row?.erpKey || !IN_ERP_STATES.includes(row.state) || order.replacedBy) return;
  const data = row.data as OrderData;
  if (data.canceledInShop) return;
  const erpDoc = data.erp?.displayNumber ?? row.erpKey;
  const erp = erpLabel(ctx);
  rb.count(dryRun ? 'wouldHandleCancel' : 'canceledInShop');
  if (dryRun) {
    rb.change({ kind: 'order', key: order.number, action: 'write', fields: { canceledInShop: [undefined, erpDoc] } });
    return;
  }
  const invoiced = row.state !== 'in_erp';
  if (!invoiced && ctx.config.flows.orders.onShopCancel === 'cancel' && ctx.erp.cancelOrder) {
    try {
      await ctx.erp.cancelOrder(row.erpKey as ErpDocumentKey);
      await ctx.store.ledger.transition(row.id, null, { state: 'canceled', data: { ...data, canceledInShop: 'canceled_in_erp' } }, { type: 'canceled', message: `canceled in the shop; ${erp} order ${erpDoc} canceled too` });
      return;
    } catch (error) {
      if (!isSyncError(error) || error.errorClass !== 'business') throw error;
      await ctx.store.ledger.appendEvent(row.id, { type: 'warning', message: `${erp} refused to cancel ${erpDoc}: ${error.sentence}` });
    }
  }
  const sentence = invoiced
    ? `Order ${order.number} was canceled in the shop after ${erp} invoiced it (${erpDoc}). Issue a credit note for that invoice in ${erp}, then skip this order (icsync skip order ${order.number}).`
    : `Order ${order.number} was canceled in the shop; its ${erp} order ${erpDoc} is still open${ctx.config.flows.orders.onShopCancel === 'flag' ? ' (flows.orders.onShopCancel: flag)' : ''}. Cancel ${erpDoc} in ${erp}, then skip this order (icsync skip order ${order.number}).`;
  rb.problem('order', order.number, sentence);
  await ctx.store.ledger.transition(row.id, null, { state: 'needs_attention', data: { ...data, canceledInShop: 'flagged', resume: row.state }, lastError: sentence, lastErrorClass: 'business' }, { type: 'needs_attention', message: sentence });
}

/**
 * How many waiting rows a dry run reads back from the shop to show their would-be ERP order.
 * The report keeps no more changes than this anyway; the rest are counted.
 */
const DRY_RUN_PREVIEWS = 500;
const LEDGER_PAGE = 1000;

/** One ERP order line as a person reads it in a dry run: `SKU×quantity@price VAT code`. */
function describeLine(line: ErpOrderDraft['lines'][number]): string {
  const what = line.textOnly ? `"${line.name ?? ''}" (text line)` : line.sku;
  const discount = isZero(line.discountPercent) ? '' : ` less ${line.discountPercent} %`;
  return `${what}×${line.quantity}@${line.unitPrice}${discount} VAT ${line.vatRate}`;
}

/** The partner a dry run shows: the one recorded, the linked buyer's, or what would be looked up. */
async function previewPartner(ctx: FlowContext, order: ShopOrder, data: OrderData | undefined): Promise<string> {
  if (data?.partner) return data.partner;
  const identity = requireBuyerIdentity(order);
  const row = await ctx.store.ledger.get('partner', { shopKey: identity });
  if (row?.state === 'needs_attention' || row?.state === 'skipped') {
    throw businessError({
      sentence: `Order ${order.number}: its buyer ${identity} waits for a person (${row.lastError ?? row.state}). Fix the partner, retry it, then retry the order.`,
      record: { kind: 'order', key: order.number, field: 'buyer' },
    });
  }
  const code = row?.state === 'linked' ? partnerCodeOf(row) : undefined;
  return code ?? `(looked up or created in ${erpLabel(ctx)} for ${identity})`;
}

/**
 * A dry run's view of one order the step would work on: the ERP order it would enter, or the
 * reason it would wait for a person or be skipped. Reads only: no ledger write, no remote write.
 */
async function previewOrder(ctx: FlowContext, rb: ReportBuilder, key: string, known: KnownSkus, row?: LinkRow, shopOrder?: ShopOrder): Promise<void> {
  const data = row?.data as OrderData | undefined;
  try {
    const order = shopOrder ?? (await ctx.shop.getOrder(asShopOrderId(data!.orderId)));
    const gate = row && row.state !== 'erp_pending' ? entryGate(order, ctx.config.flows.orders) : undefined;
    if (gate !== undefined) {
      rb.count('wouldSkip');
      rb.change({ kind: 'order', key, action: 'write', fields: { state: [row?.state, 'skipped'], reason: [undefined, gate] } });
      return;
    }
    const plan = planErpOrder(order, asPartnerCode(await previewPartner(ctx, order, data)), ctx.config, ctx.erp.orderArithmetic);
    const draft = plan.draft;
    const accepted = data?.totalsHeld === true && data.heldDifference === plan.difference;
    if (!isZero(plan.difference) && !accepted && row?.state !== 'erp_pending') throw businessError({ sentence: heldSentence(order, plan, erpLabel(ctx)), record: { kind: 'order', key, field: 'grandTotal' } });
    if (!row || row.state === 'discovered') {
      const missing = await missingSkus(ctx, requiredSkus(order, ctx.config.flows.orders), known);
      if (missing.length > 0) throw unknownSkuError(ctx, order, missing);
    }
    const fields: PlannedChange['fields'] = {
      state: [row?.state, 'in_erp'],
      partner: [undefined, draft.partner],
      warehouse: [undefined, draft.warehouse],
      book: [undefined, draft.book],
      lines: [undefined, draft.lines.map(describeLine)],
      pricesIncludeVat: [undefined, draft.lines.every((line) => line.priceIncludesVat)],
    };
    if (draft.paymentMethod !== undefined) fields.paymentMethod = [undefined, draft.paymentMethod];
    if (draft.shippingMethod !== undefined) fields.shippingMethod = [undefined, draft.shippingMethod];
    fields.erpGross = [undefined, draftGross(draft, ctx.erp.orderArithmetic)];
    fields.grandTotal = [undefined, order.totals.grandTotal];
    if (row?.state === 'erp_pending') fields.note = [undefined, `looked up in ${erpLabel(ctx)} by its reference first; entered only if absent`];
    if (row) fields.due = [undefined, row.nextAttemptAt && row.nextAttemptAt > ctx.now() ? row.nextAttemptAt.toISOString() : 'now'];
    rb.count('wouldEnter');
    rb.change({ kind: 'order', key, action: 'create', fields });
  } catch (error) {
    if (!isSyncError(error) || error.errorClass !== 'business') throw error;
    rb.count('wouldNeedAttention');
    rb.problem('order', key, error.sentence);
  }
}

/** Dry run: the rows already waiting in the ledger (discovered, partner_ready, erp_pending), as the worker would take them. */
async function previewWaiting(ctx: FlowContext, rb: ReportBuilder, known: KnownSkus, signal?: AbortSignal): Promise<Set<string>> {
  const shown = new Set<string>();
  let previewed = 0;
  for (let offset = 0; ; offset += LEDGER_PAGE) {
    const rows = await ctx.store.ledger.list({ kind: 'order', states: [...ORDER_WORK_STATES], limit: LEDGER_PAGE, offset });
    for (const row of rows) {
      signal?.throwIfAborted();
      const key = row.shopKey ?? String(row.id);
      if (shown.has(key)) continue;
      shown.add(key);
      rb.count('waiting');
      if (previewed >= DRY_RUN_PREVIEWS) {
        rb.count('notPreviewed');
        continue;
      }
      previewed++;
      await previewOrder(ctx, rb, key, known, row);
    }
    if (rows.length < LEDGER_PAGE) break;
  }
  return shown;
}

/** The shop order of a row; a row an event created may know only the order number. */
async function readOrder(ctx: FlowContext, row: LinkRow, data: OrderData): Promise<ShopOrder> {
  if (data.orderId) return ctx.shop.getOrder(asShopOrderId(data.orderId));
  const found = await ctx.shop.findOrderByNumber(row.shopKey ?? '');
  // The event may come before the shop's API shows the order (a replica, a cache): try again later.
  if (!found) throw transientError({ sentence: `Order ${row.shopKey}: an event announced it, but ${shopLabel(ctx)} does not show it (yet).`, record: { kind: 'order', key: row.shopKey ?? '' } });
  return found;
}

function settingsStatusGate(ctx: FlowContext, order: ShopOrder): string | undefined {
  const statuses = ctx.config.flows.orders.statuses;
  return statuses.includes(order.status) ? undefined : `status ${order.status} is not in flows.orders.statuses`;
}

/**
 * With events on, the poll is reconciliation: an order it finds that no event brought, and that
 * is older than events.reconcileGrace (so not merely one whose event is on its way), is counted
 * and noted on the record (status page, `icsync status`).
 */
async function noteIfEventsMissed(ctx: FlowContext, rb: ReportBuilder, row: LinkRow, order: ShopOrder): Promise<void> {
  const events = ctx.config.events;
  if (events.intake === 'off') return;
  const age = ctx.now().getTime() - Date.parse(order.createdAt);
  if (!(age > events.reconcileGrace)) return;
  rb.count('missedByEvents');
  await ctx.store.counters.add(RECONCILIATION_MISSED);
  await ctx.store.ledger.appendEvent(row.id, { type: 'reconciled', message: `found by reconciliation: no ${events.intake} event announced it` });
}

/** An order skipped for its status when its event came, now in a status to enter. */
async function reviveForStatus(ctx: FlowContext, rb: ReportBuilder, row: LinkRow, order: ShopOrder): Promise<void> {
  if (settingsStatusGate(ctx, order) !== undefined) return;
  const { skippedForStatus: _dropped, ...data } = row.data as OrderData;
  await ctx.store.ledger.transition(row.id, null, { state: 'discovered', data: { ...data, ...initialData(order) } }, { type: 'discovered', message: `status ${order.status}: taken up again` });
  rb.count('discovered');
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
      // A dry run shows what the worker would do with the rows already waiting, then the new orders.
      const waiting = options.dryRun ? await previewWaiting(ctx, rb, known, options.signal) : new Set<string>();
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
            if (waiting.has(order.number)) continue;
            if (await ctx.store.ledger.get('order', { shopKey: order.number })) {
              rb.count('known');
              continue;
            }
            rb.count('wouldDiscover');
            await previewOrder(ctx, rb, order.number, known, undefined, order);
            continue;
          }
          const { row, created } = await ctx.store.ledger.ensure('order', { shopKey: order.number }, { state: 'discovered', data: initialData(order) });
          rb.count(created ? 'discovered' : 'known');
          if (created) await noteIfEventsMissed(ctx, rb, row, order);
          else if (row.state === 'skipped' && (row.data as OrderData | null)?.skippedForStatus) await reviveForStatus(ctx, rb, row, order);
        }
      }
      // Orders canceled in the shop after they reached the ERP (read apart: the status gate leaves them out).
      if (!settings.statuses.includes('canceled')) {
        for await (const page of ctx.shop.orders({ ...(since && { updatedSince: since }), statuses: ['canceled'], onUnreadable: () => undefined })) {
          options.signal?.throwIfAborted();
          for (const order of page) {
            if (newest === undefined || order.updatedAt > newest) newest = order.updatedAt;
            await afterShopCancel(ctx, rb, order, options.dryRun);
          }
        }
      }
      if (!options.dryRun && newest !== undefined) await ctx.store.cursors.set('orders', newest);
      return rb.finish();
    },

    async step(ctx, claimed) {
      let row = claimed;
      const data = row.data as OrderData;
      const order = await readOrder(ctx, row, data);
      // A row an event created: the status gate of discovery applies now that the order is read.
      if (data.origin === ORDER_EVENT_ORIGIN && row.state === 'discovered') {
        const statusGate = settingsStatusGate(ctx, order);
        if (statusGate !== undefined) {
          await ctx.store.ledger.transition(row.id, ctx.owner, { state: 'skipped', data: { ...data, orderId: order.id, skippedForStatus: true }, releaseLease: true }, { type: 'skipped', message: `not entered for now: ${statusGate}; taken up again when it is` });
          return;
        }
      }
      // Once the intent is recorded the ERP may already hold the order: it is looked up, never dropped.
      if (row.state !== 'erp_pending') {
        const skipped = skipIfGated(ctx, row, order);
        if (skipped) {
          await skipped;
          return;
        }
      }
      if (row.state === 'discovered') row = await toPartnerReady(ctx, row, order, known);
      if (row.state === 'erp_pending') {
        // Never re-send blindly: the previous attempt may have reached the ERP.
        const book = ctx.config.mappings.orderBook;
        const found = await ctx.erp.findOrderByReference(order.number, { orderDate: new Date(order.createdAt), ...(book && { book }) });
        if (found) {
          await takeOverFrom(ctx, row);
          row = await recordInErp(ctx, row, found, `found in ${erpLabel(ctx)} as ${found.displayNumber} by its reference; not sent again`);
          await afterInErp(ctx, row, order, found);
          return;
        }
      }
      const created = await createInErp(ctx, row, order);
      if (created) await afterInErp(ctx, created.row, order, created.erp);
    },
  };
}
