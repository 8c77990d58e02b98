/**
 * Numbered schema migrations, applied in name order on open. Add a new file
 * (`002_….ts`) and list it here; never edit one that has shipped.
 */
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { StoreDialect } from '../types.js';
import { initial } from './001_initial.js';
import { bus } from './002_bus.js';
import { remoteCalls } from './003_remote_calls.js';

export interface StoreMigration {
  name: string;
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
  down(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}

export const migrations: readonly StoreMigration[] = [initial, bus, remoteCalls];

/** Kysely's provider, with the dialect bound so migrations can pick column types. */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return {
    getMigrations: async () => {
      const all: Record<string, Migration> = {};
      for (const m of migrations) {
        all[m.name] = { up: (db) => m.up(db, dialect), down: (db) => m.down(db, dialect) };
      }
      return all;
    },
  };
}
