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
  /** File path, or `:memory:`. Parent directories are created. */
  path: string;
  /** How long a writer waits for another process's write lock. Default 5000 ms. */
  busyTimeoutMs?: number;
}

const STATEMENT_CACHE_SIZE = 200;

export const sqliteCodec: Codec = {
  time: (value) => value.getTime(),
  json: (value) => (value === undefined || value === null ? null : JSON.stringify(value)),
  readJson: (value) => (typeof value === 'string' ? (JSON.parse(value) as unknown) : null),
};

export function openSqliteEngine(options: SqliteOptions): Engine {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose
  // the last transactions, and the ledger's protocol re-checks the target after restarts.
  raw.pragma('synchronous = NORMAL');
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
  };
}
