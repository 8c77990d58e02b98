/**
 * The seam between the repositories and a dialect. Repositories build queries with
 * Kysely and hand them to an Engine; the engine runs them.
 *
 * Write transactions are written once as generators that yield compiled queries and
 * receive their results. Why: better-sqlite3 is synchronous, and a SQLite write
 * transaction that awaits between statements lets another connection in the same
 * process block the event loop in its busy handler while the lock holder cannot run.
 * Driving the generator synchronously inside `BEGIN IMMEDIATE` keeps each SQLite
 * transaction atomic with respect to the event loop; PostgreSQL drives the same
 * generator with awaits inside a normal transaction.
 */
import { sql, type Compilable, type CompiledQuery, type Kysely } from 'kysely';
import type { Database, DbTime } from './schema.js';
import type { StoreDialect } from './types.js';

export interface Exec {
  rows: unknown[];
  affected: number;
}

export type TxBody<T> = () => Generator<CompiledQuery, T, Exec>;

/** Converts values between the domain and one dialect's column representation. */
export interface Codec {
  time(value: Date): DbTime;
  json(value: unknown): string | null;
  readJson(value: unknown): unknown;
}

export interface Engine {
  dialect: StoreDialect;
  /** For building queries only: run them through `read` or `write`. */
  db: Kysely<Database>;
  codec: Codec;
  read<R>(query: Compilable<R>): Promise<R[]>;
  /** Runs `body` as one write transaction (SQLite: BEGIN IMMEDIATE). */
  write<T>(body: TxBody<T>): Promise<T>;
  close(): Promise<void>;
}

/** Inside a TxBody: `const r = yield* run(query)`. */
export function* run(query: Compilable<unknown>): Generator<CompiledQuery, Exec, Exec> {
  return yield query.compile();
}

/** Inside a TxBody: `const rows = yield* select(query)`, typed by the query's output. */
export function* select<R>(query: Compilable<R>): Generator<CompiledQuery, R[], Exec> {
  const result = yield query.compile();
  return result.rows as R[];
}

export function toDate(value: DbTime | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toDateOrNull(value: DbTime | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** Splits work into chunks: bound parameter counts stay below every dialect's limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * "Now" for leases and locks, read inside the transaction that uses it: `const now = yield* storeNow(engine, clock)`.
 * Expiry must be judged by one clock for every process: PostgreSQL's own (`now()`, the
 * transaction's start), not each machine's, or a process whose clock runs ahead (or a VM
 * resumed after a pause) takes over a lease that is still held. SQLite has one machine and one
 * writer, so its clock is this process's. A clock given to the store (tests) shifts the
 * database's by its offset from the system clock.
 */
export function* storeNow(engine: Engine, clock: () => Date): Generator<CompiledQuery, Date, Exec> {
  if (engine.dialect !== 'postgres') return clock();
  const [row] = yield* select(engine.db.selectNoFrom(sql<Date>`now()`.as('now')));
  return new Date(toDate(row!.now).getTime() + (clock().getTime() - Date.now()));
}
