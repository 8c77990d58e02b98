/**
 * The CLI under test: both emulators on ephemeral ports, a config file (JSON is YAML) in a temp
 * dir with a SQLite store, and `main(argv)` run in-process with stdout/stderr captured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { generateIcenterSeed, startIcenterEmulator, type IcenterEmulator } from '../../src/emulators/icenter/index.js';
import { buildPlaceOrder, startMagentoEmulator, type MagentoEmulator, type PlaceOrderSpec } from '../../src/emulators/magento/index.js';

export const ORG = 1;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Harness {
  dir: string;
  icenter: IcenterEmulator;
  magento: MagentoEmulator;
  skus: string[];
  /** The config as written; `writeConfig(patch)` writes a variant to another file and returns its path. */
  raw: Record<string, unknown>;
  configPath: string;
  writeConfig(name: string, patch: (raw: Record<string, unknown>) => Record<string, unknown>): string;
  cli(args: string[], options?: { stop?: Promise<string>; onOut?: (text: string) => void; progressStream?: NodeJS.WritableStream }): Promise<CliResult>;
  placeOrder(spec: PlaceOrderSpec): Promise<{ entity_id: number; increment_id: string }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Items in the ERP's catalog. Default 20. */
  items?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-cli-'));
  const seed = generateIcenterSeed({ seed: 11, items: options.items ?? 20, customers: 4, organisations: [ORG] });
  const skus = (seed.organisations[0]!.items ?? []).map((item) => String(item.ItemID));
  const icenter = await startIcenterEmulator({ seed });
  const magento = await startMagentoEmulator({ seed: 'none', sourceCodes: ['default', 'maribor'] });
  const raw: Record<string, unknown> = {
    store: { url: `sqlite:${join(dir, 'icsync.db')}` },
    log: { level: 'warn', pretty: false },
    shop: {
      type: 'magento',
      magento: {
        baseUrl: magento.baseUrl,
        auth: { kind: 'oauth', consumerKey: magento.credentials.consumerKey, consumerSecret: magento.credentials.consumerSecret, accessToken: magento.credentials.accessToken, accessTokenSecret: magento.credentials.accessTokenSecret },
        retry: { attempts: 2, baseDelay: '5ms', maxDelay: '20ms' },
        timeouts: { connect: '2s', request: '3s' },
      },
    },
    erp: {
      type: 'icenter',
      icenter: {
        baseUrl: icenter.baseUrl, user: icenter.credentials.user, password: '${ICSYNC_TEST_ICENTER_PASSWORD}', organisationId: ORG,
        retry: { attempts: 2, baseDelay: '5ms', maxDelay: '20ms' }, timeouts: { connect: '2s', request: '3s' }, orderLookup: { sweepWindow: 60 },
      },
    },
    mappings: {
      warehouses: { '0000001': 'default', '0000003': 'maribor' },
      orderWarehouse: '0000001',
      orderBook: 'VNK',
      vatRates: { '22': '02', '9.5': '01' },
      taxClasses: { '02': 2, '01': 5 },
      paymentMethods: { checkmo: '01' },
    },
    flows: { products: { createNew: true, priceList: 'MPC' }, orders: { shippingItem: skus[skus.length - 1] } },
    worker: { maxAttempts: 3, backoffBase: '1ms', backoffMax: '5ms', concurrency: 2 },
  };
  // The password comes from the environment, as in production: it must never be printed.
  process.env.ICSYNC_TEST_ICENTER_PASSWORD = icenter.credentials.password;
  const write = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(value, null, 2));
    return file;
  };
  const configPath = write('icsync.yaml', raw);
  return {
    dir,
    icenter,
    magento,
    skus,
    raw,
    configPath,
    writeConfig: (name, patch) => write(name, patch(structuredClone(raw))),
    async cli(args, options = {}) {
      let stdout = '';
      let stderr = '';
      const io: CliIo = {
        out: (text) => {
          stdout += text;
          options.onOut?.(text);
        },
        err: (text) => void (stderr += text),
        isTTY: options.progressStream !== undefined,
        ...(options.progressStream && { progressStream: options.progressStream }),
        waitForStop: () => options.stop ?? new Promise<string>(() => undefined),
      };
      const hasConfig = args.includes('-c') || args.includes('--config');
      const code = await main(['node', 'icsync', ...(hasConfig ? [] : ['-c', configPath]), ...args], io);
      return { code, stdout, stderr };
    },
    async placeOrder(spec) {
      const res = await fetch(`${magento.baseUrl}/__admin/orders`, { method: 'POST', body: JSON.stringify(buildPlaceOrder(spec)), headers: { 'content-type': 'application/json' } });
      if (!res.ok) throw new Error(`placing an order: ${res.status} ${await res.text()}`);
      return (await res.json()) as { entity_id: number; increment_id: string };
    },
    async close() {
      await Promise.all([icenter.close(), magento.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A guest order for these SKUs at 10.00 net, 22 % VAT, paid by check. */
export function orderSpec(skus: string[], over: Partial<PlaceOrderSpec> = {}): PlaceOrderSpec {
  return {
    lines: skus.map((sku, i) => ({ kind: 'simple' as const, qty: i + 1, sku, name: `Artikel ${sku}`, unitPrice: '10.00', taxPercent: '22' })),
    email: 'ana.novak@example.si',
    billing: { firstname: 'Ana', lastname: 'Novak', street: ['Slovenska cesta 1'], city: 'Ljubljana', postcode: '1000', countryId: 'SI' },
    paymentMethod: 'checkmo',
    ...over,
  };
}

/** A terminal for `cli(args, { progressStream })` that keeps what a progress display draws. */
export function fakeTerminal(): { stream: Writable; drawn: () => string } {
  let drawn = '';
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => ((drawn += chunk.toString()), done()) });
  Object.assign(stream, { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, drawn: () => drawn };
}
