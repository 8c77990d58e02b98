import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IcenterEmulator } from '../../../src/emulators/icenter/index.js';
import { admin, basic, call, startSmall, values } from './helpers.js';

let e: IcenterEmulator;
beforeAll(async () => {
  e = await startSmall();
});
afterAll(async () => e.close());

/** Ljubljana wall-clock text to the second (`2026-07-15T09:48:04`), computed independently of the emulator. */
const ljubljana = (d: Date): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Ljubljana', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(d).replace(' ', 'T');

describe('auth and organisation', () => {
  it('answers 401 without auth, with a bad password, without OrganisationId and with an unknown one', async () => {
    expect((await call(e, 'api/V2/ApiVersion', { auth: null })).status).toBe(401);
    expect((await call(e, 'api/V2/ApiVersion', { auth: basic(e, 'wrong') })).status).toBe(401);
    expect((await call(e, 'api/V2/ApiVersion', { org: null })).status).toBe(401);
    expect((await call(e, 'api/V2/ApiVersion', { org: '99' })).status).toBe(401);
    const ok = await call(e, 'api/V2/ApiVersion');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<ApiInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">');
  });

  it('accepts any letter case of the base path and keeps organisations apart', async () => {
    const url = e.baseUrl.replace('/iCenterAPI', '/iCenterApi');
    const other = { ...e, baseUrl: url } as IcenterEmulator;
    const one = await call(other, 'api/item/getitemsgeneraldata?searchQuery.pageSize=1000');
    const two = await call(other, 'api/Item/GetItemsGeneralData?pageSize=1000', { org: '2' });
    const active = values((await call(e, 'api/Item/GetItemsGeneralData?includeNonActiveItems=false')).text, 'ItemID');
    expect(values(one.text, 'ItemID')).toEqual(active);
    expect(values(two.text, 'ItemID').length).toBeLessThan(values(one.text, 'ItemID').length);
    const log = (await admin(e, 'GET', 'requests')).json as { organisation: number; status: number }[];
    expect(log.some((r) => r.organisation === 2 && r.status === 200)).toBe(true);
  });
});

describe('items', () => {
  it('pages 1-based and answers a page past the end with a self-closing root', async () => {
    const all = values((await call(e, 'api/Item/GetItemsGeneralData?searchQuery.includeNonActiveItems=true')).text, 'ItemID');
    expect(all).toHaveLength(30);
    const p1 = values((await call(e, 'api/Item/GetItemsGeneralData?searchQuery.includeNonActiveItems=true&searchQuery.page=1&searchQuery.pageSize=20')).text, 'ItemID');
    const p2 = values((await call(e, 'api/Item/GetItemsGeneralData?searchQuery.includeNonActiveItems=true&searchQuery.page=2&searchQuery.pageSize=20')).text, 'ItemID');
    expect([...p1, ...p2]).toEqual(all);
    const p3 = await call(e, 'api/Item/GetItemsGeneralData?searchQuery.includeNonActiveItems=true&searchQuery.page=3&searchQuery.pageSize=20');
    expect(p3.text).toBe('<?xml version="1.0" encoding="utf-8"?><ItemsGeneralData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" />');
    expect(p1[0]).toBeDefined();
    expect((await call(e, `api/Item/GetItemsGeneralData?searchQuery.itemID=${p1[0]}`)).text).toContain('<ItemFirstPublished xsi:nil="true" />');
  });

  it('pages a stock list from the rows selected at page 1, and a later read from page 1 sees a change', async () => {
    const page = (n: number) => `api/Stock/GetStocks?warehouseIdList=0000001&includeZeroQuantities=true&page=${n}&pageSize=10`;
    const all = values((await call(e, 'api/Stock/GetStocks?warehouseIdList=0000001&includeZeroQuantities=true')).text, 'ItemID');
    const first = values((await call(e, page(1))).text, 'ItemID');
    const target = all[all.length - 1]!;
    expect((await admin(e, 'POST', 'stock', { warehouseId: '0000001', itemId: target, qty: '777' })).status).toBe(200);
    const rest: string[] = [];
    for (let n = 2; n <= Math.ceil(all.length / 10); n++) rest.push(...values((await call(e, page(n))).text, 'ItemID'));
    expect([...first, ...rest]).toEqual(all);
    const again = (await call(e, page(Math.ceil(all.length / 10)))).text;
    expect(again).not.toContain('<Qty>777.000</Qty>');
    let seen = false;
    for (let n = 1; n <= Math.ceil(all.length / 10); n++) seen ||= (await call(e, page(n))).text.includes(`<ItemID>${target}</ItemID><Qty>777.000</Qty>`);
    expect(seen).toBe(true);
  });

  it('adds, rejects a duplicate with the real 409 message, patches only the fields sent, and filters delta in Ljubljana time', async () => {
    const body = `<?xml version="1.0" encoding="utf-8"?><ItemsGeneralData><ItemGeneralData><ItemID>NW.1</ItemID><ItemTitle1>Žlica</ItemTitle1><ItemTitle2>Stara</ItemTitle2>
      <SuggestFirstFreeCode>true</SuggestFirstFreeCode><GeneralData><ItemType>B</ItemType><ItemUnitOfMeas>kom</ItemUnitOfMeas><VATRateID>02</VATRateID><ItemEANCode>3830000000001</ItemEANCode></GeneralData>
      <SalesData><IsActive>D</IsActive></SalesData></ItemGeneralData></ItemsGeneralData>`;
    const before = new Date();
    const created = await call(e, 'api/Item/AddItemsGeneralData', { method: 'POST', body });
    expect(created.status).toBe(200);
    expect(created.text).toContain('<Keys><Key><Name>SifraArtikla</Name><Value>NW.1</Value></Key></Keys><ResultCode>Created</ResultCode><Errors />');
    const dup = await call(e, 'api/Item/AddItemsGeneralData', { method: 'POST', body });
    expect(dup.status).toBe(409);
    expect(dup.text).toContain('<ArrayOfError');
    expect(values(dup.text, 'Message')).toEqual(['Zapis/zapisi za artikel/artikle :  NW.1 že obstaja/obstajajo!']);
    expect(Buffer.from(String(dup.headers['x-icenter-message']), 'latin1').toString('utf8')).toBe('Zapis/zapisi za artikel/artikle :  NW.1 že obstaja/obstajajo!');

    const patch = '<ItemsGeneralData><ItemGeneralData><ItemID>NW.1</ItemID><ItemTitle1>Nova žlica</ItemTitle1><SalesData /></ItemGeneralData></ItemsGeneralData>';
    expect((await call(e, 'api/Item/UpdateItemsGeneralData', { method: 'PATCH', body: patch })).text).toContain('<ResultCode>Ok</ResultCode>');
    const read = (await call(e, 'api/Item/GetItemsGeneralData?searchQuery.itemID=NW.1')).text;
    expect(values(read, 'ItemTitle1')).toEqual(['Nova žlica']);
    expect(values(read, 'ItemTitle2')).toEqual(['Stara']);
    expect(values(read, 'ItemEANCode')).toEqual(['3830000000001']);
    const modified = values(read, 'ItemLastModified')[0] ?? '';
    // Between the local times of the instants around the write (a minute boundary in between does not matter).
    expect(modified.slice(0, 19) >= ljubljana(before)).toBe(true);
    expect(modified.slice(0, 19) <= ljubljana(new Date())).toBe(true);

    const delta = values((await call(e, `api/Item/GetItemsGeneralData?searchQuery.recordDtModifiedFrom=${modified}`)).text, 'ItemID');
    expect(delta).toEqual(['NW.1']);
    const later = new Date(Date.parse(`${modified}Z`) + 1000).toISOString().slice(0, 19);
    expect((await call(e, `api/Item/GetItemsGeneralData?recordDtModifiedFrom=${later}`)).text).toMatch(/<ItemsGeneralData [^>]*\/>$/);

    const missing = await call(e, 'api/Item/UpdateItemsGeneralData', { method: 'PATCH', body: patch.replace('NW.1', 'BA.X') });
    expect(values(missing.text, 'Message')).toEqual(['šifra artikla  BA.X ne obstaja!']);
    const badGroup = await call(e, 'api/Item/AddItemsGeneralData', { method: 'POST', body: body.replace('NW.1', 'NW.2').replace('<ItemType>B</ItemType>', '<ItemType>B</ItemType><ItemGroup>999</ItemGroup>') });
    expect(values(badGroup.text, 'Message')).toEqual(['Za naslednje artikle:  NW.2, skupina artikla ne obstaja v šifrantu!']);
    const unknownField = await call(e, 'api/Item/UpdateItemsGeneralData', { method: 'PATCH', body: '<ItemsGeneralData><ItemGeneralData><ItemID>NW.1</ItemID><GeneralData><ItemExcludeQtyReservation>true</ItemExcludeQtyReservation></GeneralData></ItemGeneralData></ItemsGeneralData>' });
    expect(unknownField.status).toBe(500);
  });

  it('serves descriptions, stock per zero-padded warehouse and an empty row for an unpadded code', async () => {
    const desc = await call(e, 'api/Item/GetItemsDescriptions?searchQuery.descriptionType=K');
    expect(desc.text).toContain('<ItemsDescriptions xmlns:xsi=');
    expect(desc.text).toContain('<itemDescriptions><ItemID>');
    const stock = await call(e, 'api/Stock/GetStocks?searchQuery.warehouseIdList=0000003&searchQuery.includeZeroQuantities=true');
    expect(stock.text).toContain('<ArrayOfStockItem');
    expect(values(stock.text, 'Qty').every((q) => /^\d+\.\d{3}$/.test(q))).toBe(true);
    expect(values(stock.text, 'ItemID').length).toBeGreaterThan(0);
    const unpadded = await call(e, 'api/Stock/GetStocks?searchQuery.warehouseIdList=3');
    expect(unpadded.status).toBe(200);
    expect(unpadded.text).toMatch(/<ArrayOfStockItem [^>]*><Item \/><\/ArrayOfStockItem>$/);
    const item = values(stock.text, 'ItemID')[0] ?? '';
    await admin(e, 'POST', 'stock', { organisation: 1, warehouseId: '0000003', itemId: item, qty: '7.5' });
    const one = await call(e, `api/Stock/GetStocks?searchQuery.warehouseIdList=0000003&searchQuery.itemId=${item}`);
    expect(values(one.text, 'Qty')).toEqual(['7.500']);
    const prices = await call(e, 'api/Price/GetPrices?searchQuery.priceListID=MPC&searchQuery.priceListDate=2026-09-01');
    expect(prices.text).toContain('<ArrayOfPrice');
    expect(values(prices.text, 'VATIncluded')[0]).toBe('true');
    expect((await call(e, 'api/Price/GetPrices?searchQuery.priceListID=MPC')).status).toBe(400);
  });

  it('lists lookups with zero-padded codes', async () => {
    expect(values((await call(e, 'api/warehouses')).text, 'WarehouseId')).toEqual(['0000001', '0000003', '0000005']);
    expect(values((await call(e, 'api/vatrates')).text, 'VATRatePercent')).toContain('22.00');
    expect((await call(e, 'api/currencies')).text).toContain('<ArrayOfCurrency');
    expect(values((await call(e, 'api/orderbooks')).text, 'InvoiceBookID')).toEqual(['IR', 'IRW']);
    for (const path of ['api/pricelists', 'api/invoicebooks', 'api/paymentcodes', 'api/shippingmethods']) expect((await call(e, path)).status).toBe(200);
  });
});
