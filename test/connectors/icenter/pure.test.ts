import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { icenterSettingsSchema } from '../../../src/connectors/icenter/config.js';
import { parseDocReference } from '../../../src/connectors/icenter/documents.js';
import { createTextSanitizer, decodeBody, decodeHeaderText, encodeRequestBody } from '../../../src/connectors/icenter/encoding.js';
import { httpFailure, resultFailure } from '../../../src/connectors/icenter/errors.js';
import { mapItem } from '../../../src/connectors/icenter/items.js';
import { orderKeyFromResult, overviewInvoices, statusRows } from '../../../src/connectors/icenter/orders.js';
import { keyValue, readWriteResult } from '../../../src/connectors/icenter/results.js';
import { mapStockPage } from '../../../src/connectors/icenter/stock.js';
import { asWarehouse } from '../../../src/core/model.js';
import { parseIcenterTime, toLocalText } from '../../../src/connectors/icenter/time.js';
import { field, list, parseXml, text, xmlDocument } from '../../../src/connectors/icenter/xml.js';

const SLOVENE = 'čšžČŠŽćđ';
const NS = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const settings = icenterSettingsSchema.parse({ baseUrl: 'http://x', user: 'u', password: 'p', organisationId: 1 });
const ctx = { doing: 'reading items', user: 'u', organisationId: 1 };

describe('decoding', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?><A>${SLOVENE}</A>`;
  it('reads UTF-8 with and without a charset, and strips a BOM', () => {
    expect(decodeBody(Buffer.from(xml), 'application/xml; charset=utf-8').text).toBe(xml);
    expect(decodeBody(encodeRequestBody(xml, true), 'application/xml')).toEqual({ text: xml, encoding: 'utf-8' });
  });
  it('re-decodes a header that carries UTF-8 or windows-1250 bytes (as undici hands them over, latin1)', () => {
    const message = 'šifra artikla  X ne obstaja!';
    expect(decodeHeaderText(Buffer.from(message, 'utf8').toString('latin1'))).toBe(message);
    expect(decodeHeaderText(iconv.encode(message, 'windows-1250').toString('latin1'))).toBe(message);
    expect(decodeHeaderText(message)).toBe(message);
  });
  it('falls back to windows-1250 when the bytes are not UTF-8, whatever the prolog says', () => {
    const bytes = iconv.encode(xml, 'windows-1250');
    expect(decodeBody(bytes, 'application/xml')).toEqual({ text: xml, encoding: 'windows-1250' });
    expect(decodeBody(bytes, 'text/xml; charset=utf-8').text).toBe(xml);
    expect(decodeBody(bytes, 'text/xml; charset="windows-1250"')).toEqual({ text: xml, encoding: 'windows-1250' });
  });
});

describe('request text', () => {
  it('keeps every Slovene letter and replaces what windows-1250 cannot hold, with a warning', () => {
    const clean = createTextSanitizer({ kind: 'partner', key: 'ana@example.com' });
    expect(clean.text(`Ana ${SLOVENE}`, 'name')).toBe(`Ana ${SLOVENE}`);
    expect(clean.warnings).toEqual([]);
    expect(clean.text('Špela 😀 ☃', 'address.street')).toBe('Špela ? ?');
    expect(clean.warnings).toHaveLength(1);
    expect(clean.warnings[0]!.record).toEqual({ kind: 'partner', key: 'ana@example.com', field: 'address.street' });
    expect(clean.warnings[0]!.message).toContain('😀');
  });
  it('escapes markup and writes the prolog', () => {
    const doc = xmlDocument('Customer', [['Name', 'A & B <d.o.o.>'], ['Code', ''], ['X', undefined], ['N', null]]);
    expect(doc).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><Customer /);
    expect(doc).toContain('<Name>A &amp; B &lt;d.o.o.&gt;</Name><Code></Code><N xsi:nil="true" /></Customer>');
    expect(text(parseXml(doc).node, 'Name')).toBe('A & B <d.o.o.>');
  });
});

describe('XML reading', () => {
  it('keeps codes as strings, reads xsi:nil as null and a self-closing root as empty', () => {
    const { root, node } = parseXml(`<ItemsGeneralData ${NS}><ItemGeneralData><ItemID>0001</ItemID><SuggestFirstFreeCode xsi:nil="true" />
      <GeneralData><VATRateID>02</VATRateID><ItemUnitOfMeas>kom</ItemUnitOfMeas></GeneralData><SalesData><IsActive>N</IsActive></SalesData>
      <PropertiesData><ItemWeightPerUnit>0.350</ItemWeightPerUnit></PropertiesData></ItemGeneralData></ItemsGeneralData>`);
    expect(root).toBe('ItemsGeneralData');
    const row = list(node, 'ItemGeneralData')[0]!;
    expect(field(row, 'SuggestFirstFreeCode')).toBeNull();
    const item = mapItem(row, 'Europe/Ljubljana')!;
    expect(item).toMatchObject({ sku: '0001', vatRate: '02', unit: 'kom', weight: '0.35', active: false });
    expect(item.extra['GeneralData.VATRateID']).toBe('02');
    expect(list(parseXml(`<ItemsGeneralData ${NS} />`).node, 'ItemGeneralData')).toEqual([]);
  });
  it('reads keys as attributes or elements, with namespace prefixes removed', () => {
    const { node } = parseXml(`<ArrayOfOrdersStatus ${NS}><OrdersStatus OrderYear="2026" OrderBook="VNK" OrderNumber="3"><OrderReference>000000123</OrderReference></OrdersStatus>
      <OrdersStatus><OrderYear>2026</OrderYear><OrderBook>VNK</OrderBook><OrderNumber>4</OrderNumber></OrdersStatus></ArrayOfOrdersStatus>`);
    expect(statusRows(node)).toEqual([
      { key: { year: 2026, book: 'VNK', number: 3 }, reference: '000000123' },
      { key: { year: 2026, book: 'VNK', number: 4 } },
    ]);
  });
  it('refuses a truncated body', () => {
    expect(() => parseXml(`<ItemsGeneralData ${NS}><ItemGeneralData><ItemID>A</ItemID>`)).toThrow(/cut off|not well-formed/);
  });
  it('tells an unpadded-warehouse answer (one empty row) from real rows', () => {
    const wh = asWarehouse('3');
    expect(mapStockPage(parseXml(`<ArrayOfStockItem ${NS}><Item /></ArrayOfStockItem>`).node, wh)).toEqual({ kind: 'unknown-warehouse' });
    const page = mapStockPage(parseXml(`<ArrayOfStockItem ${NS}><StockItem><ItemID>A</ItemID><Qty>12.500</Qty></StockItem></ArrayOfStockItem>`).node, wh);
    expect(page).toEqual({ kind: 'rows', rawCount: 1, rows: [{ sku: 'A', warehouse: '3', quantity: '12.5' }], unreadable: [] });
  });
});

describe('write results and keys', () => {
  it('reads Key and EntityKeyField, and success only with Ok/Created and no errors', () => {
    const created = parseXml(`<CreateResult ${NS}><Keys><EntityKeyField><Value>0001573</Value></EntityKeyField></Keys><ResultCode>Created</ResultCode><Errors /></CreateResult>`);
    const r = readWriteResult(created.root, created.node);
    expect(r.ok).toBe(true);
    expect([...r.keys]).toEqual([['', '0001573']]);
    const failed = parseXml(`<CreateResult ${NS}><Keys /><ResultCode>Error</ResultCode><Errors><Error><Level>ValidationError</Level><Message>šifra artikla  X ne obstaja!</Message></Error></Errors></CreateResult>`);
    const f = readWriteResult(failed.root, failed.node);
    expect(f.ok).toBe(false);
    const error = resultFailure(f, 200, { ...ctx, doing: 'creating order' });
    expect(error.errorClass).toBe('business');
    expect(error.remoteMessage).toBe('šifra artikla  X ne obstaja!');
  });
  it('fails Warning-level errors unless warningsAreSuccess', () => {
    const warned = parseXml(`<CreateResult ${NS}><Keys><Key><Name>SifraKupca</Name><Value>0001574</Value></Key></Keys><ResultCode>Created</ResultCode><Errors><Error><Level>Warning</Level><Message>Opozorilo</Message></Error></Errors></CreateResult>`);
    const strict = readWriteResult(warned.root, warned.node);
    expect(strict.ok).toBe(false);
    expect(resultFailure(strict, 200, { ...ctx, doing: 'creating customer' }).sentence).toContain('may exist in iCenter (SifraKupca=0001574)');
    expect(readWriteResult(warned.root, warned.node, true)).toMatchObject({ ok: true, errors: [{ level: 'Warning', message: 'Opozorilo' }] });
    const invalid = parseXml(`<CreateResult ${NS}><ResultCode>Created</ResultCode><Errors><Error><Level>ValidationError</Level><Message>Ne</Message></Error></Errors></CreateResult>`);
    expect(readWriteResult(invalid.root, invalid.node, true).ok).toBe(false);
  });
  it('takes a key by name, else the only key, and none when several keys miss the name', () => {
    expect(keyValue(new Map([['SifraKupca', '1'], ['X', '2']]), 'SifraKupca')).toBe('1');
    expect(keyValue(new Map([['Koda', '3']]), 'SifraKupca')).toBe('3');
    expect(keyValue(new Map([['', '4']]), 'SifraKupca')).toBe('4');
    expect(keyValue(new Map([['A', '5'], ['B', '6']]), 'SifraKupca')).toBeUndefined();
  });
  it('reads Order_Invoices from an ArrayOfOrderProcessOverview (swagger) or a single OrderProcessOverview', () => {
    const inner = '<OrderYear>2026</OrderYear><Order_Invoices><Order_Invoice><InvoiceYear>2026</InvoiceYear><InvoiceBook>IR</InvoiceBook><InvoiceNumber>7</InvoiceNumber></Order_Invoice></Order_Invoices>';
    const key = [{ year: 2026, book: 'IR', number: 7 }];
    expect(overviewInvoices(parseXml(`<ArrayOfOrderProcessOverview ${NS}><OrderProcessOverview>${inner}</OrderProcessOverview></ArrayOfOrderProcessOverview>`).node)).toEqual(key);
    expect(overviewInvoices(parseXml(`<OrderProcessOverview ${NS}>${inner}</OrderProcessOverview>`).node)).toEqual(key);
  });
  it('takes the order key from named keys, a single reference, or a lone number', () => {
    const sent = { year: 2026, book: 'VNK' };
    expect(orderKeyFromResult(new Map([['OrderYear', '2026'], ['OrderBook', 'VNK'], ['OrderNumber', '12']]), sent, settings)).toEqual({ year: 2026, book: 'VNK', number: 12 });
    expect(orderKeyFromResult(new Map([['StevilkaNarocila', '2026-VNK-13']]), sent, settings)).toEqual({ year: 2026, book: 'VNK', number: 13 });
    expect(orderKeyFromResult(new Map([['X', '14']]), sent, settings)).toEqual({ year: 2026, book: 'VNK', number: 14 });
    expect(parseDocReference('VR 2026/7')).toEqual({ year: 2026, book: 'VR', number: 7 });
  });
});

describe('errors', () => {
  it('classifies 401, 409, 5xx, and reads an HTML page title', () => {
    expect(httpFailure(401, '', {}, ctx)).toMatchObject({ errorClass: 'configuration' });
    expect(httpFailure(401, '', {}, ctx).sentence).toContain('erp.icenter.organisationId');
    const conflict = httpFailure(409, `<ArrayOfError ${NS}><Error><Level>ValidationError</Level><Message>Zapis že obstaja!</Message></Error></ArrayOfError>`, {}, ctx);
    expect(conflict).toMatchObject({ errorClass: 'business', status: 409, remoteMessage: 'Zapis že obstaja!' });
    const html = httpFailure(502, '<html><head><title>502 Bad Gateway</title></head><body>…</body></html>', {}, ctx);
    expect(html).toMatchObject({ errorClass: 'transient', remoteMessage: '502 Bad Gateway' });
  });
});

describe('time', () => {
  it('reads offset-less text as Ljubljana local time, across summer and winter', () => {
    expect(parseIcenterTime('2026-07-15T09:48:04.173', 'Europe/Ljubljana')!.toISOString()).toBe('2026-07-15T07:48:04.173Z');
    expect(parseIcenterTime('2026-01-15T09:48:04', 'Europe/Ljubljana')!.toISOString()).toBe('2026-01-15T08:48:04.000Z');
    expect(parseIcenterTime('2024-04-25T10:27:53.8974911+02:00', 'Europe/Ljubljana')!.toISOString()).toBe('2024-04-25T08:27:53.897Z');
    expect(toLocalText(new Date('2026-07-15T07:48:04Z'), 'Europe/Ljubljana')).toBe('2026-07-15T09:48:04');
  });
});
