/** Remote calls counted per minute in the store (the Minimax call budget), on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { postgresBackend, sqliteBackend } from './backends.js';

const backends = [sqliteBackend(), await postgresBackend()];

describe.each(backends)('remote call counts on $name', (backend) => {
  const suite = backend.unavailable ? describe.skip : describe;
  suite(backend.unavailable ? `skipped: ${backend.unavailable}` : 'behaviour', () => {
    let store: Store;
    let other: Store;
    beforeAll(async () => {
      const url = await backend.create();
      store = await openStore({ url });
      other = await openStore({ url });
    });
    afterAll(async () => {
      await Promise.all([store?.close(), other?.close()]);
      await backend.dropAll();
    });

    it('sums the calls of every process in a rolling window and names the oldest minute', async () => {
      const now = Date.now();
      const hour = 3_600_000;
      await store.calls.record('minimax:org:1', new Date(now - 30 * hour), 500);
      await store.calls.record('minimax:org:1', new Date(now - 5 * hour), 7);
      await other.calls.record('minimax:org:1', new Date(now - 5 * hour), 3);
      await other.calls.record('minimax:org:1', new Date(now), 2);
      await store.calls.record('minimax:org:2', new Date(now), 99);
      const day = await store.calls.countSince('minimax:org:1', new Date(now - 24 * hour));
      expect(day.count).toBe(12);
      expect(day.oldest!.getTime()).toBe(Math.floor((now - 5 * hour) / 60_000) * 60_000);
      expect((await other.calls.countSince('minimax:org:1', new Date(now - 31 * hour))).count).toBe(512);
      expect(await store.calls.countSince('nobody', new Date(0))).toEqual({ count: 0 });
    });
  });
});
