/**
 * Event-driven mode end to end, in one process as `icsync run` composes it: the worker, the
 * webhook route on a real HTTP server, the outbox relay to RabbitMQ, against both emulators.
 * The emulated Magento module sends its signed order events with faults: duplicates, reordering,
 * drops, and deliveries while icsync's server is down (retried by the module). Every order ends
 * in the ERP exactly once; the dropped ones only through reconciliation (the orders poll), which
 * counts them; icsync's own events reach the broker from the outbox.
 */
import { connect as amqpConnect } from 'amqplib';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, eventsStatus, type Bus } from '../../src/bus/index.js';
import { outboxMapper } from '../../src/bus/outbox-events.js';
import { WEBHOOK_PATH } from '../../src/bus/webhook.js';
import { createWorker, runSync, type Worker } from '../../src/engine/index.js';
import { startModuleEvents, type ModuleEvents } from '../../src/emulators/magento/index.js';
import { createFlows } from '../../src/flows/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { orderSpec, startWorld, type World } from '../flows/world.js';
import { unique } from './harness.js';

const logger = pino({ level: process.env.ICSYNC_TEST_LOG ?? 'silent' });
const SECRET = 'e2e-webhook-secret';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 40_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface IcOrder { orderReference: string | null; number: number }

describe('event-driven orders over the webhook, with the module\'s faults', () => {
  let w: World;
  let store: Store;
  let worker: Worker;
  let bus: Bus;
  let app: FastifyInstance;
  let port = 0;
  let module: ModuleEvents;
  const exchange = unique('icsync-test-events');
  const publishedQueue = unique('icsync-test-published');

  async function listen(): Promise<void> {
    app = Fastify();
    await bus.register(app);
    const address = await app.listen({ host: '127.0.0.1', port });
    port = Number(new URL(address).port);
  }

  beforeAll(async () => {
    w = await startWorld({
      items: 12,
      config: {
        events: { intake: 'webhook', webhook: { secret: SECRET }, reconcileGrace: '0s', publish: { to: 'amqp', pollInterval: '100ms' }, amqp: { url: 'amqp://guest:guest@127.0.0.1:5672', publishExchange: exchange } },
      },
    });
    // The store as `icsync run` opens it with publishing on: the outbox is written with the ledger.
    store = await openStore({ url: w.config.store.url, outbox: outboxMapper });
    const ctx = { ...w.ctx, store, owner: 'e2e:worker' };
    const flows = createFlows();
    worker = createWorker(ctx, { flows, pollIntervalMs: 60_000 });
    bus = createBus({ config: w.config, store, logger, owner: 'e2e:bus', wake: () => worker.wake() });
    await listen();
    worker.start();
    await bus.start();
    // A queue on icsync's event exchange, as a system on the ESB would follow along.
    const model = await amqpConnect(w.config.events.amqp.url);
    const channel = await model.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(publishedQueue, { durable: false, autoDelete: false });
    await channel.bindQueue(publishedQueue, exchange, '#');
    await model.close();
    module = await startModuleEvents(w.magento.runtime, {
      webhook: { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, secret: SECRET, retryBaseMs: 100, retryMaxMs: 500, maxAttempts: 200 },
      faults: { duplicateRate: 0.3, reorderRate: 0.3, reorderDelayMs: 400, dropRate: 0.15, seed: 5 },
    });
  });

  afterAll(async () => {
    await module?.close();
    await bus?.stop();
    await worker?.stop();
    await app?.close();
    await store?.close();
    await w?.close();
  });

  const erpOrders = () => w.admin<IcOrder[]>('icenter', 'GET', '/orders?organisation=1');

  it('enters every order once: at once when its event comes, the dropped ones by reconciliation, also those sent while icsync was down', async () => {
    const numbers: string[] = [];
    const place = async () => numbers.push((await w.placeOrder(orderSpec([w.skus[0]!, w.skus[1]!]))).increment_id);
    for (let i = 0; i < 14; i++) await place();
    // icsync's server goes away; the module keeps retrying the orders placed meanwhile.
    await app.close();
    for (let i = 0; i < 6; i++) await place();
    await sleep(600);
    expect(module.stats.retries).toBeGreaterThan(0);
    await listen();
    await module.idle();
    expect(module.stats.dropped).toBeGreaterThan(0);
    expect(module.stats.duplicated).toBeGreaterThan(0);
    expect(module.stats.failed).toBe(0);
    // Only a dropped "placed" event leaves an order unannounced (its comment event comes after it is in the ERP).
    const unannounced = new Set(module.stats.droppedEvents.filter((event) => event.kind === 'placed').map((event) => event.orderNumber));
    expect(unannounced.size).toBeGreaterThan(0);
    const announced = numbers.length - unannounced.size;

    // No poll has run: what is in the ERP came by event.
    await waitFor(`${announced} orders entered from events`, async () => (await erpOrders()).length >= announced);
    await sleep(500);
    const byEvent = await erpOrders();
    expect(byEvent).toHaveLength(announced);
    for (const order of byEvent) expect(unannounced.has(order.orderReference!)).toBe(false);

    // Reconciliation: the orders poll finds the dropped ones and counts them.
    const [report] = await runSync({ ...w.ctx, store, owner: 'e2e:reconcile' }, 'orders', { dryRun: false, full: false });
    expect(report!.counts.missedByEvents).toBe(unannounced.size);
    await waitFor('every order in the ERP', async () => (await erpOrders()).length >= numbers.length);
    await sleep(500);
    const all = await erpOrders();
    expect(all.map((order) => order.orderReference).sort()).toEqual([...numbers].sort());

    const status = await eventsStatus(store, w.config);
    expect(status).toMatchObject({ intake: 'webhook', publish: 'amqp', missedByEvents: unannounced.size });
    expect(status!.recorded).toBe(announced);
    for (const number of numbers) {
      const timeline = await store.ledger.timeline('order', number);
      expect(timeline?.link.state, number).toBe('in_erp');
    }

    // icsync's own events: one "entered" per order, from the outbox, with the ERP document number.
    await waitFor('the outbox published', async () => (await store.outbox.backlog()) === 0);
    const model = await amqpConnect(w.config.events.amqp.url);
    const channel = await model.createChannel();
    const seen = new Map<string, { type: string; subject: string; data: { documentNumber: string | null } }>();
    for (;;) {
      const message = await channel.get(publishedQueue, { noAck: true });
      if (message === false) break;
      expect(message.properties.contentType).toBe('application/cloudevents+json');
      const event = JSON.parse(message.content.toString('utf8')) as { id: string; type: string; subject: string; data: { documentNumber: string | null } };
      seen.set(event.id, event);
    }
    await channel.deleteQueue(publishedQueue);
    await channel.deleteExchange(exchange);
    await model.close();
    const entered = [...seen.values()].filter((event) => event.type === 'com.icsync.order.entered');
    expect(entered.map((event) => event.subject).sort()).toEqual([...numbers].sort());
    for (const event of entered) expect(event.data.documentNumber).toMatch(/\S/);
  }, 180_000);
});
