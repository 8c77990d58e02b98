/**
 * The canonical model: what a product, a stock level, a partner, an order and an
 * invoice are to icsync, whichever shop or ERP they came from. Connectors map their
 * API's shapes to and from these types; flows only ever see these.
 *
 * Amounts and quantities are exact `Decimal` strings (see decimal.ts). Timestamps are
 * ISO-8601 strings in UTC with a `Z` (`2026-09-01T10:15:00.000Z`): each connector
 * converts from the zone its API speaks.
 */
import type { Brand } from './brand.js';
import type { Decimal } from './decimal.js';

/** A product's stock-keeping unit: the shared key between shop and ERP (iCenter `ItemID`, Magento `sku`). */
export type Sku = Brand<string, 'Sku'>;
/** An ERP warehouse code, kept exactly as the ERP writes it (iCenter pads: `0000003`). */
export type WarehouseCode = Brand<string, 'WarehouseCode'>;
/** An ERP VAT rate code (iCenter: `02`), not a percentage. */
export type VatRateCode = Brand<string, 'VatRateCode'>;
/** An ERP partner (customer) code (iCenter `Customer.Code`, e.g. `0001573`). */
export type PartnerCode = Brand<string, 'PartnerCode'>;
/** The shop's internal order id (Magento `entity_id`), used in URLs. */
export type ShopOrderId = Brand<string, 'ShopOrderId'>;
/** The order number a customer sees (Magento `increment_id`, e.g. `000000123`): the reference carried into the ERP. */
export type ShopOrderNumber = Brand<string, 'ShopOrderNumber'>;
/** An ERP document key, opaque outside its connector (iCenter: `2026/VNK/3495`). */
export type ErpDocumentKey = Brand<string, 'ErpDocumentKey'>;
/** The shop's invoice id (Magento invoice `entity_id`). */
export type ShopInvoiceId = Brand<string, 'ShopInvoiceId'>;
/** ISO-8601 UTC timestamp text. */
export type UtcTimestamp = Brand<string, 'UtcTimestamp'>;
/** ISO 3166-1 alpha-2 country code, upper case (`SI`). */
export type CountryCode = Brand<string, 'CountryCode'>;
/** ISO 4217 alphabetic currency code (`EUR`). */
export type CurrencyCode = Brand<string, 'CurrencyCode'>;

export const asSku = (value: string): Sku => value as Sku;
export const asWarehouse = (value: string): WarehouseCode => value as WarehouseCode;
export const asVatRate = (value: string): VatRateCode => value as VatRateCode;
export const asPartnerCode = (value: string): PartnerCode => value as PartnerCode;
export const asShopOrderId = (value: string | number): ShopOrderId => String(value) as ShopOrderId;
export const asShopOrderNumber = (value: string): ShopOrderNumber => value as ShopOrderNumber;
export const asErpKey = (value: string): ErpDocumentKey => value as ErpDocumentKey;
export const asShopInvoiceId = (value: string | number): ShopInvoiceId => String(value) as ShopInvoiceId;
export const asUtc = (date: Date): UtcTimestamp => date.toISOString() as UtcTimestamp;

// ---------------------------------------------------------------------------
// Catalog (ERP → shop)

/** An item as the ERP knows it. */
export interface ErpItem {
  sku: Sku;
  name: string;
  /** Second title line or long description, when the ERP has one. */
  description?: string;
  shortName?: string;
  ean?: string;
  unit?: string;
  vatRate: VatRateCode;
  /** Net weight per unit in the ERP's unit (iCenter: kg). */
  weight?: Decimal;
  active: boolean;
  /**
   * Whether the ERP means the item for the online shop (iCenter `GeneralData.WebPublish` D/N);
   * absent when the ERP does not say. A service item such as shipping is typically not.
   */
  webPublish?: boolean;
  /** The parent item of a variant, when the ERP models variants. */
  parentSku?: Sku;
  modifiedAt?: UtcTimestamp;
  /** Every other field the ERP returned, flattened (`GeneralData.ItemGroup`), for configurable field maps. */
  extra: Record<string, string>;
}

/** A price of one item in one ERP price list. */
export interface ErpPrice {
  sku: Sku;
  priceList: string;
  price: Decimal;
  /** True when `price` already contains VAT. */
  includesVat: boolean;
  vatPercent?: Decimal;
  currency?: CurrencyCode;
  modifiedAt?: UtcTimestamp;
}

/** On-hand quantity of one item in one ERP warehouse. */
export interface StockLevel {
  sku: Sku;
  warehouse: WarehouseCode;
  quantity: Decimal;
}

/** What the shop should hold for one product (built by the products flow from ErpItem + price + mapping). */
export interface ShopProductDraft {
  sku: Sku;
  name: string;
  /** Price the shop shows, in the shop's base currency, as the shop expects it (incl. or excl. VAT per config). */
  price?: Decimal;
  /** 1 enabled, 2 disabled. Inactive ERP items are disabled, never deleted. */
  enabled: boolean;
  weight?: Decimal;
  /** Magento tax class id chosen by VAT rate mapping. */
  taxClassId?: number;
  /** Extra attributes by shop attribute code (description, ean, ...). */
  attributes: Record<string, string>;
}

/** What the shop should hold for one stock row. `source` is the shop-side location (MSI source code). */
export interface ShopStockDraft {
  sku: Sku;
  source: string;
  quantity: Decimal;
  inStock: boolean;
}

// ---------------------------------------------------------------------------
// Partners (shop buyer → ERP subject)

export interface PostalAddress {
  company?: string;
  firstName?: string;
  lastName?: string;
  street: string[];
  city: string;
  postcode: string;
  country: CountryCode;
  region?: string;
  telephone?: string;
}

export type PartnerKind = 'company' | 'person';

/** A buyer as the ERP should know it. */
export interface PartnerDraft {
  kind: PartnerKind;
  name: string;
  vatId?: string;
  email?: string;
  address: PostalAddress;
}

export interface ErpPartner extends PartnerDraft {
  code: PartnerCode;
}

// ---------------------------------------------------------------------------
// Orders (shop → ERP)

export interface ShopOrderLine {
  /** The shop's item id of the line that carries the price (for a configurable: the parent's). */
  shopItemId: string;
  sku: Sku;
  name: string;
  quantity: Decimal;
  /** Unit price excluding tax, in order currency. */
  unitPrice: Decimal;
  /** Unit price including tax, in order currency. */
  unitPriceInclTax: Decimal;
  /** Discount on the whole line, excluding tax where the shop says so (order currency). */
  discountAmount: Decimal;
  taxPercent: Decimal;
  taxAmount: Decimal;
  /** Row total excluding tax, before discount. */
  rowTotal: Decimal;
  rowTotalInclTax: Decimal;
  /** What kind of shop line this came from, for explainability. */
  origin: 'simple' | 'configurable' | 'bundle' | 'bundle-child' | 'virtual' | 'downloadable' | 'other';
  /**
   * Tax hidden in the discount or in a tax-inclusive price (Magento `discount_tax_compensation_amount`):
   * what the buyer pays for the line is rowTotal + taxAmount + discountTaxCompensation − discountAmount.
   */
  discountTaxCompensation?: Decimal;
  /** For a bundle component: the shop item id of its bundle line. */
  bundleItemId?: string;
}

export interface ShopOrderTotals {
  subtotal: Decimal;
  discount: Decimal;
  shipping: Decimal;
  shippingInclTax: Decimal;
  shippingTaxPercent?: Decimal;
  /** Tax on shipping, after any shipping discount. */
  shippingTax?: Decimal;
  /** Cart-rule discount on shipping, positive (part of `discount`). */
  shippingDiscount?: Decimal;
  /** Tax hidden in the shipping discount or a tax-inclusive shipping price. */
  shippingDiscountTaxCompensation?: Decimal;
  /** Sum of the lines' discountTaxCompensation. */
  discountTaxCompensation?: Decimal;
  tax: Decimal;
  grandTotal: Decimal;
}

export interface ShopBuyer {
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Shop customer id; absent for a guest order. */
  customerId?: string;
  isGuest: boolean;
  /** From the billing address `vat_id`, then the customer's `taxvat`. */
  vatId?: string;
  company?: string;
  billing: PostalAddress;
}

/** A shop order normalised into the model. */
export interface ShopOrder {
  id: ShopOrderId;
  number: ShopOrderNumber;
  status: string;
  state: string;
  createdAt: UtcTimestamp;
  updatedAt: UtcTimestamp;
  /** Currency the customer paid in. */
  currency: CurrencyCode;
  /** The shop's base currency; base amounts are kept apart, never mixed with order amounts. */
  baseCurrency: CurrencyCode;
  buyer: ShopBuyer;
  shippingAddress?: PostalAddress;
  shippingMethod?: string;
  shippingDescription?: string;
  paymentMethod?: string;
  lines: ShopOrderLine[];
  totals: ShopOrderTotals;
  baseGrandTotal: Decimal;
  /** Whether every shippable line is shipped. */
  shipped: boolean;
  invoiced: boolean;
  /** Nothing to ship (downloads, services): the shop has no shipping address or amount. */
  isVirtual?: boolean;
  /** What the shop has invoiced itself so far (Magento `total_invoiced`), in order currency. */
  invoicedTotal?: Decimal;
  /** An edited order: the number of the order it replaces (Magento `relation_parent_real_id`). */
  replaces?: ShopOrderNumber;
  /** An order replaced by an edit: the number of its successor (Magento `relation_child_real_id`). */
  replacedBy?: ShopOrderNumber;
}

/** An order as the ERP should receive it: the orders flow builds it from a ShopOrder and the config mappings. */
export interface ErpOrderDraft {
  /** The shop order number, carried in the ERP's reference field: the key to exactly-once. */
  reference: ShopOrderNumber;
  partner: PartnerCode;
  orderDate: UtcTimestamp;
  warehouse: WarehouseCode;
  book: string;
  currency: CurrencyCode;
  paymentMethod?: string;
  shippingMethod?: string;
  deliveryAddress?: PostalAddress;
  comment?: string;
  lines: ErpOrderLineDraft[];
}

export interface ErpOrderLineDraft {
  sku: Sku;
  name?: string;
  quantity: Decimal;
  /** Unit price before discount. */
  unitPrice: Decimal;
  priceIncludesVat: boolean;
  discountPercent: Decimal;
  vatRate: VatRateCode;
  warehouse?: WarehouseCode;
  /** A text-only line (for example the shipping fee when the ERP has no shipping item). */
  textOnly?: boolean;
}

export interface ErpOrder {
  key: ErpDocumentKey;
  /** What a person reads in sentences; for iCenter the key itself (`2026/VNK/3495`), one format everywhere. */
  displayNumber: string;
  reference?: string;
  partner?: PartnerCode;
  netTotal?: Decimal;
  vatTotal?: Decimal;
  grossTotal?: Decimal;
  status?: string;
}

// ---------------------------------------------------------------------------
// Invoices (ERP → shop)

export interface ErpInvoiceLine {
  sku?: Sku;
  name?: string;
  quantity: Decimal;
  unitPrice: Decimal;
  netAmount: Decimal;
  vatAmount: Decimal;
  grossAmount: Decimal;
  vatPercent?: Decimal;
}

export interface ErpInvoice {
  key: ErpDocumentKey;
  displayNumber: string;
  issuedAt?: UtcTimestamp;
  modifiedAt?: UtcTimestamp;
  partner?: PartnerCode;
  /** The ERP order the invoice was issued from, when the ERP links them. */
  orderKey?: ErpDocumentKey;
  /** The shop order number, when the ERP carried it onto the invoice. */
  orderReference?: string;
  currency?: CurrencyCode;
  netTotal: Decimal;
  vatTotal: Decimal;
  grossTotal: Decimal;
  lines: ErpInvoiceLine[];
}

export interface ShopInvoice {
  id: ShopInvoiceId;
  orderId: ShopOrderId;
  incrementId?: string;
  grandTotal: Decimal;
  createdAt?: UtcTimestamp;
  /** Comments on the invoice: icsync writes the ERP invoice number into one, to recognise it later. */
  comments: string[];
  emailSent?: boolean;
}
