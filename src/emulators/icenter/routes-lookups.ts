/** Lookups, stock, prices and the version endpoint (docs/contracts/icenter.md: #connection-check-and-code-lists, #stock, #prices; the order and invoice books of #sales-orders and #issued-invoices). */
import { add, isZero, toFixed, ZERO } from '../../core/decimal.js';
import type { Decimal } from '../../core/decimal.js';
import { toLocalText } from './clock.js';
import { aspNetError, badRequest, boolQuery, listReply, modifiedSince, paginate, pagedSnapshot, xmlReply } from './http.js';
import type { Ctx, Reply } from './http.js';
import { findItem, isActiveItem } from './routes-items.js';
import type { ItemRecord, Lookups, PriceEntry, Row, StockEntry } from './model.js';
import { el, group, xmlDocument } from './xml.js';
import type { XNode } from './xml.js';

export const rowNode = (type: string, row: Row): XNode => group(type, Object.entries(row).map(([k, v]) => el(k, v)));

/** Fixed scale, but never drops significant digits (`12.5` → `12.50`, `8.1967` stays). */
export function fixed(value: Decimal, scale: number): string {
  const places = value.includes('.') ? (value.split('.')[1] ?? '').length : 0;
  return toFixed(value, Math.max(scale, places));
}

interface LookupSpec {
  key: keyof Omit<Lookups, 'itemGroups' | 'customsTariffs'>;
  type: string;
  idField: string;
}

/** `GET api/<name>` lists the rows; `GET api/<name>/{id}` returns one under its own root. */
export function lookupRoutes(spec: LookupSpec): { list: (ctx: Ctx) => Reply; one: (ctx: Ctx) => Reply } {
  return {
    list: (ctx) => {
      const id = ctx.query(spec.idField);
      const rows = ctx.org.lookups[spec.key].filter((r) => !id || r[spec.idField] === id);
      return listReply(spec.type, paginate(ctx, rows).map((r) => rowNode(spec.type, r)));
    },
    one: (ctx) => {
      const row = ctx.org.lookups[spec.key].find((r) => (r[spec.idField] ?? '').toUpperCase() === (ctx.params.id ?? '').toUpperCase());
      return row ? xmlReply(xmlDocument(rowNode(spec.type, row))) : aspNetError(404, 'Not found.');
    },
  };
}

export const LOOKUPS: Record<string, LookupSpec> = {
  warehouses: { key: 'warehouses', type: 'Warehouse', idField: 'WarehouseId' },
  vatrates: { key: 'vatRates', type: 'VatRate', idField: 'VATRateId' },
  currencies: { key: 'currencies', type: 'Currency', idField: 'CurrencyId' },
  pricelists: { key: 'priceLists', type: 'PriceList', idField: 'PriceListId' },
  orderbooks: { key: 'orderBooks', type: 'OrderBook', idField: 'OrderBookID' },
  invoicebooks: { key: 'invoiceBooks', type: 'InvoiceBook', idField: 'InvoiceBookID' },
  paymentcodes: { key: 'paymentCodes', type: 'PaymentCode', idField: 'PaymentCodeId' },
  shippingmethods: { key: 'shippingMethods', type: 'ShippingMethod', idField: 'ShippingMethodId' },
};

export function apiVersion(): Reply {
  return xmlReply(xmlDocument(group('ApiInfo', [
    el('WebApiVersion', '2.0'), el('icApiVersion', '2026.1.0-emulator'), el('Localization', 'SI'), el('SAOPVersion', 'iCenter emulator'),
  ])));
}

/**
 * GetStocks: Qty summed over the requested warehouses, no warehouse field per row (docs/contracts/icenter.md#stock).
 * An unpadded code that would match when padded answers 200 with one empty row [CAP].
 */
export function getStocks(ctx: Ctx): Reply {
  const requested = (ctx.query('warehouseIdList') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const known = (code: string): boolean => ctx.org.stock.has(code) || ctx.org.lookups.warehouses.some((w) => w.WarehouseId === code);
  const codes = requested.length > 0 ? requested : ctx.org.lookups.warehouses.map((w) => w.WarehouseId ?? '');
  const maps: Map<string, StockEntry>[] = [];
  for (const code of codes) {
    if (known(code)) {
      maps.push(ctx.org.stock.get(code) ?? new Map());
    } else if (/^\d+$/.test(code) && code.length < 7 && known(code.padStart(7, '0'))) {
      return xmlReply(xmlDocument(group('ArrayOfStockItem', [{ name: ctx.settings.unpaddedWarehouseRowElement }])));
    }
  }
  const includeZero = boolQuery(ctx, 'includeZeroQuantities');
  const since = modifiedSince(ctx);
  const only = ctx.query('itemId');
  const items = only ? [findItem(ctx.org, only)].filter((i) => i !== undefined) : ctx.org.items;
  const sum = (qs: Decimal[]): Decimal => (qs.length === 1 ? (qs[0] as Decimal) : add(ZERO, ...qs));
  // Only the requested page is summed and turned into XML: building every row for every page
  // made a paged read of 100,000 items take minutes.
  function* rows(): Generator<{ itemId: string; quantities: Decimal[] }> {
    for (const item of items) {
      const quantities: Decimal[] = [];
      let modified = 0;
      for (const map of maps) {
        const entry = map.get(item.ItemID);
        if (!entry) continue;
        quantities.push(entry.qty);
        if (entry.modified > modified) modified = entry.modified;
      }
      if (quantities.length === 0 || !since(modified) || (!includeZero && isZero(sum(quantities)))) continue;
      yield { itemId: item.ItemID, quantities };
    }
  }
  const key = ['stock', codes.join(','), includeZero, ctx.query('recordDtModifiedFrom') ?? '', only ?? ''].join('|');
  return listReply('StockItem', pagedSnapshot(ctx, key, rows).map((r) => group('StockItem', [el('ItemID', r.itemId), el('Qty', fixed(sum(r.quantities), 3))])));
}

/** GetPrices: one `Price` row per item on the list (`ArrayOfPrice/Price` on the wire [CAP]). */
export function getPrices(ctx: Ctx): Reply {
  const listId = ctx.query('priceListID');
  if (!listId || !ctx.query('priceListDate')) return badRequest('The request is invalid.');
  const list = ctx.org.lookups.priceLists.find((p) => p.PriceListId === listId);
  const prices = ctx.org.prices.get(listId);
  if (!list || !prices) return listReply('Price', []);
  const since = modifiedSince(ctx);
  const code = ctx.query('itemCode');
  const ean = ctx.query('itemEAN');
  const active = ctx.query('active');
  const vatPercent = new Map(ctx.org.lookups.vatRates.map((v) => [v.VATRateId, v.VATRatePercent ?? '0']));
  // As in GetStocks: XML for the requested page only.
  function* rows(): Generator<{ item: ItemRecord; entry: PriceEntry; itemEan: string }> {
    for (const item of code ? [findItem(ctx.org, code)].filter((i) => i !== undefined) : ctx.org.items) {
      const entry = prices?.get(item.ItemID);
      if (!entry) continue;
      const itemEan = item.sections.GeneralData.ItemEANCode ?? '';
      if ((ean && itemEan !== ean) || !since(entry.modified)) continue;
      if (active && (active.toLowerCase() === 'true') !== (entry.active && isActiveItem(item))) continue;
      yield { item, entry, itemEan };
    }
  }
  const nil = (n: string): XNode => el(n, null);
  const key = ['prices', listId, ctx.query('priceListDate') ?? '', ctx.query('recordDtModifiedFrom') ?? '', code ?? '', ean ?? '', active ?? ''].join('|');
  return listReply('Price', pagedSnapshot(ctx, key, rows).map(({ item, entry, itemEan }) =>
    group('Price', [
      el('PriceListId', listId), el('PriceListDescription', list.PriceListDescription), el('ItemCode', item.ItemID),
      el('ItemEAN', itemEan), el('VATRate', fixed((vatPercent.get(item.sections.GeneralData.VATRateID ?? '') ?? '0') as Decimal, 2)),
      el('Price', fixed(entry.price, 2)), el('UnitOfMeasurementForPrice', '1'), el('VATIncluded', list.VatIncluded ?? 'false'),
      el('Active', String(entry.active)), el('DiscountPrice', 'false'), el('ApplyToComparisonCode', 'false'),
      el('PriceValidityFrom', list.PriceListValidityFrom), nil('PriceValidityTo'), el('InsUpdDate', toLocalText(entry.modified, ctx.settings.timeZone)),
      nil('Quantity1'), nil('PriceForQuantity1'), nil('Quantity2'), nil('PriceForQuantity2'), nil('Quantity3'), nil('PriceForQuantity3'),
      nil('Quantity4'), nil('PriceForQuantity4'), nil('Quantity5'), nil('PriceForQuantity5'), el('LowestPrice', ''),
      el('ItemOrganisationID', String(ctx.org.id)), nil('CustomerOrganisationID'),
    ])));
}
