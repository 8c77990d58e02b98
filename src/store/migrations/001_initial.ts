/**
 * The ledger (links + their event timeline), flow cursors, run history and flow locks.
 * See ARCHITECTURE.md, "The ledger".
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { StoreMigration } from './index.js';

export const initial: StoreMigration = {
  name: '001_initial',
  async up(db: Kysely<unknown>, dialect) {
    const pg = dialect === 'postgres';
    const time = pg ? 'timestamptz' : 'integer';
    const json = pg ? 'jsonb' : 'text';

    await db.schema
      .createTable('links')
      .addColumn('id', 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('shop_key', 'text')
      .addColumn('erp_key', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', time)
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', time)
      .addColumn('last_error', 'text')
      .addColumn('last_error_class', 'text')
      .addColumn('data', json)
      .addColumn('created_at', time, (c) => c.notNull())
      .addColumn('updated_at', time, (c) => c.notNull())
      .execute();
    // A key identifies at most one row of a kind; rows may lack either key for a while.
    await db.schema.createIndex('links_kind_shop_key').on('links').columns(['kind', 'shop_key']).unique()
      .where(sql.ref('shop_key'), 'is not', null).execute();
    await db.schema.createIndex('links_kind_erp_key').on('links').columns(['kind', 'erp_key']).unique()
      .where(sql.ref('erp_key'), 'is not', null).execute();
    await db.schema.createIndex('links_claim').on('links').columns(['state', 'next_attempt_at']).execute();
    await db.schema.createIndex('links_lease_owner').on('links').column('lease_owner')
      .where(sql.ref('lease_owner'), 'is not', null).execute();
    await db.schema.createIndex('links_updated_at').on('links').column('updated_at').execute();

    await db.schema
      .createTable('link_events')
      .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('link_id', 'integer', (c) => c.notNull().references('links.id').onDelete('cascade'))
      .addColumn('at', time, (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('state', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('data', json)
      .execute();
    await db.schema.createIndex('link_events_link').on('link_events').columns(['link_id', 'id']).execute();

    await db.schema
      .createTable('flow_cursors')
      .addColumn('flow', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', time, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('runs')
      .addColumn('id', 'integer', (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('flow', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_at', time, (c) => c.notNull())
      .addColumn('finished_at', time)
      .addColumn('counts', json)
      .addColumn('error', 'text')
      .addColumn('meta', json)
      .execute();
    await db.schema.createIndex('runs_flow').on('runs').columns(['flow', 'id']).execute();

    await db.schema
      .createTable('flow_locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('acquired_at', time, (c) => c.notNull())
      .addColumn('held_until', time, (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['flow_locks', 'runs', 'flow_cursors', 'link_events', 'links']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
