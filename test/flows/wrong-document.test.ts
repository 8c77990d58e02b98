/**
 * The cursor invariant (docs/OPERATIONS.md): after any failed read, a later run still sees every
 * change made before it. Each read below is answered, once, with HTTP 200 and something that is
 * not the document asked for: a login page, an empty body, JSON instead of XML (and XML instead
 * of JSON), the wrong root, mismatched tags, a cut-off body, a page with more rows than asked for,
 * a search result without its items. The run must fail with a sentence naming the request, its
 * cursor must stay, and the next run must carry the change made before the failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSync } from '../../src/engine/sync.js';
import { createFlows } from '../../src/flows/index.js';
import type { LedgerFlow } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };

/** The global name of a shop product, by SKU. */
function shopName(w: World, sku: string): string | undefined {
  const product = [...w.magento.runtime.state.products.values()].find((p) => p.sku === sku);
  return (product?.values.get(0) as { name?: string } | undefined)?.name;
}

/** 200 answers that are not the items document iCenter should have sent. */
const ICENTER_WRONG: { name: string; answer: { contentType?: string; text: string } }[] = [
  { name: 'an HTML login page', answer: { contentType: 'text/html; charset=utf-8', text: '<!DOCTYPE html><html><head><title>Prijava - Sign in</title></head><body><form method="post"><input name="user"></form></body></html>' } },
  { name: 'a login page in XHTML without a content type', answer: { contentType: '', text: '<html><head><title>Sign in</title></head><body><p>Session expired</p></body></html>' } },
  { name: 'an empty body', answer: { text: '' } },
  { name: 'JSON instead of XML', answer: { contentType: 'application/json', text: '{"ItemsGeneralData":[]}' } },
  { name: 'XML with the wrong root', answer: { text: '<?xml version="1.0" encoding="utf-8"?><ArrayOfCustomer xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />' } },
  { name: 'mismatched tags', answer: { text: '<ItemsGeneralData><ItemGeneralData><ItemID>X</ItemGeneralData></ItemID></ItemsGeneralData>' } },
  { name: 'a cut-off body', answer: { text: '<ItemsGeneralData><ItemGeneralData><ItemID>X</ItemID><ItemTitle1>Ha' } },
  {
    name: 'a page with more rows than asked for',
    answer: { text: `<ItemsGeneralData>${'<ItemGeneralData><ItemID>X</ItemID></ItemGeneralData>'.repeat(1001)}</ItemsGeneralData>` },
  },
];

describe('a 200 that is not the document asked for never moves a cursor', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ items: 12 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('products (iCenter items): every kind of wrong document fails the run, and the next run carries the change', async () => {
    const [first] = await runSync(w.ctx, 'products', RUN);
    expect(first!.error).toBeUndefined();
    const org = w.icenter.state().orgs.get(1)!;
    const inShop = org.items.filter((item) => shopName(w, item.ItemID) !== undefined);
    expect(inShop.length).toBeGreaterThanOrEqual(ICENTER_WRONG.length);
    for (const [index, wrong] of ICENTER_WRONG.entries()) {
      const cursor = await w.store.cursors.get('products');
      // A change in the ERP, then the read that should carry it is answered wrongly.
      const item = inShop[index]!;
      const renamed = `Preimenovan ${index} (${wrong.name})`;
      item.ItemTitle1 = renamed;
      item.modified = w.icenter.state().stamp();
      w.icenter.setFaults([{ route: 'Item/GetItemsGeneralData', kind: 'answer', answer: wrong.answer }]);
      const [failed] = await runSync(w.ctx, 'products', RUN);
      w.icenter.setFaults([]);
      expect(failed!.error, wrong.name).toMatch(/GetItemsGeneralData/);
      expect(failed!.errorClass, wrong.name).toBe('transient');
      expect(await w.store.cursors.get('products'), wrong.name).toBe(cursor);
      expect(shopName(w, item.ItemID), wrong.name).not.toBe(renamed);

      const [next] = await runSync(w.ctx, 'products', RUN);
      expect(next!.error, wrong.name).toBeUndefined();
      expect(shopName(w, item.ItemID), wrong.name).toBe(renamed);
    }
  });

  it('invoices (iCenter invoice statuses): a login page fails the run; the next run finds the invoice issued before it', async () => {
    await w.placeOrder(orderSpec([w.skus[0]!]));
    for (const flow of ['subjects', 'orders'] as const) await runSync(w.ctx, flow, RUN);
    const [order] = await w.store.ledger.list({ kind: 'order', states: ['in_erp'] });
    expect(order).toBeDefined();
    await runSync(w.ctx, 'invoices', RUN);
    const cursor = await w.store.cursors.get('invoices');
    expect(cursor).toBeDefined();
    const [year, book, number] = order!.erpKey!.split('/');
    await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });

    w.icenter.setFaults([{ route: 'Invoice/GetInvoiceStatus', kind: 'answer', answer: ICENTER_WRONG[0]!.answer }]);
    const [failed] = await runSync(w.ctx, 'invoices', RUN);
    w.icenter.setFaults([]);
    expect(failed!.error).toMatch(/GetInvoiceStatus.*Sign in/);
    expect(await w.store.cursors.get('invoices')).toBe(cursor);
    expect(await w.store.ledger.list({ kind: 'invoice' })).toHaveLength(0);

    const [next] = await runSync(w.ctx, 'invoices', RUN);
    expect(next!.error).toBeUndefined();
    expect((await w.store.ledger.list({ kind: 'invoice' })).map((row) => row.state)).toEqual(['complete']);
  });

  it('orders (Magento order search): HTML, XML, empty, a search without items, or too many rows fail the run; the next run discovers the order', async () => {
    await runSync(w.ctx, 'orders', RUN);
    const wrongs = [
      { name: 'an HTML login page', answer: { contentType: 'text/html', body: '<!doctype html><html><head><title>Magento Admin</title></head><body></body></html>' } },
      { name: 'XML instead of JSON', answer: { contentType: 'application/xml', body: '<response><items/></response>' } },
      { name: 'an empty body', answer: { body: '' } },
      { name: 'JSON without items', answer: { body: '{"message":"ok","total_count":0}' } },
      { name: 'items that are not a list', answer: { body: '{"items":{},"total_count":0}' } },
      { name: 'cut-off JSON', answer: { body: '{"items":[{"entity_id":1,' } },
      { name: 'more rows than asked for', answer: { body: JSON.stringify({ items: Array.from({ length: 400 }, (_, i) => ({ entity_id: i + 1 })), total_count: 400 }) } },
    ];
    for (const [index, wrong] of wrongs.entries()) {
      const cursor = await w.store.cursors.get('orders');
      const placed = await w.placeOrder(orderSpec([w.skus[index + 1]!]));
      // Every try of the run gets it (the connector repeats a read that failed this way).
      await w.admin('magento', 'PUT', '/faults', { rules: [{ path: '/V1/orders', method: 'GET', answer: wrong.answer }] });
      const [failed] = await runSync(w.ctx, 'orders', RUN);
      expect(failed!.error, wrong.name).toMatch(/Magento/);
      expect(failed!.errorClass, wrong.name).toBe('transient');
      expect(await w.store.cursors.get('orders'), wrong.name).toBe(cursor);
      expect(await w.store.ledger.get('order', { shopKey: placed.increment_id }), wrong.name).toBeUndefined();

      await w.admin('magento', 'DELETE', '/faults');
      const [next] = await runSync(w.ctx, 'orders', RUN);
      expect(next!.error, wrong.name).toBeUndefined();
      expect(await w.store.ledger.get('order', { shopKey: placed.increment_id }), wrong.name).toBeDefined();
    }
  });

  it('exactly once: a look-up by reference answered with an empty body or a login page is not "no such order", so nothing is sent twice', async () => {
    const placed = await w.placeOrder(orderSpec([w.skus[2]!], { email: 'enkrat@example.si' }));
    const crashing = w.restart({
      afterErpOrderCreated: () => {
        throw new Error('simulated crash after the ERP call');
      },
    });
    const orders = createFlows().orders as LedgerFlow;
    await orders.discover(crashing, RUN);
    const due = await w.store.ledger.claimDue({ kinds: ['order'], states: [...orders.workStates], owner: crashing.owner, leaseMs: 300, limit: 10 });
    const claimed = due.find((row) => row.shopKey === placed.increment_id)!;
    await expect(orders.step(crashing, claimed)).rejects.toThrow('simulated crash');
    for (const row of due) if (row !== claimed) await w.store.ledger.release(row.id, crashing.owner);
    const inErp = async () => (await w.admin<{ orderReference: string | null }[]>('icenter', 'GET', '/orders?organisation=1')).filter((o) => o.orderReference === placed.increment_id);
    expect(await inErp()).toHaveLength(1);
    await sleep(350);

    // GetOrderStatus and GetOrder (the sweep) answer 200 with nothing usable.
    for (const answer of [{ text: '' }, ICENTER_WRONG[0]!.answer]) {
      w.icenter.setFaults([{ route: 'Order/GetOrder', kind: 'answer', answer }]);
      await runSync(w.restart(), 'orders', RUN);
      w.icenter.setFaults([]);
      const row = await w.store.ledger.get('order', { shopKey: placed.increment_id });
      expect(row?.state).toBe('erp_pending');
      expect(row?.lastError).toMatch(/GetOrder/);
      expect(await inErp()).toHaveLength(1);
      // The failed attempt is retried after its backoff.
      await sleep(50);
    }
    // Readable again: found by its reference, not sent again.
    for (let i = 0; i < 20 && (await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state === 'erp_pending'; i++) {
      await runSync(w.restart(), 'orders', RUN);
      await sleep(20);
    }
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('in_erp');
    expect(await inErp()).toHaveLength(1);
  });

  it('a write answered 200 with a login page or an empty body is a transient failure, never taken for success', async () => {
    const draft = { kind: 'company' as const, name: 'Prijava d.o.o.', email: 'prijava@example.si', address: { street: ['Cesta 1'], city: 'Kranj', postcode: '4000', country: 'SI' as never } };
    for (const answer of [ICENTER_WRONG[0]!.answer, { text: '' }, { text: '<html><body>OK</body></html>', contentType: '' }]) {
      w.icenter.setFaults([{ route: 'Customers/AddCustomer', kind: 'answer', answer, times: 1 }]);
      const error = await w.ctx.erp.createPartner(draft).catch((thrown: unknown) => thrown);
      expect((error as { errorClass?: string }).errorClass).toBe('transient');
      expect((error as Error).message).toMatch(/POST api\/Customers\/AddCustomer.*instead of the <CreateResult>/);
    }
    w.icenter.setFaults([]);
  });
});
