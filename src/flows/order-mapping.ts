/**
 * Shop order → ERP order draft, with the config mappings. Pure. A setting every order needs
 * (order book, warehouse) is a configuration error that stops the flow; anything only this
 * order needs (a VAT percent, a payment or shipping method without an ERP code, its currency)
 * is a business error that names the order, the field and the setting to add, so that this
 * order waits for a person and the others are entered.
 */
import { add, cmp, dec, div, isZero, mul, round, sub, abs, ZERO, type Decimal } from '../core/decimal.js';
import type { ErpOrderArithmetic } from '../core/ports.js';
import { explainLines, linePaid, PLAIN_ARITHMETIC, priceLine, settingsAgree, shippingPaid, type LineCheck } from './order-amounts.js';
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
  // Whether a bundle is priced by its children is a property of each bundle line: a bundle line is
  // dropped only when its own components are there to carry its price.
  const splitBundles = new Set(lines.filter((line) => line.origin === 'bundle-child' && line.bundleItemId !== undefined).map((line) => line.bundleItemId));
  return lines.filter((line) => {
    if (isZero(line.quantity)) return false;
    if (line.origin === 'bundle') return !splitBundles.has(line.shopItemId);
    return true;
  });
}

/** The SKUs the ERP must know before the order can be entered. */
export function requiredSkus(order: ShopOrder, settings: OrdersSettings): string[] {
  const skus = new Set(normaliseLines(order.lines).map((line) => line.sku as string));
  if (settings.shippingItem && !isZero(order.totals.shippingInclTax)) skus.add(settings.shippingItem);
  if (settings.roundingItem) skus.add(settings.roundingItem);
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

/** EU member states (ISO 3166-1 alpha-2) for the buyer's VAT status. */
const EU = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']);

export type BuyerStatus = 'domestic' | 'euConsumer' | 'euBusiness' | 'export';

/** Domestic, an EU consumer, an EU business (a VAT ID, another member state), or outside the EU: from the billing country. */
export function buyerStatus(order: ShopOrder, mappings: Mappings): BuyerStatus {
  const country = order.buyer.billing.country.toUpperCase();
  if (country === '' || country === mappings.homeCountry.toUpperCase()) return 'domestic';
  if (!EU.has(country)) return 'export';
  return order.buyer.vatId?.trim() ? 'euBusiness' : 'euConsumer';
}

const STATUS_NOUN = { euBusiness: 'a company with a VAT ID in another EU country (reverse charge)', export: 'a buyer outside the EU (export)' } as const;

/**
 * The ERP VAT code of a line: a 0 % line to an EU business or outside the EU takes the code for
 * that status and country (mappings.vatByBuyer), never the plain 0 % code; every other line goes
 * by its percent (mappings.vatRates).
 */
function vatCodeFor(percent: Decimal, status: BuyerStatus, order: ShopOrder, mappings: Mappings, where: string, gaps: MappingGaps): VatRateCode {
  if (isZero(percent) && (status === 'euBusiness' || status === 'export')) {
    const country = order.buyer.billing.country.toUpperCase();
    const code = mappings.vatByBuyer.countries[country] ?? mappings.vatByBuyer[status];
    if (code !== undefined) return asVatRate(code);
    gaps.add('vatRate', `the buyer is ${STATUS_NOUN[status]} in ${country} and ${where} has 0 % VAT; add mappings.vatByBuyer.${status} (or mappings.vatByBuyer.countries.${country}) with the ERP VAT code for it`);
    return asVatRate('');
  }
  return vatRateOrGap(percent, mappings, where, gaps);
}

/** The shipping tax percent: the mapped rate that gives the shop's shipping tax to the cent, else the shop's rounded percent. */
function shippingPercent(order: ShopOrder, mappings: Mappings): Decimal | undefined {
  const t = order.totals;
  const fullTax = sub(t.shippingInclTax, t.shipping);
  if (isZero(t.shipping)) return t.shippingTaxPercent;
  for (const key of Object.keys(mappings.vatRates)) {
    try {
      if (cmp(round(div(mul(t.shipping, dec(key)), '100' as Decimal, 12), 2), fullTax) === 0) return dec(key);
    } catch {
      // a key that is not a number is no rate
    }
  }
  return t.shippingTaxPercent;
}

/** The draft and the line-by-line check of what the ERP would charge against what the buyer paid. */
export interface OrderPlan {
  draft: ErpOrderDraft;
  checks: LineCheck[];
  /** What the ERP will charge for the draft, by its arithmetic. */
  erpTotal: Decimal;
  /** What the shop's lines and shipping add up to. */
  shopLinesTotal: Decimal;
  /** Shop grand total − ERP total; zero when they match to the cent. */
  difference: Decimal;
  /** A line whose discount the shop tax settings in icsync do not explain. */
  settingsMismatch: boolean;
}

export function erpOrderDraft(order: ShopOrder, partner: PartnerCode, config: Config, erp: ErpOrderArithmetic = PLAIN_ARITHMETIC): ErpOrderDraft {
  return planErpOrder(order, partner, config, erp).draft;
}

export function planErpOrder(order: ShopOrder, partner: PartnerCode, config: Config, erp: ErpOrderArithmetic = PLAIN_ARITHMETIC): OrderPlan {
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
  const status = buyerStatus(order, mappings);
  const checks: LineCheck[] = [];
  let settingsMismatch = false;
  // Every line is priced with VAT included: the shop's grand total is a sum of amounts with VAT,
  // and each line's amount comes from the shop's row totals, not from its rounded unit price.
  const lines: ErpOrderLineDraft[] = normaliseLines(order.lines).map((line) => {
    const paid = linePaid(line);
    const priced = priceLine(line.quantity, line.rowTotalInclTax, paid, line.unitPriceInclTax, erp);
    const agreement = settingsAgree(line, settings.shopTax);
    if (!agreement.agree) settingsMismatch = true;
    checks.push({ label: `SKU ${line.sku}×${line.quantity}`, shopPaid: paid, erpPayable: priced.erpPayable, ...(!agreement.agree && { settingsPaid: agreement.expected }) });
    return {
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: priced.unitPrice,
      priceIncludesVat: true,
      discountPercent: priced.discountPercent,
      vatRate: vatCodeFor(line.taxPercent, status, order, mappings, `SKU ${line.sku}`, gaps),
      warehouse,
    };
  });
  if (lines.length === 0) {
    throw businessError({
      sentence: `Order ${order.number} has no line to enter (every line has quantity 0 or no price).`,
      record: { kind: 'order', key: order.number, field: 'lines' },
    });
  }
  const shipPaid = shippingPaid(order);
  if (!isZero(shipPaid)) {
    const priced = priceLine('1' as Decimal, order.totals.shippingInclTax, shipPaid, order.totals.shippingInclTax, erp);
    const percent = shippingPercent(order, mappings);
    const vatRate = percent !== undefined ? vatCodeFor(percent, status, order, mappings, 'shipping', gaps) : lines[0]!.vatRate;
    const line = shippingLine(order, settings, vatRate, warehouse);
    lines.push({ ...line, unitPrice: priced.unitPrice, discountPercent: priced.discountPercent });
    checks.push({ label: 'shipping', shopPaid: shipPaid, erpPayable: priced.erpPayable });
  }
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

  const shopLinesTotal = add(ZERO, ...checks.map((check) => check.shopPaid));
  let erpTotal = add(ZERO, ...checks.map((check) => check.erpPayable));
  let difference = sub(order.totals.grandTotal, erpTotal);
  // Only the ERP's own rounding is covered by a rounding line: the shop's lines must add up.
  if (!isZero(difference) && settings.roundingItem && !settingsMismatch && cmp(shopLinesTotal, order.totals.grandTotal) === 0 && cmp(abs(difference), settings.totalsTolerance) <= 0) {
    const rounding: ErpOrderLineDraft = {
      sku: asSku(settings.roundingItem), name: 'Rounding', quantity: '1' as Decimal, unitPrice: difference, priceIncludesVat: true,
      discountPercent: ZERO, vatRate: lines[0]!.vatRate, warehouse,
    };
    draft.lines.push(rounding);
    const charged = erp.linePayable(rounding);
    checks.push({ label: 'rounding line', shopPaid: ZERO, erpPayable: charged });
    erpTotal = add(erpTotal, charged);
    difference = sub(order.totals.grandTotal, erpTotal);
  }
  return { draft, checks, erpTotal, shopLinesTotal, difference, settingsMismatch };
}

/** The sentence for an order held before entry: the totals, then what differs line by line, then what to do. */
export function heldSentence(order: ShopOrder, plan: OrderPlan, erpName: string): string {
  const detail = explainLines(plan.checks, plan.shopLinesTotal, order.totals.grandTotal);
  const what = plan.settingsMismatch
    ? `set flows.orders.shopTax to the shop's tax calculation settings (or correct the order in the shop), then retry it`
    : `check the order in the shop, then retry it: a retry with the same difference enters it as ${erpName} computes it`;
  const said = detail ? `. ${detail.charAt(0).toUpperCase()}${detail.slice(1)}` : '';
  return `Order ${order.number} is held before it was entered in ${erpName}: the ${erpName} order would total ${plan.erpTotal}, the shop grand total is ${order.totals.grandTotal} (difference ${plan.difference})${said}. To go on, ${what}.`;
}

function shippingLine(order: ShopOrder, settings: OrdersSettings, vatRate: VatRateCode, warehouse: WarehouseCode): ErpOrderLineDraft {
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
export function draftGross(draft: ErpOrderDraft, erp: ErpOrderArithmetic = PLAIN_ARITHMETIC): Decimal {
  return add(ZERO, ...draft.lines.map((line) => erp.linePayable(line)));
}

/**
 * Totals guard once the ERP holds the order: undefined when the ERP total equals the shop grand
 * total to the cent, else the sentence. Its invoice waits until a person accepts the order.
 */
export function totalsMismatch(orderNumber: string, erpGross: Decimal, shopGrand: Decimal, expected: Decimal | undefined, erpDisplay: string, erpName = 'the ERP'): string | undefined {
  const difference = abs(sub(erpGross, shopGrand));
  if (isZero(difference)) return undefined;
  const computed = expected === undefined ? '' : `, although icsync computed ${expected} before sending it`;
  return `Order ${orderNumber}: the ${erpName} order ${erpDisplay} totals ${erpGross}, the shop grand total is ${shopGrand} (difference ${difference})${computed}. Check the ${erpName} document; its invoice is not sent to the shop or the buyer until you retry the order to accept it.`;
}
