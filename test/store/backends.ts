/**
 * The two real stores the suite runs against: a SQLite file in a temp directory, and a
 * throwaway PostgreSQL database at 127.0.0.1:5432 (created via the `postgres` database,
 * dropped afterwards). Without PostgreSQL its suite is skipped with a message, except
 * under CI=true where that is a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.ICSYNC_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Null when the backend cannot run here; the text says why. */
  unavailable: string | null;
  /** Creates a fresh empty database and returns its store URL. */
  create(): Promise<string>;
  dropAll(): Promise<void>;
}

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return `PostgreSQL not reachable at ${PG_ADMIN_URL.replace(/:[^:@/]*@/, '@')}: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    unavailable: null,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'icsync-store-'));
      dirs.push(dir);
      // A nested path proves that missing directories are created on first open.
      return `sqlite:${join(dir, 'nested', 'deeper', 'icsync.db')}`;
    },
    async dropAll() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresBackend(): Promise<Backend> {
  const unavailable = await probePostgres();
  if (unavailable) {
    if (process.env.CI === 'true') throw new Error(`${unavailable} (CI=true: the PostgreSQL store tests must run)`);
    console.warn(`\n[store tests] SKIPPING the PostgreSQL suite: ${unavailable}\n`);
  }
  const names: string[] = [];
  return {
    name: 'postgres',
    unavailable,
    async create() {
      const name = `icsync_test_${randomBytes(6).toString('hex')}`;
      await admin(`create database ${name}`);
      names.push(name);
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll() {
      for (const name of names.splice(0)) await admin(`drop database if exists ${name} with (force)`);
    },
  };
}
