/**
 * Named flow-run locks with a time to live: overlapping runs of one flow are skipped,
 * across processes too. A crashed holder's lock frees itself when the TTL passes.
 */
import type { Engine } from './engine.js';
import { run, select, storeNow, toDate } from './engine.js';
import type { Locks } from './types.js';

export function createLocks(engine: Engine, clock: () => Date): Locks {
  const { db, codec } = engine;
  return {
    async tryAcquire(name, owner, ttlMs) {
      // One statement: insert, or take over an expired lock, or renew our own.
      const taken = await engine.write(function* () {
        const now = yield* storeNow(engine, clock);
        const t = codec.time(now);
        const until = codec.time(new Date(now.getTime() + ttlMs));
        return yield* select(
          db
            .insertInto('flow_locks')
            .values({ name, owner, acquired_at: t, held_until: until })
            .onConflict((oc) =>
              oc
                .column('name')
                .doUpdateSet((eb) => ({
                  owner: eb.ref('excluded.owner'),
                  acquired_at: eb
                    .case()
                    .when('flow_locks.owner', '=', owner)
                    .then(eb.ref('flow_locks.acquired_at'))
                    .else(eb.ref('excluded.acquired_at'))
                    .end(),
                  held_until: eb.ref('excluded.held_until'),
                }))
                .where((eb) => eb.or([eb('flow_locks.held_until', '<=', t), eb('flow_locks.owner', '=', owner)])),
            )
            .returning('name'),
        );
      });
      return taken.length > 0;
    },
    async list() {
      const rows = await engine.read(db.selectFrom('flow_locks').selectAll());
      return rows.map((r) => ({ name: r.name, owner: r.owner, heldUntil: toDate(r.held_until) }));
    },
    async release(name, owner) {
      await engine.write(function* () {
        yield* run(db.deleteFrom('flow_locks').where('name', '=', name).where('owner', '=', owner));
      });
    },
  };
}
