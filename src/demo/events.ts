/**
 * `icsync demo --events webhook|kafka|amqp|nats`: orders crossing in real time. Both emulators
 * run in this process; the emulated Magento module announces each order it takes over the
 * chosen transport; icsync enters it in iCenter at once. Each order is printed with the time
 * from the shop's order to the ERP's order. No poll runs: what crosses, crosses by event.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { TransportName } from '../bus/config.js';
import { ensureTopic } from '../bus/kafka.js';
import { startEventPipeline } from '../bus/pipeline.js';
import { startIcenterEmulator } from '../emulators/icenter/index.js';
import { buildPlaceOrder, generateOrderSpecs, seedCustomers, startMagentoEmulator, startModuleEvents, type ModuleEventsOptions } from '../emulators/magento/index.js';
import type { FlowContext } from '../flows/types.js';
import type { Store } from '../store/index.js';
import { magentoAdmin } from './admin.js';
import { demoConfig } from './config.js';
import { WAREHOUSES, demoErpSeed, shopCatalog } from './data.js';

export interface EventsDemoContext {
  flowContext: FlowContext;
  store: Store;
  close(): Promise<void>;
}

export interface EventsDemoOptions {
  transport: TransportName;
  openContext(configPath: string): Promise<EventsDemoContext>;
  dir?: string;
  orders?: number;
  /** Pause between two orders of the shop. */
  everyMs?: number;
  out: (text: string) => void;
}

export interface EventsDemoResult {
  orders: number;
  inErp: number;
  /** Shop order → ERP order, milliseconds, in order placed. */
  latenciesMs: number[];
  duplicates: number;
}

const BROKERS = { kafka: '127.0.0.1:9092', amqp: '127.0.0.1:5672', nats: '127.0.0.1:4222' } as const;
const HINT = { kafka: 'start it with scripts/kafka.sh start', amqp: 'start RabbitMQ', nats: 'start nats-server -js' } as const;

export function answers(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((done) => {
    const socket = createConnection({ host: host!, port: Number(port) });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('error', () => done(false));
    socket.once('timeout', () => { socket.destroy(); done(false); });
  });
}

/** The events: section and the module's sinks for one transport, with names of their own. */
export function eventsSettings(transport: TransportName, suffix: string): { events: Record<string, unknown>; module: (webhookUrl?: string) => ModuleEventsOptions; secret: string } {
  const secret = randomBytes(16).toString('hex');
  const kafka = { brokers: [BROKERS.kafka], topic: `icsync-demo-${suffix}`, groupId: `icsync-demo-${suffix}` };
  const amqp = { url: 'amqp://guest:guest@127.0.0.1:5672', queue: `icsync-demo-${suffix}` };
  const nats = { stream: `ICSYNC_DEMO_${suffix.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`, subject: `icsync-demo-${suffix}.>`, durable: `icsync-demo-${suffix}` };
  const events = { intake: transport, webhook: { secret }, kafka, amqp, nats };
  return {
    secret,
    events,
    module: (webhookUrl) => {
      if (transport === 'webhook') return { webhook: { url: webhookUrl!, secret } };
      if (transport === 'kafka') return { kafka: { brokers: kafka.brokers, topic: kafka.topic } };
      if (transport === 'amqp') return { amqp: { url: amqp.url, queue: amqp.queue } };
      return { nats: { servers: ['127.0.0.1:4222'], subjectPrefix: `icsync-demo-${suffix}` } };
    },
  };
}

export async function runEventsDemo(options: EventsDemoOptions): Promise<EventsDemoResult> {
  const { out, transport } = options;
  if (transport !== 'webhook' && !(await answers(BROKERS[transport]))) {
    throw new Error(`${transport} does not answer on ${BROKERS[transport]}: ${HINT[transport]}, then run the demo again.`);
  }
  const count = options.orders ?? 20;
  const dir = resolve(options.dir ?? join('data', 'demo-events'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const size = { items: 200, erpCustomers: 20, shopCustomers: 20, orders: count };
  const erpSeed = demoErpSeed(size);
  const icenter = await startIcenterEmulator({ seed: erpSeed });
  const magento = await startMagentoEmulator({ seed: 'none', sourceCodes: Object.values(WAREHOUSES) });
  const suffix = `${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const settings = eventsSettings(transport, suffix);
  const base = demoConfig(dir, icenter, magento);
  const configPath = join(dir, 'icsync.yaml');
  writeFileSync(configPath, `# Written by \`icsync demo --events ${transport}\` for emulators that lived only while it ran.\n${stringify({ ...base, events: settings.events, worker: { concurrency: 4, pollInterval: '5s' } })}`);
  if (transport === 'kafka') await ensureTopic({ brokers: [BROKERS.kafka], clientId: 'icsync-demo' }, (settings.events.kafka as { topic: string }).topic);
  out(`icsync demo --events ${transport}: emulators in this process, store in ${relative(process.cwd(), dir) || '.'}/; no poll runs, every order crosses by its event\n`);

  const ctx = await options.openContext(configPath);
  const entered = new Map<string, number>();
  const flowContext: FlowContext = { ...ctx.flowContext, hooks: { afterErpOrderCreated: ({ reference }) => void entered.set(reference, Date.now()) } };
  const pipeline = await startEventPipeline(flowContext);
  const module = await startModuleEvents(magento.runtime, settings.module(pipeline.webhookUrl));
  const latencies: number[] = [];
  try {
    const customers = seedCustomers(magento.runtime.state, size.shopCustomers, 77);
    const specs = generateOrderSpecs(shopCatalog(erpSeed), customers, count, 41, new Date());
    const placedAt = new Map<string, number>();
    const waiting: Promise<void>[] = [];
    for (const spec of specs) {
      const at = Date.now();
      const placed = await magentoAdmin<{ increment_id: string }>(magento, 'POST', '/orders', buildPlaceOrder(spec));
      placedAt.set(placed.increment_id, at);
      waiting.push(
        (async () => {
          const until = Date.now() + 60_000;
          while (!entered.has(placed.increment_id) && Date.now() < until) await new Promise((done) => setTimeout(done, 5));
          const done = entered.get(placed.increment_id);
          if (done === undefined) {
            out(`  order ${placed.increment_id} placed in Magento; not in iCenter after 60 s\n`);
            return;
          }
          const row = await ctx.store.ledger.get('order', { shopKey: placed.increment_id });
          const erp = (row?.data as { erp?: { displayNumber?: string } } | null)?.erp?.displayNumber ?? row?.erpKey ?? '?';
          latencies.push(done - at);
          out(`  order ${placed.increment_id} placed in Magento → in iCenter as ${erp} ${done - at} ms later\n`);
        })(),
      );
      await new Promise((done) => setTimeout(done, options.everyMs ?? 250));
    }
    await Promise.all(waiting);
    const rows = await ctx.store.ledger.list({ kind: 'order', states: ['in_erp'], limit: 1000 });
    const erpOrders = (await (await fetch(`${icenter.adminUrl}/orders?organisation=1`)).json()) as { orderReference: string | null }[];
    const references = erpOrders.map((order) => order.orderReference);
    const duplicates = references.length - new Set(references).size;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    out(`\nSummary\n  orders placed in Magento    ${count}\n  orders in iCenter           ${rows.length} (duplicates: ${duplicates})\n  shop order → ERP order      median ${at(0.5)} ms, slowest ${sorted.at(-1) ?? 0} ms\n  events sent by the module   ${module.stats.sent}\n`);
    return { orders: count, inErp: rows.length, latenciesMs: latencies, duplicates };
  } finally {
    await module.close();
    await pipeline.stop();
    await ctx.close();
    await Promise.allSettled([icenter.close(), magento.close()]);
  }
}
