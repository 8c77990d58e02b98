/** The iCenter connector against the iCenter emulator over real HTTP, with injected faults. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSyncError, type SyncError } from '../../../src/core/errors.js';
import { asErpKey, asWarehouse, type PartnerDraft } from '../../../src/core/model.js';
import { fetchAdmin, ITEM_COUNT, KNOWN_SKU, ORG, orderDraft, parseKey, startIcenterHarness, type IcenterHarness } from '../../contract/erp-port/icenter-setup.js';

async function failure(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (isSyncError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function all<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for await (const page of pages) rows.push(...page);
  return rows;
}

const SLOVENE = 'čšžČŠŽćđ';
let counter = 0;
const ref = (p: string) => `${p}${Date.now().toString(36)}${(counter += 1)}`;

describe('iCenter connector over HTTP', () => {
  let h: IcenterHarness;
  beforeAll(async () => {
    h = await startIcenterHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await fetchAdmin(h, 'PUT', '/faults', { rules: [] });
    h.emulator.updateSettings({ encoding: 'utf-8', charsetInContentType: true, getOrderStatusEmpty: false, getOrderMissingStatus: 404 });
  });

  for (const [encoding, charset] of [['utf-8', true], ['windows-1250', true], ['windows-1250', false]] as const) {
    it(`round-trips ${SLOVENE} through a customer (${encoding}, charset in Content-Type: ${charset})`, async () => {
      h.emulator.updateSettings({ encoding, charsetInContentType: charset });
      const vat = `SI${String(10_000_000 + (counter += 1) * 7919).slice(0, 8)}`;
      const draft: PartnerDraft = {
        kind: 'company',
        name: `${SLOVENE} d.o.o. 😀`,
        vatId: vat,
        email: `${ref('kupec')}@example.si`,
        address: { street: ['Čopova ulica 5'], city: 'Škofja Loka', postcode: '4220', country: 'SI' as never, firstName: 'Đurđa', lastName: 'Ćosić' },
      };
      const created = await h.port.createPartner(draft);
      expect(created.warnings).toHaveLength(1);
      expect(created.warnings[0]!.record?.field).toBe('name');
      const byVat = await h.port.findPartner({ vatId: vat });
      expect(byVat).toMatchObject({ matchedBy: 'vatId', partner: { code: created.code, name: `${SLOVENE} d.o.o. ?`, address: { city: 'Škofja Loka' } } });
      const byEmail = await h.port.findPartner({ email: draft.email!.toUpperCase() });
      expect(byEmail).toMatchObject({ matchedBy: 'email', partner: { code: created.code } });
      const stored = (await fetchAdmin(h, 'GET', `/customers?organisation=${ORG}`)) as { Code: string; Name: string }[];
      expect(stored.find((c) => c.Code === created.code)?.Name).toBe(`${SLOVENE} d.o.o. ?`);
    });
  }

  it('reads items with a page size that divides the item count: one empty page ends it', async () => {
    await fetchAdmin(h, 'DELETE', '/requests');
    const items = await all(h.port.items({ pageSize: ITEM_COUNT }));
    expect(items).toHaveLength(ITEM_COUNT);
    const pages = h.emulator.requestLog().filter((r) => /GetItemsGeneralData/i.test(r.path)).map((r) => r.query['searchQuery.page']);
    expect(pages).toEqual(['1', '2']);
    expect(items.find((i) => i.sku === KNOWN_SKU)).toMatchObject({ vatRate: expect.stringMatching(/^0\d$/), unit: 'kom' });
  });

  it('reads stock per warehouse, with padded codes kept, and names the setting for an unpadded code', async () => {
    const rows = await all(h.port.stock({ warehouses: [asWarehouse('0000001'), asWarehouse('0000003')], pageSize: 10 }));
    const expected = [...h.emulator.state().orgs.get(ORG)!.stock.entries()]
      .filter(([wh]) => wh === '0000001' || wh === '0000003')
      .reduce((n, [, m]) => n + m.size, 0);
    expect(rows).toHaveLength(expected);
    expect(new Set(rows.map((r) => r.warehouse))).toEqual(new Set(['0000001', '0000003']));
    const error = await failure(all(h.port.stock({ warehouses: [asWarehouse('3')] })));
    expect(error.errorClass).toBe('configuration');
    expect(error.sentence).toContain('mappings.warehouses');
  });

  it('turns an HTML proxy error page into a transient error with its title', async () => {
    await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'Item/GetItemsGeneralData', kind: 'htmlProxyError' }] });
    const error = await failure(all(h.port.items({ pageSize: 10 })));
    expect(error.errorClass).toBe('transient');
    expect(error.remoteMessage).toMatch(/^502 - Web server received an invalid response/);
    expect(error.remoteMessage!.length).toBeLessThan(320);
  });

  it('turns a truncated XML body into a transient error', async () => {
    await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'Item/GetItemsGeneralData', kind: 'malformedXml' }] });
    const error = await failure(all(h.port.items({ pageSize: 10 })));
    expect(error.errorClass).toBe('transient');
    expect(error.sentence).toMatch(/could not be read/);
  });

  it('gives a business error with iCenter\'s own message for a 409', async () => {
    const error = await failure(h.port.createOrder(orderDraft(ref('N'), [KNOWN_SKU, 'XX.NE.OBSTAJA' as never])));
    expect(error).toMatchObject({ errorClass: 'business', status: 409 });
    expect(error.remoteMessage).toBeTruthy();
    expect(error.sentence).toContain('XX.NE.OBSTAJA');
  });

  it('does not repeat AddOrder after a 503: the caller looks it up, finds nothing, and creates it once', async () => {
    const reference = ref('T');
    await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'Order/AddOrder', kind: 'status', status: 503, times: 1 }] });
    await fetchAdmin(h, 'DELETE', '/requests');
    const error = await failure(h.port.createOrder(orderDraft(reference)));
    expect(error.errorClass).toBe('transient');
    expect(h.emulator.requestLog().filter((r) => /AddOrder/i.test(r.path))).toHaveLength(1);
    expect(await h.port.findOrderByReference(reference)).toBeUndefined();
    const { order } = await h.port.createOrder(orderDraft(reference));
    expect((await h.port.findOrderByReference(reference))?.key).toBe(order.key);
  });

  it('finds an order by sweeping GetOrder when GetOrderStatus returns nothing, even when a missing number answers 500', async () => {
    const reference = ref('S');
    const { order } = await h.port.createOrder(orderDraft(reference));
    for (let i = 0; i < 3; i += 1) await h.port.createOrder(orderDraft(ref('F')));
    h.emulator.updateSettings({ getOrderStatusEmpty: true, getOrderMissingStatus: 500 });
    const statusOnly = h.makePort({ orderLookup: { mode: 'status' } });
    expect(await statusOnly.findOrderByReference(reference)).toBeUndefined();
    const found = await h.port.findOrderByReference(reference);
    expect(found?.key).toBe(order.key);
    const { year, book } = parseKey(order.key);
    expect(await h.port.getOrder(asErpKey(`${year}/${book}/99999`))).toBeUndefined();
  });

  it('reads the invoice delta and the order link, and refuses PDFs when switched off', async () => {
    const { order } = await h.port.createOrder(orderDraft(ref('I')));
    const since = new Date();
    const k = parseKey(order.key);
    h.emulator.issueInvoice(ORG, k);
    const book = h.emulator.state().orgs.get(ORG)!.invoices.values().next().value!.book;
    const port = h.makePort({ books: { invoice: [book] } });
    const delta = await all(port.invoices({ changedSince: since }));
    const mine = delta.find((i) => i.orderKey === order.key);
    expect(mine).toBeDefined();
    expect(mine!.lines[0]).toMatchObject({ sku: KNOWN_SKU, quantity: '2' });
    expect(mine!.grossTotal).toBe('25.62');
    const off = h.makePort({ pdf: { mode: 'unsupported' } });
    expect((await failure(off.invoicePdf(mine!.key))).errorClass).toBe('configuration');
  });
});
