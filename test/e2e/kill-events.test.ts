/**
 * Exactly-once in event mode, for real: `icsync run` with events.intake kafka as a child process,
 * SIGKILLed at random moments again and again while the emulated Magento module keeps placing
 * orders and putting their events on a Kafka topic (scripts/kafka.sh). A killed process leaves
 * uncommitted offsets, its consumer-group membership and its leases behind; the next one takes
 * the partitions over and the events again. At the end every shop order is in the ERP exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensureTopic } from '../../src/bus/kafka.js';
import { icenterAdmin, magentoAdmin } from '../../src/demo/admin.js';
import { demoConfig } from '../../src/demo/config.js';
import { ORGANISATION, WAREHOUSES, demoErpSeed, shopCatalog } from '../../src/demo/data.js';
import { startIcenterEmulator, type IcenterEmulator } from '../../src/emulators/icenter/index.js';
import { buildPlaceOrder, generateOrderSpecs, seedCustomers, startMagentoEmulator, startModuleEvents, type MagentoEmulator, type ModuleEvents } from '../../src/emulators/magento/index.js';
import { seededRng } from '../../src/emulators/magento/util.js';
import { openStore } from '../../src/store/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ORDERS = 80;
const KILLS = 4;
const BROKER = '127.0.0.1:9092';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const KILL_SEED = Number(process.env.ICSYNC_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRng(KILL_SEED);
const killMoments: number[] = [];

const brokerAnswers = () =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ host: '127.0.0.1', port: 9092 });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('error', () => done(false));
    socket.once('timeout', () => { socket.destroy(); done(false); });
  });

describe('icsync run in event mode (Kafka) killed with SIGKILL again and again', () => {
  let unavailable: string | null = null;
  let dir: string;
  let configPath: string;
  let icenter: IcenterEmulator;
  let magento: MagentoEmulator;
  let module: ModuleEvents;
  let runs = 0;
  const children = new Set<ChildProcess>();
  const specs: ReturnType<typeof generateOrderSpecs> = [];

  beforeAll(async () => {
    if (!(await brokerAnswers())) {
      unavailable = `Kafka does not answer on ${BROKER} (start it with scripts/kafka.sh start)`;
      if (process.env.CI === 'true') throw new Error(unavailable);
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'icsync-kill-events-'));
    const size = { items: 30, erpCustomers: 10, shopCustomers: 12, orders: ORDERS };
    const seed = demoErpSeed(size);
    icenter = await startIcenterEmulator({ seed });
    magento = await startMagentoEmulator({ seed: 'none', sourceCodes: Object.values(WAREHOUSES) });
    const customers = seedCustomers(magento.runtime.state, size.shopCustomers, 5);
    specs.push(...generateOrderSpecs(shopCatalog(seed), customers, ORDERS, 37, new Date()));
    const suffix = `${Date.now().toString(36)}-${process.pid}`;
    const kafka = { brokers: [BROKER], topic: `icsync-kill-${suffix}`, groupId: `icsync-kill-${suffix}`, sessionTimeout: '6s' };
    await ensureTopic({ brokers: kafka.brokers, clientId: 'kill-test' }, kafka.topic, 3);
    module = await startModuleEvents(magento.runtime, { kafka: { brokers: kafka.brokers, topic: kafka.topic }, faults: { duplicateRate: 0.2, seed: 3 } });
    const config = demoConfig(dir, icenter, magento);
    configPath = join(dir, 'icsync.yaml');
    writeFileSync(
      configPath,
      stringify({
        ...config,
        log: { level: 'info', pretty: false },
        server: { host: '127.0.0.1', port: 0 },
        flows: { ...(config.flows as object), products: { enabled: false }, stock: { enabled: false }, invoices: { enabled: false }, subjects: { schedule: { every: '1s' } }, orders: { shippingItem: 'DOSTAVA' } },
        worker: { concurrency: 4, pollInterval: '500ms', leaseDuration: '3s', backoffBase: '100ms', backoffMax: '1s' },
        // Reconciliation rarely (and never at start-up in event mode): the orders come by event only.
        events: { intake: 'kafka', reconcile: '1h', kafka },
      }),
    );
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await module?.close();
    await Promise.allSettled([icenter?.close(), magento?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function startRun(): { child: ChildProcess; exited: Promise<number | null>; ready: Promise<void> } {
    runs += 1;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--config', configPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(dir, `run-${runs}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.add(child);
    const ready = new Promise<void>((done) => {
      let seen = '';
      const look = (chunk: Buffer) => {
        seen += chunk.toString('utf8');
        if (seen.includes('kafka: consuming')) {
          child.stdout!.off('data', look);
          done();
        }
      };
      child.stdout!.on('data', look);
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => {
      children.delete(child);
      done(code);
    }));
    return { child, exited, ready };
  }

  const erpOrders = () => icenterAdmin<{ orderReference: string | null }[]>(icenter, 'GET', `/orders?organisation=${ORGANISATION}`);
  const replay = () => `kill seed ${KILL_SEED} (replay: ICSYNC_KILL_SEED=${KILL_SEED}), kills at ms after start-up: [${killMoments.join(', ')}]`;

  it('ends with exactly one ERP order per shop order', async ({ skip, onTestFailed }) => {
    if (unavailable) skip(unavailable);
    onTestFailed(() => console.error(`${replay()}; logs in ${dir}`));
    // The shop takes orders at a steady pace the whole time, whether icsync is up or not.
    const started = Date.now();
    let placed = 0;
    const placing = (async () => {
      for (const spec of specs) {
        await magentoAdmin(magento, 'POST', '/orders', buildPlaceOrder(spec));
        placed += 1;
        await sleep(600);
      }
    })();
    for (let i = 0; i < KILLS; i++) {
      const { child, exited, ready } = startRun();
      await Promise.race([ready, exited]);
      const moment = Math.round(1000 + random() * 7000);
      killMoments.push(moment);
      await sleep(moment);
      child.kill('SIGKILL');
      expect(await exited).toBeNull();
      console.info(`kill ${i + 1} at ${Math.round((Date.now() - started) / 1000)} s, ${moment} ms after start-up: ${(await erpOrders()).length} ERP orders, ${placed} placed`);
    }
    await placing;
    await module.idle();
    const last = startRun();
    const until = Date.now() + 120_000;
    while ((await erpOrders()).length < ORDERS) {
      if (Date.now() > until) throw new Error(`only ${(await erpOrders()).length} of ${ORDERS} orders in the ERP after 120 s; ${replay()}; logs in ${dir}`);
      await sleep(300);
    }
    await sleep(1500);
    const references = (await erpOrders()).map((order) => order.orderReference);
    const counted = await (async () => {
      const store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
      try {
        return await store.counters.all();
      } finally {
        await store.close();
      }
    })();
    // Every order came in by its Kafka event: no poll ran.
    expect(counted['events.recorded']).toBe(ORDERS);
    expect(placed).toBe(ORDERS);
    expect(references).toHaveLength(ORDERS);
    expect(new Set(references).size).toBe(ORDERS);
    await Promise.race([last.ready, last.exited]);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    const store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
    try {
      const counters = await store.counters.all();
      console.info(`kill test (events): ${runs} runs, ${KILLS} SIGKILLs, ${ORDERS} orders, ${module.stats.sent} events sent (${module.stats.duplicated} duplicated), ${counters['events.received'] ?? 0} deliveries taken in, ${counters['events.recorded'] ?? 0} orders first announced by an event; ${replay()}`);
    } finally {
      await store.close();
    }
  }, 400_000);
});
