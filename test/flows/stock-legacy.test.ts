/**
 * stock with `shop.magento.stock.mode: legacy` (a shop without MSI): quantities go to the
 * product's stock item (GET /V1/stockItems/{sku}, PUT /V1/products/{sku}/stockItems/{id}),
 * which holds the default source only. A warehouse mapped to another source is that row's
 * problem, named; the other rows are written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, cmp, dec, ZERO, type Decimal } from '../../src/core/decimal.js';
import { runSync } from '../../src/engine/sync.js';
import type { FlowName } from '../../src/config/schema.js';
import type { FlowReport } from '../../src/flows/types.js';
import { startWorld, type World } from './world.js';

const STOCK_ITEM_PUT = /\/V1\/products\/[^/]+\/stockItems\/\d+$/;

describe('stock to legacy stock items', () => {
  let w: World;
  const one = async (flow: FlowName): Promise<FlowReport> => (await runSync(w.ctx, flow, { dryRun: false, full: false }))[0]!;
  const puts = () => w.magento.runtime.requests.filter((r) => r.method === 'PUT' && STOCK_ITEM_PUT.test(r.path));

  beforeAll(async () => {
    w = await startWorld({ items: 12 });
    // The world's connectors were made from the config; the restarted context uses the changed one.
    w.config.shop.magento.stock.mode = 'legacy';
    w.ctx = w.restart();
    // Nothing on hand in either warehouse that feeds the default source: out of stock.
    for (const warehouseId of ['0000001', '0000005']) await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId, itemId: w.skus[1], qty: '0' });
  });
  afterAll(async () => {
    await w?.close();
  });

  /** What the ERP has on hand for the default source (warehouses 0000001 + 0000005), per SKU that has any row. */
  const expectedDefault = (): Map<string, Decimal> => {
    const stock = w.icenter.state().orgs.get(1)!.stock;
    const out = new Map<string, Decimal>();
    for (const warehouse of ['0000001', '0000005']) {
      for (const [sku, entry] of stock.get(warehouse) ?? []) out.set(sku, add(out.get(sku) ?? ZERO, entry.qty));
    }
    for (const [sku, qty] of out) if (cmp(qty, ZERO) < 0) out.set(sku, ZERO);
    return out;
  };
  const shopDefault = (sku: string) => w.magento.runtime.state.sourceItems.get(sku.toLowerCase())?.get('default');

  it('writes each product\'s stock item, out of stock at zero; a non-default source is that row\'s named problem', async () => {
    expect((await one('products')).error).toBeUndefined();
    const inShop = new Set((await w.store.ledger.list({ kind: 'product', states: ['synced'], limit: 1000 })).map((r) => r.shopKey!));
    const report = await one('stock');
    expect(report.error).toBeUndefined();

    const expected = [...expectedDefault()].filter(([sku]) => inShop.has(sku));
    expect(expected.length).toBeGreaterThan(5);
    for (const [sku, qty] of expected) {
      const item = shopDefault(sku);
      expect(item, sku).toBeDefined();
      expect(dec(String(item!.quantity)), sku).toBe(dec(qty));
      expect(item!.status, sku).toBe(cmp(qty, ZERO) > 0 ? 1 : 0);
    }
    expect(shopDefault(w.skus[1]!)).toMatchObject({ status: 0 });
    expect(cmp(dec(String(shopDefault(w.skus[1]!)!.quantity)), ZERO)).toBe(0);

    // One stock-item write per default row, no MSI call at all.
    expect(report.counts.written).toBe(expected.length);
    expect(puts()).toHaveLength(expected.length);
    expect(w.magento.runtime.requests.filter((r) => r.path.includes('/inventory/'))).toEqual([]);

    // Warehouse 0000003 feeds "maribor", which legacy stock items cannot hold.
    const maribor = [...(w.icenter.state().orgs.get(1)!.stock.get('0000003')?.keys() ?? [])].filter((sku) => inShop.has(sku)).map((sku) => `${sku}@maribor`);
    expect(maribor.length).toBeGreaterThan(0);
    expect(report.counts.failed).toBe(maribor.length);
    expect(report.problems.map((p) => p.key).sort()).toEqual([...maribor].sort());
    for (const key of maribor) {
      const row = await w.store.ledger.get('stock', { shopKey: key });
      expect(row?.state, key).toBe('failed');
      expect(row?.lastError).toContain(key);
      expect(row?.lastError).toContain('legacy stock items hold only the "default" source');
    }
    expect([...w.magento.runtime.state.sourceItems.values()].some((bySource) => bySource.has('maribor'))).toBe(false);
    for (const key of expected.map(([sku]) => `${sku}@default`)) expect((await w.store.ledger.get('stock', { shopKey: key }))?.state, key).toBe('synced');
  });

  it('writes only the stock item whose quantity changed', async () => {
    const before = puts().length;
    const again = await one('stock');
    expect(again.counts.written ?? 0).toBe(0);
    expect(puts()).toHaveLength(before);

    const sku = w.skus[0]!;
    await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId: '0000005', itemId: sku, qty: '3.5' });
    await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId: '0000001', itemId: sku, qty: '4' });
    const changed = await one('stock');
    expect(changed.counts.written).toBe(1);
    expect(puts()).toHaveLength(before + 1);
    expect(puts().at(-1)!.path).toContain(encodeURIComponent(sku));
    expect(dec(String(shopDefault(sku)!.quantity))).toBe(dec('7.5'));
    expect(shopDefault(sku)!.status).toBe(1);
  });
});
