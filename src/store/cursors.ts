/** Flow cursors: where each flow's delta read resumes (opaque text the flow chooses). */
import type { Engine } from './engine.js';
import { run } from './engine.js';
import type { Cursors } from './types.js';

export function createCursors(engine: Engine, clock: () => Date): Cursors {
  const { db, codec } = engine;
  return {
    async get(flow) {
      const [row] = await engine.read(db.selectFrom('flow_cursors').select('value').where('flow', '=', flow));
      return row?.value;
    },
    async set(flow, value) {
      const t = codec.time(clock());
      await engine.write(function* () {
        yield* run(
          db
            .insertInto('flow_cursors')
            .values({ flow, value, updated_at: t })
            .onConflict((oc) => oc.column('flow').doUpdateSet({ value, updated_at: t })),
        );
      });
    },
  };
}
