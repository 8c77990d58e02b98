/**
 * The Minimax connector over real HTTP against the Minimax emulator: what the conformance kit
 * does not cover. Token expiry mid-run, a stale RowVersion, lost create answers found again,
 * the call budget (the API's 429 and icsync's own count), and the lockout a retried wrong
 * password would cause.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryCallCounter } from '../../../src/connectors/minimax/budget.js';
import { partnerCodeFor } from '../../../src/connectors/minimax/partners.js';
import { asCountry } from './helpers.js';
import type { PartnerDraft } from '../../../src/core/model.js';
import { collect, failure } from '../../contract/helpers.js';
import { ITEM_COUNT, KNOWN_SKU, ORG, orderDraft, startMinimaxHarness, type MinimaxHarness } from '../../contract/erp-port/minimax-setup.js';

let h: MinimaxHarness;
beforeEach(async () => {
  h = await startMinimaxHarness();
});
afterEach(async () => {
  await h.close();
});

const tokenCalls = (): number => h.log().filter((r) => /oauth20\/token$/i.test(r.path)).length;

describe('Minimax connector', () => {
  it('signs in again once when the token expires in the middle of a run, and reads on', async () => {
    const pages: number[] = [];
    for await (const page of h.port.items({ includeInactive: true, pageSize: 10 })) {
      pages.push(page.length);
      // Minimax forgets every token (as when one expires) between two pages.
      if (pages.length === 2) h.emulator.expireTokens();
    }
    expect(pages.reduce((a, b) => a + b, 0)).toBe(ITEM_COUNT);
    expect(tokenCalls()).toBe(2);
    expect(h.log().filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('a stale RowVersion on the PDF action is read again and the action goes through once', async () => {
    const { order } = await h.port.createOrder(orderDraft(`RV${Date.now()}`));
    const issued = await h.admin<{ invoiceId: number }>('POST', '/invoices', { organisation: ORG, orderId: Number(order.key), pdf: false });
    // The action waits 600 ms on the way in; meanwhile a person edits the invoice in Minimax.
    await h.admin('PUT', '/faults', { rules: [{ route: 'actions/generatepdf', kind: 'latency', latencyMs: 600, times: 1 }] });
    const pdf = h.port.invoicePdf(String(issued.invoiceId) as never);
    await new Promise((r) => setTimeout(r, 250));
    await h.admin('PATCH', '/invoices', { organisation: ORG, invoiceId: issued.invoiceId });
    const { bytes } = await pdf;
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const actions = h.log().filter((r) => /actions\/generatepdf$/i.test(r.path));
    expect(actions.map((a) => a.status)).toEqual([400, 200]);
  });

  it('a customer whose create answer was lost is found by its code instead of being created twice', async () => {
    const draft: PartnerDraft = { kind: 'company', name: 'Novo podjetje d.o.o.', vatId: 'SI 5555 1234', email: 'nabava@novo.si', address: { street: ['Trg 1'], city: 'Kranj', postcode: '4000', country: asCountry('SI') } };
    await h.admin('PUT', '/faults', { rules: [{ route: `orgs/${ORG}/customers`, method: 'POST', kind: 'lostAnswer', times: 1 }] });
    const lost = await failure(h.port.createPartner(draft));
    expect(lost.errorClass).toBe('transient');
    const again = await h.port.createPartner(draft);
    const code = partnerCodeFor(draft, 'W');
    expect(again.code).toBe(code);
    const customers = await h.admin<{ code: string }[]>('GET', `/customers?organisation=${ORG}`);
    expect(customers.filter((c) => c.code === code)).toHaveLength(1);
    // Once it has its e-mail contact, it is found by VAT ID and by e-mail.
    expect((await h.port.findPartner({ vatId: 'SI55551234' }))?.partner.code).toBe(code);
  });

  it('a full read after a change sees the change (item reads are shared within one products run only)', async () => {
    await collect(h.port.items({}));
    await h.admin('PATCH', '/items', { organisation: ORG, code: 'MM-00003', price: '77.70' });
    const { rows } = await collect(h.port.prices({ priceList: 'item' }));
    expect(rows.find((p) => p.sku === 'MM-00003')?.price).toBe('77.7');
  });

  it('creates a customer with its e-mail as a contact, found later by e-mail', async () => {
    const draft: PartnerDraft = { kind: 'person', name: 'Ana Čebular', email: 'ana@example.si', address: { street: ['Pot 2'], city: 'Celje', postcode: '3000', country: asCountry('SI') } };
    expect(await h.port.findPartner({ email: draft.email! })).toBeUndefined();
    const { code, warnings } = await h.port.createPartner(draft);
    expect(warnings).toEqual([]);
    const found = await h.port.findPartner({ email: 'ANA@example.si' });
    expect(found).toMatchObject({ matchedBy: 'email', partner: { code, kind: 'person', name: 'Ana Čebular', address: { city: 'Celje', country: 'SI' } } });
  });

  it('past the organisation budget the API answers 429: a transient error saying when calls resume', async () => {
    // Others (the web UI, other integrations) used the budget icsync does not see in its own count.
    await h.admin('PUT', '/budget', { organisation: ORG, used: 1000 });
    const error = await failure(collect(h.port.items({ pageSize: 10 })));
    expect(error.errorClass).toBe('transient');
    expect(error.sentence).toMatch(/call budget is used up/);
    expect(error.retryAfterMs).toBeGreaterThan(3_600_000);
  });

  it('does not send a call once its own count reaches the limit, and lets flows in by priority', async () => {
    const counter = memoryCallCounter();
    const port = h.makePort({ budget: { limit: 100, share: 0.9 } }, counter);
    // 60 of the 90 usable calls were made earlier today (by this icsync, in the store).
    await counter.record(`minimax:org:${ORG}`, new Date(Date.now() - 3_600_000), 60);
    expect(await port.callBudget!.admit('orders')).toEqual({ ok: true });
    expect(await port.callBudget!.admit('subjects')).toEqual({ ok: true });
    const stock = await port.callBudget!.admit('stock');
    expect(stock.ok).toBe(false);
    expect(!stock.ok && stock.sentence).toMatch(/^stock waits: 30 Minimax calls are left today .* 36 are kept for orders, invoices and partners/);
    await counter.record(`minimax:org:${ORG}`, new Date(), 40);
    h.emulator.requestLog();
    await h.admin('DELETE', '/requests');
    const error = await failure(port.getOrder('123' as never));
    expect(error.errorClass).toBe('transient');
    expect(error.notSent).toBe(true);
    expect(error.sentence).toMatch(/not sent, because the organisation's 100 calls of the last 24 h are used/);
    expect(h.log().filter((r) => r.counted)).toHaveLength(0);
    const orders = await port.callBudget!.admit('orders');
    expect(!orders.ok && orders.sentence).toMatch(/^orders waits: the Minimax call budget is used up/);
  });

  it('counts every call it sends, retries included, where the budget is kept', async () => {
    const counter = memoryCallCounter();
    const port = h.makePort({}, counter);
    await h.admin('PUT', '/faults', { rules: [{ route: `orgs/${ORG}/items`, kind: 'status', status: 503, times: 1 }] });
    await collect(port.items({ pageSize: 100 }));
    const status = await port.callBudget!.status();
    const sent = h.log().filter((r) => r.organisation === ORG).length;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(status.used).toBe(sent);
    expect(status).toMatchObject({ limit: 1000, usable: 900 });
  });

  it('a wrong password is asked once and never again, so Minimax does not lock the application', async () => {
    await h.emulator.close();
    h = await startMinimaxHarness({ emulator: { lockoutAfter: 2 } });
    const port = h.makePort({ password: 'Wr0ng-Secret-77' });
    for (let i = 0; i < 4; i++) {
      const error = await failure(i % 2 === 0 ? port.checkConnection() : collect(port.items({})));
      expect(error.errorClass).toBe('configuration');
      expect(error.sentence).toMatch(/does not try again by itself, because a few wrong passwords lock the application/);
      expect(error.sentence).not.toContain('Wr0ng-Secret-77');
    }
    expect(tokenCalls()).toBe(1);
    expect((await h.admin<{ locked: boolean }>('GET', '/health')).locked).toBe(false);
    // The right password still works: the application was not locked.
    expect((await h.port.checkConnection()).target).toBe('minimax');
    // What the connector spares the user: two wrong sign-ins in a row (here from two processes) lock the application for good.
    await failure(h.makePort({ password: 'Wr0ng-Secret-77' }).checkConnection());
    await failure(h.makePort({ password: 'Wr0ng-Secret-77' }).checkConnection());
    expect((await h.admin<{ locked: boolean }>('GET', '/health')).locked).toBe(true);
    const locked = await failure(h.makePort().checkConnection());
    expect(locked.remoteMessage).toMatch(/locked/);
  });

  it('reads stock once per warehouse, the rows carrying the warehouse code', async () => {
    await h.admin('POST', '/stock', { organisation: ORG, warehouse: 'VP', item: KNOWN_SKU, qty: '17' });
    await h.admin('DELETE', '/requests');
    const { rows } = await collect(h.port.stock({ warehouses: ['MP', 'VP'] as never }));
    expect(rows.find((r) => r.sku === KNOWN_SKU && r.warehouse === 'VP')?.quantity).toBe('17');
    expect(h.log().filter((r) => /\/stocks$/i.test(r.path)).map((r) => r.query.WarehouseId)).toHaveLength(2);
    const unknown = await failure(collect(h.port.stock({ warehouses: ['NIC'] as never })));
    expect(unknown.errorClass).toBe('configuration');
    expect(unknown.sentence).toContain('"NIC"');
  });

  it('a delta reads only the changed items, and prices come from the same reads', async () => {
    // The emulator's stamp clock gives every write a later millisecond than the last one, so a burst
    // of writes (the seed, the budget tests) can stamp a little ahead of the wall clock on a loaded
    // machine: the cut-off is put past that, then waited for.
    const since = new Date(Date.now() + 3000);
    await new Promise((r) => setTimeout(r, 3100));
    await h.admin('PATCH', '/items', { organisation: ORG, code: 'MM-00002', price: '99.90' });
    await h.admin('DELETE', '/requests');
    const port = h.makePort({ deltaOverlap: 0 });
    const prices = await collect(port.prices({ priceList: 'item', changedSince: since }));
    const items = await collect(port.items({ changedSince: since }));
    expect(items.rows.map((i) => i.sku)).toEqual(['MM-00002']);
    expect(prices.rows).toEqual([expect.objectContaining({ sku: 'MM-00002', price: '99.9', includesVat: true, vatPercent: expect.any(String) })]);
    const itemReads = h.log().filter((r) => /\/items\/\d+$/i.test(r.path));
    expect(itemReads).toHaveLength(1);
    const wrongList = await failure(collect(port.prices({ priceList: 'MPC' })));
    expect(wrongList.errorClass).toBe('configuration');
  });
});
