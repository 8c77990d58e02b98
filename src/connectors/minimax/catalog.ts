/**
 * Items, prices, stock and code lists. Minimax has one selling price per item (`Price`), so the
 * price list is the pseudo list `item`, and prices come from the same item reads as the items:
 * within `cacheFor`, a products run reads each changed item once, not twice.
 *
 * Budget: a delta reads `items/synccandidates` (ids changed since the cursor), then each item
 * (`items/{id}`), or the whole list when that takes fewer calls; stock has no delta endpoint
 * and no warehouse column, so it is one paged scan per mapped warehouse (docs/contracts/minimax.md#resources-icsync-uses).
 */
import { configurationError, isSyncError } from '../../core/errors.js';
import { decFromJson, tryDec, type Decimal } from '../../core/decimal.js';
import { asSku, asUtc, asVatRate, asWarehouse, type CurrencyCode, type ErpItem, type ErpPrice, type Sku, type StockLevel, type WarehouseCode } from '../../core/model.js';
import type { CodeEntry, ConnectionInfo, ErpCodeList } from '../../core/ports.js';
import type { Logger } from '../../core/log.js';
import type { MinimaxClient } from './client.js';
import { TARGET, type MinimaxSettings } from './config.js';
import type { Lookups } from './lookups.js';
import { fromMinimaxTime, toMinimaxTime } from './time.js';
import type { ItemJson, ItemSearchRow, Page, StockRow, SyncCandidate } from './wire.js';

export const PRICE_LIST = 'item';

const num = (value: unknown): Decimal | undefined => {
  if (value === null || value === undefined) return undefined;
  try {
    return decFromJson(value);
  } catch {
    return tryDec(value);
  }
};

export function createCatalog(client: MinimaxClient, settings: MinimaxSettings, lookups: Lookups, logger: Logger) {
  const zone = settings.timeZone;
  /** Item ids by code, learnt from every read (orders need ids; a list read fills this for free). */
  const itemIds = new Map<string, number>();
  const itemCache = new Map<number, { item: ItemJson; at: number }>();
  const listCache = new Map<string, { page: Page<ItemSearchRow>; at: number }>();
  const candidateCache = new Map<string, { ids: number[]; at: number }>();
  /** Items in the organisation, known after one full list page. */
  let totalItems: number | undefined;
  const fresh = (at: number): boolean => Date.now() - at < settings.cacheFor;

  async function listPage(page: number, pageSize: number): Promise<Page<ItemSearchRow>> {
    const key = `${page}/${pageSize}`;
    const cached = listCache.get(key);
    if (cached && fresh(cached.at)) return cached.page;
    const result = (await client.get<Page<ItemSearchRow>>('items', { CurrentPage: page, PageSize: pageSize }, { doing: `reading items page ${page}` })) ?? {};
    if (typeof result.TotalRows === 'number') totalItems = result.TotalRows;
    for (const row of result.Rows ?? []) if (row.Code) itemIds.set(row.Code, row.ItemId);
    listCache.set(key, { page: result, at: Date.now() });
    return result;
  }

  async function* fullList(pageSize: number): AsyncGenerator<ItemSearchRow[]> {
    let seen = 0;
    for (let page = 1; ; page++) {
      const result = await listPage(page, pageSize);
      const rows = result.Rows ?? [];
      if (rows.length > 0) yield rows;
      seen += rows.length;
      // TotalRows ends the paging without an extra empty page; a short page ends it too.
      if (rows.length < pageSize || (typeof result.TotalRows === 'number' && seen >= result.TotalRows)) return;
    }
  }

  async function changedIds(since: Date): Promise<number[]> {
    const from = toMinimaxTime(new Date(since.getTime() - settings.deltaOverlap), zone);
    const cached = candidateCache.get(from);
    if (cached && fresh(cached.at)) return cached.ids;
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const result = (await client.get<Page<SyncCandidate>>('items/synccandidates', { RecordDtModifiedFrom: from, CurrentPage: page, PageSize: settings.pageSize }, { doing: 'reading changed items' })) ?? {};
      const rows = result.Rows ?? [];
      ids.push(...rows.map((r) => r.ID));
      if (rows.length < settings.pageSize || (typeof result.TotalRows === 'number' && ids.length >= result.TotalRows)) break;
    }
    candidateCache.set(from, { ids, at: Date.now() });
    return ids;
  }

  async function itemById(id: number): Promise<ItemJson | undefined> {
    const cached = itemCache.get(id);
    if (cached && fresh(cached.at)) return cached.item;
    const item = await client.get<ItemJson>(`items/${id}`, undefined, { doing: `reading item ${id}` }, [404]);
    if (item) {
      if (item.Code) itemIds.set(item.Code, item.ItemId);
      itemCache.set(id, { item, at: Date.now() });
    }
    return item;
  }

  /** The changed items one by one, or the whole list when the list takes fewer calls. */
  function deltaByList(count: number): boolean {
    if (settings.fullScanAbove > 0) return count > settings.fullScanAbove;
    return totalItems !== undefined && Math.ceil(totalItems / settings.pageSize) < count;
  }

  async function* changedItems(since: Date, pageSize: number): AsyncGenerator<(ItemJson | ItemSearchRow)[]> {
    const ids = await changedIds(since);
    if (ids.length === 0) return;
    if (deltaByList(ids.length)) {
      const wanted = new Set(ids);
      for await (const rows of fullList(settings.pageSize)) {
        const hit = rows.filter((r) => wanted.has(r.ItemId));
        if (hit.length > 0) yield hit;
      }
      return;
    }
    for (let i = 0; i < ids.length; i += pageSize) {
      const part = ids.slice(i, i + pageSize);
      const items = await Promise.all(part.map((id) => itemById(id)));
      const found = items.filter((x): x is ItemJson => x !== undefined);
      if (found.length > 0) yield found;
    }
  }

  async function toItem(row: ItemJson | ItemSearchRow): Promise<ErpItem | undefined> {
    if (!row.Code) {
      logger.warn({ itemId: row.ItemId }, `Minimax item ${row.ItemId} has no code; it cannot be matched to a shop SKU and is left out`);
      return undefined;
    }
    const full = row as ItemJson;
    const vat = await lookups.vatById(row.VatRate?.ID);
    const extra: Record<string, string> = { ItemId: String(row.ItemId) };
    if (row.ItemType) extra.ItemType = row.ItemType;
    const weight = num(row.MassPerUnit);
    const modified = fromMinimaxTime(full.RecordDtModified, zone);
    return {
      sku: asSku(row.Code),
      name: full.Name ?? row.Title ?? row.Code,
      ...(full.Description && { description: full.Description }),
      ...(full.EANCode && { ean: full.EANCode }),
      ...(row.UnitOfMeasurement && { unit: row.UnitOfMeasurement }),
      vatRate: asVatRate(vat?.Code ?? row.VatRate?.Name ?? ''),
      ...(weight !== undefined && { weight }),
      // ItemSearch rows carry no Usage: a listed item counts as active (README, "not covered").
      active: full.Usage !== 'N',
      ...(modified && { modifiedAt: asUtc(modified) }),
      extra,
    };
  }

  async function* readItems(options: { changedSince?: Date; includeInactive?: boolean; pageSize?: number }): AsyncGenerator<ErpItem[]> {
    const pageSize = options.pageSize ?? settings.pageSize;
    const source = options.changedSince ? changedItems(options.changedSince, pageSize) : fullList(pageSize);
    try {
      for await (const rows of source) {
        const items = (await Promise.all(rows.map(toItem))).filter((i): i is ErpItem => i !== undefined && (options.includeInactive !== false || i.active));
        if (items.length > 0) yield items;
      }
    } finally {
      // The reads are shared by one products run (prices, then items) and no further: the next run must see today's data.
      listCache.clear();
      candidateCache.clear();
      itemCache.clear();
    }
  }

  async function* readPrices(options: { priceList: string; changedSince?: Date; pageSize?: number }): AsyncGenerator<ErpPrice[]> {
    if (options.priceList !== PRICE_LIST) {
      throw configurationError({
        target: TARGET,
        record: { kind: 'setting', key: 'flows.products.priceList' },
        sentence: `Minimax has one selling price per item; set flows.products.priceList to "${PRICE_LIST}" (it is "${options.priceList}").`,
      });
    }
    const includesVat = await lookups.pricesIncludeVat();
    const pageSize = options.pageSize ?? settings.pageSize;
    const source = options.changedSince ? changedItems(options.changedSince, pageSize) : fullList(pageSize);
    for await (const rows of source) {
      const prices: ErpPrice[] = [];
      for (const row of rows) {
        const price = num(row.Price);
        if (!row.Code || price === undefined) continue;
        const vat = await lookups.vatById(row.VatRate?.ID);
        const percent = num(vat?.Percent);
        prices.push({
          sku: asSku(row.Code), priceList: PRICE_LIST, price, includesVat,
          ...(percent !== undefined && { vatPercent: percent }),
          ...(row.Currency?.Name && { currency: row.Currency.Name as CurrencyCode }),
        });
      }
      if (prices.length > 0) yield prices;
    }
  }

  async function* readStock(options: { warehouses: WarehouseCode[]; pageSize?: number }): AsyncGenerator<StockLevel[]> {
    const pageSize = options.pageSize ?? settings.pageSize;
    for (const code of options.warehouses) {
      const warehouseId = await lookups.warehouseId(code);
      let seen = 0;
      for (let page = 1; ; page++) {
        const result = (await client.get<Page<StockRow>>('stocks', { WarehouseId: warehouseId, CurrentPage: page, PageSize: pageSize }, { doing: `reading stock of warehouse ${code} page ${page}` })) ?? {};
        const rows = result.Rows ?? [];
        const levels: StockLevel[] = [];
        for (const row of rows) {
          const quantity = num(row.Quantity);
          if (!row.ItemCode || quantity === undefined) continue;
          if (row.Item?.ID !== undefined) itemIds.set(row.ItemCode, row.Item.ID);
          levels.push({ sku: asSku(row.ItemCode), warehouse: asWarehouse(code), quantity });
        }
        if (levels.length > 0) yield levels;
        seen += rows.length;
        if (rows.length < pageSize || (typeof result.TotalRows === 'number' && seen >= result.TotalRows)) break;
      }
    }
  }

  /** The id of an item by its code: known from earlier reads, else `items/code(…)`; undefined when Minimax has none. */
  async function itemId(sku: Sku): Promise<number | undefined> {
    const known = itemIds.get(sku);
    if (known !== undefined) return known;
    const item = await client.get<ItemJson>(`items/code(${encodeURIComponent(sku)})`, undefined, { doing: `looking up item ${sku}`, record: { kind: 'product', key: sku } }, [404]);
    if (item?.ItemId !== undefined) itemIds.set(sku, item.ItemId);
    return item?.ItemId;
  }

  async function existingSkus(skus: Sku[]): Promise<Set<Sku>> {
    const found = new Set<Sku>();
    const unknown = skus.filter((s) => !itemIds.has(s));
    if (unknown.length > 50) for await (const _rows of fullList(settings.pageSize)) void _rows;
    for (const sku of skus) if ((itemIds.has(sku) || (unknown.length <= 50 && (await itemId(sku)) !== undefined))) found.add(sku);
    return found;
  }

  async function checkConnection(): Promise<ConnectionInfo> {
    await client.signIn();
    let org: Awaited<ReturnType<Lookups['organisation']>>;
    try {
      org = await lookups.organisation();
    } catch (error) {
      if (!(isSyncError(error) && error.record?.key === 'erp.minimax.organisationId')) throw error;
      // Name the organisations this user may reach, so the setting can be fixed at once.
      const orgs = (await client.get<Page<{ Organisation?: { ID?: number; Name?: string }; APIAccess?: string }>>('api/currentuser/orgs', { PageSize: 100 }, { doing: 'listing the organisations of the user' }))?.Rows ?? [];
      const list = orgs.map((o) => `${o.Organisation?.ID} (${o.Organisation?.Name ?? '?'}${o.APIAccess === 'N' ? ', no API access' : ''})`).join(', ');
      throw configurationError({ ...error, target: TARGET, sentence: `${error.sentence} ${list ? `This user may reach: ${list}.` : 'This user has API access to no organisation.'}` });
    }
    return { target: TARGET, details: { organisation: `${org.Title ?? '?'} (${settings.organisationId})`, user: settings.username, api: settings.baseUrl } };
  }

  async function listCodes(list: ErpCodeList): Promise<CodeEntry[]> {
    switch (list) {
      case 'warehouses':
        return [...(await lookups.warehouses()).values()].map((w) => ({ code: w.Code!, ...(w.Name && { description: w.Name }), active: w.Usage !== 'N' }));
      case 'vatRates':
        return (await lookups.vatRates()).map((r) => ({ code: r.Code, attributes: { percent: String(num(r.Percent) ?? '') } }));
      case 'currencies':
        return (await lookups.currencies()).map((c) => ({ code: c.Code, ...(c.Name && { description: c.Name }) }));
      case 'paymentMethods': {
        const rows = (await client.get<Page<{ Name?: string; Type?: string; Usage?: string }>>('paymentMethods', { PageSize: 300 }, { doing: 'reading payment methods' }))?.Rows ?? [];
        return rows.filter((r) => r.Name).map((r) => ({ code: r.Name!, ...(r.Type && { description: `type ${r.Type}` }), active: r.Usage !== 'N' }));
      }
      case 'invoiceBooks': {
        const rows = (await client.get<Page<{ Code?: string; Name?: string; Document?: string }>>('document-numbering', { PageSize: 300 }, { doing: 'reading document numbering' }))?.Rows ?? [];
        return rows.filter((r) => r.Code && r.Document === 'IR').map((r) => ({ code: r.Code!, ...(r.Name && { description: r.Name }) }));
      }
      case 'orderBooks':
        // Minimax has no order books: shop orders are received orders (ReceivedIssued P).
        return [{ code: 'P', description: 'received orders (Minimax has no order books; mappings.orderBook must be P)' }];
      case 'priceLists':
        return [{ code: PRICE_LIST, description: "the item's selling price (Minimax has one price per item)" }];
      case 'shippingMethods':
        return [];
    }
  }

  return { items: readItems, prices: readPrices, stock: readStock, existingSkus, itemId, checkConnection, listCodes };
}

export type Catalog = ReturnType<typeof createCatalog>;
