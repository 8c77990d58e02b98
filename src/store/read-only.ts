/**
 * Opening the store for a dry run: nothing may reach the disk or the database, not a folder,
 * a file, a migration or a row. Every engine opened here refuses writes, so a flow that
 * writes in a dry run fails loudly instead of changing the ledger.
 *
 * SQLite
 * - no file yet: an empty ledger in memory (migrated there); no folder or file is created.
 * - a file no process has open (no -wal beside it): its bytes are read once and used in memory.
 *   Opening it read-only would not do: SQLite creates -wal and -shm files next to a WAL-mode
 *   database for any reader, and leaves them behind.
 * - a file another process is using (its -wal exists): opened read-only, sharing that
 *   process's -wal and -shm, which exist anyway.
 * A file from an older icsync is brought up to date in memory only.
 *
 * PostgreSQL: every session is read-only. No icsync tables yet: an empty ledger in memory.
 * Tables from an older icsync: refused with a sentence (migrating would change the database).
 */
import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import type { Engine } from './engine.js';
import { StoreError } from './errors.js';
import { migrateToLatest, migrationStatus } from './migrate.js';
import { openPostgresEngine } from './postgres.js';
import { openSqliteEngine, type SqliteEngine } from './sqlite.js';
import type { StoreTarget } from './target.js';

export interface ReadOnlyOpen {
  engine: Engine;
  /** What the dry run reads, when it is not simply the store: said in the log. */
  note?: string;
}

export interface ReadOnlyOptions {
  described: string;
  busyTimeoutMs?: number;
  maxConnections?: number;
  onIdleError?: (err: Error) => void;
}

export async function openReadOnlyEngine(target: StoreTarget, options: ReadOnlyOptions): Promise<ReadOnlyOpen> {
  return target.dialect === 'sqlite' ? openSqliteReadOnly(target.path, options) : openPostgresReadOnly(target.connectionString, options);
}

/** An empty ledger that lives in this process only. */
async function emptyInMemory(): Promise<SqliteEngine> {
  return sealed(openSqliteEngine({ path: ':memory:' }));
}

/** Brings an in-memory copy up to date, then refuses writes. */
async function sealed(engine: SqliteEngine): Promise<SqliteEngine> {
  try {
    await migrateToLatest(engine);
    engine.queryOnly();
    return engine;
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw err;
  }
}

async function openSqliteReadOnly(path: string, options: ReadOnlyOptions): Promise<ReadOnlyOpen> {
  if (path === ':memory:') return { engine: await emptyInMemory() };
  if (!existsSync(path)) return { engine: await emptyInMemory(), note: `${options.described} does not exist yet: the dry run compares against an empty ledger and creates no file` };
  const image = snapshotIfIdle(path);
  if (image?.length === 0) return { engine: await emptyInMemory(), note: `${options.described} is empty: the dry run compares against an empty ledger` };
  if (image) return { engine: await sealed(openSqliteEngine({ path, image })) };
  const live = openSqliteEngine({ path, readonly: true, busyTimeoutMs: options.busyTimeoutMs });
  try {
    const { pending } = await migrationStatus(live);
    if (pending.length === 0) {
      live.queryOnly();
      return { engine: live };
    }
    // An older file in use by another process: its contents, migrated in memory.
    const copy = live.serialize();
    await live.close();
    return { engine: await sealed(openSqliteEngine({ path, image: copy })), note: `${options.described} is from an older icsync: the dry run reads it brought up to date in memory` };
  } catch (err) {
    await live.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The file's bytes when no process has it open (no -wal beside it), else undefined. Read
 * again if the file changed while it was read (a process opened and wrote it meanwhile).
 */
function snapshotIfIdle(path: string): Buffer | undefined {
  const same = (a: Stats, b: Stats) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (existsSync(`${path}-wal`)) return undefined;
    const before = statSync(path);
    const bytes = readFileSync(path);
    const after = statSync(path);
    if (same(before, after) && bytes.length === after.size && !existsSync(`${path}-wal`)) return bytes;
  }
  return undefined;
}

async function openPostgresReadOnly(connectionString: string, options: ReadOnlyOptions): Promise<ReadOnlyOpen> {
  const engine = openPostgresEngine({
    connectionString,
    readonly: true,
    ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
    ...(options.onIdleError && { onIdleError: options.onIdleError }),
  });
  let status: { applied: string[]; pending: string[] };
  try {
    status = await migrationStatus(engine);
  } catch (err) {
    await engine.close().catch(() => undefined);
    throw err;
  }
  if (status.pending.length === 0) return { engine };
  await engine.close();
  if (status.applied.length === 0) {
    return { engine: await emptyInMemory(), note: `${options.described} has no icsync tables yet: the dry run compares against an empty ledger and creates none` };
  }
  throw new StoreError(
    `The store at ${options.described} was made by an older icsync (${status.pending.join(', ')} not applied yet), and a dry run does not change it. ` +
      'Run any other icsync command once (e.g. icsync status), which brings it up to date, then the dry run again.',
  );
}
