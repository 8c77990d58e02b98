/**
 * Catalog sync at scale: N ERP items in 3 warehouses (2 shop sources), first a full sync
 * (products create + stock), then a delta after 1 % of the items changed (title, price,
 * stock). Emulators run in a CHILD process, so the CPU time and peak RSS are icsync's.
 * Each size runs with the emulators at 0 ms and at 20 ms added latency per request, and
 * beside it a naive per-SKU read-then-write loop on a sample, extrapolated to N.
 *
 *   npx tsx bench/catalog-sync.ts              # N = 10,000
 *   npx tsx bench/catalog-sync.ts 100000 0     # N = 100,000, 0 ms only
 *   npx tsx bench/catalog-sync.ts 10000 0 --writes sync,bulk --no-naive
 *       # the same sync with ordinary writes and with Magento's async bulk API, side by side
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { configSchema, type Config } from '../src/config/schema.js';
import { createErp, createShop } from '../src/connectors/registry.js';
import { asSku } from '../src/core/model.js';
import { runSync } from '../src/engine/sync.js';
import type { FlowContext, FlowReport } from '../src/flows/types.js';
import { openStore } from '../src/store/index.js';

// ---------------------------------------------------------------------------------------
// Child: both emulators, driven by one-line commands on stdin.

async function runChild(items: number): Promise<void> {
  const { startIcenterEmulator } = await import('../src/emulators/icenter/index.js');
  const { startMagentoEmulator } = await import('../src/emulators/magento/index.js');
  const icenter = await startIcenterEmulator({ port: 0, seed: { items, seed: 1, customers: 20, organisations: [1] }, requestLogLimit: 10 } as never);
  // The async consumer runs, as on a shop whose cron starts consumers_runner.
  const magento = await startMagentoEmulator({ seed: 'none', sourceCodes: ['default', 'maribor'], requestLogLimit: 10, asyncConsumer: true });
  const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  // The seed is stamped at load time; a day back, so that a delta run reads only what the bench changes.
  const dayAgo = Date.now() - 86_400_000;
  const seeded = icenter.state().orgs.get(1)!;
  for (const item of seeded.items) item.modified = dayAgo;
  for (const list of [...seeded.prices.values(), ...seeded.stock.values()]) for (const entry of list.values()) entry.modified = dayAgo;
  say({ icenter: { baseUrl: icenter.baseUrl, ...icenter.credentials }, magento: { baseUrl: magento.baseUrl, ...magento.credentials } });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, arg] = line.split(' ');
    const org = icenter.state().orgs.get(1)!;
    if (command === 'latency') {
      const ms = Number(arg);
      icenter.setFaults({ rules: ms > 0 ? [{ kind: 'latency', latencyMs: ms }] : [] });
      magento.runtime.faults.set({ rules: ms > 0 ? [{ path: '*', latencyMs: ms }] : [] });
      say({ ok: true });
    } else if (command === 'change') {
      // Every (100 / percent)-th item: new title, new price, new stock in the first warehouse.
      const every = Math.round(100 / Number(arg));
      const stamp = icenter.state().stamp;
      let changed = 0;
      for (let i = 0; i < org.items.length; i += every) {
        const item = org.items[i]!;
        item.ItemTitle1 = `${item.ItemTitle1 ?? ''} (nova)`;
        item.modified = stamp();
        const price = org.prices.get('MPC')?.get(item.ItemID);
        if (price) org.prices.get('MPC')!.set(item.ItemID, { ...price, price: `${Number(price.price) + 1}` as never, modified: stamp() });
        const wh = org.stock.get('0000001') ?? new Map();
        wh.set(item.ItemID, { qty: '999' as never, modified: stamp() });
        org.stock.set('0000001', wh);
        changed++;
      }
      say({ changed });
    } else if (command === 'place') {
      const { buildPlaceOrder } = await import('../src/emulators/magento/index.js');
      const count = Number(arg);
      const skus = org.items.filter((i) => i.sections.SalesData?.IsActive === 'D').map((i) => i.ItemID);
      for (let n = 0; n < count; n++) {
        const spec = buildPlaceOrder({
          lines: [0, 1].map((k) => ({ kind: 'simple' as const, qty: 1 + k, sku: skus[(n * 2 + k) % skus.length]!, name: `Artikel ${n}-${k}`, unitPrice: '10.00', taxPercent: '22' })),
          email: `kupec${n % 500}@example.si`,
          billing: { firstname: 'Kupec', lastname: `Št. ${n % 500}`, street: ['Ulica 1'], city: 'Kranj', postcode: '4000', countryId: 'SI' },
          paymentMethod: 'checkmo',
        });
        await fetch(`${magento.baseUrl}/__admin/orders`, { method: 'POST', body: JSON.stringify(spec), headers: { 'content-type': 'application/json' } });
      }
      say({ placed: count });
    }
  }
}

export interface Child {
  child: ChildProcess;
  config: Config;
  send(line: string): Promise<unknown>;
  stop(): void;
}

export async function startChild(items: number, script = fileURLToPath(import.meta.url), options: { bulk?: boolean } = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--child', String(items)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Interface = createInterface({ input: child.stdout! });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (line) => queue.shift()?.(line));
  const next = () => new Promise<string>((resolve, reject) => {
    queue.push(resolve);
    child.once('exit', (code) => reject(new Error(`emulators exited with ${code}`)));
  });
  const hello = JSON.parse(await next()) as { icenter: { baseUrl: string; user: string; password: string }; magento: { baseUrl: string; consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string } };
  const dir = mkdtempSync(join(tmpdir(), 'icsync-bench-'));
  const config = configSchema.parse({
    store: { url: `sqlite:${join(dir, 'icsync.db')}` },
    shop: { type: 'magento', magento: { bulk: { enabled: options.bulk === true }, baseUrl: hello.magento.baseUrl, auth: { kind: 'oauth', consumerKey: hello.magento.consumerKey, consumerSecret: hello.magento.consumerSecret, accessToken: hello.magento.accessToken, accessTokenSecret: hello.magento.accessTokenSecret } } },
    erp: { type: 'icenter', icenter: { baseUrl: hello.icenter.baseUrl, user: hello.icenter.user, password: hello.icenter.password, organisationId: 1, maxConcurrent: 2 } },
    mappings: { warehouses: { '0000001': 'default', '0000003': 'maribor', '0000005': 'default' }, orderWarehouse: '0000001', orderBook: 'VNK', vatRates: { '22': '02', '9.5': '01' }, taxClasses: { '02': 2, '01': 5 }, paymentMethods: { checkmo: '01' } },
    flows: { products: { createNew: true, priceList: 'MPC', batchSize: 1000 }, stock: { subtractPendingOrders: false, batchSize: 1000 }, orders: { shippingItem: 'SI.101.000001' } },
    log: { level: 'silent' },
  });
  return {
    child,
    config,
    async send(line) {
      const answer = next();
      child.stdin!.write(`${line}\n`);
      return JSON.parse(await answer);
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Counter {
  calls: Record<string, number>;
  onRemoteCall(info: { target: string }): void;
  reset(): void;
}

export function remoteCounter(): Counter {
  const counter: Counter = {
    calls: {},
    onRemoteCall(info) {
      counter.calls[info.target] = (counter.calls[info.target] ?? 0) + 1;
    },
    reset() {
      counter.calls = {};
    },
  };
  return counter;
}

export async function contextFor(config: Config, counter: Counter): Promise<FlowContext> {
  const logger = pino({ level: 'silent' });
  const deps = { logger, onRemoteCall: counter.onRemoteCall };
  return { erp: createErp(config.erp, deps), shop: createShop(config.shop, deps), store: await openStore({ url: config.store.url }), config, logger, owner: 'bench', now: () => new Date() };
}

export interface Measured<T> {
  value: T;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  globalThis.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 25);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { value, seconds: round(seconds), cpuSeconds: round((used.user + used.system) / 1e6), peakRssMb: round(peak / 1024 / 1024) };
}

const round = (n: number) => Math.round(n * 100) / 100;

// ---------------------------------------------------------------------------------------
// Parent

interface Row {
  items: number;
  latencyMs: number;
  phase: string;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  erpCalls: number;
  shopCalls: number;
  written: string;
}

function summary(reports: FlowReport[]): string {
  const c = (flow: string, name: string) => reports.find((r) => r.flow === flow)?.counts[name] ?? 0;
  return `products +${c('products', 'created')} ~${c('products', 'updated')}; stock ${c('stock', 'written')} rows`;
}

/** The naive way: per SKU, read the ERP, read the shop, write the product, write each stock row. */
async function naive(ctx: FlowContext, skus: string[]): Promise<void> {
  for (const sku of skus) {
    await ctx.erp.existingSkus([asSku(sku)]);
    const found = await ctx.shop.findProducts([asSku(sku)]);
    await ctx.shop.upsertProducts([{ sku: asSku(sku), name: found.get(asSku(sku))?.name ?? sku, enabled: true, attributes: {} }], { mode: 'update' });
    for (const source of ['default', 'maribor']) await ctx.shop.writeStock([{ sku: asSku(sku), source, quantity: '1' as never, inStock: true }]);
  }
}

type Writes = 'sync' | 'bulk';

async function benchOne(items: number, latencyMs: number, sample: number, writes: Writes, withNaive: boolean): Promise<Row[]> {
  const world = await startChild(items, undefined, { bulk: writes === 'bulk' });
  const counter = remoteCounter();
  const ctx = await contextFor(world.config, counter);
  const rows: Row[] = [];
  const record = (phase: string, m: Measured<FlowReport[] | void>) => {
    rows.push({ items, latencyMs, phase: writes === 'bulk' ? `${phase} (bulk API)` : phase, seconds: m.seconds, cpuSeconds: m.cpuSeconds, peakRssMb: m.peakRssMb, erpCalls: counter.calls.icenter ?? 0, shopCalls: counter.calls.magento ?? 0, written: Array.isArray(m.value) ? summary(m.value) : '' });
    process.stderr.write(`${items} items, ${latencyMs} ms: ${phase} ${m.seconds} s\n`);
    counter.reset();
  };
  try {
    await world.send(`latency ${latencyMs}`);
    const run = async () => {
      const reports = await runSync(ctx, 'products', { dryRun: false, full: false });
      reports.push(...(await runSync(ctx, 'stock', { dryRun: false, full: false })));
      const failed = reports.find((r) => r.error);
      if (failed) throw new Error(`${failed.flow}: ${failed.error}`);
      return reports;
    };
    record('first full sync', await measure(run));
    await world.send('change 1');
    record('after 1 % changed', await measure(run));
    if (!withNaive) return rows;
    const skus: string[] = [];
    for await (const page of ctx.erp.items({ includeInactive: false, pageSize: sample })) {
      skus.push(...page.slice(0, sample).map((i) => i.sku));
      break;
    }
    counter.reset();
    const m = await measure(() => naive(ctx, skus));
    const factor = items / skus.length;
    rows.push({
      items, latencyMs, phase: `naive per-SKU loop (${skus.length} sampled, ×${Math.round(factor)})`, seconds: round(m.seconds * factor), cpuSeconds: round(m.cpuSeconds * factor), peakRssMb: m.peakRssMb,
      erpCalls: Math.round((counter.calls.icenter ?? 0) * factor), shopCalls: Math.round((counter.calls.magento ?? 0) * factor), written: 'every SKU, every run',
    });
    counter.reset();
  } finally {
    await Promise.all([ctx.erp.close(), ctx.shop.close()]);
    await ctx.store.close();
    world.stop();
  }
  return rows;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const writes = (flag('--writes') ?? 'sync').split(',') as Writes[];
  const withNaive = !args.includes('--no-naive');
  const positional = args.filter((a) => !a.startsWith('--'));
  const items = Number(positional[0] ?? 10_000);
  const latencies = positional[1] !== undefined ? [Number(positional[1])] : [0, 20];
  const rows: Row[] = [];
  for (const latency of latencies) for (const mode of writes) rows.push(...(await benchOne(items, latency, 200, mode, withNaive && mode === 'sync')));
  console.log('| items | latency | phase | wall s | icsync CPU s | peak RSS MB | iCenter requests | Magento requests | written |');
  console.log('|---:|---:|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.items} | ${r.latencyMs} ms | ${r.phase} | ${r.seconds} | ${r.cpuSeconds} | ${r.peakRssMb} | ${r.erpCalls} | ${r.shopCalls} | ${r.written} |`);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === '--child') await runChild(Number(process.argv[3]));
else if (isMain) await main();
