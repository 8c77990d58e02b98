/**
 * Magento order JSON → the core `ShopOrder` (docs/contracts/magento.md#orders). Pure: no I/O.
 *
 * - Amounts arrive as JSON numbers and become exact Decimals at once (decFromJson).
 * - Unprefixed amounts are in `order_currency_code` (what the customer paid); `base_*` in
 *   `base_currency_code`. Lines and totals use order currency; only `baseGrandTotal` is base.
 * - Composite products appear twice. A configurable becomes one line with the child's SKU and
 *   name and the parent row's quantity, price, discount and tax (the child row has price 0).
 *   A bundle becomes one line (`bundles: parent`) or one line per component (`children`);
 *   a fixed-price bundle, whose components carry no price, stays one parent line either way.
 * - Discounts are carried as positive amounts (Magento stores the order total negative).
 * - Dates are Magento's `YYYY-MM-DD HH:MM:SS` in UTC, turned into ISO text with `Z`; a date that
 *   names its zone (`+02:00`, `Z`) is read in that zone.
 */
import { add, cmp, decFromJson, div, isZero, mul, round, sub, abs, ZERO, type Decimal } from '../../core/decimal.js';
import {
  asShopOrderId, asShopOrderNumber, asSku,
  type CountryCode, type CurrencyCode, type PostalAddress, type ShopOrder, type ShopOrderLine, type UtcTimestamp,
} from '../../core/model.js';

export type Json = Record<string, unknown>;

export interface NormaliseOptions {
  bundles: 'parent' | 'children';
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : undefined);
/**
 * A number of the order. A value that is not one (`"abc"`, or `1e400`, which JSON.parse makes
 * Infinity) fails the order with a sentence naming the field and the value.
 */
function readAmount(value: unknown, field: string): Decimal {
  try {
    return decFromJson(value);
  } catch {
    const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
    throw new Error(`${field} is ${shown.slice(0, 60)}, which is not a finite number`);
  }
}
const amount = (value: unknown, field = 'an amount'): Decimal => (value === undefined || value === null ? ZERO : readAmount(value, field));
const optionalAmount = (value: unknown, field = 'an amount'): Decimal | undefined => (value === undefined || value === null ? undefined : readAmount(value, field));
const truthy = (value: unknown): boolean => value === 1 || value === true || value === '1';

/**
 * `2017-08-21 22:22:19` (UTC, no zone: what Magento writes) → `2017-08-21T22:22:19.000Z`. A value
 * that does name its zone (`Z`, `+02:00`, `+0200` — a module or proxy rewriting dates) is read in
 * that zone, never taken for UTC.
 */
export function fromMagentoUtc(value: unknown): UtcTimestamp {
  const text = str(value);
  if (text === undefined) throw new Error('missing date');
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)\s*(Z|[+-]\d{2}:?\d{2})?\s*$/i.exec(text.trim());
  if (!match) throw new Error(`unreadable date "${text}"`);
  const zone = match[3] === undefined || match[3].toUpperCase() === 'Z' ? 'Z' : match[3].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const [year, month, day] = (match[1] as string).split('-').map(Number) as [number, number, number];
  // Date rolls 2026-02-30 over into March; a day the month does not have is unreadable.
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const at = new Date(`${match[1]}T${match[2]}${zone}`);
  if (Number.isNaN(at.getTime()) || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) throw new Error(`unreadable date "${text}"`);
  return at.toISOString() as UtcTimestamp;
}

export function toAddress(raw: unknown): PostalAddress | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const a = raw as Json;
  const street = Array.isArray(a.street) ? a.street.filter((s): s is string => typeof s === 'string' && s !== '') : str(a.street) ? [a.street as string] : [];
  const address: PostalAddress = {
    street,
    city: str(a.city) ?? '',
    postcode: str(a.postcode) ?? '',
    country: (str(a.country_id) ?? '').toUpperCase() as CountryCode,
  };
  const optional: [keyof PostalAddress, unknown][] = [['company', a.company], ['firstName', a.firstname], ['lastName', a.lastname], ['region', a.region], ['telephone', a.telephone]];
  for (const [key, value] of optional) {
    const text = str(value);
    if (text !== undefined) (address as unknown as Record<string, string>)[key] = text;
  }
  return address;
}

const ORIGINS: Record<string, ShopOrderLine['origin']> = { simple: 'simple', configurable: 'configurable', bundle: 'bundle', virtual: 'virtual', downloadable: 'downloadable' };

/** One line from the row that carries the money; `identity` gives SKU and name (a configurable's child). */
function lineFrom(priced: Json, identity: Json, origin: ShopOrderLine['origin']): ShopOrderLine {
  const at = (name: string) => `item ${str(priced.sku) ?? String(priced.item_id)} ${name}`;
  const quantity = amount(priced.qty_ordered, at('qty_ordered'));
  const unitPrice = amount(priced.price, at('price'));
  const taxAmount = amount(priced.tax_amount, at('tax_amount'));
  const rowTotal = optionalAmount(priced.row_total, at('row_total')) ?? mul(unitPrice, quantity);
  const rowTotalInclTax = optionalAmount(priced.row_total_incl_tax, at('row_total_incl_tax')) ?? add(rowTotal, taxAmount);
  const unitPriceInclTax = optionalAmount(priced.price_incl_tax, at('price_incl_tax')) ?? (isZero(quantity) ? unitPrice : round(div(rowTotalInclTax, quantity), 4));
  // A bundle parent row carries no tax_percent; derive it from the amounts when they allow.
  const taxPercent = optionalAmount(priced.tax_percent, at('tax_percent')) ?? (isZero(rowTotal) || isZero(taxAmount) ? ZERO : round(mul(div(taxAmount, sub(rowTotal, abs(amount(priced.discount_amount, at('discount_amount'))))), '100' as Decimal), 2));
  return {
    shopItemId: String(priced.item_id),
    sku: asSku(str(identity.sku) ?? str(priced.sku) ?? ''),
    name: str(identity.name) ?? str(priced.name) ?? '',
    quantity,
    unitPrice,
    unitPriceInclTax,
    discountAmount: abs(amount(priced.discount_amount, at('discount_amount'))),
    taxPercent,
    taxAmount,
    rowTotal,
    rowTotalInclTax,
    origin,
    discountTaxCompensation: amount(priced.discount_tax_compensation_amount),
  };
}

function linesOf(rows: Json[], options: NormaliseOptions): ShopOrderLine[] {
  const childrenOf = new Map<unknown, Json[]>();
  for (const row of rows) {
    const parent = row.parent_item_id;
    if (parent === undefined || parent === null) continue;
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), row]);
  }
  const lines: ShopOrderLine[] = [];
  for (const row of rows) {
    if (row.parent_item_id !== undefined && row.parent_item_id !== null) continue;
    const type = str(row.product_type) ?? 'simple';
    const children = childrenOf.get(row.item_id) ?? [];
    if (type === 'configurable') {
      // The parent row's SKU is already the child's; the child row names the variant.
      lines.push(lineFrom(row, children[0] ?? row, 'configurable'));
    } else if (type === 'bundle' && options.bundles === 'children' && children.length > 0 && children.some((c) => !isZero(amount(c.row_total, `item ${String(c.sku)} row_total`)))) {
      // Priced by its children (dynamic price) is a property of this bundle line alone: another
      // bundle of the same order may carry a fixed price on its own row and stays one line.
      for (const child of children) lines.push({ ...lineFrom(child, child, 'bundle-child'), bundleItemId: String(row.item_id) });
    } else {
      lines.push(lineFrom(row, row, ORIGINS[type] ?? (truthy(row.is_virtual) ? 'virtual' : 'other')));
    }
  }
  return lines;
}

/** Whether every top-level row reached `field` (qty_shipped / qty_invoiced) for what was not canceled. */
function allDone(rows: Json[], field: string, only: (row: Json) => boolean): boolean {
  const relevant = rows.filter((row) => (row.parent_item_id === undefined || row.parent_item_id === null) && only(row));
  return relevant.every((row) => cmp(amount(row[field], `item ${String(row.sku)} ${field}`), sub(amount(row.qty_ordered, `item ${String(row.sku)} qty_ordered`), amount(row.qty_canceled, `item ${String(row.sku)} qty_canceled`))) >= 0);
}

export function normaliseOrder(raw: Json, options: NormaliseOptions): ShopOrder {
  const rows = (Array.isArray(raw.items) ? raw.items : []) as Json[];
  const billingRaw = (raw.billing_address ?? {}) as Json;
  const billing = toAddress(billingRaw) ?? { street: [], city: '', postcode: '', country: '' as CountryCode };
  const assignment = (((raw.extension_attributes as Json | undefined)?.shipping_assignments as Json[] | undefined) ?? [])[0];
  const shipping = (assignment?.shipping ?? undefined) as Json | undefined;
  const isGuest = truthy(raw.customer_is_guest) || raw.customer_id === undefined || raw.customer_id === null;
  const state = str(raw.state) ?? '';
  const finished = state === 'complete' || state === 'closed';

  const shippingAmount = amount(raw.shipping_amount, 'shipping_amount');
  const shippingTax = amount(raw.shipping_tax_amount, 'shipping_tax_amount');
  const order: ShopOrder = {
    id: asShopOrderId(raw.entity_id as number),
    number: asShopOrderNumber(str(raw.increment_id) ?? String(raw.entity_id)),
    status: str(raw.status) ?? '',
    state,
    createdAt: fromMagentoUtc(raw.created_at),
    updatedAt: fromMagentoUtc(raw.updated_at ?? raw.created_at),
    currency: (str(raw.order_currency_code) ?? '') as CurrencyCode,
    baseCurrency: (str(raw.base_currency_code) ?? '') as CurrencyCode,
    buyer: {
      isGuest,
      billing,
    },
    lines: linesOf(rows, options),
    totals: {
      subtotal: amount(raw.subtotal, 'subtotal'),
      discount: abs(amount(raw.discount_amount, 'discount_amount')),
      shipping: shippingAmount,
      shippingInclTax: optionalAmount(raw.shipping_incl_tax, 'shipping_incl_tax') ?? add(shippingAmount, shippingTax),
      shippingTax,
      // Stored positive by Magento, but a module writing it negative is read the same [M].
      shippingDiscount: abs(amount(raw.shipping_discount_amount, 'shipping_discount_amount')),
      shippingDiscountTaxCompensation: amount(raw.shipping_discount_tax_compensation_amount, 'shipping_discount_tax_compensation_amount'),
      discountTaxCompensation: amount(raw.discount_tax_compensation_amount, 'discount_tax_compensation_amount'),
      tax: amount(raw.tax_amount, 'tax_amount'),
      grandTotal: amount(raw.grand_total, 'grand_total'),
    },
    baseGrandTotal: amount(raw.base_grand_total, 'base_grand_total'),
    shipped: finished || (!truthy(raw.is_virtual) && allDone(rows, 'qty_shipped', (row) => !truthy(row.is_virtual))),
    invoiced: finished || allDone(rows, 'qty_invoiced', () => true),
  };
  if (truthy(raw.is_virtual)) order.isVirtual = true;
  const invoicedTotal = optionalAmount(raw.total_invoiced);
  if (invoicedTotal !== undefined) order.invoicedTotal = invoicedTotal;
  const parentNumber = str(raw.relation_parent_real_id);
  if (parentNumber !== undefined) order.replaces = asShopOrderNumber(parentNumber);
  const childNumber = str(raw.relation_child_real_id);
  if (childNumber !== undefined) order.replacedBy = asShopOrderNumber(childNumber);
  // The percent from the tax before any shipping discount (shipping_incl_tax is the full price with tax);
  // the orders flow matches it to a mapped rate by amounts, so a rounded cent does not hide it.
  const shippingFullTax = raw.shipping_incl_tax === undefined || raw.shipping_incl_tax === null ? shippingTax : sub(amount(raw.shipping_incl_tax), shippingAmount);
  if (!isZero(shippingAmount)) order.totals.shippingTaxPercent = round(mul(div(shippingFullTax, shippingAmount), '100' as Decimal), 2);

  const buyer = order.buyer;
  const email = str(raw.customer_email) ?? str(billingRaw.email);
  if (email !== undefined) buyer.email = email;
  // Guests often have no customer_firstname/lastname: the billing address names them.
  const firstName = str(raw.customer_firstname) ?? billing.firstName;
  const lastName = str(raw.customer_lastname) ?? billing.lastName;
  if (firstName !== undefined) buyer.firstName = firstName;
  if (lastName !== undefined) buyer.lastName = lastName;
  if (!isGuest) buyer.customerId = String(raw.customer_id);
  const vatId = str(billingRaw.vat_id)?.trim() ?? str(raw.customer_taxvat)?.trim();
  if (vatId) buyer.vatId = vatId;
  if (billing.company !== undefined) buyer.company = billing.company;

  const shippingAddress = toAddress(shipping?.address);
  if (shippingAddress) order.shippingAddress = shippingAddress;
  const method = str(shipping?.method);
  if (method !== undefined) order.shippingMethod = method;
  const description = str(raw.shipping_description);
  if (description !== undefined) order.shippingDescription = description;
  const payment = str((raw.payment as Json | undefined)?.method);
  if (payment !== undefined) order.paymentMethod = payment;
  return order;
}
