/**
 * A write that went out after its process had lost the row (ARCHITECTURE.md, "Fencing").
 *
 * The fence checks the lease right before a request leaves, but a process can still be paused
 * between that check and the bytes reaching the network. Such a write is never dropped silently:
 * the process that sent it appends a `late_write` event with the document's key to the row's
 * timeline (events are append-only, so no other process's update overwrites it). Then whichever
 * of the two processes comes second sees the other's document:
 * - the late writer reads the row: it already names another ERP document;
 * - the process that records `in_erp` reads the timeline: a late write names another document.
 * Each writes first and reads after, so at least one of them sees both, and the row goes to a
 * person with a sentence that names the two documents.
 */
import type { ErpOrder } from '../core/model.js';
import type { LinkRow } from '../store/index.js';
import { erpLabel } from './common.js';
import type { OrderData } from './order-data.js';
import type { FlowContext } from './types.js';

export const LATE_WRITE = 'late_write';

interface LateOrder {
  erpKey: string;
  displayNumber: string;
}

function duplicateSentence(ctx: FlowContext, orderNumber: string, recorded: LateOrder, late: LateOrder): string {
  const erp = erpLabel(ctx);
  // The key is named only where the ERP shows its documents under another number.
  const named = (doc: { displayNumber: string; erpKey: string }) => (doc.displayNumber === doc.erpKey ? doc.displayNumber : `${doc.displayNumber} (key ${doc.erpKey})`);
  return `Order ${orderNumber}: ${erp} has two orders for it, ${named(recorded)} recorded by icsync, and ${named(late)} sent by a process that had lost the record while it was paused. Cancel ${late.displayNumber} in ${erp} (or whichever was not processed further), then retry the order to accept the recorded one.`;
}

async function holdForPerson(ctx: FlowContext, row: LinkRow, sentence: string, documents: LateOrder[]): Promise<void> {
  const data = (row.data as OrderData | null) ?? ({} as OrderData);
  const resume = row.state === 'needs_attention' ? data.resume : row.state;
  await ctx.store.ledger.transition(
    row.id,
    null,
    { state: 'needs_attention', lastError: sentence, lastErrorClass: 'business', data: { ...data, ...(resume !== undefined && { resume }), duplicates: documents }, releaseLease: true },
    { type: 'needs_attention', message: sentence, data: { duplicates: documents } },
  );
}

/** Called by a process whose ERP order went out after it lost the row: record it, and flag a double. */
export async function recordLateOrder(ctx: FlowContext, row: LinkRow, created: ErpOrder): Promise<void> {
  const { ledger } = ctx.store;
  const late = { erpKey: created.key, displayNumber: created.displayNumber };
  await ledger.appendEvent(row.id, {
    type: LATE_WRITE,
    message: `${erpLabel(ctx)} order ${created.displayNumber === created.key ? created.key : `${created.displayNumber} (key ${created.key})`} was sent by ${ctx.owner} after another process had taken the record over`,
    data: late,
  });
  ctx.logger.warn({ order: row.shopKey, erpKey: created.key }, `order ${row.shopKey ?? ''} was entered in ${erpLabel(ctx)} as ${created.displayNumber} after this process had lost the record; recorded on its timeline`);
  const fresh = await ledger.get('order', { ...(row.shopKey && { shopKey: row.shopKey }) });
  if (fresh?.erpKey && fresh.erpKey !== created.key) {
    const recorded = { erpKey: fresh.erpKey, displayNumber: (fresh.data as OrderData | null)?.erp?.displayNumber ?? fresh.erpKey };
    await holdForPerson(ctx, fresh, duplicateSentence(ctx, fresh.shopKey ?? '', recorded, late), [recorded, late]);
  }
}

/** Called after a row was recorded `in_erp` with `erp`: a late write of another document makes it a double. True when held. */
export async function heldForLateOrder(ctx: FlowContext, row: LinkRow, erp: ErpOrder): Promise<boolean> {
  const found = await ctx.store.ledger.timeline('order', row.shopKey ?? erp.key);
  const late = found?.events.map((event) => (event.type === LATE_WRITE ? (event.data as LateOrder) : undefined)).find((doc) => doc !== undefined && doc.erpKey !== erp.key);
  if (!late) return false;
  const recorded = { erpKey: erp.key, displayNumber: erp.displayNumber };
  await holdForPerson(ctx, found!.link, duplicateSentence(ctx, row.shopKey ?? '', recorded, late), [recorded, late]);
  return true;
}

/**
 * Any other write that went out after its process lost the row (a partner, a shop invoice): kept
 * on the row's timeline and in the log, so `icsync explain` shows it. The process that holds the
 * row looks such documents up before it creates one (VAT ID, e-mail, name and address; the
 * invoice marker), so it normally finds this one instead of making a second.
 */
export async function recordLateWrite(ctx: FlowContext, row: LinkRow, what: string, data: Record<string, string>): Promise<void> {
  const message = `${what} was sent by ${ctx.owner} after another process had taken the record over`;
  await ctx.store.ledger.appendEvent(row.id, { type: LATE_WRITE, message, data });
  ctx.logger.warn({ kind: row.kind, key: row.shopKey ?? row.erpKey, ...data }, `${row.kind} ${row.shopKey ?? row.erpKey ?? ''}: ${message}; recorded on its timeline`);
}
