/**
 * Writes 10,000 stock changes (MSI source items) through the Magento connector, for batch
 * sizes 1, 20 and 100, against the Magento emulator running in a CHILD process (so this
 * process's RSS is the connector's alone), signed with OAuth 1.0a as in production.
 * Reports requests sent, wall time, rows/s and peak RSS per batch size.
 *
 *   npx tsx bench/magento-write.ts            # 10,000 rows
 *   npx tsx bench/magento-write.ts 2000       # another count
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createMagentoShop } from '../src/connectors/magento/index.js';
import { magentoSettingsSchema } from '../src/connectors/magento/config.js';
import { dec } from '../src/core/decimal.js';
import { asSku, type ShopStockDraft } from '../src/core/model.js';

const BATCH_SIZES = [1, 20, 100];

interface Credentials {
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

async function runEmulatorChild(products: number): Promise<void> {
  const { startMagentoEmulator } = await import('../src/emulators/magento/index.js');
  const emulator = await startMagentoEmulator({ port: 0, seed: { generate: { products, customers: 1, orders: 0, seed: 1 } }, requestLogLimit: 100 });
  process.stdout.write(`${JSON.stringify({ baseUrl: emulator.baseUrl, ...emulator.credentials })}\n`);
  process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
}

async function startChild(products: number): Promise<{ child: ChildProcess } & Credentials> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--emulator', String(products)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { child, ...(JSON.parse(line) as Credentials) };
}

interface Result {
  batchSize: number;
  rows: number;
  failed: number;
  requests: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

async function measure(credentials: Credentials, rows: ShopStockDraft[], batchSize: number): Promise<Result> {
  const { baseUrl, consumerKey, consumerSecret, accessToken, accessTokenSecret } = credentials;
  const port = createMagentoShop(
    magentoSettingsSchema.parse({ baseUrl, auth: { kind: 'oauth', consumerKey, consumerSecret, accessToken, accessTokenSecret }, stock: { mode: 'msi', batchSize } }),
    { logger: pino({ level: 'silent' }) },
  );
  globalThis.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  try {
    const outcomes = await port.writeStock(rows);
    const seconds = (performance.now() - started) / 1000;
    return {
      batchSize, rows: rows.length, failed: outcomes.filter((o) => !o.ok).length, requests: port.requestsSent,
      seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(rows.length / seconds), peakRssMb: Math.round(peak / 1048576),
    };
  } finally {
    clearInterval(sampler);
    await port.close();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--emulator') return runEmulatorChild(Number(process.argv[3]));
  const count = Number(process.argv[2] ?? 10_000);
  const { child, ...credentials } = await startChild(count);
  try {
    const width = Math.max(6, String(count).length);
    const results: Result[] = [];
    for (const [round, batchSize] of BATCH_SIZES.entries()) {
      // A different quantity per round, so every round is a real change.
      const rows = Array.from({ length: count }, (_, i): ShopStockDraft => ({
        sku: asSku(`ICS-${String(i + 1).padStart(width, '0')}`), source: 'default', quantity: dec(`${(i % 500) + round}.5`), inStock: true,
      }));
      results.push(await measure(credentials, rows, batchSize));
    }
    console.log(`magento-write: ${count} stock rows through the connector (OAuth, maxConcurrent 4), emulator in a child process`);
    console.table(results);
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
