/**
 * Shop order → ERP order draft, with the config mappings. Pure. A setting every order needs
 * (order book, warehouse) is a configuration error that stops the flow; anything only this
 * order needs (a VAT percent, a payment or shipping method without an ERP code, its currency)
 * is a business error that names the order, the field and the setting to add, so that this
 * order waits for a person and the others are entered.
 */
import { add, cmp, dec, div, isZero, mul, round, sub, abs, ZERO, type Decimal } from '../core/decimal.js';
import { businessError, configurationError } from '../core/errors.js';
import type {
  CountryCode,
  ErpOrderDraft,
  ErpOrderLineDraft,
  PartnerCode,
  PostalAddress,
  ShopOrder,
  ShopOrderLine,
  VatRateCode,
  WarehouseCode,
} from '../core/model.js';
import { asSku, asVatRate, asWarehouse } from '../core/model.js';
import type { Config } from '../config/schema.js';
import { checkOrderDraft } from './limits.js';

type Mappings = Config['mappings'];
type OrdersSettings = Config['flows']['orders'];

/** Why an order is not entered, or undefined when it passes the gate (used when a shop order is first seen). */
export function orderGate(order: ShopOrder, settings: OrdersSettings): string | undefined {
  if (!settings.statuses.includes(order.status)) return `status ${order.status} is not in flows.orders.statuses`;
  return excludedBySettings(order, settings);
}

/**
 * The gate for an order already in the ledger, checked again before it is entered. The status
 * gate is not: an order the shop moves on (shipped, complete, closed) while the ERP was down
 * is still a sale the ERP must have. Only a canceled order is dropped, and the exclusions a
 * person set (payment methods, go-live date) still hold.
 */
export function entryGate(order: ShopOrder, settings: OrdersSettings): string | undefined {
  if (order.state === 'canceled' || order.status === 'canceled') return `the order was canceled in the shop (status ${order.status}) before it reached the ERP`;
  return excludedBySettings(order, settings);
}

function excludedBySettings(order: ShopOrder, settings: OrdersSettings): string | undefined {
  if (settings.paymentMethods && !settings.paymentMethods.includes(order.paymentMethod ?? '')) {
    return `payment method ${order.paymentMethod ?? '(none)'} is not in flows.orders.paymentMethods`;
  }
  if (settings.since && Date.parse(order.createdAt) < Date.parse(settings.since)) return `created before flows.orders.since (${settings.since})`;
  return undefined;
}

/**
 * The lines that go to the ERP. A configurable product arrives as the parent line with the
 * price and the child's SKU (the connector already folded them); a bundle either prices its
 * children (dynamic price) or itself (fixed price), and only the priced side is kept.
 */
export function normaliseLines(lines: readonly ShopOrderLine[]): ShopOrderLine[] {
  const childrenPriced = lines.some((line) => line.origin === 'bundle-child' && !isZero(line.unitPrice));
  return lines.filter((line) => {
    if (isZero(line.quantity)) return false;
    if (line.origin === 'bundle') return !childrenPriced;
    if (line.origin === 'bundle-child') return childrenPriced;
    return true;
  });
}

/** The SKUs the ERP must know before the order can be entered. */
export function requiredSkus(order: ShopOrder, settings: OrdersSettings): string[] {
  const skus = new Set(normaliseLines(order.lines).map((line) => line.sku as string));
  if (settings.shippingItem && !isZero(order.totals.shippingInclTax)) skus.add(settings.shippingItem);
  return [...skus];
}

/** Looks a tax percent up in mappings.vatRates, whose keys a person writes as "22" or "9.5". Undefined when none matches. */
export function vatRateFor(percent: Decimal, mappings: Mappings): VatRateCode | undefined {
  for (const [key, code] of Object.entries(mappings.vatRates)) {
    try {
      if (cmp(dec(key), percent) === 0) return asVatRate(code);
    } catch {
      // a key that is not a number cannot match a percent
    }
  }
  return undefined;
}

/** What one order lacks in the mappings: collected, so that a person fixes them all before one retry. */
interface MappingGap {
  field: string;
  sentence: string;
}

class MappingGaps {
  readonly gaps: MappingGap[] = [];
  add(field: string, sentence: string): void {
    if (!this.gaps.some((gap) => gap.sentence === sentence)) this.gaps.push({ field, sentence });
  }
  throwIfAny(orderNumber: string): void {
    if (this.gaps.length === 0) return;
    const sentence = this.gaps.length === 1
      ? `Order ${orderNumber}: ${this.gaps[0]!.sentence}, then retry the order.`
      : `Order ${orderNumber}: ${this.gaps.map((gap) => gap.sentence).join('. ')}. Then retry the order.`;
    throw businessError({ sentence, record: { kind: 'order', key: orderNumber, field: this.gaps[0]!.field } });
  }
}

function vatRateOrGap(percent: Decimal, mappings: Mappings, where: string, gaps: MappingGaps): VatRateCode {
  const code = vatRateFor(percent, mappings);
  if (code !== undefined) return code;
  gaps.add('vatRate', `VAT ${percent} % (${where}) has no ERP VAT rate; add "${percent}": "<ERP VAT rate code>" to mappings.vatRates`);
  return asVatRate('');
}

export function orderWarehouse(mappings: Mappings): WarehouseCode {
  const code = mappings.orderWarehouse ?? Object.keys(mappings.warehouses)[0];
  if (!code) {
    throw configurationError({
      sentence: 'No warehouse for shop orders: set mappings.orderWarehouse (or map at least one warehouse under mappings.warehouses).',
      record: { kind: 'setting', key: 'mappings.orderWarehouse' },
    });
  }
  return asWarehouse(code);
}

const METHOD_NOUN = { paymentMethods: 'payment method', shippingMethods: 'shipping method' } as const;

function mapMethod(kind: 'paymentMethods' | 'shippingMethods', code: string | undefined, mappings: Mappings, gaps: MappingGaps): string | undefined {
  const table = mappings[kind];
  // An empty table means the ERP does not need the method on the order.
  if (Object.keys(table).length === 0 || code === undefined) return undefined;
  const mapped = table[code];
  if (mapped === undefined) gaps.add(kind === 'paymentMethods' ? 'paymentMethod' : 'shippingMethod', `${METHOD_NOUN[kind]} "${code}" has no ERP code; add it to mappings.${kind}`);
  return mapped;
}

export function mapCountry(address: PostalAddress, mappings: Mappings): PostalAddress {
  const mapped = mappings.countries[address.country];
  return mapped === undefined ? address : { ...address, country: mapped as CountryCode };
}

/** Discount of a line as a percent of its row total including tax, exact to 6 decimals. */
function discountPercent(line: ShopOrderLine): Decimal {
  if (isZero(line.discountAmount) || isZero(line.rowTotalInclTax)) return ZERO;
  return round(mul(div(line.discountAmount, line.rowTotalInclTax, 12), '100' as Decimal), 6);
}

export function erpOrderDraft(order: ShopOrder, partner: PartnerCode, config: Config): ErpOrderDraft {
  const mappings = config.mappings;
  const settings = config.flows.orders;
  if (order.currency !== mappings.currency) {
    throw businessError({
      sentence: `Order ${order.number} is in ${order.currency}, but shop orders are entered in ${mappings.currency} (mappings.currency). Enter it by hand or change the setting.`,
      record: { kind: 'order', key: order.number, field: 'currency' },
    });
  }
  const warehouse = orderWarehouse(mappings);
  if (!mappings.orderBook) {
    throw configurationError({
      sentence: 'No ERP order book for shop orders: set mappings.orderBook (iCenter: a VNK-type book). erp.icenter.books.order is only used to look orders up, not to enter them.',
      record: { kind: 'setting', key: 'mappings.orderBook' },
    });
  }
  const gaps = new MappingGaps();
  // Prices go with VAT included: the shop's grand total is a sum of gross amounts, so the
  // ERP total then matches it to the cent instead of drifting by per-line rounding.
  const lines: ErpOrderLineDraft[] = normaliseLines(order.lines).map((line) => ({
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    unitPrice: line.unitPriceInclTax,
    priceIncludesVat: true,
    discountPercent: discountPercent(line),
    vatRate: vatRateOrGap(line.taxPercent, mappings, `SKU ${line.sku}`, gaps),
    warehouse,
  }));
  if (lines.length === 0) {
    throw businessError({
      sentence: `Order ${order.number} has no line to enter (every line has quantity 0 or no price).`,
      record: { kind: 'order', key: order.number, field: 'lines' },
    });
  }
  if (!isZero(order.totals.shippingInclTax)) lines.push(shippingLine(order, settings, mappings, lines[0]!.vatRate, warehouse, gaps));
  const draft: ErpOrderDraft = {
    reference: order.number,
    partner,
    orderDate: order.createdAt,
    warehouse,
    book: mappings.orderBook,
    currency: order.currency,
    comment: `Shop order ${order.number}`,
    lines,
  };
  const payment = mapMethod('paymentMethods', order.paymentMethod, mappings, gaps);
  if (payment !== undefined) draft.paymentMethod = payment;
  const shipping = mapMethod('shippingMethods', order.shippingMethod, mappings, gaps);
  if (shipping !== undefined) draft.shippingMethod = shipping;
  gaps.throwIfAny(order.number);
  checkOrderDraft(draft, config.limits);
  if (order.shippingAddress) draft.deliveryAddress = mapCountry(order.shippingAddress, mappings);
  return draft;
}

function shippingLine(order: ShopOrder, settings: OrdersSettings, mappings: Mappings, fallbackRate: VatRateCode, warehouse: WarehouseCode, gaps: MappingGaps): ErpOrderLineDraft {
  const percent = order.totals.shippingTaxPercent;
  const vatRate = percent !== undefined ? vatRateOrGap(percent, mappings, 'shipping', gaps) : fallbackRate;
  const line: ErpOrderLineDraft = {
    sku: asSku(settings.shippingItem ?? ''),
    name: order.shippingDescription ?? 'Shipping',
    quantity: '1' as Decimal,
    unitPrice: order.totals.shippingInclTax,
    priceIncludesVat: true,
    discountPercent: ZERO,
    vatRate,
    warehouse,
  };
  if (!settings.shippingItem) line.textOnly = true;
  return line;
}

/** Sum of what the draft asks the ERP to charge, gross (for the report and dry runs). */
export function draftGross(draft: ErpOrderDraft): Decimal {
  return add(
    ZERO,
    ...draft.lines.map((line) => {
      const gross = mul(line.quantity, line.unitPrice);
      return round(sub(gross, div(mul(gross, line.discountPercent), '100' as Decimal)), 2);
    }),
  );
}

/** Totals guard: undefined when the ERP total is within tolerance of the shop grand total, else the sentence. */
export function totalsMismatch(orderNumber: string, erpGross: Decimal, shopGrand: Decimal, tolerance: Decimal, erpDisplay: string): string | undefined {
  const difference = abs(sub(erpGross, shopGrand));
  if (cmp(difference, tolerance) <= 0) return undefined;
  return `Order ${orderNumber}: the ERP order ${erpDisplay} totals ${erpGross}, the shop grand total is ${shopGrand} (difference ${difference}, allowed ${tolerance} by flows.orders.totalsTolerance). Check the ERP document, then retry to accept it.`;
}
