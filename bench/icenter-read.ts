/**
 * Reads N items and their stock (3 warehouses) through the iCenter connector from the
 * iCenter emulator running in a CHILD process, so this process's RSS is the connector's
 * alone. Runs 10,000 and 100,000 items in the same run and reports items/s and the peak
 * RSS growth over the baseline, as a ratio: flat memory means the 100k run grows about as
 * little as the 10k run.
 *
 *   npx tsx bench/icenter-read.ts            # 10k and 100k
 *   npx tsx bench/icenter-read.ts 20000      # other sizes
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { icenterSettingsSchema } from '../src/connectors/icenter/config.js';
import { createIcenterErp } from '../src/connectors/icenter/index.js';
import { asWarehouse } from '../src/core/model.js';

const WAREHOUSES = ['0000001', '0000003', '0000005'].map(asWarehouse);

async function runEmulatorChild(items: number): Promise<void> {
  const { startIcenterEmulator } = await import('../src/emulators/icenter/index.js');
  const emulator = await startIcenterEmulator({ port: 0, seed: { items, seed: 1, customers: 10, organisations: [1] } });
  process.stdout.write(`${JSON.stringify({ baseUrl: emulator.baseUrl, ...emulator.credentials })}\n`);
  process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
}

async function startChild(items: number): Promise<{ child: ChildProcess; baseUrl: string; user: string; password: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--emulator', String(items)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { child, ...(JSON.parse(line) as { baseUrl: string; user: string; password: string }) };
}

interface Result {
  items: number;
  stockRows: number;
  seconds: number;
  itemsPerSecond: number;
  baselineMb: number;
  peakMb: number;
  growthMb: number;
}

async function measure(items: number): Promise<Result> {
  const { child, baseUrl, user, password } = await startChild(items);
  try {
    const port = createIcenterErp(icenterSettingsSchema.parse({ baseUrl, user, password, organisationId: 1, pageSize: 1000 }), { logger: pino({ level: 'silent' }) });
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    let itemCount = 0;
    for await (const page of port.items({ includeInactive: true })) itemCount += page.length;
    let stockRows = 0;
    for await (const page of port.stock({ warehouses: WAREHOUSES })) stockRows += page.length;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await port.close();
    if (itemCount !== items) throw new Error(`read ${itemCount} items, expected ${items}`);
    const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
    return { items, stockRows, seconds: Math.round(seconds * 100) / 100, itemsPerSecond: Math.round(items / seconds), baselineMb: mb(baseline), peakMb: mb(peak), growthMb: mb(peak - baseline) };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const results: Result[] = [];
  for (const n of sizes.length > 0 ? sizes : [10_000, 100_000]) {
    const r = await measure(n);
    results.push(r);
    process.stderr.write(`${n} items: ${r.seconds} s, ${r.itemsPerSecond} items/s, peak RSS ${r.peakMb} MB (+${r.growthMb} MB)\n`);
  }
  const first = results[0]!;
  console.log('| items | stock rows | seconds | items/s (items + stock) | baseline RSS MB | peak RSS MB | growth MB | items ratio | growth ratio |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const growthRatio = first.growthMb > 0 ? (r.growthMb / first.growthMb).toFixed(2) : 'n/a';
    console.log(`| ${r.items} | ${r.stockRows} | ${r.seconds} | ${r.itemsPerSecond} | ${r.baselineMb} | ${r.peakMb} | ${r.growthMb} | ${(r.items / first.items).toFixed(0)} | ${growthRatio} |`);
  }
}

if (process.argv[2] === '--emulator') await runEmulatorChild(Number(process.argv[3]));
else await main();
