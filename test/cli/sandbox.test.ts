/**
 * `icsync sandbox` and `icsync emulate … --seed demo`: emulators whose data fit together. Every
 * shop SKU is an ERP item, the shipping item exists (and is kept off the web), and the config
 * the sandbox writes runs every flow: the orders reach the ERP, none for want of a SKU.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const base = mkdtempSync(join(tmpdir(), 'icsync-sandbox-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function io(stop: Promise<string>, until: string): CliIo & { stdout: () => string; stderr: () => string; printed: Promise<string> } {
  let out = '';
  let err = '';
  let done!: (text: string) => void;
  const printed = new Promise<string>((resolve) => (done = resolve));
  return {
    out: (text) => {
      out += text;
      if (out.includes(until)) done(out);
    },
    err: (text) => void (err += text),
    isTTY: false,
    waitForStop: () => stop,
    stdout: () => out,
    stderr: () => err,
    printed,
  };
}

const quiet = (): CliIo & { stdout: () => string } => {
  let out = '';
  return { out: (t) => void (out += t), err: (t) => void (out += t), isTTY: false, waitForStop: () => new Promise(() => undefined), stdout: () => out };
};

describe('icsync sandbox', () => {
  it('starts both emulators, writes a config without secrets in it, prints the commands; every flow runs on it', async () => {
    const dir = join(base, 'box');
    let stop!: (signal: string) => void;
    const cli = io(new Promise((resolve) => (stop = resolve)), 'Ctrl-C stops');
    const running = main(['node', 'icsync', 'sandbox', '--dir', dir, '--magento-port', '0', '--icenter-port', '0', '--dashboard-port', '0'], cli);
    const text = await Promise.race([cli.printed, running.then((code) => `exited ${code}: ${cli.stderr()}`)]);
    expect(text).toContain('Try, in another terminal:');
    const configPath = join(dir, 'icsync.yaml');
    expect(text).toMatch(/ doctor -c \S*icsync\.yaml/);
    expect(text).toMatch(/ run -c \S*icsync\.yaml\s+# dashboard at http:\/\/127\.0\.0\.1:0\//);
    const yaml = readFileSync(configPath, 'utf8');
    expect(yaml).toContain('${file:secrets/icenter-password}');
    const secret = readFileSync(join(dir, 'secrets', 'icenter-password'), 'utf8');
    expect(yaml).not.toContain(secret);

    const doctor = quiet();
    expect(await main(['node', 'icsync', '-c', configPath, 'doctor'], doctor)).toBe(0);
    expect(doctor.stdout()).toContain('✓ shipping item: iCenter has DOSTAVA');

    const sync = quiet();
    expect(await main(['node', 'icsync', '-c', configPath, 'sync', 'all'], sync)).toBe(0);
    const out = sync.stdout();
    expect(out).not.toContain('is not in iCenter');
    // The shipping item stays off the web; every other item is in the shop.
    expect(out).toMatch(/^products\s+ok\s+.*notForWeb 1\b/m);
    expect(out).not.toMatch(/^products .*failed/m);
    // 29 orders: all in the ERP; one is then held on purpose (its total is 1.00 off).
    expect(out).toMatch(/^orders\s+ok\s+read 29, discovered 29, done 29\s/m);
    const status = quiet();
    expect(await main(['node', 'icsync', '-c', configPath, 'status'], status)).toBe(0);
    expect(status.stdout()).toMatch(/^order\s+in_erp\s+28$/m);
    expect(status.stdout()).toMatch(/1 record needs a person[^\n]*\n\s+\[needs_attention\] Order \d+ is held before it was entered in iCenter/);

    stop('SIGINT');
    expect(await running).toBe(0);
  }, 120_000);

  it('`emulate magento --seed demo` and `emulate icenter --seed demo` on their own hold the same matching data', async () => {
    const start = async (args: string[]) => {
      let stop!: (signal: string) => void;
      const cli = io(new Promise((resolve) => (stop = resolve)), '\n');
      const running = main(['node', 'icsync', 'emulate', ...args, '--port', '0', '--seed', 'demo'], cli);
      // The JSON line is the first thing printed.
      return { info: JSON.parse(await cli.printed) as { baseUrl: string; adminUrl?: string }, stop: async () => (stop('SIGINT'), await running) };
    };
    const icenter = await start(['icenter']);
    const magento = await start(['magento', '--enable-integration-as-bearer']);
    try {
      const m = magento.info as unknown as { baseUrl: string; accessToken: string };
      const products = (await (await fetch(`${m.baseUrl}/rest/all/V1/products?searchCriteria[pageSize]=1000`, { headers: { authorization: `Bearer ${m.accessToken}` } })).json()) as { items: { sku: string }[] };
      const skus = products.items.map((p) => p.sku);
      expect(skus.length).toBeGreaterThan(100);
      const i = icenter.info as unknown as { baseUrl: string; user: string; password: string };
      const xml = await (
        await fetch(`${i.baseUrl}/api/Item/GetItemsGeneralData?searchQuery.page=1&searchQuery.pageSize=1000`, {
          headers: { authorization: `Basic ${Buffer.from(`${i.user}:${i.password}`).toString('base64')}`, organisationid: '1' },
        })
      ).text();
      const erp = new Set([...xml.matchAll(/<ItemID>([^<]+)<\/ItemID>/g)].map((match) => match[1]));
      expect(erp.has('DOSTAVA')).toBe(true);
      const missing = skus.filter((sku) => !erp.has(sku));
      expect(missing).toEqual([]);
      const state = (await (await fetch(`${m.baseUrl}/__admin/state`)).json()) as { orders: number };
      expect(state.orders).toBe(29);
    } finally {
      expect(await icenter.stop()).toBe(0);
      expect(await magento.stop()).toBe(0);
    }
  }, 60_000);
});
