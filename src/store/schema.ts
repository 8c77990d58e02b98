/**
 * Table shapes as Kysely sees them (snake_case, as stored). Only the store's own modules
 * use these; callers get the camelCase rows from types.ts.
 *
 * Timestamps: `timestamptz` on PostgreSQL (driver gives `Date`), epoch milliseconds UTC
 * as INTEGER on SQLite (sortable, compact). JSON: `jsonb` on PostgreSQL, TEXT on SQLite;
 * written as JSON text on both (PostgreSQL casts the text parameter to jsonb).
 */
import type { ColumnType, Generated } from 'kysely';

export type DbTime = Date | number;
type DbJson = ColumnType<unknown, string | null, string | null>;

export interface LinksTable {
  id: Generated<number>;
  kind: string;
  shop_key: string | null;
  erp_key: string | null;
  state: string;
  content_hash: string | null;
  attempts: Generated<number>;
  next_attempt_at: DbTime | null;
  lease_owner: string | null;
  lease_until: DbTime | null;
  last_error: string | null;
  last_error_class: string | null;
  data: DbJson;
  created_at: DbTime;
  updated_at: DbTime;
}

export interface LinkEventsTable {
  id: Generated<number | string>;
  link_id: number;
  at: DbTime;
  type: string;
  state: string | null;
  message: string;
  data: DbJson;
}

export interface FlowCursorsTable {
  flow: string;
  value: string;
  updated_at: DbTime;
}

export interface RunsTable {
  id: Generated<number>;
  flow: string;
  status: string;
  started_at: DbTime;
  finished_at: DbTime | null;
  counts: DbJson;
  error: string | null;
  meta: DbJson;
}

export interface FlowLocksTable {
  name: string;
  owner: string;
  acquired_at: DbTime;
  held_until: DbTime;
}

export interface OutboxTable {
  id: Generated<number | string>;
  type: string;
  subject: string;
  data: DbJson;
  created_at: DbTime;
  published_at: DbTime | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface BusCountersTable {
  name: string;
  value: ColumnType<number | string, number, number>;
  updated_at: DbTime;
}

export interface RemoteCallsTable {
  target: string;
  /** Start of the minute the calls were made in. */
  minute: DbTime;
  count: number;
}

export interface Database {
  links: LinksTable;
  link_events: LinkEventsTable;
  flow_cursors: FlowCursorsTable;
  runs: RunsTable;
  flow_locks: FlowLocksTable;
  outbox: OutboxTable;
  bus_counters: BusCountersTable;
  remote_calls: RemoteCallsTable;
}
