/**
 * `icsync resync <kind> <key>` end to end: a person changed a product or a stock quantity in
 * the shop by hand; a delta sync does not see it (the ERP did not change), `resync` makes the
 * next sync write that one record again from the ERP, and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { startHarness, type Harness } from './harness.js';

const PRODUCT_WRITE = /\/V1\/products$/;
const SOURCE_ITEMS_WRITE = /\/V1\/inventory\/source-items$/;

describe('icsync resync', () => {
  let h: Harness;
  let store: Store;
  beforeAll(async () => {
    h = await startHarness({ items: 10 });
    for (const flow of ['products', 'stock']) {
      const result = await h.cli(['sync', flow]);
      expect(result.code, result.stderr).toBe(0);
    }
    store = await openStore({ url: (h.raw.store as { url: string }).url });
  });
  afterAll(async () => {
    await store?.close();
    await h?.close();
  });

  const shopProduct = (sku: string) => {
    const { products, productBySku } = h.magento.runtime.state;
    return products.get(productBySku.get(sku.toLowerCase()) ?? -1)?.values.get(0) as Record<string, unknown> | undefined;
  };
  const writesSince = (from: number, path: RegExp) => h.magento.runtime.requests.slice(from).filter((r) => r.method === 'POST' && path.test(r.path));

  it('product: written again from the ERP on the next sync, only that one', async () => {
    const sku = h.skus.find((s) => shopProduct(s)?.status === 1)!;
    const erpName = h.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === sku)!.ItemTitle1;
    expect(shopProduct(sku)?.name).toBe(erpName);
    // A person renames it in the Magento admin.
    await fetch(`${h.magento.baseUrl}/__admin/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ products: [{ sku, name: 'Ročno preimenovan' }] }) });
    expect(shopProduct(sku)?.name).toBe('Ročno preimenovan');

    let from = h.magento.runtime.requests.length;
    const plain = await h.cli(['sync', 'products']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(writesSince(from, PRODUCT_WRITE)).toHaveLength(0);
    expect(shopProduct(sku)?.name).toBe('Ročno preimenovan');

    const resync = await h.cli(['resync', 'product', sku]);
    expect(resync.code, resync.stderr).toBe(0);
    expect(resync.stdout).toBe(`product ${sku} will be written again on the next run (state resync).\n`);
    const row = await store.ledger.get('product', { shopKey: sku });
    expect(row?.state).toBe('resync');
    expect(row?.contentHash).toBeNull();
    expect((await store.ledger.timeline('product', sku))?.events.map((e) => e.type)).toContain('resync');

    from = h.magento.runtime.requests.length;
    const after = await h.cli(['sync', 'products']);
    expect(after.code, after.stderr).toBe(0);
    expect(writesSince(from, PRODUCT_WRITE)).toHaveLength(1);
    expect(shopProduct(sku)?.name).toBe(erpName);
    expect((await store.ledger.get('product', { shopKey: sku }))?.state).toBe('synced');

    // Done: the next sync leaves it alone again.
    from = h.magento.runtime.requests.length;
    expect((await h.cli(['sync', 'products'])).code).toBe(0);
    expect(writesSince(from, PRODUCT_WRITE)).toHaveLength(0);
  });

  it('stock: the quantity the ERP has is written over a hand-set one', async () => {
    const key = (await store.ledger.list({ kind: 'stock', states: ['synced'], limit: 1000 })).map((r) => r.shopKey!).find((k) => k.endsWith('@default'))!;
    expect(key).toBeDefined();
    const sku = key.slice(0, -'@default'.length);
    const item = () => h.magento.runtime.state.sourceItems.get(sku.toLowerCase())!.get('default')!;
    const erpQuantity = String(item().quantity);
    await fetch(`${h.magento.baseUrl}/__admin/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sourceItems: [{ sku, source_code: 'default', quantity: 999, status: 1 }] }) });
    expect(String(item().quantity)).toBe('999');

    const resync = await h.cli(['resync', 'stock', key]);
    expect(resync.code, resync.stderr).toBe(0);
    expect(resync.stdout).toContain(`stock ${key} will be written again on the next run`);

    const from = h.magento.runtime.requests.length;
    const after = await h.cli(['sync', 'stock']);
    expect(after.code, after.stderr).toBe(0);
    expect(writesSince(from, SOURCE_ITEMS_WRITE)).toHaveLength(1);
    expect(String(item().quantity)).toBe(erpQuantity);
    expect((await store.ledger.get('stock', { shopKey: key }))?.state).toBe('synced');
  });

  it('a key the ledger does not know, or a kind that does not exist, is refused with a sentence and changes nothing', async () => {
    const before = await store.ledger.countByState();
    const unknown = await h.cli(['resync', 'product', 'NI.TAKEGA']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('The ledger has no product with the key NI.TAKEGA');
    const badKind = await h.cli(['resync', 'izdelek', h.skus[0]!]);
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('"izdelek" is not a record kind');
    expect(await store.ledger.countByState()).toEqual(before);
  });
});
