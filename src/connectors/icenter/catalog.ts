/** Items, prices, stock, SKU existence, code lists and the connection check. */
import type { Logger } from '../../core/log.js';
import { type CurrencyCode, type ErpItem, type ErpPrice, type Sku, type StockLevel, type WarehouseCode } from '../../core/model.js';
import type { CodeEntry, ConnectionInfo, ErpCodeList, OnUnreadableRow } from '../../core/ports.js';
import { UnreadableRow } from './values.js';
import type { IcenterClient } from './client.js';
import type { IcenterSettings } from './config.js';
import { settingProblem } from './errors.js';
import { itemRows, ITEMS_PATH, mapItem } from './items.js';
import { mapBounded, readPages } from './paging.js';
import { mapPrices, PRICES_PATH } from './prices.js';
import { looksUnpadded, mapStockPage, STOCK_PATH } from './stock.js';
import { toLocalText } from './time.js';
import { list, text, type XmlNode } from './xml.js';
import { EXPECT } from './answers.js';

/** Up to this many SKUs are checked one by one; more are checked by one pass over all items. */
export const EXISTING_SKUS_SINGLE_LIMIT = 50;

/** Hands an unreadable row to the caller's callback, or fails the read when there is none. */
export async function reportUnreadable(row: UnreadableRow, onUnreadable: OnUnreadableRow | undefined): Promise<void> {
  if (!onUnreadable) throw row.error;
  const record = row.error.record!;
  await onUnreadable(record, row.error);
}

export function createCatalogReader(client: IcenterClient, settings: IcenterSettings, logger: Logger) {
  /** recordDtModifiedFrom: the cursor minus the overlap, as Ljubljana wall-clock text [INF]. */
  const modifiedFrom = (since: Date | undefined): string | undefined =>
    since ? toLocalText(new Date(since.getTime() - settings.deltaOverlap), settings.timeZone) : undefined;

  async function* items(options: { changedSince?: Date; includeInactive?: boolean; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncGenerator<ErpItem[]> {
    const pageSize = options.pageSize ?? settings.pageSize;
    const from = modifiedFrom(options.changedSince);
    yield* readPages(pageSize, async (page) => {
      const answer = await client.get(
        ITEMS_PATH,
        {
          'searchQuery.includeNonActiveItems': options.includeInactive ?? true,
          'searchQuery.recordDtModifiedFrom': from,
          'searchQuery.page': page,
          'searchQuery.pageSize': pageSize,
        },
        { doing: `reading items page ${page}` },
        { expect: EXPECT.items(pageSize) },
      );
      const rows = answer ? itemRows(answer.node) : [];
      const mapped: ErpItem[] = [];
      for (const row of rows) {
        try {
          const item = mapItem(row, settings.timeZone);
          if (item) mapped.push(item);
        } catch (error) {
          if (!(error instanceof UnreadableRow)) throw error;
          await reportUnreadable(error, options.onUnreadable);
        }
      }
      return { rows: mapped, rawCount: rows.length };
    });
  }

  async function* prices(options: { priceList: string; date?: Date; changedSince?: Date; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncGenerator<ErpPrice[]> {
    const pageSize = options.pageSize ?? settings.pageSize;
    const from = modifiedFrom(options.changedSince);
    const date = toLocalText(options.date ?? new Date(), settings.timeZone).slice(0, 10);
    const currency = await priceListCurrency(options.priceList);
    yield* readPages(pageSize, async (page) => {
      const answer = await client.get(
        PRICES_PATH,
        {
          'searchQuery.priceListID': options.priceList,
          'searchQuery.priceListDate': date,
          'searchQuery.recordDtModifiedFrom': from,
          'searchQuery.page': page,
          'searchQuery.pageSize': pageSize,
        },
        { doing: `reading prices of price list ${options.priceList}, page ${page}` },
        { expect: EXPECT.prices(pageSize) },
      );
      const node = answer?.node ?? {};
      const { prices: rows, unreadable } = mapPrices(node, options.priceList, settings.timeZone, currency);
      for (const row of unreadable) await reportUnreadable(row, options.onUnreadable);
      return { rows, rawCount: list(node, 'Price').length };
    });
  }

  /** The alphabetic currency of a price list (pricelists.CurrencyId is numeric, CAP `978`). */
  async function priceListCurrency(priceList: string): Promise<CurrencyCode | undefined> {
    const entries = await listCodes('priceLists');
    const numeric = entries.find((e) => e.code === priceList)?.attributes?.currency;
    const byNumber = Object.entries(settings.currencyIds).find(([, id]) => id === numeric)?.[0];
    return byNumber as CurrencyCode | undefined;
  }

  async function* stock(options: { warehouses: WarehouseCode[]; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncGenerator<StockLevel[]> {
    const pageSize = options.pageSize ?? settings.pageSize;
    for (const warehouse of options.warehouses) {
      if (looksUnpadded(warehouse)) logger.warn({ warehouse }, `warehouse code "${warehouse}" looks unpadded; iCenter codes are zero-padded (0000003)`);
      // One warehouse per call: StockItem has no warehouse field, Qty is summed over the list [INF, docs/contracts/icenter.md#stock].
      yield* readPages(pageSize, async (page) => {
        const answer = await client.get(
          STOCK_PATH,
          {
            'searchQuery.warehouseIdList': warehouse,
            'searchQuery.includeZeroQuantities': settings.stockIncludeZero,
            'searchQuery.page': page,
            'searchQuery.pageSize': pageSize,
          },
          { doing: `reading stock of warehouse ${warehouse}, page ${page}` },
          { expect: EXPECT.stock(pageSize) },
        );
        const result = mapStockPage(answer?.node ?? {}, warehouse);
        if (result.kind === 'unknown-warehouse') {
          throw settingProblem(
            `iCenter does not know warehouse "${warehouse}" (it answered one empty row). iCenter warehouse codes are zero-padded, e.g. "0000003": ` +
              `check the warehouse codes in mappings.warehouses (and mappings.orderWarehouse).`,
          );
        }
        for (const row of result.unreadable) await reportUnreadable(row, options.onUnreadable);
        return { rows: result.rows, rawCount: result.rawCount };
      });
    }
  }

  /**
   * Which SKUs exist. A few are asked one by one (GetItemsGeneralData?itemID=…, bounded by
   * maxConcurrent); many are found in one paged pass over all items, which costs
   * items/pageSize calls instead of one per SKU.
   */
  async function existingSkus(skus: Sku[]): Promise<Set<Sku>> {
    const found = new Set<Sku>();
    const wanted = new Map(skus.map((s) => [s.toUpperCase(), s]));
    if (skus.length <= EXISTING_SKUS_SINGLE_LIMIT) {
      await mapBounded(skus, settings.maxConcurrent, async (sku) => {
        const answer = await client.get(
          ITEMS_PATH,
          { 'searchQuery.itemID': sku, 'searchQuery.includeNonActiveItems': true },
          { doing: `looking up item ${sku}`, record: { kind: 'item', key: sku } },
          { expect: EXPECT.itemLookup },
        );
        const rows = answer ? itemRows(answer.node) : [];
        if (rows.some((r) => text(r, 'ItemID')?.toUpperCase() === sku.toUpperCase())) found.add(sku);
      });
      return found;
    }
    // An item with an unreadable value still exists: only its ID matters here.
    const stillExists = (row: { key: string }) => {
      const asked = wanted.get(row.key.toUpperCase());
      if (asked) found.add(asked);
    };
    for await (const page of items({ includeInactive: true, onUnreadable: stillExists })) {
      for (const item of page) {
        const asked = wanted.get(item.sku.toUpperCase());
        if (asked) found.add(asked);
      }
    }
    return found;
  }

  const CODE_LISTS: Record<ErpCodeList, { path: string; row: string; code: string; description: string; attributes?: Record<string, string> }> = {
    warehouses: { path: 'api/warehouses', row: 'Warehouse', code: 'WarehouseId', description: 'WarehouseDescription', attributes: { type: 'WarehouseType' } },
    vatRates: { path: 'api/vatrates', row: 'VatRate', code: 'VATRateId', description: 'VATRateDescription', attributes: { percent: 'VATRatePercent' } },
    orderBooks: { path: 'api/orderbooks', row: 'OrderBook', code: 'OrderBookID', description: 'OrderBookDescription', attributes: { type: 'OrderBookType', invoiceBook: 'InvoiceBookID', warehouse: 'WarehouseID' } },
    invoiceBooks: { path: 'api/invoicebooks', row: 'InvoiceBook', code: 'InvoiceBookID', description: 'InvoiceBookDescription', attributes: { type: 'InvoiceBookType' } },
    // INF: the PaymentCode row's field names are not public; the generic reader below covers other names.
    paymentMethods: { path: 'api/paymentcodes', row: 'PaymentCode', code: 'PaymentCodeId', description: 'PaymentCodeDescription' },
    shippingMethods: { path: 'api/shippingmethods', row: 'ShippingMethod', code: 'ShippingMethodId', description: 'ShippingMethodDescription' },
    priceLists: { path: 'api/pricelists', row: 'PriceList', code: 'PriceListId', description: 'PriceListDescription', attributes: { currency: 'CurrencyId', vatIncluded: 'VatIncluded' } },
    currencies: { path: 'api/currencies', row: 'Currency', code: 'CurrencyId', description: 'CurrencyDescription', attributes: { code: 'CurrencyCode' } },
  };

  function rowsOfAnyName(node: XmlNode, preferred: string): XmlNode[] {
    const rows = list(node, preferred);
    if (rows.length > 0) return rows;
    const first = Object.entries(node).find(([name, value]) => !name.startsWith('@_') && Array.isArray(value));
    return first ? list(node, first[0]) : [];
  }

  const firstFieldEnding = (row: XmlNode, suffixes: string[]): string | undefined => {
    const name = Object.keys(row).find((k) => suffixes.some((s) => k.toLowerCase().endsWith(s)));
    return name ? text(row, name) : undefined;
  };

  async function listCodes(listName: ErpCodeList): Promise<CodeEntry[]> {
    const spec = CODE_LISTS[listName];
    // CAP: lookups were called without paging and returned everything.
    const answer = await client.get(spec.path, undefined, { doing: `reading the ${listName} code list` }, { expect: EXPECT.codeList });
    const out: CodeEntry[] = [];
    for (const row of rowsOfAnyName(answer?.node ?? {}, spec.row)) {
      const code = text(row, spec.code) ?? firstFieldEnding(row, ['id', 'code']);
      if (!code) continue;
      const entry: CodeEntry = { code };
      const description = text(row, spec.description) ?? firstFieldEnding(row, ['description']);
      if (description) entry.description = description;
      const active = text(row, 'Active');
      if (active) entry.active = active.toLowerCase() === 'true' || active.toUpperCase() === 'D';
      const attributes: Record<string, string> = {};
      for (const [name, source] of Object.entries(spec.attributes ?? {})) {
        const value = text(row, source);
        if (value) attributes[name] = value;
      }
      if (Object.keys(attributes).length > 0) entry.attributes = attributes;
      out.push(entry);
    }
    return out;
  }

  /**
   * ApiVersion proves reachability; a one-row item read proves that user, password and
   * OrganisationId are accepted (a wrong organisation answers 401 [CAP]).
   */
  async function checkConnection(): Promise<ConnectionInfo> {
    const version = await client.get('api/V2/ApiVersion', undefined, { doing: 'reading the API version' }, { expect: EXPECT.apiVersion });
    await client.get(ITEMS_PATH, { 'searchQuery.page': 1, 'searchQuery.pageSize': 1 }, { doing: 'checking access to the organisation' }, { expect: EXPECT.items(1) });
    const node = version?.node ?? {};
    const details: Record<string, string> = { organisationId: String(settings.organisationId), baseUrl: settings.baseUrl };
    for (const name of ['WebApiVersion', 'icApiVersion', 'Localization', 'SAOPVersion']) {
      const value = text(node, name);
      if (value) details[name] = value;
    }
    const info: ConnectionInfo = { target: 'icenter', details };
    const v = text(node, 'SAOPVersion') ?? text(node, 'WebApiVersion');
    if (v) info.version = v;
    return info;
  }

  return { items, prices, stock, existingSkus, listCodes, checkConnection };
}
