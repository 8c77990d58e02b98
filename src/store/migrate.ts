/** Applies pending migrations on open; idempotent, and serialised across processes. */
import { Migrator } from 'kysely';
import type { Engine } from './engine.js';
import { StoreError } from './errors.js';
import { migrationProvider } from './migrations/index.js';

export async function migrateToLatest(engine: Engine): Promise<string[]> {
  const migrator = new Migrator({ db: engine.db, provider: migrationProvider(engine.dialect) });
  // PostgreSQL: Kysely takes an advisory lock. SQLite: two processes opening a fresh
  // file at once may see SQLITE_BUSY on the deferred migration transaction; retry.
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    const busy = (error as { code?: unknown }).code === 'SQLITE_BUSY' || (error as { code?: unknown }).code === 'SQLITE_BUSY_SNAPSHOT';
    if (!busy || attempt >= 5) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      throw new StoreError(`store migration ${failed ?? ''} failed: ${(error as Error).message ?? String(error)}`.replace('  ', ' '), {
        cause: error,
      });
    }
    await new Promise((done) => setTimeout(done, 50 * attempt));
  }
}
