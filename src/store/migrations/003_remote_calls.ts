/**
 * Calls made to remote systems with a call budget (Minimax: 1,000 per organisation per rolling
 * 24 h), counted per minute so every process sees one count and a rolling window is a sum.
 */
import type { Kysely } from 'kysely';
import type { StoreMigration } from './index.js';

export const remoteCalls: StoreMigration = {
  name: '003_remote_calls',
  async up(db: Kysely<unknown>, dialect) {
    const time = dialect === 'postgres' ? 'timestamptz' : 'integer';
    await db.schema
      .createTable('remote_calls')
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('minute', time, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('remote_calls_pk', ['target', 'minute'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('remote_calls').ifExists().execute();
  },
};
