/**
 * products with `flows.products.createNew: false`: the shop keeps only the products a person
 * made; the ERP updates (or disables) those and creates nothing. Every other item is reported
 * "only in ERP", counted and named one by one, and gets no stock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { resyncRecord } from '../../src/engine/records.js';
import type { FlowName } from '../../src/config/schema.js';
import type { FlowReport } from '../../src/flows/types.js';
import { startWorld, type World } from './world.js';

const one = async (w: World, flow: FlowName): Promise<FlowReport> => (await runSync(w.ctx, flow, { dryRun: false, full: false }))[0]!;

/** A product as a person makes it in the Magento admin: own name, price, visibility. */
const handMade = (sku: string, status = 1) => ({
  sku, name: `Ročno ${sku}`, price: 1.5, status, type_id: 'simple', attribute_set_id: 4, visibility: 2, extension_attributes: { website_ids: [1] },
});

describe('products with createNew false', () => {
  let w: World;
  let active: string[];
  let inactive: string[];
  beforeAll(async () => {
    w = await startWorld({ items: 20, config: { flows: { products: { createNew: false, priceList: 'MPC' } } } });
    const items = w.icenter.state().orgs.get(1)!.items;
    // The seed makes about one item in twenty inactive; two more make sure there are some.
    for (const item of items.slice(-2)) item.sections.SalesData.IsActive = 'N';
    active = items.filter((i) => (i.sections.SalesData.IsActive ?? 'D') !== 'N').map((i) => i.ItemID);
    inactive = items.filter((i) => i.sections.SalesData.IsActive === 'N').map((i) => i.ItemID);
  });
  afterAll(async () => {
    await w?.close();
  });

  const shopProduct = (sku: string) => {
    const { products, productBySku } = w.magento.runtime.state;
    const product = products.get(productBySku.get(sku.toLowerCase()) ?? -1);
    return product && { ...(product.values.get(0) as Record<string, unknown>), sku: product.sku };
  };
  const erpName = (sku: string) => w.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === sku)!.ItemTitle1;

  it('updates the products a person made, disables an inactive one, creates nothing, and names each item only in the ERP', async () => {
    expect(active.length).toBeGreaterThan(5);
    expect(inactive.length).toBeGreaterThan(0);
    const [a, b] = active;
    const c = inactive[0]!;
    await w.admin('magento', 'POST', '/seed', { products: [handMade(a!), handMade(b!), handMade(c)] });

    const report = await one(w, 'products');
    expect(report.error).toBeUndefined();
    expect(report.counts.created ?? 0).toBe(0);
    expect(report.counts.updated).toBe(2);
    expect(report.counts.disabled).toBe(1);
    const onlyInErp = active.slice(2);
    expect(report.counts.onlyInErp).toBe(onlyInErp.length);
    expect(report.counts.inactiveNotInShop).toBe(inactive.length - 1);

    // The shop still has exactly the three products a person made, now with the ERP's content.
    expect([...w.magento.runtime.state.products.values()].map((p) => p.sku).sort()).toEqual([a, b, c].sort());
    for (const sku of [a!, b!]) expect(shopProduct(sku)).toMatchObject({ name: erpName(sku), status: 1, visibility: 2 });
    expect(shopProduct(c)).toMatchObject({ name: erpName(c), status: 2 });

    // Each item only in the ERP: a line of the report that names it and says why, and a ledger row.
    const reasons = new Map(report.problems.filter((p) => p.kind === 'product').map((p) => [p.key, p.message]));
    expect([...reasons.keys()].sort()).toEqual([...onlyInErp].sort());
    for (const sku of onlyInErp) {
      expect(reasons.get(sku)).toContain(sku);
      expect(reasons.get(sku)).toMatch(/only in the ERP/);
      expect(reasons.get(sku)).toContain('flows.products.createNew');
    }
    const rows = await w.store.ledger.list({ kind: 'product', limit: 1000 });
    const stateOf = new Map(rows.map((r) => [r.shopKey, r.state]));
    for (const sku of onlyInErp) expect(stateOf.get(sku)).toBe('only_in_erp');
    for (const sku of [a!, b!, c]) expect(stateOf.get(sku)).toBe('synced');
    for (const sku of inactive.slice(1)) expect(stateOf.get(sku)).toBe('inactive_not_in_shop');

    // No stock for a product the shop does not have.
    const stock = await one(w, 'stock');
    expect(stock.error).toBeUndefined();
    expect(stock.counts.productNotInShop).toBeGreaterThan(0);
    expect([...w.magento.runtime.state.sourceItems.keys()].every((sku) => [a, b, c].some((s) => s!.toLowerCase() === sku))).toBe(true);
    expect(w.magento.runtime.state.products.size).toBe(3);
  });

  it('a product a person makes later is updated after `resync`, still without creating anything', async () => {
    const d = active[2]!;
    expect((await w.store.ledger.get('product', { shopKey: d }))?.state).toBe('only_in_erp');
    await w.admin('magento', 'POST', '/seed', { products: [handMade(d)] });
    await resyncRecord(w.store, 'product', d);

    const report = await one(w, 'products');
    expect(report.error).toBeUndefined();
    expect(report.counts.created ?? 0).toBe(0);
    expect(report.counts.updated).toBe(1);
    expect(shopProduct(d)).toMatchObject({ name: erpName(d), status: 1 });
    expect(w.magento.runtime.state.products.size).toBe(4);
    expect((await w.store.ledger.get('product', { shopKey: d }))?.state).toBe('synced');

    const again = await one(w, 'products');
    expect((again.counts.updated ?? 0) + (again.counts.created ?? 0)).toBe(0);
  });
});
