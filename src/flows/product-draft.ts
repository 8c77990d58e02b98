/**
 * ERP item (+ price) → what the shop should hold for that product. Pure: the products flow
 * reads, this maps, the hash decides whether anything is written.
 */
import { add, div, mul, round, type Decimal } from '../core/decimal.js';
import type { ErpItem, ErpPrice, ShopProductDraft } from '../core/model.js';
import type { Config } from '../config/schema.js';

export interface ProductMapping {
  fieldMap: Record<string, string>;
  taxClasses: Record<string, number>;
  shopPricesIncludeVat: boolean;
  /** Honour the ERP's "not for the web" flag (flows.products.webPublish). */
  honourWebPublish: boolean;
  /** VAT percent per ERP VAT rate code, for converting a price between gross and net. */
  vatPercentByRate: Map<string, Decimal>;
}

export function productMappingFrom(config: Config, vatPercentByRate = new Map<string, Decimal>()): ProductMapping {
  return {
    fieldMap: config.flows.products.fieldMap,
    taxClasses: config.mappings.taxClasses,
    shopPricesIncludeVat: config.flows.products.shopPricesIncludeVat,
    honourWebPublish: config.flows.products.webPublish === 'honour',
    vatPercentByRate,
  };
}

/** The value of one ERP field named in the field map: a known item field or a flattened extra one. */
export function erpField(item: ErpItem, field: string): string | undefined {
  switch (field) {
    case 'name':
      return item.name;
    case 'description':
      return item.description;
    case 'shortName':
      return item.shortName;
    case 'ean':
      return item.ean;
    case 'unit':
      return item.unit;
    case 'weight':
      return item.weight;
    case 'vatRate':
      return item.vatRate;
    default:
      return item.extra[field];
  }
}

/**
 * The shop price from the ERP price, converted between gross and net when the ERP and the
 * shop disagree on whether prices include VAT. Undefined when no conversion is possible
 * (unknown VAT percent): writing a wrong price is worse than leaving the old one.
 */
export function shopPrice(price: ErpPrice, vatRate: string, mapping: ProductMapping): Decimal | undefined {
  if (price.includesVat === mapping.shopPricesIncludeVat) return price.price;
  const percent = price.vatPercent ?? mapping.vatPercentByRate.get(vatRate);
  if (percent === undefined) return undefined;
  const factor = add('1' as Decimal, div(percent, '100' as Decimal));
  // Magento keeps four decimals of a price; rounding to them keeps the hash stable.
  return round(mapping.shopPricesIncludeVat ? mul(price.price, factor) : div(price.price, factor), 4);
}

/** The ERP says this item is not for the online shop, and flows.products.webPublish honours it. */
export const notForWeb = (item: ErpItem, mapping: ProductMapping): boolean => mapping.honourWebPublish && item.webPublish === false;

export function productDraft(item: ErpItem, price: ErpPrice | undefined, mapping: ProductMapping): ShopProductDraft {
  const attributes: Record<string, string> = {};
  for (const [shopCode, erpName] of Object.entries(mapping.fieldMap)) {
    const value = erpField(item, erpName);
    if (value !== undefined && value !== '') attributes[shopCode] = value;
  }
  const draft: ShopProductDraft = { sku: item.sku, name: item.name, enabled: item.active && !notForWeb(item, mapping), attributes };
  if (item.weight !== undefined) draft.weight = item.weight;
  const taxClassId = mapping.taxClasses[item.vatRate];
  if (taxClassId !== undefined) draft.taxClassId = taxClassId;
  if (price) {
    const value = shopPrice(price, item.vatRate, mapping);
    if (value !== undefined) draft.price = value;
  }
  return draft;
}

/** A stored draft with a newer price (a price-only change: the item itself did not change). */
export function withPrice(draft: ShopProductDraft, price: ErpPrice, vatRate: string | undefined, mapping: ProductMapping): ShopProductDraft {
  const value = shopPrice(price, vatRate ?? '', mapping);
  if (value === undefined) return draft;
  return { ...draft, price: value };
}
