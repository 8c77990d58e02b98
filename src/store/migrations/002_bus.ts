/**
 * Event-driven mode (docs/EVENTS.md): the outbox of icsync's own events, written in the same
 * transaction as the ledger change it announces and published afterwards, so a crash never loses
 * or invents one; and counters the status page reads (events received, orders reconciliation
 * found that no event announced).
 */
import type { Kysely } from 'kysely';
import type { StoreMigration } from './index.js';

export const bus: StoreMigration = {
  name: '002_bus',
  async up(db: Kysely<unknown>, dialect) {
    const pg = dialect === 'postgres';
    const time = pg ? 'timestamptz' : 'integer';
    const json = pg ? 'jsonb' : 'text';
    await db.schema
      .createTable('outbox')
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('data', json)
      .addColumn('created_at', time, (c) => c.notNull())
      .addColumn('published_at', time)
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('outbox_pending').on('outbox').columns(['published_at', 'id']).execute();

    await db.schema
      .createTable('bus_counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', time, (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['bus_counters', 'outbox']) await db.schema.dropTable(table).ifExists().execute();
  },
};
