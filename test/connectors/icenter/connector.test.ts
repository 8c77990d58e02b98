/** The iCenter connector against the iCenter emulator over real HTTP, with injected faults. */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asErpKey, asWarehouse, type PartnerDraft } from '../../../src/core/model.js';
import { failure, collect } from '../../contract/helpers.js';
import { fetchAdmin, ITEM_COUNT, KNOWN_SKU, ORG, orderDraft, parseKey, startIcenterHarness, type IcenterHarness } from '../../contract/erp-port/icenter-setup.js';

const all = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => (await collect(pages)).rows;

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
    expect(error).toMatchObject({ errorClass: 'business', status: 409, remoteMessage: 'šifra artikla  XX.NE.OBSTAJA ne obstaja!' });
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

  it('reads a price list, whole and as a delta, with its currency and VAT flag', async () => {
    const stored = h.emulator.state().orgs.get(ORG)!.prices.get('MPC')!;
    const prices = await all(h.port.prices({ priceList: 'MPC', pageSize: 10 }));
    expect(prices).toHaveLength(stored.size);
    const known = prices.find((p) => p.sku === KNOWN_SKU)!;
    expect(known).toMatchObject({ priceList: 'MPC', price: stored.get(KNOWN_SKU)!.price, includesVat: true, currency: 'EUR', vatPercent: expect.stringMatching(/^\d/) });
    for (const entry of stored.values()) entry.modified = Date.now() - 86_400_000;
    const since = new Date();
    await fetchAdmin(h, 'POST', '/prices', { organisation: ORG, priceListId: 'MPC', itemId: KNOWN_SKU, price: '99.90' });
    const delta = await all(h.port.prices({ priceList: 'MPC', changedSince: since }));
    expect(delta.map((p) => [p.sku, p.price])).toEqual([[KNOWN_SKU, '99.9']]);
  });

  it('reads only the items changed since the cursor', async () => {
    const org = h.emulator.state().orgs.get(ORG)!;
    for (const item of org.items) item.modified = Date.now() - 86_400_000;
    const since = new Date();
    const other = org.items.find((i) => i.ItemID !== KNOWN_SKU)!.ItemID;
    for (const sku of [KNOWN_SKU, other]) {
      const body = `<ItemsGeneralData><ItemGeneralData><ItemID>${sku}</ItemID><ItemTitle1>Spremenjeno čšž</ItemTitle1></ItemGeneralData></ItemsGeneralData>`;
      const res = await request(`${h.emulator.baseUrl}/api/Item/UpdateItemsGeneralData`, {
        method: 'PATCH', body, headers: { authorization: `Basic ${Buffer.from(`${h.settings.user}:${h.settings.password}`).toString('base64')}`, organisationid: String(ORG), 'content-type': 'application/xml' },
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    const delta = await all(h.port.items({ changedSince: since }));
    expect(delta.map((i) => i.sku).sort()).toEqual([KNOWN_SKU, other].sort());
    expect(delta.every((i) => i.name === 'Spremenjeno čšž' && Date.parse(i.modifiedAt!) >= since.getTime())).toBe(true);
    expect(await all(h.port.items({ changedSince: new Date(Date.now() + 3_600_000) }))).toEqual([]);
  });

  it('treats GetOrder answering 200 with OrderNumber 0 as no order, and still finds orders by sweeping', async () => {
    h.emulator.updateSettings({ getOrderMissingStatus: 200, getOrderStatusEmpty: true });
    const reference = ref('Z');
    const { order } = await h.port.createOrder(orderDraft(reference));
    const { year, book } = parseKey(order.key);
    expect(await h.port.getOrder(asErpKey(`${year}/${book}/99999`))).toBeUndefined();
    expect((await h.port.findOrderByReference(reference))?.key).toBe(order.key);
  });

  it('fetches an invoice PDF by the invoice AttachmentID (pdf.mode attachment-id), without printing', async () => {
    const { order } = await h.port.createOrder(orderDraft(ref('A')));
    const invoice = h.emulator.issueInvoice(ORG, parseKey(order.key));
    const key = asErpKey(`${invoice.year}/${invoice.book}/${invoice.number}`);
    const byAttachment = h.makePort({ pdf: { mode: 'attachment-id' } });
    const none = await failure(byAttachment.invoicePdf(key));
    expect(none.errorClass).toBe('business');
    expect(none.sentence).toContain('erp.icenter.pdf');
    await h.port.invoicePdf(key);
    await fetchAdmin(h, 'DELETE', '/requests');
    const pdf = await byAttachment.invoicePdf(key);
    expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const paths = h.emulator.requestLog().map((r) => r.path);
    expect(paths.some((p) => /PrintInvoiceToPDF/i.test(p))).toBe(false);
    expect(paths.filter((p) => new RegExp(`GetDocument/1/${invoice.attachmentId}/false$`).test(p))).toHaveLength(1);
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
