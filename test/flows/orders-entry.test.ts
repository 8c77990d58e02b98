/**
 * Which orders go on and which wait, against both emulators over HTTP:
 * - an order whose payment method, shipping method or VAT percent has no ERP code waits for a
 *   person under its own number, and every other order is entered in the same run;
 * - an order already discovered is entered even when the shop completes it before the ERP
 *   could take it (an ERP outage), and only a canceled one is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryRecord } from '../../src/engine/records.js';
import { runSync } from '../../src/engine/sync.js';
import { cancelOrder } from '../../src/emulators/magento/sales.js';
import { asShopOrderId } from '../../src/core/model.js';
import type { FlowReport } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from './world.js';

const runOrders = async (w: World, ctx = w.ctx): Promise<FlowReport> => (await runSync(ctx, 'orders', { dryRun: false, full: false }))[0]!;

interface IcOrder { orderReference: string | null; header: Record<string, string | null> }

describe('orders: an unmapped VAT percent or method stops only its own order', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ items: 12 });
    // The ERP wants the shipping method on the order: flat rate is mapped, nothing else is.
    w.config.mappings.shippingMethods = { flatrate_flatrate: '01' };
  });
  afterAll(async () => {
    await w?.close();
  });

  it('the good orders are entered in the same run; the bad ones wait with the setting to add; after the mapping and a retry it goes in', async () => {
    const [a, b, c] = [w.skus[0]!, w.skus[1]!, w.skus[2]!];
    const place = async (over: Parameters<typeof orderSpec>[1], skus = [a, b]) => (await w.placeOrder(orderSpec(skus, over))).increment_id;
    // The bad ones first: the ledger hands the oldest row out first, so each would have blocked every later one.
    const paypal = await place({ paymentMethod: 'paypal_express' });
    const tablerate = await place({ shippingMethod: 'tablerate_bestway' });
    const eightPercent = orderSpec([c]);
    const vat8 = (await w.placeOrder({ ...eightPercent, lines: eightPercent.lines.map((line) => ({ ...line, taxPercent: '8' })) })).increment_id;
    const good = [await place({}), await place({ paymentMethod: 'banktransfer' }, [b]), await place({ paymentMethod: 'cashondelivery' }, [a, c])];

    const report = await runOrders(w);
    expect(report.error).toBeUndefined();
    const row = async (number: string) => (await w.store.ledger.get('order', { shopKey: number }))!;
    for (const number of good) expect((await row(number)).state, `${number}: ${(await row(number)).lastError}`).toBe('in_erp');
    const erp = await w.admin<IcOrder[]>('icenter', 'GET', '/orders?organisation=1');
    for (const number of good) expect(erp.filter((o) => o.orderReference === number), number).toHaveLength(1);

    const waiting = await row(paypal);
    expect(waiting.state).toBe('needs_attention');
    expect(waiting.lastErrorClass).toBe('business');
    expect(waiting.lastError).toBe(`Order ${paypal}: payment method "paypal_express" has no ERP code; add it to mappings.paymentMethods, then retry the order.`);
    expect((await row(tablerate)).lastError).toBe(`Order ${tablerate}: shipping method "tablerate_bestway" has no ERP code; add it to mappings.shippingMethods, then retry the order.`);
    expect((await row(vat8)).state).toBe('needs_attention');
    expect((await row(vat8)).lastError).toMatch(new RegExp(`^Order ${vat8}: VAT 8 % \\(SKU ${c}\\) has no ERP VAT rate; add "8": "<ERP VAT rate code>" to mappings\\.vatRates, then retry the order\\.$`));
    expect(report.counts.needsAttention).toBe(3);
    expect(report.problems.map((p) => p.key).sort()).toEqual([paypal, tablerate, vat8].sort());
    for (const number of [paypal, tablerate, vat8]) expect(erp.some((o) => o.orderReference === number), number).toBe(false);

    // A person adds the mapping and retries the order.
    w.config.mappings.paymentMethods.paypal_express = '02';
    expect((await retryRecord(w.store, 'order', paypal)).state).toBe('partner_ready');
    const again = await runOrders(w);
    expect(again.error).toBeUndefined();
    expect((await row(paypal)).state, (await row(paypal)).lastError ?? '').toBe('in_erp');
    const entered = (await w.admin<IcOrder[]>('icenter', 'GET', '/orders?organisation=1')).filter((o) => o.orderReference === paypal);
    expect(entered).toHaveLength(1);
    expect(entered[0]!.header.PaymentMethod).toBe('02');
    // The others still wait for their own fix.
    expect((await row(tablerate)).state).toBe('needs_attention');
  });
});

describe('orders: the shop moves an order on while the ERP is down', () => {
  let w: World;
  beforeAll(async () => {
    // A backoff long enough that one run leaves the rows waiting for their next attempt.
    w = await startWorld({ items: 12, config: { worker: { maxAttempts: 20, backoffBase: '400ms', backoffMax: '400ms', concurrency: 2 } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('a completed order is still entered; a canceled one is skipped', async () => {
    const shipped = await w.placeOrder(orderSpec([w.skus[0]!]));
    const canceled = await w.placeOrder(orderSpec([w.skus[1]!]));
    // The ERP does not answer: both orders are discovered and wait for their retry.
    w.icenter.setFaults({ rules: [{ route: 'GetItemsGeneralData', kind: 'status', status: 503 }] });
    await runOrders(w);
    const row = async (number: string) => (await w.store.ledger.get('order', { shopKey: number }))!;
    expect((await row(shipped.increment_id)).state).toBe('discovered');
    expect((await row(canceled.increment_id)).state).toBe('discovered');

    // Meanwhile the shop ships and invoices one order (complete) and cancels the other.
    await w.admin('magento', 'POST', `/orders/${shipped.entity_id}/ship`, {});
    await w.ctx.shop.createInvoice(asShopOrderId(shipped.entity_id), { comment: 'paid by card', notifyCustomer: false });
    expect((await w.ctx.shop.getOrder(asShopOrderId(shipped.entity_id))).status).toBe('complete');
    cancelOrder(w.magento.runtime.state, canceled.entity_id);
    expect((await w.ctx.shop.getOrder(asShopOrderId(canceled.entity_id))).status).toBe('canceled');

    // The ERP is back (and icsync restarted, so no circuit breaker remembers the outage); the rows
    // are due again after their backoff.
    w.icenter.setFaults({ rules: [] });
    const later = w.restart();
    for (const number of [shipped.increment_id, canceled.increment_id]) {
      const due = (await row(number)).nextAttemptAt;
      if (due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due.getTime() - Date.now() + 20)));
    }
    const report = await runOrders(w, later);
    expect(report.error).toBeUndefined();
    const entered = await row(shipped.increment_id);
    expect(entered.state, entered.lastError ?? '').toBe('in_erp');
    const skipped = await row(canceled.increment_id);
    expect(skipped.state).toBe('skipped');
    const story = await w.store.ledger.timeline('order', canceled.increment_id);
    expect(story?.events.at(-1)?.message).toMatch(/not entered: the order was canceled in the shop/);
    const erp = await w.admin<IcOrder[]>('icenter', 'GET', '/orders?organisation=1');
    expect(erp.filter((o) => o.orderReference === shipped.increment_id)).toHaveLength(1);
    expect(erp.some((o) => o.orderReference === canceled.increment_id)).toBe(false);
  });
});
