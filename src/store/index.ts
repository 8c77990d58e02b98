/**
 * The store: ledger, cursors, run history and flow locks on SQLite (default, one
 * process) or PostgreSQL (many processes). Open with `openStore`; flows use the
 * repository functions on the returned object and never SQL.
 */
import type { Engine } from './engine.js';
import { StoreError } from './errors.js';
import { createCalls } from './calls.js';
import { createCursors } from './cursors.js';
import { createLedger } from './ledger.js';
import { createLocks } from './locks.js';
import { migrateToLatest } from './migrate.js';
import { openPostgresEngine } from './postgres.js';
import { openReadOnlyEngine } from './read-only.js';
import { openSqliteEngine } from './sqlite.js';
import { describeTarget, parseStoreUrl } from './target.js';
import { createRuns } from './runs.js';
import { createCounters, createOutbox } from './outbox.js';
import type { OutboxMapper, Store } from './types.js';

export type * from './types.js';
export { ENTITY_KINDS } from './types.js';
export { KeyConflictError, LeaseLostError, LinkNotFoundError, StoreConfigError, StoreError } from './errors.js';
export { DEFAULT_SQLITE_PATH, parseStoreUrl } from './target.js';
export { openScratch, type Scratch, type ScratchStockRow } from './scratch.js';

/** The subset of a pino logger the store uses. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface StoreConfig {
  /** `sqlite:./path.db`, `postgres://…`, or undefined for ./data/icsync.db. */
  url?: string;
  logger?: StoreLogger;
  /** Source of "now" for leases and timestamps (tests move it). Default: the system clock. */
  clock?: () => Date;
  /** SQLite: how long a writer waits for another process's lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** PostgreSQL: pool size per process. Default 5. */
  maxConnections?: number;
  /**
   * For dry runs: write nothing anywhere, no folder, file, migration or row; every write
   * fails. A store that does not exist yet reads as an empty ledger (see read-only.ts).
   */
  readOnly?: boolean;
  /** Ledger changes and runs that become published events (events.publish); none when absent. */
  outbox?: OutboxMapper;
}

export async function openStore(config: StoreConfig = {}): Promise<Store> {
  const target = parseStoreUrl(config.url);
  const described = describeTarget(target);
  const clock = config.clock ?? (() => new Date());
  if (config.readOnly) {
    try {
      const { engine, note } = await openReadOnlyEngine(target, {
        described,
        ...(config.busyTimeoutMs !== undefined && { busyTimeoutMs: config.busyTimeoutMs }),
        ...(config.maxConnections !== undefined && { maxConnections: config.maxConnections }),
        onIdleError: (err) => config.logger?.warn({ store: described, err: err.message }, 'store connection dropped'),
      });
      if (note) config.logger?.info({ store: described }, note);
      return storeOn(engine, described, clock);
    } catch (err) {
      throw openError(err, described);
    }
  }
  let engine: Engine;
  try {
    engine =
      target.dialect === 'sqlite'
        ? openSqliteEngine({ path: target.path, busyTimeoutMs: config.busyTimeoutMs })
        : openPostgresEngine({
            connectionString: target.connectionString,
            maxConnections: config.maxConnections,
            onIdleError: (err) => config.logger?.warn({ store: described, err: err.message }, 'store connection dropped'),
          });
  } catch (err) {
    throw openError(err, described);
  }
  try {
    const applied = await migrateToLatest(engine);
    if (applied.length > 0) config.logger?.info({ store: described, migrations: applied }, 'store migrated');
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw openError(err, described);
  }
  return storeOn(engine, described, clock, config.outbox);
}

function storeOn(engine: Engine, described: string, clock: () => Date, outbox?: OutboxMapper): Store {
  return {
    dialect: engine.dialect,
    target: described,
    ledger: createLedger(engine, clock, outbox),
    cursors: createCursors(engine, clock),
    runs: createRuns(engine, clock, outbox),
    locks: createLocks(engine, clock),
    outbox: createOutbox(engine),
    counters: createCounters(engine, clock),
    calls: createCalls(engine),
    close: () => engine.close(),
  };
}

function openError(err: unknown, described: string): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError(`cannot open the store at ${described}: ${(err as Error).message}`, { cause: err });
}
