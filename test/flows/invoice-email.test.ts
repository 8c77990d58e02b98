/**
 * The invoice e-mail, asked for once: Magento marks an invoice e-mailed only when the mail is out,
 * so an ask whose answer is lost (a timeout while the shop is still sending) must not be followed
 * at once by a second ask that sees "not sent" and mails the buyer again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };
const SHOP_TIMEOUT_MS = 800;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('invoice e-mail after a lost answer', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ items: 12, config: { worker: { backoffBase: '1ms', backoffMax: '10s' } } });
    w.config.shop.magento.timeouts.request = SHOP_TIMEOUT_MS;
    w.config.flows.invoices.emailSettle = 3000;
    w.ctx = w.restart();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('waits emailSettle for the earlier ask to land instead of asking again: one e-mail', async () => {
    const placed = await w.placeOrder(orderSpec([w.skus[0]!]));
    await runSync(w.ctx, 'subjects', RUN);
    await runSync(w.ctx, 'orders', RUN);
    const order = (await w.store.ledger.get('order', { shopKey: placed.increment_id }))!;
    expect(order.state, order.lastError ?? '').toBe('in_erp');
    const [year, book, number] = order.erpKey!.split('/');
    await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });

    // The e-mail request is carried out, but only after the connector stopped waiting for it.
    await w.admin('magento', 'PUT', '/faults', { rules: [{ path: '/V1/invoices/*/emails', method: 'POST', latencyMs: SHOP_TIMEOUT_MS * 1.5, times: 1 }] });
    const emails = () => w.magento.runtime.state.emails.filter((e) => e.kind === 'invoice').length;
    const row = async () => (await w.store.ledger.list({ kind: 'invoice' }))[0]!;
    await runSync(w.ctx, 'invoices', RUN);
    expect((await row()).state).toBe('in_shop');

    // icsync comes back before the shop is done (the first ask lands at 1.5 × the timeout), sees
    // "not sent", and must wait instead of asking again.
    await runSync(w.ctx, 'invoices', RUN);
    expect((await row()).state).toBe('in_shop');
    expect((await row()).lastError).toContain('flows.invoices.emailSettle');

    // After the settle time the shop's own flag is trusted: sent, so not asked for again.
    await sleep(3200);
    await runSync(w.ctx, 'invoices', RUN);
    expect((await row()).state).toBe('complete');
    await sleep(500);
    expect(emails()).toBe(1);
  }, 30_000);
});
