/**
 * Event latency: orders placed into the Magento emulator at a steady rate, and for each the
 * time from the shop's order (the admin POST that places it) to the ERP's order (iCenter
 * answered the create), per transport and for polling. Reports p50/p95/p99/max and how many
 * arrived. Emulators, the emulated module and icsync run in this one process (the shared CPU
 * is part of the figure); the brokers are the real ones on this machine; a broker that does
 * not answer is skipped with a line saying so. Ten warm-up orders per mode are not counted.
 *
 *   npx tsx bench/event-latency.ts                          # 5 orders/s for 30 s, every mode
 *   npx tsx bench/event-latency.ts 20 60                    # the 20 orders/s for a minute
 *   npx tsx bench/event-latency.ts 5 30 webhook kafka       # some modes only
 *
 * Polling: the orders flow every 10 s (a short interval for the comparison; the default is 2 m).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { TransportName } from '../src/bus/config.js';
import { ensureTopic } from '../src/bus/kafka.js';
import { startEventPipeline } from '../src/bus/pipeline.js';
import { openContext } from '../src/cli/context.js';
import { magentoAdmin } from '../src/demo/admin.js';
import { demoConfig } from '../src/demo/config.js';
import { WAREHOUSES, demoErpSeed, shopCatalog } from '../src/demo/data.js';
import { answers, eventsSettings } from '../src/demo/events.js';
import { createScheduler } from '../src/engine/index.js';
import { startIcenterEmulator } from '../src/emulators/icenter/index.js';
import { buildPlaceOrder, generateOrderSpecs, seedCustomers, startMagentoEmulator, startModuleEvents } from '../src/emulators/magento/index.js';
import { createFlows } from '../src/flows/index.js';
import type { FlowContext } from '../src/flows/types.js';

type Mode = TransportName | 'polling';
const MODES: Mode[] = ['webhook', 'kafka', 'amqp', 'nats', 'polling'];
const BROKER: Record<string, string> = { kafka: '127.0.0.1:9092', amqp: '127.0.0.1:5672', nats: '127.0.0.1:4222' };
const POLL_EVERY = '10s';
const WARM_UP = 10;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const pct = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);

async function measure(mode: Mode, rate: number, seconds: number): Promise<string> {
  if (mode !== 'webhook' && mode !== 'polling' && !(await answers(BROKER[mode]!))) return `| ${mode} | skipped: no broker on ${BROKER[mode]} | | | | | |`;
  const count = Math.round(rate * seconds);
  const dir = mkdtempSync(join(tmpdir(), `icsync-bench-events-${mode}-`));
  const seed = demoErpSeed({ items: 200, erpCustomers: 20, shopCustomers: 40, orders: count + WARM_UP });
  const icenter = await startIcenterEmulator({ seed });
  const magento = await startMagentoEmulator({ seed: 'none', sourceCodes: Object.values(WAREHOUSES) });
  const suffix = `${Date.now().toString(36)}-${process.pid}`;
  const transport: TransportName = mode === 'polling' ? 'webhook' : mode;
  const settings = eventsSettings(transport, suffix);
  const base = demoConfig(dir, icenter, magento);
  const flows = { ...(base.flows as object), products: { enabled: false }, stock: { enabled: false }, invoices: { enabled: false }, orders: { shippingItem: 'DOSTAVA', schedule: { every: POLL_EVERY }, commentOnShopOrder: false } };
  const configPath = join(dir, 'icsync.yaml');
  writeFileSync(configPath, stringify({ ...base, flows, events: mode === 'polling' ? { intake: 'off' } : settings.events, worker: { concurrency: 8, pollInterval: '1s' } }));
  if (mode === 'kafka') await ensureTopic({ brokers: [BROKER.kafka!], clientId: 'bench' }, (settings.events.kafka as { topic: string }).topic);
  const ctx = await openContext(configPath, { minLevel: 'warn' });
  const entered = new Map<string, number>();
  const flowContext: FlowContext = { ...ctx.flowContext, hooks: { afterErpOrderCreated: ({ reference }) => void entered.set(reference, performance.now()) } };
  const pipeline = await startEventPipeline(flowContext);
  const scheduler = mode === 'polling' ? createScheduler(flowContext, { orders: createFlows().orders } as never, { runOnStart: false }) : undefined;
  scheduler?.start();
  const module = mode === 'polling' ? undefined : await startModuleEvents(magento.runtime, settings.module(pipeline.webhookUrl));
  // Let a Kafka consumer join its group before the clock starts.
  await sleep(mode === 'kafka' ? 4000 : 500);
  try {
    const customers = seedCustomers(magento.runtime.state, 40, 77);
    const all = generateOrderSpecs(shopCatalog(seed), customers, count + WARM_UP, 43, new Date());
    // Warm-up, not counted: the first orders load and compile code, create the first buyers in
    // the ERP and (Kafka) wait for the group to form; without it the first mode measured pays for all that.
    const warm = await Promise.all(all.slice(0, WARM_UP).map((spec) => magentoAdmin<{ increment_id: string }>(magento, 'POST', '/orders', buildPlaceOrder(spec))));
    const warmUntil = performance.now() + 60_000;
    while (performance.now() < warmUntil && warm.some((order) => !entered.has(order.increment_id))) await sleep(50);
    const specs = all.slice(WARM_UP);
    const placedAt = new Map<string, number>();
    const start = performance.now();
    for (const [i, spec] of specs.entries()) {
      const due = start + (i * 1000) / rate;
      if (due > performance.now()) await sleep(due - performance.now());
      const at = performance.now();
      void magentoAdmin<{ increment_id: string }>(magento, 'POST', '/orders', buildPlaceOrder(spec)).then((placed) => placedAt.set(placed.increment_id, at));
    }
    const until = performance.now() + 90_000;
    while (performance.now() < until && (placedAt.size < count || [...placedAt.keys()].some((key) => !entered.has(key)))) await sleep(50);
    const latencies = [...placedAt].filter(([key]) => entered.has(key)).map(([key, at]) => entered.get(key)! - at).sort((a, b) => a - b);
    const f = (ms: number) => Math.round(ms).toLocaleString('en');
    if (module && process.env.BENCH_DEBUG) console.error(mode, JSON.stringify({ ...module.stats, droppedEvents: undefined }));
    return `| ${mode} | ${latencies.length}/${count} | ${f(pct(latencies, 50))} | ${f(pct(latencies, 95))} | ${f(pct(latencies, 99))} | ${f(latencies.at(-1) ?? 0)} | ${((performance.now() - start) / 1000).toFixed(1)} |`;
  } finally {
    await module?.close();
    await scheduler?.stop();
    await pipeline.stop();
    await ctx.close();
    await Promise.allSettled([icenter.close(), magento.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rate = Number(process.argv[2] ?? 5);
  const seconds = Number(process.argv[3] ?? 30);
  const chosen = process.argv.slice(4).length > 0 ? (process.argv.slice(4) as Mode[]) : MODES;
  console.log(`${rate} orders/s for ${seconds} s; polling every ${POLL_EVERY}; Node ${process.version}`);
  console.log('| mode | in ERP | p50 ms | p95 ms | p99 ms | max ms | wall s |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const mode of chosen) console.log(await measure(mode, rate, seconds));
}

await main();
