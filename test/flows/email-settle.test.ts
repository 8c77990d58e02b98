/**
 * The invoice e-mail's settle wait is a scheduled wait, not a retry: with a backoff far shorter
 * than flows.invoices.emailSettle and few attempts, an invoice whose e-mail answer was lost waits
 * the whole settle time (read from an injected clock), spends no attempt on it, and ends with one
 * e-mail, not with a person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };
const SHOP_TIMEOUT_MS = 800;
const SETTLE_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('invoice e-mail settle wait', () => {
  let w: World;
  let offset = 0;
  const clock = () => new Date(Date.now() + offset);
  beforeAll(async () => {
    w = await startWorld({ items: 12, clock, config: { worker: { backoffBase: '1ms', backoffMax: '50ms', maxAttempts: 3 } } });
    w.config.shop.magento.timeouts.request = SHOP_TIMEOUT_MS;
    w.ctx = w.restart();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('is not capped by worker.backoffMax and spends no attempts', async () => {
    expect(w.config.flows.invoices.emailSettle).toBe(SETTLE_MS);
    const placed = await w.placeOrder(orderSpec([w.skus[0]!]));
    await runSync(w.ctx, 'orders', RUN);
    const order = (await w.store.ledger.get('order', { shopKey: placed.increment_id }))!;
    expect(order.state, order.lastError ?? '').toBe('in_erp');
    const [year, book, number] = order.erpKey!.split('/');
    await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });

    // The shop carries the e-mail out, but only after icsync stopped waiting for its answer.
    await w.admin('magento', 'PUT', '/faults', { rules: [{ path: '/V1/invoices/*/emails', method: 'POST', latencyMs: SHOP_TIMEOUT_MS * 1.5, times: 1 }] });
    const emails = () => w.magento.runtime.state.emails.filter((e) => e.kind === 'invoice').length;
    const row = async () => (await w.store.ledger.list({ kind: 'invoice' }))[0]!;

    await runSync(w.ctx, 'invoices', RUN);
    const waiting = await row();
    expect(waiting.state).toBe('in_shop');
    const askedAt = Date.parse((waiting.data as { emailAskedAt: string }).emailAskedAt);
    // The lost answer was one attempt; the settle wait after it is none.
    expect(waiting.attempts).toBe(1);
    expect(waiting.nextAttemptAt?.getTime()).toBe(askedAt + SETTLE_MS);
    expect(waiting.lastError).toContain('flows.invoices.emailSettle');

    // Many passes within the settle time, each far longer than backoffMax: nothing is due.
    for (const minutes of [1, 2, 4.9]) {
      offset = minutes * 60_000;
      const report = await runSync(w.ctx, 'invoices', RUN);
      expect(report.map((r) => r.error)).toEqual(report.map(() => undefined));
      const now = await row();
      expect(now.state).toBe('in_shop');
      expect(now.attempts).toBe(1);
    }
    await sleep(SHOP_TIMEOUT_MS); // the first ask has landed in the shop by now
    offset = SETTLE_MS + 1000;
    await runSync(w.ctx, 'invoices', RUN);
    const done = await row();
    expect(done.state, done.lastError ?? '').toBe('complete');
    await sleep(300);
    expect(emails()).toBe(1);
    const timeline = await w.store.ledger.timeline('invoice', done.erpKey!);
    expect(timeline!.events.filter((e) => e.type === 'needs_attention')).toEqual([]);
    expect(timeline!.events.filter((e) => e.type === 'waiting').length).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
