/**
 * SQLite engine (default store): one better-sqlite3 connection per Store, WAL journal.
 * Fit for one process; several processes on one file are safe (writers queue on the
 * file lock via busy_timeout) but PostgreSQL is the store for scaling out.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { CompiledQuery } from 'kysely';
import type { Codec, Engine, Exec, TxBody } from './engine.js';
import type { Database } from './schema.js';

export interface SqliteOptions {
  /** File path, or `:memory:`. Parent directories are created (not with `readonly` or `image`). */
  path: string;
  /** How long a writer waits for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Open an existing file read-only: nothing is created, the journal mode is left as it is. */
  readonly?: boolean;
  /** An in-memory database loaded from this file image (`serialize()` or the file's bytes; changed in place); `path` only names it. */
  image?: Buffer;
}

/** The SQLite engine, with what a dry run needs beyond the Engine. */
export interface SqliteEngine extends Engine {
  /** From now on every write on this connection fails (PRAGMA query_only). */
  queryOnly(): void;
  /** The database as a file image, read in one transaction. */
  serialize(): Buffer;
}

const STATEMENT_CACHE_SIZE = 200;

export const sqliteCodec: Codec = {
  time: (value) => value.getTime(),
  json: (value) => (value === undefined || value === null ? null : JSON.stringify(value)),
  readJson: (value) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : null),
};

export function openSqliteEngine(options: SqliteOptions): SqliteEngine {
  const onDisk = options.path !== ':memory:' && options.image === undefined;
  let raw: BetterSqlite3.Database;
  if (options.image) {
    raw = new BetterSqlite3(loadableInMemory(options.image));
  } else if (options.readonly) {
    raw = new BetterSqlite3(options.path, { readonly: true, fileMustExist: true });
  } else {
    if (onDisk) mkdirSync(dirname(options.path), { recursive: true });
    raw = new BetterSqlite3(options.path);
  }
  if (onDisk && !options.readonly) {
    raw.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose
    // the last transactions, and the ledger's protocol re-checks the target after restarts.
    raw.pragma('synchronous = NORMAL');
  }
  raw.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  raw.pragma('foreign_keys = ON');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });

  // Prepared statements keyed by SQL text: recordHashes repeats the same chunk shape.
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (text: string): BetterSqlite3.Statement => {
    let stmt = statements.get(text);
    if (!stmt) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      stmt = raw.prepare(text);
      statements.set(text, stmt);
    }
    return stmt;
  };

  const execute = (query: CompiledQuery): Exec => {
    const stmt = prepare(query.sql);
    const params = query.parameters as unknown[];
    if (stmt.reader) {
      const rows = stmt.all(params);
      return { rows, affected: rows.length };
    }
    return { rows: [], affected: stmt.run(params).changes };
  };

  const drive = <T>(body: TxBody<T>): T => {
    const gen = body();
    let step = gen.next();
    while (!step.done) step = gen.next(execute(step.value));
    return step.value;
  };
  const transaction = raw.transaction(drive);

  return {
    dialect: 'sqlite',
    db,
    codec: sqliteCodec,
    read: async <R>(query: { compile(): CompiledQuery<R> }) => execute(query.compile()).rows as R[],
    write: async <T>(body: TxBody<T>) => transaction.immediate(body) as T,
    close: async () => {
      await db.destroy(); // closes `raw` through the driver
    },
    queryOnly: () => void raw.pragma('query_only = ON'),
    serialize: () => raw.serialize(),
  };
}

/**
 * A file image made loadable in memory. A WAL-mode file says so in its header (bytes 18 and
 * 19 = 2), and an in-memory database with that header cannot open: it would look for a -wal
 * file. The header is switched to the rollback journal (1) in place (no copy of a large
 * ledger); the pages are unchanged.
 */
function loadableInMemory(image: Buffer): Buffer {
  if (image.length >= 100 && image.subarray(0, 16).toString('latin1') === 'SQLite format 3\0' && image[18] === 2 && image[19] === 2) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}
