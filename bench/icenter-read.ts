/**
 * Reads N items, then the stock of 3 warehouses, through the iCenter connector. Every size runs
 * in a fresh measuring process (so one size's heap does not become the next one's baseline), and
 * the iCenter emulator runs in a child of that process, so the measured RSS and CPU time are the
 * connector's alone (wall time includes the emulator's answers). Items and stock are timed
 * separately; memory is the peak RSS over the baseline.
 *
 *   npx tsx bench/icenter-read.ts              # 10,000 and 100,000 items
 *   npx tsx bench/icenter-read.ts 10000 50000  # other sizes
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { icenterSettingsSchema } from '../src/connectors/icenter/config.js';
import { createIcenterErp } from '../src/connectors/icenter/index.js';
import { asWarehouse } from '../src/core/model.js';

const WAREHOUSES = ['0000001', '0000003', '0000005'].map(asWarehouse);
const SELF = fileURLToPath(import.meta.url);

interface Result {
  items: number;
  itemSeconds: number;
  itemsPerSecond: number;
  /** CPU time of the connector's process. */
  itemCpuSeconds: number;
  stockRows: number;
  stockCpuSeconds: number;
  stockSeconds: number;
  stockRowsPerSecond: number;
  baselineMb: number;
  itemPeakMb: number;
  stockPeakMb: number;
  growthMb: number;
}

/** Runs this file again with `args` and returns the first line it prints on stdout (and the process). */
async function child(args: string[], flags: string[] = []): Promise<{ process: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, [...flags, '--import', 'tsx', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${args[0]} process exited with ${code}`)));
  });
  return { process: proc, line };
}

async function runEmulator(items: number): Promise<void> {
  const { startIcenterEmulator } = await import('../src/emulators/icenter/index.js');
  const emulator = await startIcenterEmulator({ port: 0, seed: { items, seed: 1, customers: 10, organisations: [1] } });
  process.stdout.write(`${JSON.stringify({ baseUrl: emulator.baseUrl, ...emulator.credentials })}\n`);
  process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round2 = (n: number): number => Math.round(n * 100) / 100;

async function measure(items: number): Promise<void> {
  const emulator = await child(['--emulator', String(items)]);
  try {
    const { baseUrl, user, password } = JSON.parse(emulator.line) as { baseUrl: string; user: string; password: string };
    const port = createIcenterErp(icenterSettingsSchema.parse({ baseUrl, user, password, organisationId: 1, pageSize: 1000 }), { logger: pino({ level: 'silent' }) });
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);

    const cpuSeconds = (since: NodeJS.CpuUsage): number => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1e6;
    };
    let started = performance.now();
    let cpu = process.cpuUsage();
    let itemCount = 0;
    for await (const page of port.items({ includeInactive: true })) itemCount += page.length;
    const itemSeconds = (performance.now() - started) / 1000;
    const itemCpuSeconds = cpuSeconds(cpu);
    const itemPeak = Math.max(peak, process.memoryUsage().rss);

    started = performance.now();
    cpu = process.cpuUsage();
    let stockRows = 0;
    for await (const page of port.stock({ warehouses: WAREHOUSES })) stockRows += page.length;
    const stockSeconds = (performance.now() - started) / 1000;
    const stockCpuSeconds = cpuSeconds(cpu);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await port.close();
    if (itemCount !== items) throw new Error(`read ${itemCount} items, expected ${items}`);
    const result: Result = {
      items,
      itemSeconds: round2(itemSeconds),
      itemsPerSecond: Math.round(items / itemSeconds),
      itemCpuSeconds: round2(itemCpuSeconds),
      stockRows,
      stockCpuSeconds: round2(stockCpuSeconds),
      stockSeconds: round2(stockSeconds),
      stockRowsPerSecond: Math.round(stockRows / stockSeconds),
      baselineMb: mb(baseline),
      itemPeakMb: mb(itemPeak),
      stockPeakMb: mb(peak),
      growthMb: mb(peak - baseline),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    emulator.process.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const results: Result[] = [];
  for (const n of sizes.length > 0 ? sizes : [10_000, 100_000]) {
    // --expose-gc lets the measuring process start from a collected heap.
    const run = await child(['--measure', String(n)], ['--expose-gc']);
    const r = JSON.parse(run.line) as Result;
    await new Promise((resolve) => run.process.once('exit', resolve));
    results.push(r);
    process.stderr.write(`${n} items: items ${r.itemSeconds} s (${r.itemsPerSecond}/s, CPU ${r.itemCpuSeconds} s), stock ${r.stockRows} rows ${r.stockSeconds} s (CPU ${r.stockCpuSeconds} s), peak RSS ${r.stockPeakMb} MB (+${r.growthMb} MB)\n`);
  }
  const first = results[0]!;
  console.log('| items | items s | items/s | items CPU s | stock rows | stock s | stock rows/s | stock CPU s | baseline RSS MB | peak RSS MB (items) | peak RSS MB (stock) | growth MB | growth ratio |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const ratio = first.growthMb > 0 ? (r.growthMb / first.growthMb).toFixed(2) : 'n/a';
    console.log(`| ${r.items} | ${r.itemSeconds} | ${r.itemsPerSecond} | ${r.itemCpuSeconds} | ${r.stockRows} | ${r.stockSeconds} | ${r.stockRowsPerSecond} | ${r.stockCpuSeconds} | ${r.baselineMb} | ${r.itemPeakMb} | ${r.stockPeakMb} | ${r.growthMb} | ${ratio} |`);
  }
}

if (process.argv[2] === '--emulator') await runEmulator(Number(process.argv[3]));
else if (process.argv[2] === '--measure') await measure(Number(process.argv[3]));
else await main();
