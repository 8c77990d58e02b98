/**
 * flows.stock.subtractPendingOrders: while a shop order is not yet in the ERP, its quantity is
 * held back from the stock written to the shop; once the ERP has the order, the ERP's own
 * figure is written again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import type { FlowReport } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from './world.js';

const run = async (w: World, flow: 'products' | 'stock' | 'orders'): Promise<FlowReport> => (await runSync(w.ctx, flow, { dryRun: false, full: false }))[0]!;

describe('stock with subtractPendingOrders', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({
      items: 12,
      config: {
        flows: {
          products: { createNew: true, priceList: 'MPC' },
          stock: { subtractPendingOrders: true },
          orders: { shippingItem: undefined },
        },
      },
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('holds back what an order not yet in the ERP promised, and releases it once the ERP has the order', async () => {
    await run(w, 'products');
    const sku = w.skus[0]!;
    const shopQty = () => String(w.magento.runtime.state.sourceItems.get(sku.toLowerCase())?.get('default')?.quantity);
    await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId: '0000001', itemId: sku, qty: '10' });
    await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId: '0000005', itemId: sku, qty: '0' });
    expect((await run(w, 'stock')).error).toBeUndefined();
    expect(shopQty()).toBe('10');

    // The ERP is down when the order arrives: it stays before in_erp.
    const spec = orderSpec([sku]);
    spec.lines[0]!.qty = 3;
    const placed = await w.placeOrder({ ...spec, shippingAmount: '0' });
    w.icenter.setFaults({ rules: [{ route: 'Order/AddOrder', kind: 'status', status: 503 }] });
    await run(w, 'orders');
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('erp_pending');
    await run(w, 'stock');
    expect(shopQty()).toBe('7');

    // The ERP is back: the order goes in, and its quantity is no longer held back by icsync.
    // The 503s may have opened the connector's circuit breaker (30 s): a restarted process, as
    // after an outage, has fresh connectors. The row's backoff (ms here) may still be running.
    w.icenter.setFaults({ rules: [] });
    const restarted = w.restart();
    const orderState = async () => (await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state;
    for (let tries = 0; tries < 20 && (await orderState()) !== 'in_erp'; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await runSync(restarted, 'orders', { dryRun: false, full: false });
    }
    expect(await orderState()).toBe('in_erp');
    await run(w, 'stock');
    expect(shopQty()).toBe('10');
  });
});
