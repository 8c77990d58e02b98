/**
 * Builds orders in the shape of `GET /V1/orders/{id}` for `POST /__admin/orders`: simple, virtual,
 * configurable (parent + child row), bundles with a dynamic price (children priced, the parent
 * row carries their sums) or a fixed price (the parent priced, children at 0), each bundle line
 * on its own; guest or customer; companies with a VAT id on the billing address; cart-rule
 * discounts on items and shipping; order currency other than the base currency.
 *
 * How Magento stores the money (the sample order and the schema; signs [M]):
 * - an item's `discount_amount` is positive; the order's `discount_amount` is the negative sum
 *   of the item discounts and the shipping discount; `shipping_discount_amount` is positive;
 * - `row_total` is the row before discount without tax, `row_total_incl_tax` before discount
 *   with tax, `tax_amount` the tax actually charged (after discount when tax is applied after
 *   discount), and `discount_tax_compensation_amount` the tax part hidden in a discount or in a
 *   tax-inclusive price, so that for every row
 *   paid = row_total + tax_amount + discount_tax_compensation_amount − discount_amount,
 *   and grand_total = subtotal + shipping_amount + tax_amount + discount_tax_compensation_amount
 *   + shipping_discount_tax_compensation_amount + discount_amount (negative).
 * - The three tax settings of a shop (Stores › Configuration › Sales › Tax › Calculation Settings):
 *   catalog prices include tax (`pricesIncludeTax`, default no), discount on prices including tax
 *   (`discountIncludesTax`, default no), tax applied after discount (`taxAfterDiscount`, default
 *   yes). Each row is rounded to cents as it is computed; Magento's cross-row "delta rounding"
 *   is not imitated [L: a cent between rows, which the sums below still account for exactly].
 * - Amounts are computed twice, in the base currency from the catalog prices and in the order
 *   currency from the prices times `base_to_order_rate` (rounded to cents), as Magento keeps both.
 * Every amount is a decimal, sent as a JSON number, as Magento does.
 */
import { add, dec, mul, div, round, sub, isZero, ZERO, type Decimal } from '../../core/decimal.js';
import type { Json } from './state.js';
import { magentoDate } from './util.js';

export interface AddressSpec {
  firstname: string;
  lastname: string;
  street: string[];
  city: string;
  postcode: string;
  countryId?: string;
  telephone?: string;
  company?: string;
  /** VAT id of a company buyer (goes to `billing_address.vat_id`), with or without its country prefix. */
  vatId?: string;
}

interface PricedSpec {
  sku: string;
  name: string;
  /** Unit price in the base currency as the catalog holds it (without tax unless `tax.pricesIncludeTax`), decimal text ("12.90"). */
  unitPrice: string;
  /** "22" or "9.5" (Slovene standard and reduced VAT); "0" for a buyer the shop charges no tax. */
  taxPercent?: string;
  /** Cart-rule discount on this row, percent ("10"). */
  discountPercent?: string;
  productId?: number;
  weight?: string;
}

export type BundleChildSpec = Omit<PricedSpec, 'unitPrice'> & { qty: string | number; unitPrice?: string };

export type OrderLineSpec =
  | ({ kind: 'simple'; qty: string | number } & PricedSpec)
  | ({ kind: 'virtual'; qty: string | number } & PricedSpec)
  | ({ kind: 'configurable'; qty: string | number; parentSku: string; parentName: string; childName?: string } & PricedSpec)
  | {
    kind: 'bundle'; qty: string | number; sku: string; name: string; productId?: number;
    /** Dynamic (default): each child has its price and tax. Fixed: the bundle's own `unitPrice`/`taxPercent`/`discountPercent`; children at 0. */
    priceType?: 'dynamic' | 'fixed';
    unitPrice?: string; taxPercent?: string; discountPercent?: string;
    children: BundleChildSpec[];
  };

/** The shop's tax calculation settings (Magento's defaults when absent). */
export interface TaxSettingsSpec {
  pricesIncludeTax?: boolean;
  discountIncludesTax?: boolean;
  taxAfterDiscount?: boolean;
}

export interface PlaceOrderSpec {
  lines: OrderLineSpec[];
  /** Registered customer; absent = guest. */
  customer?: { id: number; email: string; firstname: string; lastname: string; groupId?: number; taxvat?: string };
  /** Guest e-mail (ignored for customers). */
  email?: string;
  billing: AddressSpec;
  shipping?: AddressSpec;
  /** Shipping amount in base currency, decimal text (without tax unless `tax.pricesIncludeTax`). Default "4.50"; "0" for free shipping. Ignored for an all-virtual order. */
  shippingAmount?: string;
  shippingTaxPercent?: string;
  /** Cart-rule discount on the shipping amount, percent ("100" = free shipping by a coupon). */
  shippingDiscountPercent?: string;
  shippingMethod?: string;
  shippingDescription?: string;
  paymentMethod?: 'checkmo' | 'banktransfer' | 'cashondelivery' | string;
  /** Order currency (what the buyer pays in). Default EUR. */
  currency?: string;
  /** Website base currency; default = `currency`. */
  baseCurrency?: string;
  /** base_to_order_rate, decimal text; default "1". */
  rate?: string;
  tax?: TaxSettingsSpec;
  couponCode?: string;
  storeId?: number;
  createdAt?: Date | string;
  incrementId?: string;
}

const num = (value: Decimal): number => Number(value);
const q = (value: string | number): Decimal => dec(String(value));
const HUNDRED = dec('100');
const ONE = dec('1');

function address(spec: AddressSpec, type: 'billing' | 'shipping', email: string): Json {
  return {
    address_type: type, city: spec.city, ...(spec.company ? { company: spec.company } : {}), country_id: spec.countryId ?? 'SI', email,
    firstname: spec.firstname, lastname: spec.lastname, postcode: spec.postcode, street: spec.street,
    telephone: spec.telephone ?? '+386 1 000 00 00', ...(spec.vatId ? { vat_id: spec.vatId } : {}),
  };
}

/** The money of one row (or of shipping), as Magento computes and stores it. */
interface Money {
  price: Decimal;
  priceInclTax: Decimal;
  rowTotal: Decimal;
  rowTotalInclTax: Decimal;
  discount: Decimal;
  tax: Decimal;
  compensation: Decimal;
  /** What the buyer pays for the row: rowTotal + tax + compensation − discount. */
  paid: Decimal;
}

const NO_MONEY: Money = { price: ZERO, priceInclTax: ZERO, rowTotal: ZERO, rowTotalInclTax: ZERO, discount: ZERO, tax: ZERO, compensation: ZERO, paid: ZERO };

/** One row's amounts under the shop's tax settings; `unit` already in the currency computed. */
export function rowMoney(unit: Decimal, qty: Decimal, ratePercent: Decimal, discountPercent: Decimal, tax: Required<TaxSettingsSpec>): Money {
  const r = div(ratePercent, HUNDRED, 10);
  const grossFactor = add(ONE, r);
  let rowNet: Decimal;
  let rowGross: Decimal;
  let price: Decimal;
  let priceInclTax: Decimal;
  if (tax.pricesIncludeTax) {
    rowGross = round(mul(unit, qty), 2);
    rowNet = sub(rowGross, round(div(mul(rowGross, r), grossFactor, 10), 2));
    price = round(div(unit, grossFactor, 10), 2);
    priceInclTax = unit;
  } else {
    rowNet = round(mul(unit, qty), 2);
    rowGross = add(rowNet, round(mul(rowNet, r), 2));
    price = unit;
    priceInclTax = round(mul(unit, grossFactor), 2);
  }
  const pct = div(discountPercent, HUNDRED, 10);
  const discount = round(mul(tax.discountIncludesTax ? rowGross : rowNet, pct), 2);
  const discountNet = tax.discountIncludesTax ? round(div(discount, grossFactor, 10), 2) : discount;
  let paid: Decimal;
  let taxAmount: Decimal;
  if (!tax.taxAfterDiscount) {
    // Tax on the full price; the discount only lowers what is paid.
    taxAmount = sub(rowGross, rowNet);
    paid = sub(rowGross, tax.discountIncludesTax ? discount : discountNet);
  } else if (tax.pricesIncludeTax && tax.discountIncludesTax) {
    // Tax-inclusive shop: the buyer pays the shelf price less the discount, to the cent.
    paid = sub(rowGross, discount);
    taxAmount = round(div(mul(paid, r), grossFactor, 10), 2);
  } else {
    taxAmount = round(mul(sub(rowNet, discountNet), r), 2);
    paid = add(sub(rowNet, discountNet), taxAmount);
  }
  const compensation = sub(sub(add(paid, discount), rowNet), taxAmount);
  return { price, priceInclTax, rowTotal: rowNet, rowTotalInclTax: rowGross, discount, tax: taxAmount, compensation, paid };
}

const plusMoney = (a: Money, b: Money): Money => ({
  price: add(a.price, b.price), priceInclTax: add(a.priceInclTax, b.priceInclTax), rowTotal: add(a.rowTotal, b.rowTotal),
  rowTotalInclTax: add(a.rowTotalInclTax, b.rowTotalInclTax), discount: add(a.discount, b.discount), tax: add(a.tax, b.tax),
  compensation: add(a.compensation, b.compensation), paid: add(a.paid, b.paid),
});

/** Row JSON fields for money in the order currency (`m`) and the base currency (`b`). */
function moneyFields(m: Money, b: Money, ratePercent: Decimal | undefined, discountPercent: Decimal): Json {
  return {
    price: num(m.price), base_price: num(b.price), original_price: num(m.price), base_original_price: num(b.price),
    price_incl_tax: num(m.priceInclTax), base_price_incl_tax: num(b.priceInclTax),
    row_total: num(m.rowTotal), base_row_total: num(b.rowTotal), row_total_incl_tax: num(m.rowTotalInclTax), base_row_total_incl_tax: num(b.rowTotalInclTax),
    tax_amount: num(m.tax), base_tax_amount: num(b.tax), ...(ratePercent !== undefined && { tax_percent: num(ratePercent) }),
    discount_amount: num(m.discount), base_discount_amount: num(b.discount), discount_percent: num(discountPercent),
    discount_tax_compensation_amount: num(m.compensation), base_discount_tax_compensation_amount: num(b.compensation),
  };
}

interface Computed {
  rows: Json[];
  /** Per top-level row, in both currencies. */
  order: Money;
  base: Money;
  weight: Decimal;
  qtyOrdered: Decimal;
  allVirtual: boolean;
}

function rowJson(itemId: number, sku: string, name: string, productType: string, qty: Decimal, stamp: string, extra: Json): Json {
  return {
    amount_refunded: 0, base_amount_refunded: 0, base_discount_invoiced: 0, base_row_invoiced: 0, base_tax_invoiced: 0,
    created_at: stamp, discount_invoiced: 0, free_shipping: 0, is_qty_decimal: 0, is_virtual: 0, item_id: itemId, name, no_discount: 0, order_id: 0,
    product_id: itemId, product_type: productType, qty_canceled: 0, qty_invoiced: 0, qty_ordered: num(qty), qty_refunded: 0, qty_shipped: 0,
    quote_item_id: itemId, row_invoiced: 0, sku, store_id: 1, tax_invoiced: 0, updated_at: stamp, ...extra,
  };
}

function computeRows(spec: PlaceOrderSpec, stamp: string, taxSettings: Required<TaxSettingsSpec>, rate: Decimal): Computed {
  const rows: Json[] = [];
  let nextItem = 1;
  let order = NO_MONEY;
  let base = NO_MONEY;
  let weight = ZERO;
  let qtyOrdered = ZERO;
  let allVirtual = spec.lines.length > 0;
  const inOrder = (unit: Decimal): Decimal => round(mul(unit, rate), 2);
  const priced = (s: { unitPrice?: string; taxPercent?: string; discountPercent?: string }, qty: Decimal): { m: Money; b: Money; rate: Decimal; pct: Decimal } => {
    const unit = q(s.unitPrice ?? '0');
    const ratePct = q(s.taxPercent ?? '22');
    const pct = q(s.discountPercent ?? '0');
    return { m: rowMoney(inOrder(unit), qty, ratePct, pct, taxSettings), b: rowMoney(unit, qty, ratePct, pct, taxSettings), rate: ratePct, pct };
  };
  const count = (m: Money, b: Money): void => {
    order = plusMoney(order, m);
    base = plusMoney(base, b);
  };
  for (const line of spec.lines) {
    const qty = q(line.qty);
    qtyOrdered = add(qtyOrdered, qty);
    if (line.kind !== 'virtual') allVirtual = false;
    if (line.kind === 'simple' || line.kind === 'virtual') {
      const p = priced(line, qty);
      const w = line.kind === 'virtual' ? ZERO : q(line.weight ?? '1');
      const row = rowJson(nextItem, line.sku, line.name, line.kind, qty, stamp, {
        ...moneyFields(p.m, p.b, p.rate, p.pct), weight: num(w), row_weight: num(mul(w, qty)), is_virtual: line.kind === 'virtual' ? 1 : 0,
        ...(line.productId !== undefined && { product_id: line.productId }),
      });
      nextItem += 1;
      rows.push(row);
      count(p.m, p.b);
      weight = add(weight, mul(w, qty));
    } else if (line.kind === 'configurable') {
      // Parent row carries the child SKU and all money; the child row has price 0 (docs/contracts/magento.md#orders).
      const p = priced(line, qty);
      const w = q(line.weight ?? '1');
      const parentId = nextItem++;
      const parent = rowJson(parentId, line.sku, line.parentName, 'configurable', qty, stamp, {
        ...moneyFields(p.m, p.b, p.rate, p.pct), weight: num(w), row_weight: num(mul(w, qty)),
        product_option: { extension_attributes: { configurable_item_options: [] } }, ...(line.productId !== undefined && { product_id: line.productId }),
      });
      const child = rowJson(nextItem++, line.sku, line.childName ?? line.name, 'simple', qty, stamp, {
        ...moneyFields(NO_MONEY, NO_MONEY, ZERO, ZERO), weight: num(w), row_weight: 0, parent_item_id: parentId, product_id: (line.productId ?? 0) + 100000,
      });
      rows.push(parent, child);
      count(p.m, p.b);
      weight = add(weight, mul(w, qty));
    } else {
      const parentId = nextItem++;
      const fixed = line.priceType === 'fixed';
      const children = line.children.map((c) => {
        const childQty = mul(qty, q(c.qty));
        const p = fixed ? { m: NO_MONEY, b: NO_MONEY, rate: ZERO, pct: ZERO } : priced(c, childQty);
        const w = q(c.weight ?? '1');
        return {
          money: p,
          json: rowJson(nextItem++, c.sku, c.name, 'simple', childQty, stamp, {
            ...moneyFields(p.m, p.b, p.rate, p.pct), weight: num(w), row_weight: num(mul(w, childQty)), parent_item_id: parentId,
            ...(c.productId !== undefined && { product_id: c.productId }),
          }),
        };
      });
      // Fixed: the bundle is priced as one product. Dynamic: the parent row repeats its children's sums
      // (as the sample's bundle row does for price and row total [H]; for tax and discount [L]).
      const own = fixed ? priced(line, qty) : undefined;
      const m = own?.m ?? children.reduce((s, c) => plusMoney(s, c.money.m), NO_MONEY);
      const b = own?.b ?? children.reduce((s, c) => plusMoney(s, c.money.b), NO_MONEY);
      const unitOf = (money: Money): Money => ({ ...money, price: round(div(money.rowTotal, qty, 10), 2), priceInclTax: round(div(money.rowTotalInclTax, qty, 10), 2) });
      const rowWeight = add(...children.map((c) => q(String(c.json.row_weight))));
      const parent = rowJson(parentId, line.sku, line.name, 'bundle', qty, stamp, {
        ...moneyFields(fixed ? m : unitOf(m), fixed ? b : unitOf(b), own?.rate, own?.pct ?? ZERO), row_weight: num(rowWeight),
        product_option: { extension_attributes: { bundle_options: [] } }, ...(line.productId !== undefined && { product_id: line.productId }),
      });
      rows.push(parent, ...children.map((c) => c.json));
      count(m, b);
      weight = add(weight, rowWeight);
    }
  }
  return { rows, order, base, weight, qtyOrdered, allVirtual };
}

/** The order JSON to POST to `/__admin/orders`. Totals add up exactly (decimal arithmetic). */
export function buildPlaceOrder(spec: PlaceOrderSpec): Json {
  const stamp = spec.createdAt instanceof Date ? magentoDate(spec.createdAt) : spec.createdAt ?? magentoDate();
  const currency = spec.currency ?? 'EUR';
  const baseCurrency = spec.baseCurrency ?? currency;
  const rate = q(spec.rate ?? '1');
  const taxSettings: Required<TaxSettingsSpec> = {
    pricesIncludeTax: spec.tax?.pricesIncludeTax ?? false,
    discountIncludesTax: spec.tax?.discountIncludesTax ?? false,
    taxAfterDiscount: spec.tax?.taxAfterDiscount ?? true,
  };
  const email = spec.customer?.email ?? spec.email ?? 'guest@example.si';
  const { rows, order: items, base: baseItems, weight, qtyOrdered, allVirtual } = computeRows(spec, stamp, taxSettings, rate);
  // A virtual order has no shipping at all (no address, no amount).
  const shippingBase = allVirtual ? ZERO : q(spec.shippingAmount ?? '4.50');
  const shippingRate = q(spec.shippingTaxPercent ?? '22');
  const shippingPct = q(spec.shippingDiscountPercent ?? '0');
  const ship = rowMoney(round(mul(shippingBase, rate), 2), ONE, shippingRate, shippingPct, taxSettings);
  const baseShip = rowMoney(shippingBase, ONE, shippingRate, shippingPct, taxSettings);

  const totals = (m: Money, s: Money, prefix: '' | 'base_'): Json => {
    const discount = add(m.discount, s.discount);
    const tax = add(m.tax, s.tax);
    const grand = sub(add(m.rowTotal, s.rowTotal, tax, m.compensation, s.compensation), discount);
    const f = (key: string, value: Decimal): [string, number] => [`${prefix}${key}`, num(value)];
    return Object.fromEntries([
      f('subtotal', m.rowTotal), f('subtotal_incl_tax', m.rowTotalInclTax), f('tax_amount', tax),
      // Negative on the order total, positive on the items and in shipping_discount_amount [M].
      f('discount_amount', isZero(discount) ? ZERO : sub(ZERO, discount)), f('discount_tax_compensation_amount', m.compensation),
      f('shipping_amount', s.rowTotal), f('shipping_incl_tax', s.rowTotalInclTax), f('shipping_tax_amount', s.tax),
      f('shipping_discount_amount', s.discount), f(prefix === '' ? 'shipping_discount_tax_compensation_amount' : 'shipping_discount_tax_compensation_amnt', s.compensation),
      f('grand_total', grand), f('total_due', grand),
    ]);
  };
  const orderTotals = totals(items, ship, '');
  const baseTotals = totals(baseItems, baseShip, 'base_');
  const grand = q(String(orderTotals.grand_total));
  const billing = address(spec.billing, 'billing', email);
  const shippingAddress = address(spec.shipping ?? spec.billing, 'shipping', email);
  const shippingTotal = {
    shipping_amount: orderTotals.shipping_amount, shipping_discount_amount: orderTotals.shipping_discount_amount,
    shipping_discount_tax_compensation_amount: orderTotals.shipping_discount_tax_compensation_amount,
    shipping_incl_tax: orderTotals.shipping_incl_tax, shipping_tax_amount: orderTotals.shipping_tax_amount,
    base_shipping_amount: baseTotals.base_shipping_amount, base_shipping_discount_amount: baseTotals.base_shipping_discount_amount,
    base_shipping_incl_tax: baseTotals.base_shipping_incl_tax, base_shipping_tax_amount: baseTotals.base_shipping_tax_amount,
  };
  const customer = spec.customer;
  const discounted = !isZero(add(items.discount, ship.discount));
  return {
    base_currency_code: baseCurrency, ...baseTotals, base_to_global_rate: 1, base_to_order_rate: num(rate), created_at: stamp, customer_email: email,
    ...(customer
      ? { customer_firstname: customer.firstname, customer_group_id: customer.groupId ?? 1, customer_id: customer.id, customer_is_guest: 0, customer_lastname: customer.lastname, ...(customer.taxvat ? { customer_taxvat: customer.taxvat } : {}) }
      // Guests carry no customer_id and no customer_firstname/lastname (docs/contracts/magento.md#orders [M] for the names).
      : { customer_group_id: 0, customer_is_guest: 1 }),
    customer_note_notify: 1, email_sent: 1, global_currency_code: baseCurrency,
    ...(spec.incrementId ? { increment_id: spec.incrementId } : {}), is_virtual: allVirtual ? 1 : 0, order_currency_code: currency,
    ...(discounted && { applied_rule_ids: '1', discount_description: spec.couponCode ?? 'Cart rule' }), ...(spec.couponCode && { coupon_code: spec.couponCode }),
    protect_code: Math.random().toString(16).slice(2, 8), quote_id: 0, ...orderTotals,
    ...(allVirtual ? {} : { shipping_description: spec.shippingDescription ?? 'Flat Rate - Fixed' }),
    state: 'new', status: 'pending', store_currency_code: baseCurrency,
    store_id: spec.storeId ?? 1, store_name: 'Main Website\nMain Website Store\nDefault Store View', store_to_base_rate: 0, store_to_order_rate: 0,
    total_item_count: rows.length, total_qty_ordered: num(qtyOrdered), updated_at: stamp, weight: num(weight),
    items: rows, billing_address: billing,
    payment: { account_status: null, additional_information: [paymentTitle(spec.paymentMethod ?? 'checkmo')], amount_ordered: num(grand), base_amount_ordered: baseTotals.base_grand_total, base_shipping_amount: baseTotals.base_shipping_amount, cc_last4: null, method: spec.paymentMethod ?? 'checkmo', shipping_amount: orderTotals.shipping_amount },
    status_histories: [],
    extension_attributes: allVirtual
      ? { shipping_assignments: [] }
      : { shipping_assignments: [{ shipping: { address: shippingAddress, method: spec.shippingMethod ?? 'flatrate_flatrate', total: shippingTotal }, items: rows }] },
  };
}

function paymentTitle(method: string): string {
  return ({ checkmo: 'Check / Money order', banktransfer: 'Bank Transfer Payment', cashondelivery: 'Cash On Delivery' } as Record<string, string>)[method] ?? method;
}
