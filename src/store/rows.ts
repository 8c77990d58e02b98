/** Decoding stored rows (snake_case, dialect values) into the public camelCase shapes. */
import type { Selectable } from 'kysely';
import { toDate, toDateOrNull } from './engine.js';
import type { Codec } from './engine.js';
import type { LinkEventsTable, LinksTable, RunsTable } from './schema.js';
import type { EntityKind, ErrorClass, LinkEvent, LinkRow, RunRow, RunStatus } from './types.js';

export type RawLink = Selectable<LinksTable>;

export function toLink(raw: RawLink, codec: Codec): LinkRow {
  return {
    id: Number(raw.id),
    kind: raw.kind as EntityKind,
    shopKey: raw.shop_key,
    erpKey: raw.erp_key,
    state: raw.state,
    contentHash: raw.content_hash,
    attempts: Number(raw.attempts),
    nextAttemptAt: toDateOrNull(raw.next_attempt_at),
    leaseOwner: raw.lease_owner,
    leaseUntil: toDateOrNull(raw.lease_until),
    lastError: raw.last_error,
    lastErrorClass: raw.last_error_class as ErrorClass | null,
    data: codec.readJson(raw.data),
    createdAt: toDate(raw.created_at),
    updatedAt: toDate(raw.updated_at),
  };
}

export function toEvent(raw: Selectable<LinkEventsTable>, codec: Codec): LinkEvent {
  return {
    id: Number(raw.id),
    linkId: Number(raw.link_id),
    at: toDate(raw.at),
    type: raw.type,
    state: raw.state,
    message: raw.message,
    data: codec.readJson(raw.data),
  };
}

export function toRun(raw: Selectable<RunsTable>, codec: Codec): RunRow {
  return {
    id: Number(raw.id),
    flow: raw.flow,
    status: raw.status as RunStatus,
    startedAt: toDate(raw.started_at),
    finishedAt: toDateOrNull(raw.finished_at),
    counts: (codec.readJson(raw.counts) as Record<string, number> | null) ?? {},
    error: raw.error,
    meta: codec.readJson(raw.meta),
  };
}

/** Claim order: due earliest first (never-scheduled rows before all), then oldest row. */
export function byDueOrder(a: LinkRow, b: LinkRow): number {
  const at = a.nextAttemptAt?.getTime() ?? -Infinity;
  const bt = b.nextAttemptAt?.getTime() ?? -Infinity;
  return at === bt ? a.id - b.id : at < bt ? -1 : 1;
}
