/**
 * An order the totals guard holds before entry is not in the ERP: with
 * flows.stock.subtractPendingOrders its quantities are held back from the shop's stock like any
 * order the ERP does not know yet; once a person accepts it and it is entered, the ERP counts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, dec } from '../../src/core/decimal.js';
import { retryRecord } from '../../src/engine/records.js';
import { runSync } from '../../src/engine/sync.js';
import { buildPlaceOrder } from '../../src/emulators/magento/index.js';
import type { FlowReport } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from './world.js';

const run = async (w: World, flow: 'products' | 'stock' | 'orders'): Promise<FlowReport> => (await runSync(w.ctx, flow, { dryRun: false, full: false }))[0]!;

describe('stock with subtractPendingOrders and an order held by the totals guard', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({
      items: 12,
      config: { flows: { products: { createNew: true, priceList: 'MPC' }, stock: { subtractPendingOrders: true }, orders: { shippingItem: undefined } } },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('holds back the quantities of an order held before entry, and not once the ERP holds it', async () => {
    const sku = w.skus[0]!;
    const shopQty = () => String(w.magento.runtime.state.sourceItems.get(sku.toLowerCase())?.get('default')?.quantity);
    // 10 on hand in the ERP, all of it in the warehouse that feeds the shop's default source.
    await run(w, 'products');
    for (const [warehouseId, qty] of [['0000001', '10'], ['0000005', '0']]) await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId, itemId: sku, qty });
    expect([(await run(w, 'stock')).error, shopQty()]).toEqual([undefined, '10']);

    // A grand total one euro above what the lines add up to (a discount module gone wrong).
    const spec = orderSpec([sku]);
    spec.lines[0]!.qty = 3;
    const body = buildPlaceOrder({ ...spec, shippingAmount: '0' });
    const plusOne = (value: unknown): number => Number(add(dec(String(value)), dec('1.00')));
    const placed = await w.admin<{ increment_id: string }>('magento', 'POST', '/orders', { ...body, grand_total: plusOne(body.grand_total), base_grand_total: plusOne(body.base_grand_total) });
    await run(w, 'orders');
    const held = (await w.store.ledger.get('order', { shopKey: placed.increment_id }))!;
    expect(held.state).toBe('needs_attention');
    // Held before any ERP write: the ERP does not know the order, so its quantities are still the shop's promise.
    expect(held.lastError).toMatch(/is held before it was entered in iCenter.*difference 1/);
    expect(held.erpKey).toBeNull();
    const erp = async () => (await w.admin<{ orderReference: string }[]>('icenter', 'GET', '/orders?organisation=1')).filter((o) => o.orderReference === placed.increment_id);
    expect(await erp()).toHaveLength(0);

    expect((await run(w, 'stock')).error).toBeUndefined();
    expect(shopQty()).toBe('7');

    // A person accepts the difference: the order is entered once, in_erp, and the stock is the ERP's again.
    await retryRecord(w.store, 'order', placed.increment_id);
    await run(w, 'orders');
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('in_erp');
    expect(await erp()).toHaveLength(1);
    await run(w, 'stock');
    expect(shopQty()).toBe('10');
  });
});
