/** Run history: one row per flow run, for `icsync status` and the dashboard. */
import type { Engine } from './engine.js';
import { run, select } from './engine.js';
import { toRun } from './rows.js';
import { outboxValues } from './outbox.js';
import type { OutboxMapper, Runs } from './types.js';

export function createRuns(engine: Engine, clock: () => Date, outbox?: OutboxMapper): Runs {
  const { db, codec } = engine;
  return {
    async start(flow, meta) {
      const t = codec.time(clock());
      const [row] = await engine.write(function* () {
        return yield* select(
          db.insertInto('runs').values({ flow, status: 'running', started_at: t, meta: codec.json(meta) }).returning('id'),
        );
      });
      return Number(row?.id);
    },
    async finish(id, outcome) {
      const now = clock();
      const t = codec.time(now);
      await engine.write(function* () {
        const [row] = yield* select(
          db
            .updateTable('runs')
            .set({ status: outcome.status, finished_at: t, counts: codec.json(outcome.counts), error: outcome.error ?? null })
            .where('id', '=', id)
            .returning('flow'),
        );
        const announced = row && outbox?.fromRun(row.flow, outcome);
        if (announced) yield* run(db.insertInto('outbox').values(outboxValues(announced, codec, now)));
      });
    },
    async latest(flow, limit = 20) {
      let query = db.selectFrom('runs').selectAll();
      if (flow !== undefined) query = query.where('flow', '=', flow);
      const rows = await engine.read(query.orderBy('id', 'desc').limit(Math.max(1, limit)));
      return rows.map((r) => toRun(r, codec));
    },
    async interruptRunning(live, error) {
      const t = codec.time(clock());
      const rows = await engine.write(function* () {
        let query = db.updateTable('runs').set({ status: 'interrupted', finished_at: t, error }).where('status', '=', 'running');
        if (live.length > 0) query = query.where('flow', 'not in', [...live]);
        return yield* select(query.returningAll());
      });
      return rows.map((r) => toRun(r, codec));
    },
    async lastPerFlow() {
      const newest = db.selectFrom('runs').select((eb) => eb.fn.max('id').as('id')).groupBy('flow');
      const rows = await engine.read(db.selectFrom('runs').selectAll().where('id', 'in', newest).orderBy('flow'));
      return rows.map((r) => toRun(r, codec));
    },
  };
}
