/**
 * `icsync sync … --dry-run` writes nothing anywhere (no store folder, file, migration or row),
 * reports what it would write from the full counts, and what a one-shot sync prints: progress
 * without a known total as a counter, a transient stop without "retried later" or a long URL.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forOneShot } from '../../src/cli/commands/sync.js';
import { openStore } from '../../src/store/index.js';
import { fakeTerminal as terminal, orderSpec, startHarness, type Harness } from './harness.js';

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('sync --dry-run and one-shot output', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const withStore = (name: string, url: string, patch: (raw: Record<string, unknown>) => Record<string, unknown> = (raw) => raw) =>
    h.writeConfig(name, (raw) => ({ ...patch(raw), store: { url } }));

  it('against a store path that does not exist: no folder, no file, and the products it would create are all counted', async () => {
    const folder = join(h.dir, 'fresh');
    const file = withStore('fresh.yaml', `sqlite:${join(folder, 'deeper', 'icsync.db')}`);
    const result = await h.cli(['-c', file, 'sync', 'all', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`products: would create ${h.skus.length}\n`);
    expect(result.stdout).toMatch(/^stock: would write \d+\n/m);
    expect(result.stdout).toContain('Dry run: nothing was written.');
    expect(existsSync(folder)).toBe(false);
  });

  it('a flow that stopped says so instead of "nothing would be written", and still creates no file', async () => {
    const path = join(h.dir, 'stopped-dry.db');
    const file = withStore('stopped-dry.yaml', `sqlite:${path}`, (raw) => ({ ...raw, erp: { type: 'icenter', icenter: { ...(raw.erp as { icenter: object }).icenter, organisationId: 42 } } }));
    const result = await h.cli(['-c', file, 'sync', 'products', '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('products: stopped before it finished (the reason is below); up to there it found nothing to write\n');
    expect(result.stdout).not.toContain('nothing would be written');
    expect(result.stdout).toContain('products stopped: iCenter refused user');
    expect(existsSync(path)).toBe(false);
  });

  describe('against an existing store', () => {
    let path: string;
    let config: string;
    let buyer: string;
    beforeAll(async () => {
      path = join(h.dir, 'existing', 'icsync.db');
      config = withStore('existing.yaml', `sqlite:${path}`);
      const first = await h.cli(['-c', config, 'sync', 'products']);
      expect(first.code).toBe(0);
      // Two orders of one new buyer, and two partner rows already waiting: one due now, one later.
      buyer = 'email:dora@example.si';
      await h.placeOrder(orderSpec([h.skus[0]!], { email: 'dora@example.si' }));
      await h.placeOrder(orderSpec([h.skus[1]!], { email: 'dora@example.si' }));
      const store = await openStore({ url: `sqlite:${path}` });
      try {
        await store.ledger.ensure('partner', { shopKey: 'vat:SI11111111' }, { state: 'discovered', data: { draft: { name: 'Čakalna d.o.o.' }, orders: ['100000001'] } });
        await store.ledger.ensure('partner', { shopKey: 'vat:SI22222222' }, { state: 'erp_pending', nextAttemptAt: new Date('2099-01-01T00:00:00Z'), data: { draft: { name: 'Pozna d.o.o.' }, orders: ['100000002'] } });
      } finally {
        await store.close();
      }
    });

    it('leaves its bytes, mtime and folder unchanged, and the ERP untouched', async () => {
      const files = readdirSync(join(h.dir, 'existing'));
      expect(files).toEqual(['icsync.db']);
      const before = { digest: digest(path), mtime: statSync(path).mtimeMs };
      const erpBefore = JSON.stringify(h.icenter.state().orgs.get(1));
      const result = await h.cli(['-c', config, 'sync', 'all', '--dry-run']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('products: nothing would be written\n');
      expect(readdirSync(join(h.dir, 'existing'))).toEqual(files);
      expect({ digest: digest(path), mtime: statSync(path).mtimeMs }).toEqual(before);
      expect(JSON.stringify(h.icenter.state().orgs.get(1))).toBe(erpBefore);
    });

    it('subjects lists the new buyer once and the partner rows already waiting for work', async () => {
      const before = digest(path);
      const result = await h.cli(['-c', config, 'sync', 'subjects', '--dry-run']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('subjects: would discover 1, link 2\n');
      expect(result.stdout.split(`  create partner ${buyer}\n`)).toHaveLength(2);
      expect(result.stdout).toContain('  write partner vat:SI11111111\n      state: "discovered" → "linked"\n      due: "now"\n      name: "Čakalna d.o.o."\n');
      expect(result.stdout).toContain('  write partner vat:SI22222222\n      state: "erp_pending" → "linked"\n      due: "2099-01-01T00:00:00.000Z"\n');
      expect(result.stdout).toMatch(/^subjects\s+ok\s+.*waitingLater 1/m);
      expect(digest(path)).toBe(before);
    });
  });

  describe('progress on a terminal', () => {
    it('products and one-to-one stock know no total: a running count, not a bar drawn full', async () => {
      const file = withStore('progress.yaml', `sqlite:${join(h.dir, 'progress.db')}`);
      const products = terminal();
      expect((await h.cli(['-c', file, 'sync', 'products', '--dry-run'], { progressStream: products.stream })).code).toBe(0);
      expect(products.drawn()).toContain(`products: ${h.skus.length} records so far`);
      expect(products.drawn()).not.toContain('products [');
      const stock = terminal();
      expect((await h.cli(['-c', file, 'sync', 'stock', '--dry-run'], { progressStream: stock.stream })).code).toBe(0);
      expect(stock.drawn()).toMatch(/stock: \d+ records so far/);
      expect(stock.drawn()).not.toContain('stock [');
    });

    it('stock summed from several warehouses knows its total: a bar', async () => {
      const file = withStore('progress-sum.yaml', `sqlite:${join(h.dir, 'progress-sum.db')}`, (raw) => ({
        ...raw,
        mappings: { ...(raw.mappings as object), warehouses: { '0000001': 'default', '0000003': 'default' } },
      }));
      const stock = terminal();
      expect((await h.cli(['-c', file, 'sync', 'stock', '--dry-run'], { progressStream: stock.stream })).code).toBe(0);
      expect(stock.drawn()).toMatch(/stock \[[^\]]+\] (\d+)\/\1/);
    });
  });

  it('a one-shot sync stopped by a transient failure: how to retry, and no several-hundred-character URL', async () => {
    const port = await closedPort();
    const file = withStore('shop-down.yaml', `sqlite:${join(h.dir, 'shop-down.db')}`, (raw) => {
      const shop = structuredClone(raw.shop) as { magento: { baseUrl: string } };
      shop.magento.baseUrl = `http://127.0.0.1:${port}`;
      return { ...raw, shop };
    });
    const result = await h.cli(['-c', file, 'sync', 'orders']);
    expect(result.code).toBe(1);
    const stopped = result.stdout.split('\n').find((line) => line.startsWith('orders stopped: '));
    expect(stopped).toBeDefined();
    expect(stopped).toContain('/V1/orders?…');
    expect(stopped).toContain('connection refused. Run the command again later, or let icsync run retry it on its schedule.');
    expect(stopped).not.toMatch(/retried later/i);
    expect(stopped).not.toContain('searchCriteria');
    expect(stopped!.length).toBeLessThan(250);
  });
});

describe('sync --dry-run on a catalog larger than the listed changes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ items: 620 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts every product it would create, and says how many are listed', async () => {
    const result = await h.cli(['sync', 'products', '--dry-run']);
    expect(result.code).toBe(0);
    // Inactive items the shop does not have are not created; every other item is counted.
    const creates = Number(/wouldCreate (\d+)/.exec(result.stdout)?.[1]);
    expect(creates).toBeGreaterThan(500);
    expect(creates + Number(/inactiveNotInShop (\d+)/.exec(result.stdout)?.[1] ?? 0)).toBe(620);
    expect(result.stdout).toContain(`products: would create ${creates} (500 listed below)\n`);
    expect(result.stdout.match(/^ {2}create product /gm)).toHaveLength(500);
    expect(existsSync(join(h.dir, 'icsync.db'))).toBe(false);
  });
});

describe('a transient sentence as a one-shot command prints it', () => {
  const query = `searchCriteria%5BpageSize%5D=100&${'x'.repeat(300)}`;

  it('the retry clause says how to retry; a long query is left out, the punctuation after it kept', () => {
    expect(forOneShot(`reading orders from Magento: GET /rest/V1/orders?${query}: Magento answered 503. It will be retried later.`)).toBe(
      'reading orders from Magento: GET /rest/V1/orders?…: Magento answered 503. Run the command again later, or let icsync run retry it on its schedule.',
    );
    expect(forOneShot("listing products: Magento's answer was not JSON. A proxy or maintenance page may have answered; it will be retried later.")).toBe(
      "listing products: Magento's answer was not JSON. A proxy or maintenance page may have answered. Run the command again later, or let icsync run retry it on its schedule.",
    );
  });

  it('a short query stays; a record waiting for a person loses the clause, since nothing retries it', () => {
    expect(forOneShot('GET /rest/V1/orders/7?fields=items to Magento failed after 2 attempts: connection refused. It will be retried later.', true)).toBe(
      'GET /rest/V1/orders/7?fields=items to Magento failed after 2 attempts: connection refused.',
    );
    expect(forOneShot('Order 12: connection refused. It will be retried later. Gave up after 3 attempts; retry when the cause is fixed.', true)).toBe(
      'Order 12: connection refused. Gave up after 3 attempts; retry when the cause is fixed.',
    );
  });
});
