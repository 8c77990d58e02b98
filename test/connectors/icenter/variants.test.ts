/**
 * The iCenter connector against every variant the emulator offers for what the contract leaves
 * open ([CODE]/[INF]): time zone and inclusivity of recordDtModifiedFrom, the GetCustomerContacts
 * shape, document reference formats, InvoiceStatus keys, unpriced order lines, Warning-level
 * errors, customer key names, and windows-1250 error texts. Over real HTTP.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PartnerDraft } from '../../../src/core/model.js';
import type { ErpPort } from '../../../src/core/ports.js';
import { DEFAULT_SETTINGS, type SettingsPatch } from '../../../src/emulators/icenter/index.js';
import { failure, collect } from '../../contract/helpers.js';
import { fetchAdmin, KNOWN_SKU, ORG, orderDraft, parseKey, startIcenterHarness, type IcenterHarness } from '../../contract/erp-port/icenter-setup.js';
import { call } from '../../emulators/icenter/helpers.js';

const all = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => (await collect(pages)).rows;

let counter = 0;
const ref = (p: string) => `${p}${Date.now().toString(36)}${(counter += 1)}`;

describe('iCenter connector against the emulator variants', () => {
  let h: IcenterHarness;
  const org = () => h.emulator.state().orgs.get(ORG)!;
  /** Puts every item's stamp at `ms`, so a delta sees only what a test changes afterwards. */
  const ageItems = (ms: number) => {
    for (const item of org().items) item.modified = ms;
  };
  const patchItem = (sku: string, title: string) =>
    call(h.emulator, 'api/Item/UpdateItemsGeneralData', {
      method: 'PATCH',
      body: `<ItemsGeneralData><ItemGeneralData><ItemID>${sku}</ItemID><ItemTitle1>${title}</ItemTitle1></ItemGeneralData></ItemsGeneralData>`,
    });
  const reset = (patch: SettingsPatch = {}) => {
    const { user: _u, password: _p, ...defaults } = DEFAULT_SETTINGS;
    h.emulator.updateSettings({ ...defaults, ...patch });
  };

  beforeAll(async () => {
    h = await startIcenterHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await fetchAdmin(h, 'PUT', '/faults', { rules: [] });
    reset();
  });

  describe('recordDtModifiedFrom', () => {
    // A whole second, as the connector sends recordDtModifiedFrom without fractions.
    const edge = Date.parse('2026-03-02T10:00:00Z');
    const sku = KNOWN_SKU;
    const skusSince = async (port: ErpPort) => (await all(port.items({ changedSince: new Date(edge) }))).map((i) => i.sku);

    it('with an exclusive emulator, the overlap still sees a change made exactly at the cursor', async () => {
      ageItems(edge - 86_400_000);
      org().items.find((i) => i.ItemID === sku)!.modified = edge;
      const noOverlap = h.makePort({ deltaOverlap: 0 });
      reset({ modifiedFromInclusive: false });
      // Without the overlap the change at the cursor is lost: the test can fail.
      expect(await skusSince(noOverlap)).toEqual([]);
      expect(await skusSince(h.port)).toEqual([sku]);
      reset({ modifiedFromInclusive: true });
      expect(await skusSince(noOverlap)).toEqual([sku]);
      expect(await skusSince(h.port)).toEqual([sku]);
    });

    it('with another emulator zone, the matching connector timeZone reads stamps and deltas right', async () => {
      const zone = 'America/New_York';
      reset({ timeZone: zone });
      ageItems(Date.now() - 86_400_000);
      const before = new Date();
      await patchItem(sku, 'Nov naziv');
      const stamp = org().items.find((i) => i.ItemID === sku)!.modified;
      const matching = h.makePort({ timeZone: zone });
      const seen = await all(matching.items({ changedSince: before }));
      expect(seen.map((i) => i.sku)).toEqual([sku]);
      expect(seen[0]!.modifiedAt).toBe(new Date(stamp).toISOString());
      // The default zone (Ljubljana) is hours ahead of New York: its cursor text lies in the emulator's future.
      expect(await all(h.port.items({ changedSince: before }))).toEqual([]);
      const misread = (await all(h.port.items({}))).find((i) => i.sku === sku)!;
      expect(misread.modifiedAt).not.toBe(new Date(stamp).toISOString());
    });

    it('reads the invoice delta in another zone with an exclusive filter', async () => {
      reset({ timeZone: 'Asia/Tokyo', modifiedFromInclusive: false });
      const port = h.makePort({ timeZone: 'Asia/Tokyo', books: { invoice: ['IR'] } });
      const { order } = await port.createOrder(orderDraft(ref('TZ')));
      const since = new Date();
      h.emulator.issueInvoice(ORG, parseKey(order.key));
      const delta = await all(port.invoices({ changedSince: since }));
      expect(delta.map((i) => i.orderKey)).toContain(order.key);
    });
  });

  for (const shape of ['object', 'array'] as const) {
    it(`finds a customer by e-mail when GetCustomerContacts answers as ${shape === 'object' ? 'one CustomerContacts object' : 'ArrayOfCustomerContacts'}`, async () => {
      reset({ customerContactsShape: shape });
      const email = `${ref('oblika')}@example.si`;
      const draft: PartnerDraft = { kind: 'person', name: 'Ana Novak', email, address: { street: ['Ulica 1'], city: 'Kranj', postcode: '4000', country: 'SI' as never } };
      const { code } = await h.port.createPartner(draft);
      expect(await h.port.findPartner({ email })).toMatchObject({ matchedBy: 'email', partner: { code, email } });
      expect(await h.port.findPartner({ email: `ni-${email}` })).toBeUndefined();
    });
  }

  for (const format of ['year-book-number', 'year/book/number', 'book year/number'] as const) {
    it(`links an invoice to its order through each source when references read "${format}"`, async () => {
      reset({ documentReferenceFormat: format });
      const { order } = await h.port.createOrder(orderDraft(ref('RF')));
      const invoice = h.emulator.issueInvoice(ORG, parseKey(order.key));
      const invoiceKey = `${invoice.year}/${invoice.book}/${invoice.number}`;
      for (const source of ['process-overview', 'order-status', 'reference-invoice'] as const) {
        const port = h.makePort({ invoiceLink: [source] });
        expect((await port.invoicesForOrder(order.key)).map((i) => i.key), source).toEqual([invoiceKey]);
      }
      // LinkToDocument, read from the invoice itself.
      const port = h.makePort({ books: { invoice: [invoice.book] } });
      const delta = await all(port.invoices({ changedSince: new Date(Date.now() - 60_000) }));
      expect(delta.find((i) => i.key === invoiceKey)?.orderKey).toBe(order.key);
    });
  }

  it('reads InvoiceStatus keys written as attributes', async () => {
    reset({ invoiceStatusKeys: 'attributes' });
    const { order } = await h.port.createOrder(orderDraft(ref('AT')));
    const since = new Date();
    const invoice = h.emulator.issueInvoice(ORG, parseKey(order.key));
    const port = h.makePort({ books: { invoice: [invoice.book] } });
    const delta = await all(port.invoices({ changedSince: since }));
    expect(delta.map((i) => i.key)).toContain(`${invoice.year}/${invoice.book}/${invoice.number}`);
  });

  for (const missingLinePrice of ['price-list', 'reject', 'zero'] as const) {
    it(`sends every line's price, so an order is priced as the shop sold it (missingLinePrice ${missingLinePrice})`, async () => {
      reset({ missingLinePrice });
      const draft = orderDraft(ref('PR'));
      const { order } = await h.port.createOrder(draft);
      // 2 × 10.50 without VAT at 22 %: 21.00 + 4.62; the price list's price differs.
      expect(order).toMatchObject({ netTotal: '21', vatTotal: '4.62', grossTotal: '25.62' });
      expect(org().prices.get('VPC')!.get(KNOWN_SKU)!.price).not.toBe('10.5');
    });
  }

  describe('Warning-level errors on a write', () => {
    const draft = (): PartnerDraft => ({ kind: 'company', name: 'Opozorilo d.o.o.', email: `${ref('w')}@example.si`, address: { street: ['Cesta 2'], city: 'Celje', postcode: '3000', country: 'SI' as never } });
    const warn = () => fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'Customers/AddCustomer', kind: 'warning', message: 'Davčna številka ni preverjena.', times: 1 }] });
    const created = async () => ((await fetchAdmin(h, 'GET', `/customers?organisation=${ORG}`)) as { Name: string }[]).filter((c) => c.Name === 'Opozorilo d.o.o.').length;

    it('fail the write by default (CAP: no Errors at all), saying the record may exist', async () => {
      await warn();
      const before = await created();
      const error = await failure(h.port.createPartner(draft()));
      expect(error.errorClass).toBe('business');
      expect(error.remoteMessage).toBe('Davčna številka ni preverjena.');
      expect(error.sentence).toMatch(/may exist in iCenter \(SifraKupca=\d{7}\)/);
      expect(error.sentence).toContain('erp.icenter.warningsAreSuccess');
      expect(await created()).toBe(before + 1);
    });

    it('pass as warnings of the run with warningsAreSuccess', async () => {
      await warn();
      const port = h.makePort({ warningsAreSuccess: true });
      const result = await port.createPartner(draft());
      expect(result.code).toMatch(/^\d{7}$/);
      expect(result.warnings.map((w) => w.message)).toContain('iCenter: Davčna številka ni preverjena.');
    });
  });

  describe('the customer key of AddCustomer', () => {
    const draft = (): PartnerDraft => ({ kind: 'company', name: `Ključ ${ref('k')}`, address: { street: ['Trg 3'], city: 'Koper', postcode: '6000', country: 'SI' as never } });
    const stored = async (name: string) => ((await fetchAdmin(h, 'GET', `/customers?organisation=${ORG}`)) as { Code: string; Name: string }[]).find((c) => c.Name === name)?.Code;

    it('is read by name when emulator and connector agree (both default to SifraKupca)', async () => {
      expect(h.emulator.settings().keyNames.customer).toBe(h.settings.keyNames.customer);
      const d = draft();
      const { code } = await h.port.createPartner(d);
      expect(code).toBe(await stored(d.name));
    });

    for (const name of ['Koda', null] as const) {
      it(`falls back to the single key when iCenter names it ${name === null ? 'nothing' : `"${name}"`}`, async () => {
        reset({ keyNames: { customer: name } });
        const d = draft();
        const { code } = await h.port.createPartner(d);
        expect(code).toBe(await stored(d.name));
      });
    }
  });

  describe('error texts', () => {
    const cases = [['utf-8', true], ['windows-1250', true], ['windows-1250', false]] as const;
    for (const [encoding, charsetInContentType] of cases) {
      const label = `${encoding}, charset in Content-Type: ${charsetInContentType}`;

      it(`gives iCenter's exact Slovene 409 message (${label})`, async () => {
        reset({ encoding, charsetInContentType });
        const error = await failure(h.port.createOrder(orderDraft(ref('N'), [KNOWN_SKU, 'XX.ČŠŽ.NI' as never])));
        expect(error).toMatchObject({ errorClass: 'business', status: 409, remoteMessage: 'šifra artikla  XX.ČŠŽ.NI ne obstaja!' });
        expect(error.sentence).toContain('XX.ČŠŽ.NI');
      });

      it(`decodes a 5xx body and a bare x-icenter-message header (${label})`, async () => {
        reset({ encoding, charsetInContentType });
        await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'api/vatrates', kind: 'status', status: 500, message: 'Notranja napaka strežnika: šifrant je zaklenjen' }] });
        // A port of its own: repeated 500s would open the shared port's circuit breaker.
        const port = h.makePort();
        const server = await failure(port.listCodes('vatRates'));
        expect(server).toMatchObject({ errorClass: 'transient', status: 500, remoteMessage: 'Notranja napaka strežnika: šifrant je zaklenjen' });
        await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'api/vatrates', kind: 'status', status: 400, body: 'none', message: 'Šifrant DDV ni dostopen: čšž' }] });
        const header = await failure(port.listCodes('vatRates'));
        expect(header).toMatchObject({ errorClass: 'business', status: 400, remoteMessage: 'Šifrant DDV ni dostopen: čšž' });
      });
    }
  });
  it('retry.pauseAfterFailures and retry.pauseFor set the circuit breaker: calls pause without reaching iCenter, then one trial goes out', async () => {
    reset();
    await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'api/vatrates', kind: 'status', status: 500 }] });
    const port = h.makePort({ retry: { attempts: 1, baseDelay: 1, maxDelay: 1, pauseAfterFailures: 2, pauseFor: 400 } });
    const sent = () => h.emulator.requestLog().filter((r) => /vatrates/i.test(r.path)).length;
    const before = sent();
    await failure(port.listCodes('vatRates'));
    await failure(port.listCodes('vatRates'));
    const paused = await failure(port.listCodes('vatRates'));
    expect(paused).toMatchObject({ errorClass: 'transient', notSent: true });
    expect(sent() - before).toBe(2);
    await fetchAdmin(h, 'PUT', '/faults', { rules: [] });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await port.listCodes('vatRates')).length).toBeGreaterThan(0);
    expect(sent() - before).toBe(3);
  });
});
