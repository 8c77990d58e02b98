/** Applies pending migrations on open; idempotent, and serialised across processes. */
import { Migrator } from 'kysely';
import type { Engine } from './engine.js';
import { StoreError } from './errors.js';
import { migrationProvider } from './migrations/index.js';

const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

export async function migrateToLatest(engine: Engine): Promise<string[]> {
  const migrator = new Migrator({ db: engine.db, provider: migrationProvider(engine.dialect) });
  // PostgreSQL: Kysely takes an advisory lock. SQLite: two processes opening a fresh
  // file at once may see SQLITE_BUSY on the deferred migration transaction; retry.
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    if (BUSY_CODES.has(String((error as { code?: unknown }).code)) && attempt < 5) {
      await new Promise((done) => setTimeout(done, 50 * attempt));
      continue;
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    // Without a failed migration the error is about reaching the database: let the caller word it.
    if (!failed) throw error;
    throw new StoreError(`store migration ${failed} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}

/** Which migrations this store has and lacks, read without changing anything (a dry run's check). */
export async function migrationStatus(engine: Engine): Promise<{ applied: string[]; pending: string[] }> {
  const migrator = new Migrator({ db: engine.db, provider: migrationProvider(engine.dialect) });
  const all = await migrator.getMigrations();
  return {
    applied: all.filter((m) => m.executedAt !== undefined).map((m) => m.name),
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
