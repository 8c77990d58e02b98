/**
 * One conformance suite for every event transport (webhook, Kafka, RabbitMQ, NATS JetStream),
 * against the real brokers: at-least-once delivery that intake makes exactly-once in the ledger,
 * acknowledgement only after the ledger row is committed, redelivery to the next process of
 * what a stopped one held, and (Kafka) a consumer group sharing and handing over partitions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIntake, type IntakeOutcome } from '../../src/bus/intake.js';
import { openStore, type Store } from '../../src/store/index.js';
import { KITS, orderEvent, unique, type Consumer } from './harness.js';

const logger = pino({ level: process.env.ICSYNC_TEST_LOG ?? 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** The store, with a switch that makes recording fail (the database is down). */
function switchable(store: Store): { store: Store; down: boolean; tries: number } {
  const handle = { store, down: false, tries: 0 };
  const ledger = new Proxy(store.ledger, {
    get(target, property, receiver) {
      if (property === 'ensure') {
        return async (...args: Parameters<Store['ledger']['ensure']>) => {
          handle.tries += 1;
          if (handle.down) throw new Error('the store does not answer (test)');
          return target.ensure(...args);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  handle.store = { ...store, ledger };
  return handle;
}

for (const kit of KITS) {
  describe(`${kit.name} transport`, () => {
    let reason: string | null = null;
    let dir: string;
    let store: Store;
    const consumers: Consumer[] = [];

    beforeAll(async () => {
      reason = await kit.unavailable();
      if (reason && process.env.CI === 'true') throw new Error(reason);
      if (reason) console.warn(`skipping the ${kit.name} suite: ${reason}`);
    });
    afterEach(async () => {
      await Promise.allSettled(consumers.splice(0).map((consumer) => consumer.stop()));
      await store?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    afterAll(() => undefined);

    async function freshStore(): Promise<Store> {
      dir = mkdtempSync(join(tmpdir(), `icsync-bus-${kit.name}-`));
      store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
      return store;
    }

    const orderRows = async () => (await store.ledger.list({ kind: 'order', limit: 1000 })).map((row) => row.shopKey).sort();

    it('records each order once however often its event comes, acknowledges ignored and unreadable messages', async ({ skip }) => {
      if (reason) skip(reason);
      await freshStore();
      const events = await kit.fresh();
      let wakes = 0;
      const outcomes: IntakeOutcome[] = [];
      const intake = createIntake({ store, logger, wake: () => (wakes += 1), onAccepted: (outcome) => outcomes.push(outcome) });
      const consumer = kit.consumer(events, intake, logger);
      consumers.push(consumer);
      await consumer.start();
      const numbers = Array.from({ length: 12 }, (_, i) => `${unique('o')}-${i}`);
      const bodies = numbers.flatMap((number) => [orderEvent(number, 'placed'), orderEvent(number, 'invoiced')]);
      bodies.splice(5, 0, JSON.stringify({ specversion: '1.0', id: 'x1', source: 'urn:test', type: 'com.example.something.else', subject: 'n/a' }));
      // A broker cannot answer 400: an unreadable message must be dropped, not block those behind it.
      if (kit.name !== 'webhook') bodies.splice(3, 0, '{not json', JSON.stringify({ specversion: '1.0', id: 'x2', source: 'urn:test', type: 'com.icsync.magento.order.placed' }));
      await kit.produce(events, bodies);
      await waitFor('every order in the ledger', async () => (await orderRows()).length === numbers.length && outcomes.length >= numbers.length * 2 + 1);
      expect(await orderRows()).toEqual([...numbers].sort());
      expect(outcomes.filter((o) => o.status === 'recorded')).toHaveLength(numbers.length);
      expect(outcomes.filter((o) => o.status === 'known')).toHaveLength(numbers.length);
      expect(outcomes.filter((o) => o.status === 'ignored')).toHaveLength(1);
      expect(wakes).toBeGreaterThanOrEqual(numbers.length);
      for (const row of await store.ledger.list({ kind: 'order', limit: 1000 })) expect(row.state).toBe('discovered');
      const counters = await store.counters.all();
      expect(counters['events.recorded']).toBe(numbers.length);
    }, 60_000);

    it('acknowledges only after the row is committed: what a stopped consumer held comes to the next one', async ({ skip }) => {
      if (reason) skip(reason);
      await freshStore();
      const events = await kit.fresh();
      const failing = switchable(store);
      failing.down = true;
      const first = kit.consumer(events, createIntake({ store: failing.store, logger, wake: () => undefined }), logger);
      consumers.push(first);
      await first.start();
      const numbers = Array.from({ length: 6 }, (_, i) => `${unique('c')}-${i}`);
      const produced = kit.produce(events, numbers.map((number) => orderEvent(number)));
      // The first consumer got messages but could not record them: it must not have acknowledged any.
      await waitFor('a delivery to the failing consumer', () => failing.tries > 0);
      await sleep(300);
      expect(await orderRows()).toEqual([]);
      await first.stop();
      // The next process, with a store that answers, gets every one of them.
      const second = kit.consumer(events, createIntake({ store, logger, wake: () => undefined }), logger);
      consumers.push(second);
      await second.start();
      await produced;
      await waitFor('the held events recorded by the next consumer', async () => (await orderRows()).length === numbers.length, 45_000);
      expect(await orderRows()).toEqual([...numbers].sort());
    }, 90_000);

    it('holds a message while the store is down and records it once the store answers (no loss, no skip)', async ({ skip }) => {
      if (reason) skip(reason);
      await freshStore();
      const events = await kit.fresh();
      const failing = switchable(store);
      const consumer = kit.consumer(events, createIntake({ store: failing.store, logger, wake: () => undefined }), logger);
      consumers.push(consumer);
      await consumer.start();
      failing.down = true;
      const numbers = Array.from({ length: 4 }, (_, i) => `${unique('h')}-${i}`);
      const produced = kit.produce(events, numbers.map((number) => orderEvent(number)));
      await waitFor('a delivery while the store is down', () => failing.tries > 0);
      await sleep(500);
      failing.down = false;
      await produced;
      await waitFor('every held event recorded', async () => (await orderRows()).length === numbers.length, 45_000);
      expect(await orderRows()).toEqual([...numbers].sort());
    }, 90_000);

    if (kit.name === 'kafka') {
      it('shares the partitions in a consumer group and hands a leaving member\'s partitions to the other', async ({ skip }) => {
        if (reason) skip(reason);
        await freshStore();
        const events = await kit.fresh();
        const byMember = { a: 0, b: 0 };
        const member = (label: 'a' | 'b') => kit.consumer(events, createIntake({ store, logger, wake: () => undefined, onAccepted: () => (byMember[label] += 1) }), logger);
        const a = member('a');
        const b = member('b');
        consumers.push(a, b);
        await a.start();
        await b.start();
        // Let both join before the first messages, so the group has two members to share among.
        await sleep(3000);
        const firstBatch = Array.from({ length: 30 }, (_, i) => `${unique('g')}-${i}`);
        await kit.produce(events, firstBatch.map((number) => orderEvent(number)));
        await waitFor('the first batch', async () => (await orderRows()).length === firstBatch.length, 45_000);
        expect(byMember.a).toBeGreaterThan(0);
        expect(byMember.b).toBeGreaterThan(0);
        // One member leaves; the other takes over its partitions from the committed offsets.
        await b.stop();
        const before = byMember.a;
        const secondBatch = Array.from({ length: 30 }, (_, i) => `${unique('r')}-${i}`);
        await kit.produce(events, secondBatch.map((number) => orderEvent(number)));
        await waitFor('the second batch, all by the remaining member', async () => (await orderRows()).length === firstBatch.length + secondBatch.length, 60_000);
        expect(byMember.a - before).toBeGreaterThanOrEqual(secondBatch.length);
      }, 120_000);
    }
  });
}
