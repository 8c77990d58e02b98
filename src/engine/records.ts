/**
 * What a person does to one record (CLI `icsync retry|skip|resync`, dashboard buttons):
 * - retry:  a row waiting for a person goes back to the state it stopped in (`data.resume`),
 *           due now, attempts cleared; a product or stock row is written again on the next run;
 * - skip:   the row is left alone from now on (state `skipped`);
 * - resync: forget the last written hash (products, stock) or re-run from the resume state.
 */
import type { EntityKind, LinkRow, Store } from '../store/index.js';

export class RecordNotFoundError extends Error {
  constructor(readonly kind: EntityKind, readonly key: string) {
    super(`no ${kind} with the key ${key} in the ledger`);
    this.name = 'RecordNotFoundError';
  }
}

const FIRST_STATE: Record<EntityKind, string> = { product: 'resync', stock: 'resync', partner: 'discovered', order: 'discovered', invoice: 'discovered' };
const BATCH_KINDS: readonly EntityKind[] = ['product', 'stock'];

async function find(store: Store, kind: EntityKind, key: string): Promise<LinkRow> {
  const row = (await store.ledger.get(kind, { shopKey: key })) ?? (await store.ledger.get(kind, { erpKey: key }));
  if (!row) throw new RecordNotFoundError(kind, key);
  return row;
}

function resumeState(row: LinkRow): string {
  if (BATCH_KINDS.includes(row.kind)) return 'resync';
  const resume = (row.data as { resume?: string } | null)?.resume;
  if (row.state === 'needs_attention' || row.state === 'skipped') return resume ?? FIRST_STATE[row.kind];
  return row.state;
}

export async function retryRecord(store: Store, kind: EntityKind, key: string): Promise<LinkRow> {
  const row = await find(store, kind, key);
  const state = resumeState(row);
  return store.ledger.transition(
    row.id,
    null,
    { state, attempts: 0, nextAttemptAt: null, lastError: null, lastErrorClass: null, ...(BATCH_KINDS.includes(kind) && { contentHash: null }), releaseLease: true },
    { type: 'retry', message: `retry asked by a person; resumes at ${state}` },
  );
}

export async function skipRecord(store: Store, kind: EntityKind, key: string): Promise<LinkRow> {
  const row = await find(store, kind, key);
  const data = { ...((row.data as Record<string, unknown> | null) ?? {}), resume: resumeState(row) };
  return store.ledger.transition(row.id, null, { state: 'skipped', nextAttemptAt: null, data, releaseLease: true }, { type: 'skipped', message: 'skipped by a person' });
}

export async function resyncRecord(store: Store, kind: EntityKind, key: string): Promise<LinkRow> {
  const row = await find(store, kind, key);
  if (BATCH_KINDS.includes(kind)) {
    return store.ledger.transition(row.id, null, { state: 'resync', contentHash: null, nextAttemptAt: null, lastError: null, lastErrorClass: null }, { type: 'resync', message: 'resync asked by a person: written again on the next run' });
  }
  return retryRecord(store, kind, key);
}
