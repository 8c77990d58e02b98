/**
 * subjects (shop → ERP): each order's buyer becomes a linked ERP partner. Found by VAT ID,
 * then by e-mail; created when missing. A partner row follows the same exactly-once
 * protocol as an order: `erp_pending` is committed before the create, and a row found in
 * `erp_pending` is looked up before anything is sent again.
 */
import { businessError, transientError, isSyncError } from '../core/errors.js';
import { asPartnerCode, type ErpPartner, type PartnerDraft } from '../core/model.js';
import { KeyConflictError, LeaseLostError, type LinkRow } from '../store/index.js';
import { erpLabel, readCursor } from './common.js';
import { recordLateWrite } from './late-writes.js';
import { whileLeased } from './lease.js';
import { orderGate } from './order-mapping.js';
import { buyerIdentity, normaliseVatId, partnerDraft } from './partner-mapping.js';
import { startReport, type ReportBuilder } from './report.js';
import type { FlowContext, LedgerFlow } from './types.js';

export interface PartnerData {
  draft: PartnerDraft;
  /** Orders this buyer placed that led here (the first few, for explain). */
  orders: string[];
  matchedBy?: 'vatId' | 'email' | 'created';
  /** The ERP partner code (also the row's ERP key, unless another identity holds that). */
  code?: string;
  resume?: string;
  /** When icsync asked the ERP to create the partner (ISO, UTC): an interrupted create is looked for from there. */
  createAskedAt?: string;
}

/**
 * `contact_pending`: the partner exists in the ERP (code recorded) but the second call of its
 * create, the e-mail contact, has not been made or was refused; the worker adds it.
 */
export const PARTNER_WORK_STATES = ['discovered', 'erp_pending', 'contact_pending'] as const;

/**
 * An e-mail match stands for a buyer with a VAT ID only when it cannot be another company:
 * the partner found has the same VAT ID, or none and the same kind. Otherwise a company
 * ordering from an address a person already used would be invoiced to that person.
 */
function acceptMatch(draft: PartnerDraft, found: ErpPartner, matchedBy: 'vatId' | 'email'): boolean {
  if (matchedBy === 'vatId' || !draft.vatId) return true;
  if (found.vatId) return normaliseVatId(found.vatId) === draft.vatId;
  return found.kind === draft.kind;
}

/**
 * Records the link. Two buyer identities may lead to one ERP partner (a VAT ID and an
 * e-mail of the same company): the ledger's ERP key belongs to the first, the others keep
 * the code in their data.
 */
async function link(ctx: FlowContext, row: LinkRow, code: string, data: PartnerData, message: string, eventData?: unknown, options: { contactPending?: boolean; keepLease?: boolean; nextAttemptAt?: Date } = {}): Promise<LinkRow> {
  const state = options.contactPending ? 'contact_pending' : 'linked';
  const change = {
    state, data: { ...data, code }, lastError: null, lastErrorClass: null, attempts: 0, releaseLease: !options.keepLease,
    ...(options.nextAttemptAt && { nextAttemptAt: options.nextAttemptAt }),
  } as const;
  const event = { type: state, message, ...(eventData !== undefined && { data: eventData }) };
  try {
    return await ctx.store.ledger.transition(row.id, ctx.owner, { ...change, erpKey: code }, event);
  } catch (error) {
    if (!(error instanceof KeyConflictError)) throw error;
    return ctx.store.ledger.transition(row.id, ctx.owner, change, { ...event, message: `${message} (the same partner as another buyer identity)` });
  }
}

/** The second call of a create, made on its own: the e-mail contact, then `linked`. */
async function finishContact(ctx: FlowContext, row: LinkRow): Promise<string> {
  const data = row.data as PartnerData;
  const code = partnerCodeOf(row) ?? '';
  const { warnings } = await ctx.erp.ensurePartnerContact(asPartnerCode(code), data.draft);
  for (const warning of warnings) await ctx.store.ledger.appendEvent(row.id, { type: 'warning', message: warning.message, data: warning.record });
  await link(ctx, row, code, data, `the e-mail contact of ${erpLabel(ctx)} partner ${code} is there; linked`);
  return code;
}

/**
 * A partner found after an interrupted create (erp_pending) may lack what the create's later
 * calls write: linked only once its e-mail contact is there.
 */
async function linkFound(ctx: FlowContext, row: LinkRow, code: string, data: PartnerData, message: string): Promise<string> {
  if (row.state !== 'erp_pending' || !data.draft.email) {
    await link(ctx, row, code, data, message);
    return code;
  }
  const pending = await link(ctx, row, code, data, message, undefined, { contactPending: true, keepLease: true });
  return finishContact(ctx, pending);
}

/** The ERP partner code a linked row stands for. */
export const partnerCodeOf = (row: LinkRow): string | undefined => row.erpKey ?? (row.data as PartnerData | null)?.code;

/** Moves one claimed partner row to `linked`, returning the ERP partner code. */
export async function resolvePartner(ctx: FlowContext, row: LinkRow): Promise<string> {
  const data = row.data as PartnerData;
  const { ledger } = ctx.store;
  if (row.state === 'contact_pending') return finishContact(ctx, row);
  const lookup = await ctx.erp.findPartner({ ...(data.draft.vatId && { vatId: data.draft.vatId }), ...(data.draft.email && { email: data.draft.email }) });
  if (lookup && acceptMatch(data.draft, lookup.partner, lookup.matchedBy)) {
    const code = lookup.partner.code;
    const message = row.state === 'erp_pending'
      ? `found in ${erpLabel(ctx)} as ${code} after an interrupted create; not created again`
      : `found in ${erpLabel(ctx)} as ${code} by ${lookup.matchedBy === 'vatId' ? 'VAT ID' : 'e-mail'}`;
    return linkFound(ctx, row, code, { ...data, matchedBy: lookup.matchedBy }, message);
  }
  if (row.state === 'erp_pending') {
    // The create may have gone through without its answer reaching us, or died before its
    // e-mail contact was added: then neither VAT ID nor e-mail finds it, but what it wrote does.
    const since = data.createAskedAt ? new Date(data.createAskedAt) : row.updatedAt;
    const left = await ctx.erp.findCreatedPartner(data.draft, since);
    if (left) {
      return linkFound(ctx, row, left.code, { ...data, matchedBy: 'created' }, `found in ${erpLabel(ctx)} as ${left.code} by name and address after an interrupted create; not created again`);
    }
  }
  if (!ctx.config.flows.subjects.createMissing) {
    throw businessError({
      sentence: `Buyer ${row.shopKey} is not in ${erpLabel(ctx)} (no partner with this VAT ID or e-mail) and flows.subjects.createMissing is false: create the partner in ${erpLabel(ctx)}, then retry.`,
      record: { kind: 'partner', key: row.shopKey ?? '' },
    });
  }
  const asked = { ...data, createAskedAt: ctx.now().toISOString() };
  const pending = await ledger.transition(row.id, ctx.owner, { state: 'erp_pending', data: asked }, { type: 'intent', message: `creating the partner in ${erpLabel(ctx)}` });
  const created = await ctx.erp.createPartner(data.draft);
  for (const warning of created.warnings) {
    await ledger.appendEvent(pending.id, { type: 'warning', message: warning.message, data: warning.record });
  }
  // A refused e-mail contact is added on a later attempt, not never: the row waits in contact_pending.
  const later = created.contactAdded ? {} : { contactPending: true, nextAttemptAt: new Date(ctx.now().getTime() + ctx.config.worker.backoffBase) };
  try {
    await link(ctx, pending, created.code, { ...asked, matchedBy: 'created' }, `created in ${erpLabel(ctx)} as ${created.code}${created.contactAdded ? '' : '; its e-mail contact is added on a later attempt'}`, { warnings: created.warnings.map((w) => w.message) }, later);
  } catch (error) {
    if (error instanceof LeaseLostError) await recordLateWrite(ctx, pending, `${erpLabel(ctx)} partner ${created.code}`, { code: created.code });
    throw error;
  }
  return created.code;
}

/**
 * The ERP partner code for a buyer, creating the partner row and resolving it inline when
 * the subjects flow has not done so yet (the orders flow must not wait for its schedule).
 */
export async function ensurePartner(ctx: FlowContext, identity: string, draft: PartnerDraft, orderNumber: string): Promise<string> {
  const { ledger } = ctx.store;
  const { row } = await ledger.ensure('partner', { shopKey: identity }, { state: 'discovered', data: { draft, orders: [orderNumber] } satisfies PartnerData });
  // A partner whose e-mail contact is still to come exists in the ERP: its orders need not wait.
  const contactOnly = row.state === 'contact_pending' || (row.state === 'needs_attention' && (row.data as PartnerData | null)?.resume === 'contact_pending');
  const linked = row.state === 'linked' || contactOnly ? partnerCodeOf(row) : undefined;
  if (linked) return linked;
  if (row.state === 'needs_attention' || row.state === 'skipped') {
    throw businessError({
      sentence: `Order ${orderNumber}: its buyer ${identity} waits for a person (${row.lastError ?? row.state}). Fix the partner, retry it, then retry the order.`,
      record: { kind: 'order', key: orderNumber, field: 'buyer' },
    });
  }
  const claimed = await ledger.claimById(row.id, ctx.owner, ctx.config.worker.leaseDuration);
  if (!claimed) {
    throw transientError({ sentence: `Order ${orderNumber}: its buyer ${identity} is being linked by another worker; the order will be tried again.`, record: { kind: 'order', key: orderNumber } });
  }
  try {
    return await whileLeased(ctx.store, { id: claimed.id, owner: ctx.owner, leaseMs: ctx.config.worker.leaseDuration }, ctx.logger, () => resolvePartner(ctx, claimed));
  } catch (error) {
    await ledger.release(claimed.id, ctx.owner).catch(() => undefined);
    // A lost lease here is the partner row's, not the order's: the worker must not take it for
    // its own (it would keep the order's lease); the order is simply tried again.
    if (error instanceof LeaseLostError) {
      throw transientError({ sentence: `Order ${orderNumber}: its buyer ${identity} was taken over by another worker while being linked; the order will be tried again.`, record: { kind: 'order', key: orderNumber } });
    }
    throw error;
  }
}

/**
 * Dry run: partner rows already waiting for work (discovered, or a create that was interrupted).
 * The drain after a real discovery finds or creates those that are due in the ERP; the others
 * are listed with the time they are due. Read only.
 */
async function listWaiting(ctx: FlowContext, rb: ReportBuilder): Promise<void> {
  const page = 1000;
  const now = ctx.now();
  for (let offset = 0; ; offset += page) {
    const rows = await ctx.store.ledger.list({ kind: 'partner', states: [...PARTNER_WORK_STATES], limit: page, offset });
    for (const row of rows) {
      const later = row.nextAttemptAt !== null && row.nextAttemptAt > now;
      rb.count(later ? 'waitingLater' : 'wouldLink');
      const name = (row.data as PartnerData | null)?.draft?.name;
      rb.change({
        kind: 'partner',
        key: row.shopKey ?? row.erpKey ?? `#${row.id}`,
        action: 'write',
        fields: { state: [row.state, 'linked'], due: [undefined, later ? row.nextAttemptAt!.toISOString() : 'now'], ...(name !== undefined && { name: [undefined, name] }) },
      });
    }
    if (rows.length < page) return;
  }
}

export function createSubjectsFlow(): LedgerFlow {
  return {
    name: 'subjects',
    kind: 'ledger',
    entity: 'partner',
    workStates: PARTNER_WORK_STATES,
    async discover(ctx, options) {
      const rb = startReport('subjects', options.dryRun);
      const settings = ctx.config.flows.orders;
      const since = await readCursor(ctx, 'subjects', options.full);
      let newest: string | undefined;
      const seen = new Set<string>();
      // An unreadable order waits for a person in the orders flow; here it only must not stop the others.
      const onUnreadable = (order: { id: string; number?: string }, error: Error) => {
        rb.problem('order', order.number ?? `id:${order.id}`, isSyncError(error) ? error.sentence : error.message);
      };
      for await (const page of ctx.shop.orders({ ...(since && { updatedSince: since }), statuses: settings.statuses, onUnreadable })) {
        options.signal?.throwIfAborted();
        for (const order of page) {
          if (newest === undefined || order.updatedAt > newest) newest = order.updatedAt;
          if (orderGate(order, settings) !== undefined) continue;
          rb.count('read');
          const identity = buyerIdentity(order.buyer);
          if (identity === undefined) {
            rb.problem('order', order.number, `Order ${order.number}: the buyer has neither a VAT ID nor an e-mail, so no ERP partner can be found or created. Add one in the shop, then retry the order.`);
            continue;
          }
          if (options.dryRun) {
            // A buyer with several orders is one partner: listed once.
            if (seen.has(identity)) continue;
            seen.add(identity);
            if (await ctx.store.ledger.get('partner', { shopKey: identity })) {
              rb.count('known');
              continue;
            }
            // Recorded, then found or created in the ERP by the drain that follows.
            rb.count('wouldDiscover');
            rb.count('wouldLink');
            rb.change({ kind: 'partner', key: identity, action: 'create', fields: { name: [undefined, partnerDraft(order.buyer, ctx.config).name] } });
            continue;
          }
          const { created } = await ctx.store.ledger.ensure('partner', { shopKey: identity }, { state: 'discovered', data: { draft: partnerDraft(order.buyer, ctx.config), orders: [order.number] } satisfies PartnerData });
          rb.count(created ? 'discovered' : 'known');
        }
      }
      // The drain that a real run does next would work these too (found or created in the ERP).
      if (options.dryRun) await listWaiting(ctx, rb);
      if (!options.dryRun && newest !== undefined) await ctx.store.cursors.set('subjects', newest);
      return rb.finish();
    },
    async step(ctx, row) {
      await resolvePartner(ctx, row);
    },
  };
}
