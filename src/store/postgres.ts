/**
 * PostgreSQL engine: a connection pool; any number of processes may share the database
 * (claims use FOR UPDATE SKIP LOCKED).
 */
import { Kysely, PostgresDialect } from 'kysely';
import type { Compilable } from 'kysely';
import pg from 'pg';
import type { Codec, Engine, Exec, TxBody } from './engine.js';
import type { Database } from './schema.js';

export interface PostgresOptions {
  connectionString: string;
  /** Pool size. Default 5. */
  maxConnections?: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted). */
  onIdleError?: (err: Error) => void;
  /** Every connection refuses writes (default_transaction_read_only): a dry run's guard. */
  readonly?: boolean;
}

export const postgresCodec: Codec = {
  time: (value) => value,
  json: (value) => (value === undefined || value === null ? null : JSON.stringify(value)),
  // jsonb arrives parsed.
  readJson: (value) => (value === undefined ? null : value),
};

export function openPostgresEngine(options: PostgresOptions): Engine {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 5,
    application_name: 'icsync',
    connectionTimeoutMillis: 10_000,
  });
  // Without a listener an idle client's error would crash the process.
  pool.on('error', (err) => options.onIdleError?.(err));
  // Set per session rather than as a startup option, which a user's own `options=` in the URL
  // would replace. A client runs its queries in order, so this comes before any other; if it
  // fails the client is ended, so its queries fail rather than run writable.
  if (options.readonly) {
    pool.on('connect', (client) => {
      client.query('SET default_transaction_read_only = on').catch(() => client.end().catch(() => undefined));
    });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  return {
    dialect: 'postgres',
    db,
    codec: postgresCodec,
    read: async <R>(query: Compilable<R>) => (await db.executeQuery(query.compile())).rows,
    write: <T>(body: TxBody<T>) =>
      db.transaction().execute(async (trx) => {
        const gen = body();
        let step = gen.next();
        while (!step.done) {
          const result = await trx.executeQuery(step.value);
          const exec: Exec = { rows: result.rows, affected: Number(result.numAffectedRows ?? result.rows.length) };
          step = gen.next(exec);
        }
        return step.value;
      }),
    close: () => db.destroy(),
  };
}
