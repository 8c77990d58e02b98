/**
 * One behaviour suite for the store, run against SQLite and against a real PostgreSQL.
 * Tests share one database per dialect and isolate themselves by unique keys and states.
 */
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyConflictError, LeaseLostError, LinkNotFoundError, openStore } from '../../src/store/index.js';
import type { LinkRow, Store } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations/index.js';
import { postgresBackend, sqliteBackend } from './backends.js';

const backends = [sqliteBackend(), await postgresBackend()];
const uid = (): string => randomBytes(5).toString('hex');
const MINUTE = 60_000;

describe.each(backends)('store on $name', (backend) => {
  const suite = backend.unavailable ? describe.skip : describe;

  suite(backend.unavailable ? `skipped: ${backend.unavailable}` : 'behaviour', () => {
    let url: string;
    let store: Store;
    let other: Store; // a second instance (own connection / pool) on the same database
    let ahead: Store; // a process whose clock runs an hour ahead: sees leases and locks expired

    beforeAll(async () => {
      url = await backend.create();
      store = await openStore({ url });
      other = await openStore({ url });
      ahead = await openStore({ url, clock: () => new Date(Date.now() + 60 * MINUTE) });
    });

    afterAll(async () => {
      await Promise.all([store, other, ahead].map((s) => s?.close()));
      await backend.dropAll();
    });

    async function appliedMigrations(): Promise<number> {
      if (backend.name === 'sqlite') {
        const db = new BetterSqlite3(url.slice('sqlite:'.length), { readonly: true });
        try {
          return (db.prepare('select count(*) as n from kysely_migration').get() as { n: number }).n;
        } finally {
          db.close();
        }
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return Number((await client.query('select count(*) as n from kysely_migration')).rows[0].n);
      } finally {
        await client.end();
      }
    }

    it('reports its dialect and a target without secrets', () => {
      expect(store.dialect).toBe(backend.name);
      expect(store.target).toMatch(backend.name === 'sqlite' ? /^sqlite:\// : /^postgres:\/\/postgres@127\.0\.0\.1:5432\/icsync_test_/);
    });

    it('applies migrations once; opening again is a no-op that keeps the data', async () => {
      const key = uid();
      await store.ledger.ensure('order', { shopKey: key }, { state: 'discovered' });
      const again = await openStore({ url });
      try {
        expect((await again.ledger.get('order', { shopKey: key }))?.state).toBe('discovered');
      } finally {
        await again.close();
      }
      expect(await appliedMigrations()).toBe(migrations.length);
    });

    it('ensure inserts once and then returns the existing row unchanged', async () => {
      const key = uid();
      const first = await store.ledger.ensure('order', { shopKey: key }, { state: 'discovered', data: { total: '12.50' } });
      expect(first.created).toBe(true);
      expect(first.row).toMatchObject({ kind: 'order', shopKey: key, erpKey: null, state: 'discovered', attempts: 0, data: { total: '12.50' } });
      const second = await other.ledger.ensure('order', { shopKey: key }, { state: 'other', data: 1 });
      expect(second.created).toBe(false);
      expect(second.row.id).toBe(first.row.id);
      expect(second.row.state).toBe('discovered');
    });

    it('ensure is race-safe: many concurrent callers on two instances create exactly one row', async () => {
      const key = uid();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).ledger.ensure('partner', { erpKey: key }, { state: 'new' })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
    });

    it('keeps shop and ERP keys unique per kind, and reports a conflict with a clear error', async () => {
      const erpKey = `2026/VNK/${uid()}`;
      const a = (await store.ledger.ensure('order', { shopKey: uid(), erpKey }, { state: 'in_erp' })).row;
      const b = (await store.ledger.ensure('order', { shopKey: uid() }, { state: 'erp_pending' })).row;
      // Same ERP key under another kind is a different entity, allowed.
      await store.ledger.ensure('invoice', { erpKey }, { state: 'new' });

      const attempt = store.ledger.transition(b.id, null, { state: 'in_erp', erpKey }, { type: 'created', message: 'x' });
      await expect(attempt).rejects.toBeInstanceOf(KeyConflictError);
      await expect(attempt).rejects.toThrow(`another order ledger row already has ERP key "${erpKey}"`);
      // Nothing of the failed transition stuck: neither the change nor its event.
      const after = await store.ledger.timeline('order', b.shopKey as string);
      expect(after?.link.state).toBe('erp_pending');
      expect(after?.events).toHaveLength(0);
      expect((await store.ledger.get('order', { erpKey }))?.id).toBe(a.id);
    });

    it('claims only due rows with free or expired leases, earliest due first', async () => {
      const state = `due-${uid()}`;
      const now = new Date();
      const make = async (name: string, nextAttemptAt?: Date) =>
        (await store.ledger.ensure('order', { shopKey: `${state}-${name}` }, { state, nextAttemptAt })).row;
      const never = await make('never');
      const past = await make('past', new Date(now.getTime() - MINUTE));
      const future = await make('future', new Date(now.getTime() + 10 * MINUTE));
      const heldByOther = await make('held', new Date(now.getTime() - 2 * MINUTE));
      const expired = await make('expired', new Date(now.getTime() - 3 * MINUTE));
      await store.ledger.ensure('invoice', { shopKey: `${state}-other-kind` }, { state });

      expect((await store.ledger.claimById(heldByOther.id, 'worker-b', 60 * MINUTE))?.leaseOwner).toBe('worker-b');
      expect((await store.ledger.claimById(expired.id, 'crashed', MINUTE))?.leaseOwner).toBe('crashed');

      // Two minutes on, the crashed worker's one-minute lease has expired.
      const at = new Date(now.getTime() + 2 * MINUTE);
      const claimed = await store.ledger.claimDue({ kinds: ['order'], states: [state], owner: 'worker-a', leaseMs: 30 * MINUTE, limit: 10, now: at });
      expect(claimed.map((r) => r.id)).toEqual([never.id, expired.id, past.id]);
      for (const row of claimed) {
        expect(row.leaseOwner).toBe('worker-a');
        expect(row.leaseUntil?.getTime()).toBe(at.getTime() + 30 * MINUTE);
      }
      // Everything due is leased now; another worker gets nothing.
      expect(await other.ledger.claimDue({ kinds: ['order'], states: [state], owner: 'worker-c', leaseMs: MINUTE, limit: 10, now: at })).toEqual([]);
      // Once the future row is due, it is claimable, and only it.
      const later = await other.ledger.claimDue({ kinds: ['order'], states: [state], owner: 'worker-c', leaseMs: MINUTE, limit: 10, now: new Date(now.getTime() + 11 * MINUTE) });
      expect(later.map((r) => r.id)).toEqual([future.id]);
      expect(await store.ledger.claimDue({ kinds: [], states: [state], owner: 'x', leaseMs: 1, limit: 5 })).toEqual([]);
    });

    it('two instances claiming in parallel never get the same row, and together claim all', async () => {
      const state = `burst-${uid()}`;
      const total = 200;
      for (let i = 0; i < total; i++) await store.ledger.ensure('stock', { erpKey: `${state}-${i}` }, { state });
      const claimedBy = new Map<number, string>();
      const duplicates: number[] = [];
      const worker = async (instance: Store, owner: string): Promise<void> => {
        for (;;) {
          const rows = await instance.ledger.claimDue({ kinds: ['stock'], states: [state], owner, leaseMs: 10 * MINUTE, limit: 7 });
          if (rows.length === 0) return;
          for (const row of rows) {
            if (claimedBy.has(row.id)) duplicates.push(row.id);
            claimedBy.set(row.id, owner);
            expect(row.leaseOwner).toBe(owner);
          }
        }
      };
      await Promise.all([worker(store, 'a1'), worker(other, 'b1'), worker(store, 'a2'), worker(other, 'b2')]);
      expect(duplicates).toEqual([]);
      expect(claimedBy.size).toBe(total);
      if (backend.name === 'postgres') {
        // Real parallelism: both instances got work.
        const owners = new Set(claimedBy.values());
        expect(owners.has('a1') || owners.has('a2')).toBe(true);
        expect(owners.has('b1') || owners.has('b2')).toBe(true);
      }
    });

    it('a held lease is not handed out again, not even to the same owner', async () => {
      const row = (await store.ledger.ensure('partner', { shopKey: uid() }, { state: 'discovered' })).row;
      expect((await store.ledger.claimById(row.id, 'one-process', MINUTE))?.leaseOwner).toBe('one-process');
      expect(await store.ledger.claimById(row.id, 'one-process', MINUTE)).toBeUndefined();
      expect(await store.ledger.claimById(row.id, 'another', MINUTE)).toBeUndefined();
    });

    it('a transition by a worker that lost its lease throws and changes nothing', async () => {
      const key = uid();
      const row = (await store.ledger.ensure('order', { shopKey: key }, { state: 'partner_ready' })).row;
      const mine = await store.ledger.claimById(row.id, 'slow', MINUTE);
      expect(mine?.leaseOwner).toBe('slow');
      // For a process an hour ahead, the lease has expired; it takes the row.
      expect((await ahead.ledger.claimById(row.id, 'fast', MINUTE))?.leaseOwner).toBe('fast');
      const lost = store.ledger.transition(row.id, 'slow', { state: 'erp_pending' }, { type: 'intent', message: 'sending' });
      await expect(lost).rejects.toBeInstanceOf(LeaseLostError);
      await expect(lost).rejects.toThrow(`lease on ledger row ${row.id} is no longer held by slow (now: fast)`);
      await expect(store.ledger.renewLease(row.id, 'slow', MINUTE)).rejects.toBeInstanceOf(LeaseLostError);

      const done = await ahead.ledger.transition(row.id, 'fast', { state: 'erp_pending', attempts: 1, releaseLease: true }, { type: 'intent', message: 'sending' });
      expect(done).toMatchObject({ state: 'erp_pending', attempts: 1, leaseOwner: null, leaseUntil: null });
      const events = (await store.ledger.timeline('order', key))?.events ?? [];
      expect(events.map((e) => e.type)).toEqual(['intent']);
      await expect(store.ledger.transition(987654321, null, {}, { type: 't', message: 'm' })).rejects.toBeInstanceOf(LinkNotFoundError);
      await expect(store.ledger.appendEvent(987654321, { type: 't', message: 'm' })).rejects.toBeInstanceOf(LinkNotFoundError);
    });

    it('renews, releases one lease, and releases all leases of an owner', async () => {
      const state = `rel-${uid()}`;
      for (let i = 0; i < 3; i++) await store.ledger.ensure('order', { shopKey: `${state}-${i}` }, { state });
      const [first] = await store.ledger.claimDue({ kinds: ['order'], states: [state], owner: 'w', leaseMs: 1000, limit: 3 });
      const renewed = await store.ledger.renewLease(first!.id, 'w', 10 * MINUTE);
      expect(renewed.leaseUntil!.getTime()).toBeGreaterThan(Date.now() + 9 * MINUTE);
      await store.ledger.release(first!.id, 'someone-else'); // not theirs: no effect
      expect((await store.ledger.get('order', { shopKey: first!.shopKey! }))?.leaseOwner).toBe('w');
      await store.ledger.release(first!.id, 'w');
      expect((await store.ledger.get('order', { shopKey: first!.shopKey! }))?.leaseOwner).toBeNull();
      expect(await store.ledger.releaseAll('w')).toBe(2);
      expect(await store.ledger.claimDue({ kinds: ['order'], states: [state], owner: 'v', leaseMs: MINUTE, limit: 10 })).toHaveLength(3);
    });

    it('keeps the timeline in append order with the state after each event', async () => {
      const shopKey = uid();
      const erpKey = `2026/VNK/${uid()}`;
      const row = (await store.ledger.ensure('order', { shopKey }, { state: 'discovered' })).row;
      await store.ledger.appendEvent(row.id, { type: 'seen', message: 'order discovered', data: { source: 'poll' } });
      const claimed = await store.ledger.claimById(row.id, 'w', MINUTE);
      expect(claimed).toBeDefined();
      await store.ledger.transition(row.id, 'w', { state: 'erp_pending' }, { type: 'intent', message: 'sending to ERP' });
      const after = await store.ledger.transition(
        row.id,
        'w',
        { state: 'in_erp', erpKey, data: { erpKey }, lastError: null, releaseLease: true },
        { type: 'created', message: `created ${erpKey}`, data: { erpKey } },
      );
      expect(after).toMatchObject({ erpKey, state: 'in_erp', data: { erpKey }, leaseOwner: null });
      await store.ledger.appendEvent(row.id, { type: 'note', message: 'checked' });

      const byShop = await store.ledger.timeline('order', shopKey);
      const byErp = await other.ledger.timeline('order', erpKey);
      expect(byErp).toEqual(byShop);
      expect(byShop?.events.map((e) => [e.type, e.state])).toEqual([
        ['seen', 'discovered'],
        ['intent', 'erp_pending'],
        ['created', 'in_erp'],
        ['note', 'in_erp'],
      ]);
      expect(byShop?.events[0]?.data).toEqual({ source: 'poll' });
      expect(byShop?.events[3]?.data).toBeNull();
      expect(byShop?.events.every((e) => e.linkId === row.id && e.at instanceof Date)).toBe(true);
      expect(await store.ledger.timeline('order', 'no-such-key')).toBeUndefined();
    });

    it('records errors and retry times that survive a round trip exactly', async () => {
      const row = (await store.ledger.ensure('invoice', { erpKey: uid() }, { state: 'new' })).row;
      const retryAt = new Date('2031-02-03T04:05:06.789Z');
      const out = await store.ledger.transition(
        row.id,
        null,
        { state: 'needs_attention', attempts: 3, nextAttemptAt: retryAt, lastError: 'unknown SKU "ABC"', lastErrorClass: 'business', contentHash: 'h1' },
        { type: 'failed', message: 'unknown SKU "ABC"' },
      );
      expect(out).toMatchObject({ state: 'needs_attention', attempts: 3, lastError: 'unknown SKU "ABC"', lastErrorClass: 'business', contentHash: 'h1' });
      expect(out.nextAttemptAt?.toISOString()).toBe('2031-02-03T04:05:06.789Z');
      const listed = await other.ledger.list({ kind: 'invoice', states: ['needs_attention'], withError: true, limit: 1000 });
      expect(listed.find((r) => r.id === row.id)?.nextAttemptAt?.toISOString()).toBe(retryAt.toISOString());
      expect(listed.every((r) => r.lastError !== null)).toBe(true);
      expect(await store.ledger.list({ states: [] })).toEqual([]);
    });

    it('lists newest first and counts rows by kind and state', async () => {
      const state = `count-${uid()}`;
      const made: LinkRow[] = [];
      for (let i = 0; i < 5; i++) made.push((await store.ledger.ensure('partner', { shopKey: `${state}-${i}` }, { state })).row);
      // A clock an hour ahead makes this the most recent update, whatever the timer resolution.
      await ahead.ledger.transition(made[0]!.id, null, { data: { touched: true } }, { type: 'touch', message: 'touched' });
      const page = await store.ledger.list({ kind: 'partner', states: [state], limit: 2 });
      expect(page.map((r) => r.id)[0]).toBe(made[0]!.id);
      expect(page).toHaveLength(2);
      const rest = await store.ledger.list({ kind: 'partner', states: [state], limit: 10, offset: 2 });
      expect(rest).toHaveLength(3);
      expect(new Set([...page, ...rest].map((r) => r.id)).size).toBe(5);
      const counts = await store.ledger.countByState();
      expect(counts.filter((c) => c.state === state)).toEqual([{ kind: 'partner', state, count: 5 }]);
    });

    it('keeps cursors per flow', async () => {
      const flow = `orders-${uid()}`;
      expect(await store.cursors.get(flow)).toBeUndefined();
      await store.cursors.set(flow, '2026-09-01T10:00:00.000Z');
      await other.cursors.set(flow, '2026-09-01T11:00:00.000Z');
      expect(await store.cursors.get(flow)).toBe('2026-09-01T11:00:00.000Z');
      expect(await store.cursors.get(`${flow}-other`)).toBeUndefined();
    });

    it('keeps run history newest first and the last run of each flow', async () => {
      const flow = `products-${uid()}`;
      const first = await store.runs.start(flow, { full: true });
      await store.runs.finish(first, { status: 'failed', counts: { read: 10 }, error: 'ERP unreachable' });
      const second = await store.runs.start(flow);
      const [latest, previous] = await store.runs.latest(flow);
      expect(latest).toMatchObject({ id: second, flow, status: 'running', finishedAt: null, counts: {}, meta: null });
      expect(previous).toMatchObject({ id: first, status: 'failed', counts: { read: 10 }, error: 'ERP unreachable', meta: { full: true } });
      expect(previous?.finishedAt).toBeInstanceOf(Date);
      await store.runs.finish(second, { status: 'ok', counts: { read: 3, written: 2 } });
      const last = (await other.runs.lastPerFlow()).filter((r) => r.flow === flow);
      expect(last).toMatchObject([{ id: second, status: 'ok', counts: { read: 3, written: 2 } }]);
      expect((await store.runs.latest(undefined, 1))).toHaveLength(1);
    });

    it('flow locks exclude other owners until released or expired', async () => {
      const name = `flow:stock:${uid()}`;
      expect(await store.locks.tryAcquire(name, 'p1', MINUTE)).toBe(true);
      expect(await other.locks.tryAcquire(name, 'p2', MINUTE)).toBe(false);
      expect(await store.locks.tryAcquire(name, 'p1', MINUTE)).toBe(true); // renewal by the holder
      await other.locks.release(name, 'p2'); // not the holder: no effect
      expect(await other.locks.tryAcquire(name, 'p2', MINUTE)).toBe(false);
      // An hour later the one-minute lock has expired (crashed holder).
      expect(await ahead.locks.tryAcquire(name, 'p3', MINUTE)).toBe(true);
      expect(await store.locks.tryAcquire(name, 'p1', MINUTE)).toBe(false);
      await ahead.locks.release(name, 'p3');
      expect(await other.locks.tryAcquire(name, 'p2', MINUTE)).toBe(true);
    });

    it('concurrent tryAcquire calls give the lock to exactly one owner', async () => {
      const name = `flow:orders:${uid()}`;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).locks.tryAcquire(name, `o${i}`, MINUTE)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('records 10,000 content hashes in one call and reads them back in bulk', async () => {
      const prefix = uid();
      const keys = Array.from({ length: 10_000 }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
      const started = Date.now();
      await store.ledger.recordHashes(
        'product',
        keys.map((sku, i) => ({ shopKey: sku, erpKey: sku, contentHash: `h${i}`, state: 'synced', data: { i } })),
      );
      const written = Date.now() - started;
      const found = await other.ledger.getMany('product', 'erp', keys);
      expect(found.size).toBe(10_000);
      expect(found.get(keys[1234]!)).toMatchObject({ shopKey: keys[1234], contentHash: 'h1234', state: 'synced', data: { i: 1234 } });

      // Second pass: half change; data absent keeps the stored data; errors are cleared.
      const failing = found.get(keys[0]!)!;
      await store.ledger.transition(failing.id, null, { attempts: 2, lastError: 'timeout', lastErrorClass: 'transient' }, { type: 'failed', message: 'timeout' });
      await store.ledger.recordHashes(
        'product',
        keys.filter((_, i) => i % 2 === 0).map((sku) => ({ shopKey: sku, contentHash: 'new', state: 'synced' })),
      );
      const again = await store.ledger.getMany('product', 'shop', keys);
      expect(again.size).toBe(10_000);
      expect([...again.values()].filter((r) => r.contentHash === 'new')).toHaveLength(5_000);
      expect(again.get(keys[0]!)).toMatchObject({ contentHash: 'new', attempts: 0, lastError: null, lastErrorClass: null, data: { i: 0 }, erpKey: keys[0] });
      expect(again.get(keys[1]!)?.contentHash).toBe('h1');
      expect(written).toBeLessThan(15_000);
    });

    it('records hashes by ERP key alone, and duplicates within one call (last one wins)', async () => {
      const key = `${uid()}|0000003`;
      await store.ledger.recordHashes('stock', [
        { erpKey: key, contentHash: 'a', state: 'synced' },
        { erpKey: key, contentHash: 'b', state: 'synced' },
      ]);
      expect((await store.ledger.get('stock', { erpKey: key }))?.contentHash).toBe('b');
      expect((await store.ledger.getMany('stock', 'erp', [key, key, 'missing'])).size).toBe(1);
      await store.ledger.recordHashes('stock', []);
    });

    it('never hands out one row twice to concurrent claims of one instance', async () => {
      const state = `one-${uid()}`;
      for (let i = 0; i < 30; i++) await store.ledger.ensure('order', { shopKey: `${state}-${i}` }, { state });
      const batches = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.ledger.claimDue({ kinds: ['order'], states: [state], owner: `w${i}`, leaseMs: MINUTE, limit: 5 })),
      );
      const ids = batches.flat().map((r) => r.id);
      expect(ids).toHaveLength(30);
      expect(new Set(ids).size).toBe(30);
    });
  });
});
