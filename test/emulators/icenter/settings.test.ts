/** The emulator's settings for what the contract leaves open ([CODE]/[INF]), and the write faults. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IcenterEmulator } from '../../../src/emulators/icenter/index.js';
import { DEFAULT_SETTINGS } from '../../../src/emulators/icenter/index.js';
import { admin, call, orderXml, startSmall, values } from './helpers.js';

let e: IcenterEmulator;
let customer = '';
let items: string[] = [];
beforeAll(async () => {
  e = await startSmall();
  customer = values((await call(e, 'api/Customers/GetCustomers')).text, 'Code')[0] ?? '';
  items = values((await call(e, 'api/Item/GetItemsGeneralData')).text, 'ItemID');
});
afterAll(async () => e.close());
beforeEach(async () => {
  const { user: _u, password: _p, ...defaults } = DEFAULT_SETTINGS;
  e.updateSettings(defaults);
  await admin(e, 'PUT', 'faults', { rules: [] });
});

const patchItem = (id: string, title: string): Promise<unknown> =>
  call(e, 'api/Item/UpdateItemsGeneralData', { method: 'PATCH', body: `<ItemsGeneralData><ItemGeneralData><ItemID>${id}</ItemID><ItemTitle1>${title}</ItemTitle1></ItemGeneralData></ItemsGeneralData>` });

async function newOrder(ref: string): Promise<{ year: string; book: string; number: string }> {
  const res = await call(e, 'api/Order/AddOrder', { method: 'POST', body: orderXml({ customer, ref, lines: [{ item: items[0] ?? '', qty: '1', price: '5.00' }] }) });
  const [year, book, number] = values(res.text, 'Value') as [string, string, string];
  return { year, book, number };
}

describe('time zone and delta inclusivity', () => {
  it('writes and reads times in the timeZone setting', async () => {
    const id = items[1] ?? '';
    e.updateSettings({ timeZone: 'UTC' });
    const before = Date.now();
    await patchItem(id, 'V UTC');
    const utcText = values((await call(e, `api/Item/GetItemsGeneralData?searchQuery.itemID=${id}`)).text, 'ItemLastModified')[0] ?? '';
    const stamp = Date.parse(`${utcText}Z`);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
    e.updateSettings({ timeZone: 'Asia/Tokyo' });
    const tokyo = values((await call(e, `api/Item/GetItemsGeneralData?searchQuery.itemID=${id}`)).text, 'ItemLastModified')[0] ?? '';
    expect(Date.parse(`${tokyo}Z`) - stamp).toBe(9 * 3_600_000);
    // The same wall-clock text means another instant in another zone: Tokyo's text read as Tokyo time finds the item.
    expect(values((await call(e, `api/Item/GetItemsGeneralData?searchQuery.recordDtModifiedFrom=${tokyo}`)).text, 'ItemID')).toEqual([id]);
    e.updateSettings({ timeZone: 'UTC' });
    expect(values((await call(e, `api/Item/GetItemsGeneralData?searchQuery.recordDtModifiedFrom=${tokyo}`)).text, 'ItemID')).toEqual([]);
    expect((await admin(e, 'PATCH', 'settings', { timeZone: 'Mars/Olympus' })).status).toBe(400);
  });

  it('keeps a row modified exactly at recordDtModifiedFrom only when inclusive', async () => {
    const id = items[2] ?? '';
    await patchItem(id, 'Meja');
    const at = values((await call(e, `api/Item/GetItemsGeneralData?searchQuery.itemID=${id}`)).text, 'ItemLastModified')[0] ?? '';
    const delta = async (): Promise<string[]> => values((await call(e, `api/Item/GetItemsGeneralData?searchQuery.recordDtModifiedFrom=${at}`)).text, 'ItemID');
    expect(await delta()).toEqual([id]);
    e.updateSettings({ modifiedFromInclusive: false });
    expect(await delta()).toEqual([]);
  });
});

describe('answer shapes', () => {
  it('answers GetCustomerContacts as one CustomerContacts object (swagger) or as ArrayOfCustomerContacts', async () => {
    await call(e, 'api/Customers/AddCustomerContacts', { method: 'POST', body: `<CustomerContacts><CustomerID>${customer}</CustomerID><ContactEMail>oblika@primer.si</ContactEMail></CustomerContacts>` });
    const one = await call(e, 'api/Customers/GetCustomerContacts?searchQuery.contactEMail=oblika@primer.si');
    expect(one.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><CustomerContacts xmlns:xsi="[^"]+" xmlns:xsd="[^"]+"><CustomerID>/);
    expect(values(one.text, 'CustomerID')).toEqual([customer]);
    const none = await call(e, 'api/Customers/GetCustomerContacts?searchQuery.contactEMail=nihce@primer.si');
    expect(none.text).toMatch(/<CustomerContacts [^>]*\/>$/);
    e.updateSettings({ customerContactsShape: 'array' });
    const list = await call(e, 'api/Customers/GetCustomerContacts?searchQuery.contactEMail=oblika@primer.si');
    expect(list.text).toContain('<ArrayOfCustomerContacts');
    expect(values(list.text, 'CustomerID')).toEqual([customer]);
  });

  it('writes document references in the documentReferenceFormat setting', async () => {
    const o = await newOrder('REF-FMT');
    const inv = (await admin(e, 'POST', 'invoices', { orderYear: Number(o.year), orderBook: o.book, orderNumber: Number(o.number) })).json as { year: number; book: string; number: number };
    const expected = { 'year-book-number': `${inv.year}-${inv.book}-${inv.number}`, 'year/book/number': `${inv.year}/${inv.book}/${inv.number}`, 'book year/number': `${inv.book} ${inv.year}/${inv.number}` } as const;
    for (const [format, text] of Object.entries(expected)) {
      e.updateSettings({ documentReferenceFormat: format as keyof typeof expected });
      expect(values((await call(e, `api/Order/GetOrder/${o.year}/${o.book}/${o.number}`)).text, 'ReferenceInvoice')).toEqual([text]);
      expect(values((await call(e, `api/Order/GetOrderStatus?searchQuery.orderBook=${o.book}&searchQuery.orderNumber=${o.number}`)).text, 'Ref2Invoice')).toEqual([text]);
    }
    e.updateSettings({ documentReferenceFormat: 'book year/number' });
    expect(values((await call(e, `api/Invoice/GetInvoice/${inv.year}/${inv.book}/${inv.number}`)).text, 'LinkToDocument')).toEqual([`${o.book} ${o.year}/${o.number}`]);
  });

  it('writes InvoiceStatus keys as elements (S4) or as attributes', async () => {
    const o = await newOrder('KEYS');
    const inv = (await admin(e, 'POST', 'invoices', { orderYear: Number(o.year), orderBook: o.book, orderNumber: Number(o.number) })).json as { year: number; book: string; number: number };
    const path = `api/Invoice/GetInvoiceStatus?searchQuery.invoiceBook=${inv.book}&searchQuery.invoiceNumber=${inv.number}`;
    expect((await call(e, path)).text).toContain(`<InvoiceStatus><InvoiceYear>${inv.year}</InvoiceYear><InvoiceBook>${inv.book}</InvoiceBook><InvoiceNumber>${inv.number}</InvoiceNumber>`);
    e.updateSettings({ invoiceStatusKeys: 'attributes' });
    const attrs = (await call(e, path)).text;
    expect(attrs).toContain(`<InvoiceStatus InvoiceYear="${inv.year}" InvoiceBook="${inv.book}" InvoiceNumber="${inv.number}">`);
    expect(values(attrs, 'InvoiceNumber')).toEqual([]);
  });

  it('writes the customer key with or without a Name', async () => {
    const body = (name: string): string => `<Customer><Code/><Name>${name}</Name><Country>SI</Country><SuggestFirstFreeCode>1</SuggestFirstFreeCode></Customer>`;
    expect((await call(e, 'api/Customers/AddCustomer', { method: 'POST', body: body('Ime d.o.o.') })).text).toMatch(/<EntityKeyField><Name>SifraKupca<\/Name><Value>\d{7}<\/Value><\/EntityKeyField>/);
    e.updateSettings({ keyNames: { customer: null } });
    expect((await call(e, 'api/Customers/AddCustomer', { method: 'POST', body: body('Brez imena d.o.o.') })).text).toMatch(/<Keys><EntityKeyField><Value>\d{7}<\/Value><\/EntityKeyField><\/Keys>/);
  });
});

describe('order lines without a price', () => {
  const noPrice = (ref: string): string => orderXml({ customer, ref, book: 'VNK', lines: [{ item: items[3] ?? '', qty: '2', vat: '02' }] });
  const listPrice = (): string => {
    const org = e.state().orgs.get(1)!;
    return org.prices.get('MPC')!.get(items[3] ?? '')!.price;
  };

  it('prices from the price list (default), refuses with 409, or prices 0', async () => {
    const fromList = await call(e, 'api/Order/AddOrder', { method: 'POST', body: noPrice('NP-1') });
    const [y, b, n] = values(fromList.text, 'Value');
    const order = (await call(e, `api/Order/GetOrder/${y}/${b}/${n}`)).text;
    // The helper sends PriceIncludeVAT false, so the list price is taken as the price without VAT.
    expect(Number(values(order, 'Price')[0])).toBe(Number(listPrice()));

    e.updateSettings({ missingLinePrice: 'reject' });
    const refused = await call(e, 'api/Order/AddOrder', { method: 'POST', body: noPrice('NP-2') });
    expect(refused.status).toBe(409);
    expect(values(refused.text, 'Message')).toEqual([`Postavka 1: cena artikla  ${items[3]} ni vpisana!`]);
    expect(values(refused.text, 'Level')).toEqual(['ValidationError']);

    e.updateSettings({ missingLinePrice: 'zero' });
    const zero = await call(e, 'api/Order/AddOrder', { method: 'POST', body: noPrice('NP-3') });
    const [y3, b3, n3] = values(zero.text, 'Value');
    expect(values((await call(e, `api/Order/GetOrder/${y3}/${b3}/${n3}`)).text, 'PaymentAmount')).toEqual(['0.00']);
  });
});

describe('printing a PDF', () => {
  it('leaves the invoice ModifiedTime alone unless pdfBumpsModified', async () => {
    const o = await newOrder('PDF-MOD');
    const inv = (await admin(e, 'POST', 'invoices', { orderYear: Number(o.year), orderBook: o.book, orderNumber: Number(o.number) })).json as { year: number; book: string; number: number };
    const print = `<PrintInvoiceToPDF><InvoiceYear>${inv.year}</InvoiceYear><InvoiceBook>${inv.book}</InvoiceBook><InvoiceNumber>${inv.number}</InvoiceNumber><TemplateID>1</TemplateID></PrintInvoiceToPDF>`;
    const modified = async (): Promise<string | undefined> => values((await call(e, `api/Invoice/GetInvoice/${inv.year}/${inv.book}/${inv.number}`)).text, 'ModifiedTime')[0];
    const before = await modified();
    await new Promise((r) => setTimeout(r, 5));
    expect((await call(e, 'api/Invoice/PrintInvoiceToPDF', { method: 'POST', body: print })).status).toBe(200);
    expect(await modified()).toBe(before);
    expect(values((await call(e, `api/Invoice/GetInvoice/${inv.year}/${inv.book}/${inv.number}`)).text, 'AttachmentID')[0]).toMatch(/^\d+$/);
    e.updateSettings({ pdfBumpsModified: true });
    await call(e, 'api/Invoice/PrintInvoiceToPDF', { method: 'POST', body: print });
    expect((await modified())! > before!).toBe(true);
  });
});

describe('write faults', () => {
  it('lostAnswer carries the write out and drops the answer', async () => {
    await admin(e, 'PUT', 'faults', { rules: [{ route: 'Order/AddOrder', kind: 'lostAnswer', times: 1 }] });
    await expect(call(e, 'api/Order/AddOrder', { method: 'POST', body: orderXml({ customer, ref: 'LOST-1', lines: [{ item: items[0] ?? '', qty: '1', price: '1' }] }) })).rejects.toThrow();
    const orders = (await admin(e, 'GET', 'orders')).json as { orderReference: string }[];
    expect(orders.filter((o) => o.orderReference === 'LOST-1')).toHaveLength(1);
    const log = (await admin(e, 'GET', 'requests')).json as { path: string; status: unknown; fault?: string }[];
    expect(log.filter((r) => /AddOrder/.test(r.path)).at(-1)).toMatchObject({ status: 'lost', fault: 'lostAnswer' });
  });

  it('warning adds a Warning-level error to a successful write result', async () => {
    await admin(e, 'PUT', 'faults', { rules: [{ route: 'Customers/AddCustomer', kind: 'warning', message: 'Davčna številka ni preverjena.' }] });
    const res = await call(e, 'api/Customers/AddCustomer', { method: 'POST', body: '<Customer><Code/><Name>Opozorilo d.o.o.</Name><SuggestFirstFreeCode>1</SuggestFirstFreeCode></Customer>' });
    expect(res.text).toContain('<ResultCode>Created</ResultCode><Errors><Error><Level>Warning</Level><Message>Davčna številka ni preverjena.</Message></Error></Errors>');
  });

  it('status faults can carry a message in the body and x-icenter-message, or in the header alone', async () => {
    e.updateSettings({ encoding: 'windows-1250' });
    await admin(e, 'PUT', 'faults', { rules: [{ route: 'vatrates', kind: 'status', status: 500, message: 'Napaka strežnika: čšž', times: 1 }] });
    const withBody = await call(e, 'api/vatrates');
    expect(withBody.status).toBe(500);
    expect(withBody.bytes.includes(Buffer.from([0xe8, 0x9a, 0x9e]))).toBe(true);
    expect(Buffer.from(String(withBody.headers['x-icenter-message']), 'latin1')).toEqual(Buffer.from([...Buffer.from('Napaka stre'), 0x9e, ...Buffer.from('nika: '), 0xe8, 0x9a, 0x9e]));
    await admin(e, 'PUT', 'faults', { rules: [{ route: 'vatrates', kind: 'status', status: 400, message: 'Ni dovoljeno', body: 'none', times: 1 }] });
    const headerOnly = await call(e, 'api/vatrates');
    expect(headerOnly.status).toBe(400);
    expect(headerOnly.bytes.length).toBe(0);
    expect(headerOnly.headers['x-icenter-message']).toBe('Ni dovoljeno');
  });
});
