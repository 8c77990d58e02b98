/**
 * The seed: plain JSON that fills the emulator's state (`--seed FILE.json`, `POST /__admin/seed`,
 * or the generator). Lookups and customers are given in their wire shape (field → value);
 * items in the GetItemsGeneralData shape.
 */
import { dec } from '../../core/decimal.js';
import { parseIcenterTime } from './clock.js';
import { ITEM_SECTIONS } from './model.js';
import type { EmulatorState, ItemRecord, ItemSection, OrgState, Row } from './model.js';

export type SeedValue = string | number | boolean | null;
export type SeedRow = Record<string, SeedValue>;

export interface ItemSeed {
  ItemID: string;
  ItemTitle1?: string | null;
  ItemTitle2?: string | null;
  /** Local time in the emulator's `timeZone`, or absolute date-times; default: the load time. */
  ItemCreated?: string;
  ItemLastModified?: string;
  GeneralData?: SeedRow;
  SalesData?: SeedRow;
  StockData?: SeedRow;
  PropertiesData?: SeedRow;
  Descriptions?: { DescriptionType: string; LanguageID: string; ItemDescription: string }[];
}

export interface OrganisationSeed {
  id: number;
  warehouses?: SeedRow[];
  vatRates?: SeedRow[];
  currencies?: SeedRow[];
  priceLists?: SeedRow[];
  orderBooks?: SeedRow[];
  invoiceBooks?: SeedRow[];
  paymentCodes?: SeedRow[];
  shippingMethods?: SeedRow[];
  /** Codes accepted in GeneralData/ItemGroup and CustomsTariffNo (validated on item writes). */
  itemGroups?: string[];
  customsTariffs?: string[];
  items?: ItemSeed[];
  /** Quantities as decimal text. */
  stock?: { warehouseId: string; itemId: string; qty: string }[];
  prices?: { priceListId: string; itemId: string; price: string; active?: boolean }[];
  customers?: SeedRow[];
  contacts?: SeedRow[];
}

export interface IcenterSeed {
  organisations: OrganisationSeed[];
}

export function toRow(seed: SeedRow): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(seed)) row[k] = v === null ? null : String(v);
  return row;
}

function timeOr(text: string | undefined, fallback: number, zone: string): number {
  return (text && parseIcenterTime(text, zone)) || fallback;
}

/** `zone`: the emulator's `timeZone`, in which offset-less seed times are read, as on the wire. */
export function itemFromSeed(seed: ItemSeed, now: number, zone: string): ItemRecord {
  const sections = {} as Record<ItemSection, Row>;
  for (const s of ITEM_SECTIONS) sections[s] = toRow(seed[s] ?? {});
  const modified = timeOr(seed.ItemLastModified, now, zone);
  return {
    ItemID: seed.ItemID,
    ItemTitle1: seed.ItemTitle1 ?? null,
    ItemTitle2: seed.ItemTitle2 ?? null,
    created: timeOr(seed.ItemCreated, modified, zone),
    modified,
    sections,
    descriptions: (seed.Descriptions ?? []).map((d) => ({ ...d, modified })),
  };
}

export function emptyOrg(id: number): OrgState {
  return {
    id,
    lookups: {
      warehouses: [], vatRates: [], currencies: [], priceLists: [], orderBooks: [], invoiceBooks: [],
      paymentCodes: [], shippingMethods: [], itemGroups: new Set(), customsTariffs: new Set(),
    },
    items: [],
    itemIndex: new Map(),
    stock: new Map(),
    prices: new Map(),
    customers: [],
    customerIndex: new Map(),
    contacts: [],
    orders: new Map(),
    orderCounters: new Map(),
    invoices: new Map(),
    invoiceCounters: new Map(),
    documents: new Map(),
    nextDocumentId: 1,
  };
}

export function orgFromSeed(seed: OrganisationSeed, stamp: () => number, zone: string): OrgState {
  const org = emptyOrg(seed.id);
  const now = stamp();
  const lk = org.lookups;
  lk.warehouses = (seed.warehouses ?? []).map(toRow);
  lk.vatRates = (seed.vatRates ?? []).map(toRow);
  lk.currencies = (seed.currencies ?? []).map(toRow);
  lk.priceLists = (seed.priceLists ?? []).map(toRow);
  lk.orderBooks = (seed.orderBooks ?? []).map(toRow);
  lk.invoiceBooks = (seed.invoiceBooks ?? []).map(toRow);
  lk.paymentCodes = (seed.paymentCodes ?? []).map(toRow);
  lk.shippingMethods = (seed.shippingMethods ?? []).map(toRow);
  lk.itemGroups = new Set(seed.itemGroups ?? []);
  lk.customsTariffs = new Set(seed.customsTariffs ?? []);
  for (const item of seed.items ?? []) {
    org.itemIndex.set(item.ItemID.toUpperCase(), org.items.length);
    org.items.push(itemFromSeed(item, now, zone));
  }
  for (const s of seed.stock ?? []) {
    let wh = org.stock.get(s.warehouseId);
    if (!wh) org.stock.set(s.warehouseId, (wh = new Map()));
    wh.set(s.itemId, { qty: dec(s.qty), modified: now });
  }
  for (const p of seed.prices ?? []) {
    let list = org.prices.get(p.priceListId);
    if (!list) org.prices.set(p.priceListId, (list = new Map()));
    list.set(p.itemId, { price: dec(p.price), active: p.active ?? true, modified: now });
  }
  for (const c of seed.customers ?? []) {
    const record = { fields: toRow(c), created: now, modified: now };
    org.customers.push(record);
    org.customerIndex.set(String(c.Code ?? '').toUpperCase(), record);
  }
  org.contacts = (seed.contacts ?? []).map((c) => ({ fields: toRow(c), modified: now }));
  return org;
}

export function stateFromSeed(seed: IcenterSeed, stamp: () => number, zone: string): EmulatorState {
  const orgs = new Map<number, OrgState>();
  for (const o of seed.organisations) orgs.set(o.id, orgFromSeed(o, stamp, zone));
  return { orgs, stamp };
}
