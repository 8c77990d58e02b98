/**
 * The outbox of icsync's own events and the bus counters. Rows are written by the ledger and
 * the run history (in the transaction of the change they announce) and published by the relay
 * in src/bus/relay.ts, which marks them afterwards: a crash between the two publishes an event
 * twice under the same id, never loses one.
 */
import type { Insertable } from 'kysely';
import { run, select } from './engine.js';
import type { Codec, Engine } from './engine.js';
import { toDate } from './engine.js';
import type { OutboxTable } from './schema.js';
import type { Counters, Outbox, OutboxDraft } from './types.js';

export function outboxValues(draft: OutboxDraft, codec: Codec, at: Date): Insertable<OutboxTable> {
  return { type: draft.type, subject: draft.subject, data: codec.json(draft.data), created_at: codec.time(at) };
}

export function createOutbox(engine: Engine): Outbox {
  const { db, codec } = engine;
  return {
    async pending(limit) {
      const rows = await engine.read(db.selectFrom('outbox').selectAll().where('published_at', 'is', null).orderBy('id').limit(Math.max(1, limit)));
      return rows.map((row) => ({
        id: Number(row.id),
        type: row.type,
        subject: row.subject,
        data: (codec.readJson(row.data) ?? {}) as Record<string, unknown>,
        createdAt: toDate(row.created_at),
        attempts: Number(row.attempts),
      }));
    },
    async markPublished(ids) {
      if (ids.length === 0) return;
      const t = codec.time(new Date());
      await engine.write(function* () {
        yield* run(db.updateTable('outbox').set({ published_at: t }).where('id', 'in', [...ids]));
      });
    },
    async markFailed(id, error) {
      await engine.write(function* () {
        yield* run(db.updateTable('outbox').set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) })).where('id', '=', id));
      });
    },
    async backlog() {
      const [row] = await engine.read(db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('published_at', 'is', null));
      return Number(row?.n ?? 0);
    },
  };
}

export function createCounters(engine: Engine, clock: () => Date): Counters {
  const { db, codec } = engine;
  return {
    async add(name, by = 1) {
      const t = codec.time(clock());
      await engine.write(function* () {
        yield* select(
          db
            .insertInto('bus_counters')
            .values({ name, value: by, updated_at: t })
            .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb('bus_counters.value', '+', by), updated_at: t })))
            .returning('name'),
        );
      });
    },
    async all() {
      const rows = await engine.read(db.selectFrom('bus_counters').select(['name', 'value']));
      return Object.fromEntries(rows.map((row) => [row.name, Number(row.value)]));
    },
  };
}
