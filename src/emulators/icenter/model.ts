/**
 * In-memory state of the emulator, one OrgState per organisation (the `OrganisationId` header
 * selects it). Times are UTC epoch milliseconds; money and quantities are canonical Decimal strings.
 */
import type { Decimal } from '../../core/decimal.js';

/** A flat record in wire field order: the shape of lookups, customers and contacts. */
export type Row = Record<string, string | null>;

export const ITEM_SECTIONS = ['GeneralData', 'SalesData', 'StockData', 'PropertiesData'] as const;
export type ItemSection = (typeof ITEM_SECTIONS)[number];

export interface ItemDescription {
  DescriptionType: string;
  LanguageID: string;
  ItemDescription: string;
  modified: number;
}

export interface ItemRecord {
  ItemID: string;
  ItemTitle1: string | null;
  ItemTitle2: string | null;
  created: number;
  modified: number;
  /** Only the fields ever set; the serializer writes the full swagger field list. */
  sections: Record<ItemSection, Row>;
  descriptions: ItemDescription[];
}

export interface StockEntry {
  qty: Decimal;
  modified: number;
}

export interface PriceEntry {
  price: Decimal;
  active: boolean;
  modified: number;
}

export interface CustomerRecord {
  fields: Row;
  created: number;
  modified: number;
}

export interface ContactRecord {
  fields: Row;
  modified: number;
}

export interface DocLine {
  lineNo: number;
  itemId: string;
  title1: string;
  title2: string | null;
  unit: string;
  ean: string | null;
  warehouseId: string;
  qty: Decimal;
  /** Unit price without VAT (4 decimals), and with VAT. */
  price: Decimal;
  priceWithVat: Decimal;
  priceIncludeVat: boolean;
  discountPercent: Decimal;
  vatRateId: string;
  vatPercent: Decimal;
  /** Before discount, without VAT. */
  grossAmount: Decimal;
  discountAmount: Decimal;
  /** After discount, without VAT. */
  netAmount: Decimal;
  vatAmount: Decimal;
  /** netAmount + vatAmount. */
  paymentAmount: Decimal;
  comment: string | null;
}

export interface DocTotals {
  grossAmount: Decimal;
  discountAmount: Decimal;
  netAmount: Decimal;
  vatAmount: Decimal;
  paymentAmount: Decimal;
}

export interface DocKey {
  year: number;
  book: string;
  number: number;
}

export interface OrderRecord extends DocKey {
  /** Header fields as sent (minus lines), kept for GetOrder echo. */
  header: Row;
  customerId: string;
  warehouseId: string;
  orderReference: string | null;
  orderDate: number;
  lines: DocLine[];
  totals: DocTotals;
  status: string;
  created: number;
  modified: number;
  invoices: DocKey[];
}

export interface InvoiceRecord extends DocKey {
  order: DocKey | null;
  customerId: string;
  payer: Row;
  invoiceDate: number;
  dueDate: number;
  lines: DocLine[];
  totals: DocTotals;
  status: string;
  document: string | null;
  paymentReferenceExternal: string | null;
  attachmentId: string | null;
  created: number;
  modified: number;
}

export interface StoredDocument {
  id: string;
  name: string;
  pdf: Buffer;
  created: number;
}

export interface Lookups {
  warehouses: Row[];
  vatRates: Row[];
  currencies: Row[];
  priceLists: Row[];
  orderBooks: Row[];
  invoiceBooks: Row[];
  paymentCodes: Row[];
  shippingMethods: Row[];
  itemGroups: Set<string>;
  customsTariffs: Set<string>;
}

export interface OrgState {
  id: number;
  lookups: Lookups;
  items: ItemRecord[];
  itemIndex: Map<string, number>;
  /** warehouseId → itemId → stock. */
  stock: Map<string, Map<string, StockEntry>>;
  /** priceListId → itemId → price. */
  prices: Map<string, Map<string, PriceEntry>>;
  customers: CustomerRecord[];
  customerIndex: Map<string, CustomerRecord>;
  contacts: ContactRecord[];
  orders: Map<string, OrderRecord>;
  orderCounters: Map<string, number>;
  invoices: Map<string, InvoiceRecord>;
  invoiceCounters: Map<string, number>;
  documents: Map<string, StoredDocument>;
  nextDocumentId: number;
}

export interface EmulatorState {
  orgs: Map<number, OrgState>;
  stamp: () => number;
}

export const docKey = (k: DocKey): string => `${k.year}/${k.book.toUpperCase()}/${k.number}`;
