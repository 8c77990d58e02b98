/** Small pieces every flow uses: cursors with an overlap window, naming the ERP, recording a batch failure. */
import { toSyncError, type SyncError } from '../core/errors.js';
import type { EntityKind, LinkRow } from '../store/index.js';
import type { FlowContext } from './types.js';

/**
 * Deltas are read from the cursor minus this window: records changed while the previous
 * run was reading, or stamped by a clock a little behind ours, are read again rather than
 * missed. Reading one twice is harmless: the content hash finds it unchanged.
 */
export const CURSOR_OVERLAP_MS = 5 * 60_000;

export async function readCursor(ctx: FlowContext, flow: string, full: boolean): Promise<Date | undefined> {
  if (full) return undefined;
  const value = await ctx.store.cursors.get(flow);
  if (value === undefined) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at - CURSOR_OVERLAP_MS);
}

/** How a person calls the ERP in a sentence ("SKU X is not in iCenter"). */
export function erpLabel(ctx: FlowContext): string {
  const names: Record<string, string> = { icenter: 'iCenter' };
  return ctx.erp.label ?? names[ctx.erp.name] ?? ctx.erp.name;
}

export function shopLabel(ctx: FlowContext): string {
  const names: Record<string, string> = { magento: 'Magento' };
  return names[ctx.shop.name] ?? ctx.shop.name;
}

/**
 * A record of a batch flow (product, stock row) that the target refused: the ledger keeps
 * the reason and the data needed to try again, and a later run retries it.
 */
export async function recordBatchFailure(ctx: FlowContext, kind: EntityKind, shopKey: string, error: SyncError, data: unknown): Promise<LinkRow> {
  const { row } = await ctx.store.ledger.ensure(kind, { shopKey }, { state: 'failed', data });
  return ctx.store.ledger.transition(
    row.id,
    null,
    { state: 'failed', lastError: error.sentence, lastErrorClass: error.errorClass, attempts: row.attempts + 1, data, contentHash: null },
    { type: 'failed', message: error.sentence, data: { errorClass: error.errorClass } },
  );
}

/**
 * A source row that could not be read (a connector's `onUnreadable`): the record is held as
 * failed with the sentence that names it, the field and the value, keeping what the ledger had
 * (a stored draft stays for later), marked so that nothing retries it from old data meanwhile.
 */
export async function recordUnreadable(ctx: FlowContext, kind: EntityKind, shopKey: string, error: SyncError): Promise<void> {
  const existing = await ctx.store.ledger.get(kind, { shopKey });
  const data = { ...((existing?.data as Record<string, unknown> | null) ?? {}), unreadable: error.sentence };
  await recordBatchFailure(ctx, kind, shopKey, error, data);
}

/** Whether a ledger row's data was marked by recordUnreadable. */
export const isUnreadable = (data: unknown): boolean => typeof (data as { unreadable?: unknown } | null)?.unreadable === 'string';

export const asSyncError = (error: unknown, doing?: string): SyncError => toSyncError(error, doing === undefined ? {} : { doing });

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The error sentence, prefixed with the record it concerns unless it already names it. */
export function aboutRecord(label: string, key: string, sentence: string): string {
  return sentence.includes(key) ? sentence : `${label} ${key}: ${sentence}`;
}
