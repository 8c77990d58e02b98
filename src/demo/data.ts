/**
 * The demo's data set: an ERP with about 2,000 items (Slovene names, three warehouses, VAT
 * 22 / 9.5 / 5 %), customers, and a shop with registered customers and 200 orders of every
 * kind (simple, configurable, bundle, guest, company with a VAT ID), two of which must stop
 * for a person: one with a SKU the ERP does not know, one whose grand total does not add up.
 * Deterministic: the same options give the same data.
 *
 * The shop is not empty: it already sells about three quarters of the ERP's active items (with
 * its own, older names and prices, and no stock), as a shop does that existed before icsync.
 * The products flow brings those up to the ERP's data and creates the rest
 * (flows.products.createNew: true), so the demo shows both paths.
 */
import { add, dec, div, round } from '../core/decimal.js';
import { generateIcenterSeed, type IcenterSeed, type ItemSeed } from '../emulators/icenter/index.js';
import { buildPlaceOrder, generateOrderSpecs, type CatalogEntry, type PlaceOrderSpec } from '../emulators/magento/index.js';

export interface DemoSize {
  items: number;
  erpCustomers: number;
  shopCustomers: number;
  /** Shop orders in total, the two that stop for a person included. */
  orders: number;
}

export const DEMO_SIZE: DemoSize = { items: 2000, erpCustomers: 60, shopCustomers: 40, orders: 200 };
/** A day that fits Minimax's 1,000 calls (the vendor designs the API for up to 1,000 orders a month). */
export const MINIMAX_DEMO_SIZE: DemoSize = { items: 500, erpCustomers: 20, shopCustomers: 15, orders: 40 };

/** Every how many catalog items one is new in the ERP (not yet in the shop): one in four. */
const NEW_IN_ERP_EVERY = 4;

export const ORGANISATION = 1;
/** ERP item used for the shipping fee line of every order (flows.orders.shippingItem). */
export const SHIPPING_ITEM = 'DOSTAVA';
/** The SKU of the order that must stop: the shop sells something the ERP has never heard of. */
export const UNKNOWN_SKU = 'NEZNAN-ARTIKEL-1';

/** ERP warehouse → shop stock source. */
export const WAREHOUSES: Record<string, string> = { '0000001': 'default', '0000003': 'maribor', '0000005': 'koper' };

/** ERP VAT rate code → percent the shop charges. */
const VAT_PERCENT: Record<string, string> = { '02': '22', '01': '9.5', '05': '5' };

export interface DemoOrder {
  /** The body for the Magento emulator's POST /__admin/orders. */
  body: Record<string, unknown>;
  /** Why this order is in the set, when it is one of the special ones. */
  expect?: 'unknown-sku' | 'totals-mismatch';
}

export function demoErpSeed(size: DemoSize): IcenterSeed {
  const seed = generateIcenterSeed({ seed: 20260915, items: size.items, customers: size.erpCustomers, organisations: [ORGANISATION] });
  const org = seed.organisations[0]!;
  const template = org.items![0]!;
  const shipping: ItemSeed = {
    ...template,
    ItemID: SHIPPING_ITEM,
    ItemTitle1: 'Poštnina in dostava',
    ItemTitle2: null,
    GeneralData: { ...template.GeneralData, ItemType: 'S', VATRateID: '02', WebPublish: 'N', ItemTitleShort: 'Poštnina' },
    SalesData: { ...template.SalesData, IsActive: 'D', ItemStatus: 'A' },
  };
  org.items!.push(shipping);
  org.prices!.push({ priceListId: 'MPC', itemId: SHIPPING_ITEM, price: '5.49' }, { priceListId: 'VPC', itemId: SHIPPING_ITEM, price: '4.50' });
  return seed;
}

/** What the shop sells: the active ERP items meant for the web, with their net price (MPC is gross) and VAT percent. */
export function shopCatalog(seed: IcenterSeed): CatalogEntry[] {
  const org = seed.organisations[0]!;
  const gross = new Map((org.prices ?? []).filter((p) => p.priceListId === 'MPC').map((p) => [String(p.itemId), dec(String(p.price))]));
  const catalog: CatalogEntry[] = [];
  for (const item of org.items ?? []) {
    const percent = VAT_PERCENT[String(item.GeneralData?.VATRateID)];
    const price = gross.get(item.ItemID);
    // Items the ERP keeps off the web (WebPublish N, the shipping item among them) are not sold online.
    const offWeb = item.GeneralData?.WebPublish === 'N';
    if (offWeb || item.SalesData?.IsActive !== 'D' || percent === undefined || price === undefined) continue;
    const net = round(div(price, add(dec('1'), div(dec(percent), dec('100')))), 2);
    // generateOrderSpecs types the percent as the two Slovene rates; 5 % is a third, real one.
    catalog.push({ sku: item.ItemID, name: String(item.ItemTitle1), price: net, taxPercent: percent as CatalogEntry['taxPercent'], productId: 0 });
  }
  return catalog;
}

/** Shop tax class per VAT percent (the inverse of config mappings.taxClasses). */
const TAX_CLASS: Record<string, string> = { '22': '2', '9.5': '5', '5': '6' };

/**
 * The products the shop already had before icsync: three in four catalog items, under an older
 * name and price, plus the one SKU the ERP has never heard of (the shop sells it, so an order
 * for it arrives). Magento product JSON for the emulator's seed.
 */
export function existingShopProducts(catalog: CatalogEntry[]): Record<string, unknown>[] {
  const known = catalog.filter((_, index) => index % NEW_IN_ERP_EVERY !== NEW_IN_ERP_EVERY - 1);
  const product = (sku: string, name: string, price: string, taxPercent: string) => ({
    sku, name, price: Number(price), type_id: 'simple', attribute_set_id: 4, status: 1, visibility: 4,
    custom_attributes: [{ attribute_code: 'tax_class_id', value: TAX_CLASS[taxPercent] ?? '2' }],
  });
  return [
    ...known.map((entry) => product(entry.sku, `${entry.name} (stari opis)`, String(round(add(entry.price, dec('1.00')), 2)), entry.taxPercent)),
    product(UNKNOWN_SKU, 'Artikel, ki ga ERP ne pozna', '8.11', '22'),
  ];
}

/** The shop's orders: `size.orders - 2` ordinary ones and the two that must stop. */
export function demoOrders(catalog: CatalogEntry[], customers: Record<string, unknown>[], size: DemoSize): DemoOrder[] {
  // generateOrderSpecs spaces orders 37 minutes apart; all of them lie in the past.
  const start = new Date(Date.now() - (size.orders * 37 + 60) * 60_000);
  const specs = generateOrderSpecs(catalog, customers, size.orders, 4242, start);
  const orders: DemoOrder[] = specs.slice(0, size.orders - 2).map((spec) => ({ body: buildPlaceOrder(spec) }));
  const unknown: PlaceOrderSpec = {
    ...specs[size.orders - 2]!,
    lines: [...specs[size.orders - 2]!.lines, { kind: 'simple', qty: 1, sku: UNKNOWN_SKU, name: 'Artikel, ki ga ERP ne pozna', unitPrice: '9.90', taxPercent: '22' }],
  };
  orders.push({ body: buildPlaceOrder(unknown), expect: 'unknown-sku' });
  // A grand total one euro above what the lines add up to (a discount module gone wrong).
  const skewed = buildPlaceOrder(specs[size.orders - 1]!);
  const plusOne = (value: unknown): number => Number(add(dec(String(value)), dec('1.00')));
  orders.push({ body: { ...skewed, grand_total: plusOne(skewed.grand_total), base_grand_total: plusOne(skewed.base_grand_total) }, expect: 'totals-mismatch' });
  return orders;
}

/** Shop tax percent → ERP VAT code, the inverse of VAT_PERCENT (config mappings.vatRates). */
export function vatRateMapping(): Record<string, string> {
  return { ...Object.fromEntries(Object.entries(VAT_PERCENT).map(([code, percent]) => [percent, code])), '0': '00' };
}
