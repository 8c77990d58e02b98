/**
 * The exactly-once protocol, in-process: a "crash" between the remote create and the ledger
 * write, then a restarted process that must find the document instead of sending it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { createFlows } from '../../src/flows/index.js';
import type { LedgerFlow } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('exactly-once across a crash', () => {
  let w: World;
  const flows = createFlows();
  beforeAll(async () => {
    w = await startWorld({ items: 12, config: { worker: { leaseDuration: '300ms', maxAttempts: 4, backoffBase: '1ms', backoffMax: '5ms' } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('an order created in the ERP before the crash is found by its reference, not sent again', async () => {
    const placed = await w.placeOrder(orderSpec([w.skus[0]!, w.skus[1]!]));
    const crashing = w.restart({
      afterErpOrderCreated: () => {
        throw new Error('simulated crash after the ERP call');
      },
    });
    const orders = flows.orders as LedgerFlow;
    await orders.discover(crashing, RUN);
    const [claimed] = await w.store.ledger.claimDue({ kinds: ['order'], states: [...orders.workStates], owner: crashing.owner, leaseMs: 300, limit: 1 });
    await expect(orders.step(crashing, claimed!)).rejects.toThrow('simulated crash');
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('erp_pending');
    const inErp = async () => (await w.admin<{ orderReference: string | null }[]>('icenter', 'GET', '/orders?organisation=1')).filter((o) => o.orderReference === placed.increment_id);
    expect(await inErp()).toHaveLength(1);

    // The crashed process never released its lease; a restarted one waits for it to lapse.
    await sleep(350);
    const restarted = w.restart();
    const [report] = await runSync(restarted, 'orders', RUN);
    expect(report!.error).toBeUndefined();
    const row = await w.store.ledger.timeline('order', placed.increment_id);
    expect(row?.link.state).toBe('in_erp');
    expect(row?.events.some((e) => /by its reference; not sent again/.test(e.message))).toBe(true);
    expect(await inErp()).toHaveLength(1);
  });

  it('a shop invoice created before the crash is recognised by its comment, not created again', async () => {
    const [order] = await w.store.ledger.list({ kind: 'order', states: ['in_erp'] });
    const [year, book, number] = order!.erpKey!.split('/');
    await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
    const crashing = w.restart({
      afterShopInvoiceCreated: () => {
        throw new Error('simulated crash after the shop call');
      },
    });
    const invoices = flows.invoices as LedgerFlow;
    await invoices.discover(crashing, RUN);
    const [claimed] = await w.store.ledger.claimDue({ kinds: ['invoice'], states: [...invoices.workStates], owner: crashing.owner, leaseMs: 300, limit: 1 });
    await expect(invoices.step(crashing, claimed!)).rejects.toThrow('simulated crash');
    expect(w.magento.runtime.state.invoices.size).toBe(1);

    await sleep(350);
    const [report] = await runSync(w.restart(), 'invoices', RUN);
    expect(report!.error).toBeUndefined();
    const row = await w.store.ledger.timeline('invoice', claimed!.erpKey!);
    expect(row?.link.state).toBe('complete');
    expect(row?.events.some((e) => /interrupted create; not created again/.test(e.message))).toBe(true);
    expect(w.magento.runtime.state.invoices.size).toBe(1);
    expect(w.magento.runtime.state.emails.filter((e) => e.kind === 'invoice')).toHaveLength(1);
  });
});
