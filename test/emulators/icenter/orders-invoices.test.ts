import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IcenterEmulator } from '../../../src/emulators/icenter/index.js';
import { admin, call, orderXml, startSmall, values } from './helpers.js';

/**
 * A Unicode TTF that does not depend on the machine: Liberation Sans (SIL Open Font License 1.1),
 * which pdfjs-dist, a dev dependency, ships among its standard fonts. Without it the emulator
 * folds č to c (Helvetica has no č), and the diacritics assertion is skipped, saying so.
 */
function shippedFont(): string | undefined {
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts');
    const font = join(dir, 'LiberationSans-Regular.ttf');
    return existsSync(font) ? font : undefined;
  } catch {
    return undefined;
  }
}
const FONT = shippedFont();

let e: IcenterEmulator;
let customer = '';
let items: string[] = [];
beforeAll(async () => {
  e = await startSmall(FONT ? { pdfFontPath: FONT } : {});
  customer = values((await call(e, 'api/Customers/GetCustomers')).text, 'Code')[0] ?? '';
  items = values((await call(e, 'api/Item/GetItemsGeneralData')).text, 'ItemID');
});
afterAll(async () => e.close());

async function pdfText(pdf: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  let text = '';
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    text += content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
  }
  return text;
}

describe('customers', () => {
  it('finds by tax number (prefixed and plain) and by contact e-mail; AddCustomer suggests the first free code', async () => {
    const all = (await call(e, 'api/Customers/GetCustomers')).text;
    const tax = values(all, 'TaxNumber')[0] ?? '';
    expect(values((await call(e, `api/Customers/GetCustomers?searchQuery.taxNumber=${tax}`)).text, 'TaxNumber')).toEqual([tax]);
    expect(values((await call(e, `api/Customers/GetCustomers?TaxNumber=${tax}`)).text, 'TaxNumber')).toEqual([tax]);
    const add = await call(e, 'api/Customers/AddCustomer', {
      method: 'POST',
      body: '<Customer><Code/><Name>Čebelica Šmarje d.o.o.</Name><Address>Dunajska 1</Address><Country>SI</Country><PostalCode>1000</PostalCode><City>Ljubljana</City><SubjectToVAT>1</SubjectToVAT><TaxNumber>SI99999999</TaxNumber><Currency>978</Currency><CustomerType>O</CustomerType><EntityType>P</EntityType><SuggestFirstFreeCode>1</SuggestFirstFreeCode></Customer>',
    });
    expect(add.text).toContain('<EntityKeyField><Name>SifraKupca</Name><Value>0001011</Value></EntityKeyField>');
    await call(e, 'api/Customers/AddCustomerContacts', { method: 'POST', body: '<CustomerContacts><CustomerID>0001011</CustomerID><ContactFirstName>Žan</ContactFirstName><ContactEMail>zan@cebelica.si</ContactEMail></CustomerContacts>' });
    const contacts = await call(e, 'api/Customers/GetCustomerContacts?searchQuery.contactEMail=ZAN@cebelica.si');
    expect(values(contacts.text, 'CustomerID')).toEqual(['0001011']);
    expect(values((await call(e, 'api/Customers/0001011')).text, 'Name')).toEqual(['Čebelica Šmarje d.o.o.']);
    const upd = await call(e, 'api/V2/Customers/UpdateCustomer', { method: 'PATCH', body: '<CustomerV2><Code>0001011</Code><City>Maribor</City></CustomerV2>' });
    expect(upd.text).toContain('<ResultCode>Ok</ResultCode>');
    const after = (await call(e, 'api/Customers/0001011')).text;
    expect(values(after, 'City')).toEqual(['Maribor']);
    expect(values(after, 'PostalCode')).toEqual(['1000']);
  });
});

describe('orders and invoices', () => {
  it('numbers orders per year and book, computes amounts exactly and does not deduplicate', async () => {
    const body = orderXml({ customer, ref: 'MAG-42', lines: [{ item: items[0] ?? '', qty: '3', price: '10.00', vat: '02', discount: '10' }, { item: items[1] ?? '', qty: '1', price: '12.20', vat: '02', incl: true }] });
    const first = await call(e, 'api/Order/AddOrder', { method: 'POST', body });
    expect(first.text).toContain('<Key><Name>OrderYear</Name><Value>2026</Value></Key><Key><Name>OrderBook</Name><Value>WEB</Value></Key><Key><Name>OrderNumber</Name><Value>1</Value></Key>');
    const second = await call(e, 'api/Order/AddOrder', { method: 'POST', body });
    expect(values(second.text, 'Value')).toEqual(['2026', 'WEB', '2']);
    const other = await call(e, 'api/Order/AddOrder', { method: 'POST', body: orderXml({ book: 'VNK', customer, lines: [{ item: items[0] ?? '', qty: '1', price: '1' }] }) });
    expect(values(other.text, 'Value')).toEqual(['2026', 'VNK', '1']);

    const order = (await call(e, 'api/Order/GetOrder/2026/WEB/1')).text;
    expect(order).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><OrderHeader xmlns:xsi/);
    expect(order).toContain('<OrderLine OrderLineNo="1"><ItemID>');
    expect(order).toContain('<OrderLine OrderLineNo="2">');
    // 3 × 10.00 − 10 % = 27.00 net, 5.94 VAT; 12.20 incl. 22 % = 10.00 net + 2.20 VAT.
    expect(values(order, 'NetAmount')).toEqual(['37.00', '27.00', '10.00']);
    expect(values(order, 'VATAmount')).toEqual(['8.14', '5.94', '2.20']);
    expect(values(order, 'PaymentAmount')).toEqual(['45.14']);
    expect(values(order, 'OrderReference')).toEqual(['MAG-42']);
    expect((await call(e, 'api/Order/GetOrder/2026/WEB/99')).status).toBe(404);

    const status = await call(e, 'api/Order/GetOrderStatus?searchQuery.orderBook=WEB&searchQuery.orderReference=MAG-42');
    expect(status.text).toContain('<OrdersStatus OrderYear="2026" OrderBook="WEB" OrderNumber="1">');
    expect(status.text).toContain('<OrdersStatus OrderYear="2026" OrderBook="WEB" OrderNumber="2">');
    e.updateSettings({ getOrderStatusEmpty: true });
    expect((await call(e, 'api/Order/GetOrderStatus?searchQuery.orderBook=WEB&orderReference=MAG-42')).text).toMatch(/<ArrayOfOrdersStatus [^>]*\/>$/);
    e.updateSettings({ getOrderStatusEmpty: false });
  });

  it('rejects bad orders with 409 ArrayOfError in Slovene and x-icenter-message', async () => {
    const bad = await call(e, 'api/Order/AddOrder', {
      method: 'POST', body: orderXml({ book: 'XXX', customer: '9999999', warehouse: '0000099', lines: [{ item: 'NI.TAKEGA', qty: '1' }, { item: items[0] ?? '', qty: '1', vat: '77' }] }),
    });
    expect(bad.status).toBe(409);
    expect(values(bad.text, 'Level')[0]).toBe('ValidationError');
    expect(values(bad.text, 'Message')).toEqual([
      'Knjiga naročil  XXX ne obstaja!', 'Kupec  9999999 ne obstaja v šifrantu partnerjev!', 'Skladišče  0000099 ne obstaja!',
      'šifra artikla  NI.TAKEGA ne obstaja!', 'Stopnja DDV  77 ne obstaja!',
    ]);
    expect(Buffer.from(String(bad.headers['x-icenter-message']), 'latin1').toString('utf8')).toBe('Knjiga naročil  XXX ne obstaja!');
  });

  it('issues an invoice linked to its order, visible in status, delta, overview and as a PDF', async () => {
    const res = await admin(e, 'POST', 'invoices', { orderYear: 2026, orderBook: 'WEB', orderNumber: 1 });
    expect(res.status).toBe(201);
    const inv = res.json as { year: number; book: string; number: number };
    expect(inv.book).toBe('IRW');
    expect(inv.number).toBe(1);
    expect((await admin(e, 'POST', 'invoices', { orderYear: 2026, orderBook: 'WEB', orderNumber: 1 })).status).toBe(409);

    const overview = (await call(e, 'api/Order/GetOrderProcessOverview?searchQuery.orderYear=2026&searchQuery.orderBook=WEB&searchQuery.orderNumber=1&searchQuery.includeInvoices=true')).text;
    expect(overview).toContain(`<Order_Invoice><InvoiceYear>${inv.year}</InvoiceYear><InvoiceBook>IRW</InvoiceBook><InvoiceNumber>1</InvoiceNumber>`);
    const status = (await call(e, 'api/Order/GetOrderStatus?searchQuery.orderBook=WEB&searchQuery.orderNumber=1')).text;
    expect(values(status, 'Ref2Invoice')).toEqual([`${inv.year}-IRW-1`]);
    expect(values((await call(e, 'api/Order/GetOrder/2026/WEB/1')).text, 'ReferenceInvoice')).toEqual([`${inv.year}-IRW-1`]);
    expect(values((await call(e, 'api/Order/GetOrder/2026/WEB/1')).text, 'OrderStatus')).toEqual(['Zaključeno']);

    const list = (await call(e, 'api/Invoice/GetInvoiceStatus?searchQuery.invoiceBook=IRW&searchQuery.page=1&searchQuery.pageSize=10')).text;
    const modified = values(list, 'ModifiedTime')[0] ?? '';
    expect(values(list, 'InvoiceNumber')).toEqual(['1']);
    expect(values((await call(e, `api/Invoice/GetInvoiceStatus?searchQuery.invoiceBook=IRW&searchQuery.recordDtModifiedFrom=${modified}`)).text, 'InvoiceNumber')).toEqual(['1']);
    const invoice = (await call(e, `api/Invoice/GetInvoice/${inv.year}/IRW/1`)).text;
    expect(invoice).toMatch(/<InvoiceHeader xmlns:xsi/);
    expect(values(invoice, 'PaymentAmount')).toEqual(['45.14']);
    expect(values(invoice, 'LinkToDocument')).toEqual(['2026-WEB-1']);
    expect(values((await call(e, 'api/Invoice/GetInvoices?searchQuery.invoiceBook=IRW')).text, 'InvoiceNumber')).toEqual(['1']);

    const print = await call(e, 'api/Invoice/PrintInvoiceToPDF', { method: 'POST', body: `<PrintInvoiceToPDF><InvoiceYear>${inv.year}</InvoiceYear><InvoiceBook>IRW</InvoiceBook><InvoiceNumber>1</InvoiceNumber><TemplateID>1</TemplateID></PrintInvoiceToPDF>` });
    expect(values(print.text, 'Name')).toEqual(['DocumentID']);
    const id = values(print.text, 'Value')[0];
    const doc = await call(e, `api/Document/GetDocument/ICSYNC/${id}/false`);
    const pdf = Buffer.from(values(doc.text, 'Data')[0] ?? '', 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(pdf);
    if (FONT) {
      expect(text).toContain(`RAČUN ${inv.year}-IRW-1`);
      expect(text).toContain('Za plačilo: 45.14 EUR');
    } else {
      console.warn('pdfjs-dist/standard_fonts/LiberationSans-Regular.ttf not found: the PDF diacritics (č) are not checked, only the ASCII-folded text');
      expect(text).toContain(`RACUN ${inv.year}-IRW-1`);
      expect(text).toContain('Za placilo: 45.14 EUR');
    }
    expect(text).toContain('DDV: 8.14 EUR');
    expect(text).toContain(items[0] ?? '?');
    const buyer = ((await admin(e, 'GET', 'customers')).json as { Code: string; Name: string }[]).find((c) => c.Code === customer);
    expect(text).toContain(buyer?.Name ?? '?');
  });

  it('auto-issues an invoice after the configured delay', async () => {
    e.updateSettings({ autoInvoiceDelayMs: 50, orderReferenceOnInvoice: 'Document' });
    const res = await call(e, 'api/Order/AddOrder', { method: 'POST', body: orderXml({ book: 'VNK', customer, ref: 'MAG-AUTO', lines: [{ item: items[2] ?? '', qty: '2' }] }) });
    const number = values(res.text, 'Value')[2];
    await new Promise((r) => setTimeout(r, 300));
    const invoices = (await admin(e, 'GET', 'invoices')).json as { order: { book: string; number: number }; document: string | null }[];
    const auto = invoices.find((i) => i.order.book === 'VNK' && String(i.order.number) === number);
    expect(auto?.document).toBe('MAG-AUTO');
    e.updateSettings({ autoInvoiceDelayMs: null, orderReferenceOnInvoice: 'none' });
  });
});
