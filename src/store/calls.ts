/**
 * Remote calls counted per (target, minute): one upsert per batch of calls, and the count of a
 * rolling window is one SUM. Minutes older than two days are dropped now and then; no budget
 * window is longer than a day.
 */
import { sql } from 'kysely';
import type { CallCounter } from '../core/ports.js';
import type { Engine } from './engine.js';
import { run, toDate } from './engine.js';

const MINUTE = 60_000;
const KEEP_MS = 2 * 86_400_000;

export function createCalls(engine: Engine): CallCounter {
  const { db, codec } = engine;
  let lastPrune = 0;
  return {
    async record(target, at, count) {
      if (count <= 0) return;
      const minute = codec.time(new Date(Math.floor(at.getTime() / MINUTE) * MINUTE));
      const prune = at.getTime() - lastPrune > 3_600_000;
      if (prune) lastPrune = at.getTime();
      await engine.write(function* () {
        yield* run(
          db
            .insertInto('remote_calls')
            .values({ target, minute, count })
            .onConflict((oc) => oc.columns(['target', 'minute']).doUpdateSet({ count: sql`remote_calls.count + excluded.count` })),
        );
        if (prune) yield* run(db.deleteFrom('remote_calls').where('minute', '<', codec.time(new Date(at.getTime() - KEEP_MS))));
      });
    },
    async countSince(target, since) {
      // The minute the window starts in counts whole: a little early rather than over the limit.
      const from = codec.time(new Date(Math.floor(since.getTime() / MINUTE) * MINUTE));
      const [row] = await engine.read(
        db
          .selectFrom('remote_calls')
          .select((eb) => [eb.fn.sum<number | string | null>('count').as('total'), eb.fn.min('minute').as('oldest')])
          .where('target', '=', target)
          .where('minute', '>=', from),
      );
      const count = Number(row?.total ?? 0);
      const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : toDate(row.oldest as Date | number);
      return oldest ? { count, oldest } : { count };
    },
  };
}
