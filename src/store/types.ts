/**
 * The store's public shapes: what flows, the engine, the CLI and the dashboard see of
 * the ledger, cursors, run history and flow locks. No SQL leaks through these types.
 *
 * Every `Date` here is an absolute instant (UTC underneath); the store never applies a
 * time zone.
 */
import type { ErrorClass } from '../core/errors.js';

/** The kinds of entity that cross between shop and ERP; one ledger row per entity. */
export type EntityKind = 'product' | 'stock' | 'partner' | 'order' | 'invoice';
export const ENTITY_KINDS: readonly EntityKind[] = ['product', 'stock', 'partner', 'order', 'invoice'];

/** How an error was classified at the connector edge (ARCHITECTURE.md, "Errors"). */
export type { ErrorClass };

/** One ledger row ("link"): an entity known by its shop key, its ERP key, or both. */
export interface LinkRow {
  id: number;
  kind: EntityKind;
  shopKey: string | null;
  erpKey: string | null;
  /** Free text owned by the flow, e.g. the order states `discovered`, `erp_pending`, … */
  state: string;
  /** Hash of the mapped record last written to the target; change detection compares it. */
  contentHash: string | null;
  attempts: number;
  /** When the row becomes due again; null means due now. */
  nextAttemptAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  lastError: string | null;
  lastErrorClass: ErrorClass | null;
  /** JSON the flow keeps with the row (e.g. the normalised order); null when none. */
  data: unknown;
  createdAt: Date;
  updatedAt: Date;
}

/** One entry of a link's append-only timeline (what `icsync explain` prints). */
export interface LinkEvent {
  id: number;
  linkId: number;
  at: Date;
  type: string;
  /** The link's state right after this event. */
  state: string | null;
  message: string;
  data: unknown;
}

export interface EventInput {
  type: string;
  message: string;
  data?: unknown;
}

export interface LinkKeys {
  shopKey?: string;
  erpKey?: string;
}

/** A change applied by `transition`; only the fields present are written. */
export interface LinkChange {
  state?: string;
  shopKey?: string;
  /** null unlinks the row from its ERP document (an edited shop order hands it to its successor). */
  erpKey?: string | null;
  contentHash?: string | null;
  attempts?: number;
  nextAttemptAt?: Date | null;
  lastError?: string | null;
  lastErrorClass?: ErrorClass | null;
  data?: unknown;
  /** Drop the caller's lease in the same update (the row becomes claimable when due). */
  releaseLease?: boolean;
}

export interface ClaimOptions {
  kinds: EntityKind[];
  states: string[];
  /** Identifies the worker: `host:pid:random`, unique per process. */
  owner: string;
  leaseMs: number;
  limit: number;
  /** Defaults to the store's clock. */
  now?: Date;
}

export interface HashRecord extends LinkKeys {
  contentHash: string;
  state: string;
  /** When absent the row keeps the data it had. */
  data?: unknown;
}

export interface ListFilter {
  kind?: EntityKind;
  states?: string[];
  /** Only rows that carry a last error. */
  withError?: boolean;
  /** Default 100, at most 1000. */
  limit?: number;
  offset?: number;
}

export interface StateCount {
  kind: EntityKind;
  state: string;
  count: number;
}

/** `interrupted`: the process was stopped during the run; what it did is in `counts`, the rest waits for the next run. */
export type RunStatus = 'running' | 'ok' | 'failed' | 'skipped' | 'interrupted';

export interface RunRow {
  id: number;
  flow: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, number>;
  error: string | null;
  meta: unknown;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  counts: Record<string, number>;
  error?: string;
}

export interface Ledger {
  /** The row with this shop key, or else the one with this ERP key. */
  get(kind: EntityKind, by: LinkKeys): Promise<LinkRow | undefined>;
  /** Rows for many keys at once (batched `IN (…)`), keyed by the key asked for. */
  getMany(kind: EntityKind, by: 'shop' | 'erp', keys: readonly string[]): Promise<Map<string, LinkRow>>;
  /**
   * Inserts the row if no row has these keys yet; otherwise returns the existing one
   * unchanged. Safe when several processes race on the same key.
   */
  ensure(
    kind: EntityKind,
    keys: LinkKeys,
    init: { state: string; data?: unknown; nextAttemptAt?: Date },
  ): Promise<{ row: LinkRow; created: boolean }>;
  /**
   * Bulk upsert after a successful write of products or stock rows: sets hash, state and
   * data (when given), clears attempts and last error. One transaction per call, chunked.
   * Rows are matched by shop key when given, else by ERP key. No timeline events (volume).
   */
  recordHashes(kind: EntityKind, rows: readonly HashRecord[]): Promise<void>;
  /**
   * Leases up to `limit` due rows (next attempt null or past, lease free or expired) to
   * `owner`, oldest due first. Two claimers never get the same row while a lease holds.
   */
  claimDue(opts: ClaimOptions): Promise<LinkRow[]>;
  /** Leases one row by id if its lease is free or expired (for an event that pushes one entity). */
  claimById(id: number, owner: string, leaseMs: number): Promise<LinkRow | undefined>;
  /** Extends a held lease (heartbeat during a long call). Throws `LeaseLostError` if lost. */
  renewLease(id: number, owner: string, leaseMs: number): Promise<LinkRow>;
  /**
   * Applies `change` and appends `event` in one transaction. With an owner, only while
   * that owner still holds the lease (else `LeaseLostError`); with null, unconditionally
   * (operator actions). A key already used by another row raises `KeyConflictError`.
   */
  transition(id: number, owner: string | null, change: LinkChange, event: EventInput): Promise<LinkRow>;
  release(id: number, owner: string): Promise<void>;
  /** Drops every lease `owner` holds (graceful shutdown); returns how many. */
  releaseAll(owner: string): Promise<number>;
  appendEvent(id: number, event: EventInput): Promise<void>;
  /** A link found by shop key or else ERP key, with its events oldest first. */
  timeline(kind: EntityKind, key: string): Promise<{ link: LinkRow; events: LinkEvent[] } | undefined>;
  /** Most recently updated first. */
  list(filter?: ListFilter): Promise<LinkRow[]>;
  countByState(): Promise<StateCount[]>;
}

export interface Cursors {
  get(flow: string): Promise<string | undefined>;
  set(flow: string, value: string): Promise<void>;
}

export interface Runs {
  start(flow: string, meta?: unknown): Promise<number>;
  finish(id: number, outcome: RunOutcome): Promise<void>;
  /** Newest first; all flows when `flow` is omitted. Default limit 20. */
  latest(flow?: string, limit?: number): Promise<RunRow[]>;
  /** The newest run of each flow. */
  lastPerFlow(): Promise<RunRow[]>;
  /**
   * Marks every run still `running` as `interrupted` with `error` as the reason, except runs of
   * the flows in `live` (a process that is alive still holds their lock). Returns the runs marked.
   */
  interruptRunning(live: readonly string[], error: string): Promise<RunRow[]>;
}

export interface LockRow {
  name: string;
  owner: string;
  heldUntil: Date;
}

export interface Locks {
  /**
   * Takes the named lock for `ttlMs`, or renews it when `owner` already holds it.
   * False while another owner holds an unexpired lock (the run should be skipped).
   */
  tryAcquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  /** Every lock as stored, expired ones included. */
  list(): Promise<LockRow[]>;
}

/** An event to publish, decided from a ledger change or a finished run (src/bus/outbox-events.ts). */
export interface OutboxDraft {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/**
 * Which ledger changes and runs become published events. The store calls it inside the write
 * transaction of the change, so the outbox row commits (or not) together with it.
 */
export interface OutboxMapper {
  fromLink(link: LinkRow, event: EventInput): OutboxDraft | undefined;
  fromRun(flow: string, outcome: RunOutcome): OutboxDraft | undefined;
}

export interface OutboxRow extends OutboxDraft {
  id: number;
  createdAt: Date;
  attempts: number;
}

export interface Outbox {
  /** Unpublished events, oldest first. */
  pending(limit: number): Promise<OutboxRow[]>;
  markPublished(ids: readonly number[]): Promise<void>;
  /** A publish that failed: counted, with the reason, and tried again later. */
  markFailed(id: number, error: string): Promise<void>;
  /** How many wait to be published. */
  backlog(): Promise<number>;
}

/** Monotonic counters of the event path (status page, `icsync status`). */
export interface Counters {
  add(name: string, by?: number): Promise<void>;
  all(): Promise<Record<string, number>>;
}

import type { CallCounter } from '../core/ports.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  dialect: StoreDialect;
  /** Where the store lives, without secrets (for logs and `icsync doctor`). */
  target: string;
  ledger: Ledger;
  cursors: Cursors;
  runs: Runs;
  locks: Locks;
  outbox: Outbox;
  counters: Counters;
  /** Calls to remote systems with a call budget, per minute (see calls.ts). */
  calls: CallCounter;
  close(): Promise<void>;
}
