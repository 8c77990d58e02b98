/**
 * iCenter's web-publish flag (GeneralData.WebPublish): an item the ERP keeps off the web, such
 * as the shipping service item, is never created in the shop, and is not tried again on every
 * run; one that goes off the web later is disabled there (never deleted). With
 * flows.products.webPublish: ignore every active item goes to the shop, as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import type { FlowReport } from '../../src/flows/types.js';
import { startWorld, type World } from './world.js';

async function worldWithOffWebItem(config?: Record<string, unknown>): Promise<World> {
  const w = await startWorld({ items: 8, ...(config && { config }) });
  const org = w.icenter.state().orgs.get(1)!;
  // Like a shipping service item: active, a service (S), not for the web.
  const first = org.items[0]!;
  first.sections.GeneralData.WebPublish = 'N';
  first.sections.GeneralData.ItemType = 'S';
  return w;
}

const shopProduct = (w: World, sku: string) => {
  const { products: all, productBySku } = w.magento.runtime.state;
  const product = all.get(productBySku.get(sku.toLowerCase()) ?? -1);
  return product && (product.values.get(0) as Record<string, unknown>);
};

describe('products: the ERP web-publish flag', () => {
  let w: World;
  beforeAll(async () => {
    w = await worldWithOffWebItem();
  });
  afterAll(async () => {
    await w?.close();
  });
  const products = (full = false): Promise<FlowReport> => runSync(w.ctx, 'products', { dryRun: false, full }).then((r) => r[0]!);
  const writesFor = (sku: string) => w.magento.runtime.requests.filter((r) => r.method !== 'GET' && JSON.stringify(r).includes(sku));

  it('an item not for the web is not created in the shop, and not sent again on the next runs', async () => {
    const sku = w.skus[0]!;
    const first = await products();
    expect(first.error).toBeUndefined();
    expect(first.counts.notForWeb).toBe(1);
    expect(first.counts.failed ?? 0).toBe(0);
    expect(shopProduct(w, sku)).toBeUndefined();
    expect(writesFor(sku)).toHaveLength(0);
    expect((await w.store.ledger.get('product', { shopKey: sku }))?.state).toBe('not_for_web');
    // Every other item is in the shop.
    for (const other of w.skus.slice(1)) if (w.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === other)!.sections.SalesData.IsActive === 'D') expect(shopProduct(w, other)).toBeDefined();

    await products();
    await products(true);
    expect(writesFor(sku)).toHaveLength(0);
    expect(shopProduct(w, sku)).toBeUndefined();

    // Its stock is not written either: the shop has no such product.
    const stock = (await runSync(w.ctx, 'stock', { dryRun: false, full: true }))[0]!;
    expect(stock.error).toBeUndefined();
    expect(writesFor(sku)).toHaveLength(0);
  });

  it('an item that goes off the web later is disabled in the shop, never deleted', async () => {
    const sku = w.skus.find((s) => shopProduct(w, s)?.status === 1)!;
    const item = w.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === sku)!;
    item.sections.GeneralData.WebPublish = 'N';
    item.modified = w.icenter.state().stamp();
    const before = w.magento.runtime.state.products.size;
    const run = await products();
    expect(run.counts.disabled).toBe(1);
    expect(shopProduct(w, sku)?.status).toBe(2);
    expect(w.magento.runtime.state.products.size).toBe(before);
  });
});

describe('products: flows.products.webPublish: ignore', () => {
  let w: World;
  beforeAll(async () => {
    w = await worldWithOffWebItem({ flows: { products: { createNew: true, priceList: 'MPC', webPublish: 'ignore' } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('sends the item to the shop like any other', async () => {
    const run = (await runSync(w.ctx, 'products', { dryRun: false, full: false }))[0]!;
    expect(run.counts.notForWeb ?? 0).toBe(0);
    expect(shopProduct(w, w.skus[0]!)).toBeDefined();
  });
});
