/**
 * An ERP item that turns inactive disables its shop product (status 2) and never deletes it:
 * orders, reviews and URLs in the shop still point at it. Active again, it is enabled again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import type { FlowReport } from '../../src/flows/types.js';
import { startWorld, type World } from './world.js';

describe('products: an item that turns inactive in the ERP', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ items: 12 });
    // Inactive before the first sync: the shop never gets it.
    w.icenter.state().orgs.get(1)!.items.at(-1)!.sections.SalesData.IsActive = 'N';
  });
  afterAll(async () => {
    await w?.close();
  });

  const products = (): Promise<FlowReport> => runSync(w.ctx, 'products', { dryRun: false, full: false }).then((r) => r[0]!);
  const item = (sku: string) => w.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === sku)!;
  const setActive = (sku: string, active: boolean) => {
    item(sku).sections.SalesData.IsActive = active ? 'D' : 'N';
    item(sku).modified = w.icenter.state().stamp();
  };
  const shopProduct = (sku: string) => {
    const { products: all, productBySku } = w.magento.runtime.state;
    const product = all.get(productBySku.get(sku.toLowerCase()) ?? -1);
    return product && (product.values.get(0) as Record<string, unknown>);
  };
  const writes = () => w.magento.runtime.requests.filter((r) => r.method !== 'GET');

  it('is disabled in the shop (status 2), not deleted; active again it is enabled again', async () => {
    const first = await products();
    expect(first.error).toBeUndefined();
    const sku = w.skus.find((s) => shopProduct(s)?.status === 1)!;
    expect(sku).toBeDefined();
    const productsBefore = w.magento.runtime.state.products.size;
    const writesBefore = writes().length;

    setActive(sku, false);
    const off = await products();
    expect(off.error).toBeUndefined();
    expect(off.counts.disabled).toBe(1);
    expect(off.counts.updated ?? 0).toBe(0);
    expect(shopProduct(sku)).toMatchObject({ status: 2, name: item(sku).ItemTitle1 });
    expect(w.magento.runtime.state.products.size).toBe(productsBefore);
    const sent = writes().slice(writesBefore);
    expect(sent.map((r) => r.method)).not.toContain('DELETE');
    expect(sent.length).toBeGreaterThan(0);
    const row = await w.store.ledger.get('product', { shopKey: sku });
    expect(row?.state).toBe('synced');
    expect((row?.data as { draft: { enabled: boolean } }).draft.enabled).toBe(false);

    // Nothing changed since: the disabled product is not written again.
    const again = await products();
    expect((again.counts.disabled ?? 0) + (again.counts.updated ?? 0)).toBe(0);

    setActive(sku, true);
    const on = await products();
    expect(on.counts.updated).toBe(1);
    expect(on.counts.created ?? 0).toBe(0);
    expect(shopProduct(sku)?.status).toBe(1);
    expect(w.magento.runtime.state.products.size).toBe(productsBefore);
  });

  it('an item inactive before it ever reached the shop is not created; once active it is', async () => {
    const sku = w.skus.at(-1)!;
    expect(shopProduct(sku)).toBeUndefined();
    expect((await w.store.ledger.get('product', { shopKey: sku }))?.state).toBe('inactive_not_in_shop');

    setActive(sku, true);
    const on = await products();
    expect(on.counts.created).toBe(1);
    expect(shopProduct(sku)?.status).toBe(1);
    expect((await w.store.ledger.get('product', { shopKey: sku }))?.state).toBe('synced');
  });
});
