/**
 * Builds orders in the shape of `GET /V1/orders/{id}` for `POST /__admin/orders`: simple,
 * configurable (parent + child row), bundle (parent + children), guest or customer, companies
 * with a VAT id on the billing address. Catalog prices exclude tax (Magento's default); every
 * amount is computed with decimals and sent as a JSON number, as Magento does.
 */
import { add, dec, mul, div, round, ZERO, type Decimal } from '../../core/decimal.js';
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
  /** VAT id of a company buyer (goes to `billing_address.vat_id`). */
  vatId?: string;
}

interface PricedSpec {
  sku: string;
  name: string;
  /** Net unit price in the order currency, as decimal text ("12.90"). */
  unitPrice: string;
  /** "22" or "9.5" (Slovene standard and reduced VAT). */
  taxPercent?: string;
  productId?: number;
  weight?: string;
}

export type OrderLineSpec =
  | ({ kind: 'simple'; qty: string | number } & PricedSpec)
  | ({ kind: 'configurable'; qty: string | number; parentSku: string; parentName: string; childName?: string } & PricedSpec)
  | { kind: 'bundle'; qty: string | number; sku: string; name: string; productId?: number; children: Array<PricedSpec & { qty: string | number }> };

export interface PlaceOrderSpec {
  lines: OrderLineSpec[];
  /** Registered customer; absent = guest. */
  customer?: { id: number; email: string; firstname: string; lastname: string; groupId?: number; taxvat?: string };
  /** Guest e-mail (ignored for customers). */
  email?: string;
  billing: AddressSpec;
  shipping?: AddressSpec;
  /** Net shipping amount, decimal text. Default "4.50". */
  shippingAmount?: string;
  shippingTaxPercent?: string;
  shippingMethod?: string;
  shippingDescription?: string;
  paymentMethod?: 'checkmo' | 'banktransfer' | 'cashondelivery' | string;
  currency?: string;
  storeId?: number;
  createdAt?: Date | string;
  incrementId?: string;
}

const num = (value: Decimal): number => Number(value);
const q = (value: string | number): Decimal => dec(String(value));

function address(spec: AddressSpec, type: 'billing' | 'shipping', email: string): Json {
  return {
    address_type: type, city: spec.city, ...(spec.company ? { company: spec.company } : {}), country_id: spec.countryId ?? 'SI', email,
    firstname: spec.firstname, lastname: spec.lastname, postcode: spec.postcode, street: spec.street,
    telephone: spec.telephone ?? '+386 1 000 00 00', ...(spec.vatId ? { vat_id: spec.vatId } : {}),
  };
}

interface Row {
  json: Json;
  rowTotal: Decimal;
  tax: Decimal;
}

function pricedRow(spec: PricedSpec, qty: Decimal, itemId: number, productType: string, stamp: string): Row {
  const rate = q(spec.taxPercent ?? '22');
  const price = q(spec.unitPrice);
  const rowTotal = round(mul(price, qty), 2);
  const tax = round(div(mul(rowTotal, rate), dec('100')), 2);
  const priceInclTax = round(add(price, div(mul(price, rate), dec('100'))), 2);
  const weight = q(spec.weight ?? '1');
  const json: Json = {
    amount_refunded: 0, base_amount_refunded: 0, base_discount_amount: 0, base_discount_invoiced: 0, base_discount_tax_compensation_amount: 0,
    base_original_price: num(price), base_price: num(price), base_price_incl_tax: num(priceInclTax), base_row_invoiced: 0,
    base_row_total: num(rowTotal), base_row_total_incl_tax: num(add(rowTotal, tax)), base_tax_amount: num(tax), base_tax_invoiced: 0,
    created_at: stamp, discount_amount: 0, discount_invoiced: 0, discount_percent: 0, free_shipping: 0, discount_tax_compensation_amount: 0,
    is_qty_decimal: 0, is_virtual: 0, item_id: itemId, name: spec.name, no_discount: 0, order_id: 0, original_price: num(price),
    price: num(price), price_incl_tax: num(priceInclTax), product_id: spec.productId ?? itemId, product_type: productType,
    qty_canceled: 0, qty_invoiced: 0, qty_ordered: num(qty), qty_refunded: 0, qty_shipped: 0, quote_item_id: itemId,
    row_invoiced: 0, row_total: num(rowTotal), row_total_incl_tax: num(add(rowTotal, tax)), row_weight: num(mul(weight, qty)),
    sku: spec.sku, store_id: 1, tax_amount: num(tax), tax_invoiced: 0, tax_percent: num(rate), updated_at: stamp, weight: num(weight),
  };
  return { json, rowTotal, tax };
}

function zeroed(row: Json): Json {
  const out = { ...row };
  for (const key of ['base_original_price', 'base_price', 'base_price_incl_tax', 'base_row_total', 'base_row_total_incl_tax', 'base_tax_amount', 'original_price', 'price', 'price_incl_tax', 'row_total', 'row_total_incl_tax', 'tax_amount', 'tax_percent']) out[key] = 0;
  return out;
}

/** The order JSON to POST to `/__admin/orders`. Totals add up exactly (decimal arithmetic). */
export function buildPlaceOrder(spec: PlaceOrderSpec): Json {
  const stamp = spec.createdAt instanceof Date ? magentoDate(spec.createdAt) : spec.createdAt ?? magentoDate();
  const currency = spec.currency ?? 'EUR';
  const email = spec.customer?.email ?? spec.email ?? 'guest@example.si';
  const rows: Json[] = [];
  let nextItem = 1;
  let subtotal = ZERO;
  let itemsTax = ZERO;
  let weight = ZERO;
  let qtyOrdered = ZERO;
  for (const line of spec.lines) {
    const qty = q(line.qty);
    qtyOrdered = add(qtyOrdered, qty);
    if (line.kind === 'simple') {
      const row = pricedRow(line, qty, nextItem++, 'simple', stamp);
      rows.push(row.json);
      subtotal = add(subtotal, row.rowTotal);
      itemsTax = add(itemsTax, row.tax);
      weight = add(weight, dec(String(row.json.row_weight)));
    } else if (line.kind === 'configurable') {
      // Parent row carries the child SKU and all money; the child row has price 0 (docs/contracts/magento.md#orders).
      const parent = pricedRow({ ...line, name: line.parentName }, qty, nextItem++, 'configurable', stamp);
      const child = zeroed(pricedRow({ ...line, name: line.childName ?? line.name }, qty, nextItem++, 'simple', stamp).json);
      child.parent_item_id = parent.json.item_id;
      child.product_id = (line.productId ?? 0) + 100000;
      parent.json.product_option = { extension_attributes: { configurable_item_options: [] } };
      rows.push(parent.json, child);
      subtotal = add(subtotal, parent.rowTotal);
      itemsTax = add(itemsTax, parent.tax);
      weight = add(weight, dec(String(parent.json.row_weight)));
    } else {
      const parentId = nextItem++;
      const children = line.children.map((c) => pricedRow(c, mul(qty, q(c.qty)), nextItem++, 'simple', stamp));
      const rowTotal = add(...children.map((c) => c.rowTotal));
      const tax = add(...children.map((c) => c.tax));
      const unit = div(rowTotal, qty, 4);
      const parent: Json = {
        ...zeroed(children[0]?.json ?? {}), item_id: parentId, quote_item_id: parentId, name: line.name, sku: line.sku, product_type: 'bundle',
        product_id: line.productId ?? parentId, qty_ordered: num(qty), price: num(round(unit, 2)), base_price: num(round(unit, 2)),
        original_price: num(round(unit, 2)), base_original_price: num(round(unit, 2)),
        price_incl_tax: num(round(div(add(rowTotal, tax), qty, 4), 2)), base_price_incl_tax: num(round(div(add(rowTotal, tax), qty, 4), 2)),
        row_total: num(rowTotal), base_row_total: num(rowTotal), tax_amount: num(tax), base_tax_amount: num(tax),
        row_total_incl_tax: num(add(rowTotal, tax)), base_row_total_incl_tax: num(add(rowTotal, tax)),
        row_weight: num(add(...children.map((c) => dec(String(c.json.row_weight))))),
        product_option: { extension_attributes: { bundle_options: [] } },
      };
      rows.push(parent);
      for (const child of children) {
        child.json.parent_item_id = parentId;
        rows.push(child.json);
      }
      subtotal = add(subtotal, rowTotal);
      itemsTax = add(itemsTax, tax);
      weight = add(weight, dec(String(parent.row_weight)));
    }
  }
  const shipping = q(spec.shippingAmount ?? '4.50');
  const shippingTax = round(div(mul(shipping, q(spec.shippingTaxPercent ?? '22')), dec('100')), 2);
  const tax = add(itemsTax, shippingTax);
  const grand = add(subtotal, shipping, tax);
  const billing = address(spec.billing, 'billing', email);
  const shippingAddress = address(spec.shipping ?? spec.billing, 'shipping', email);
  const totals = {
    shipping_amount: num(shipping), shipping_discount_amount: 0, shipping_discount_tax_compensation_amount: 0,
    shipping_incl_tax: num(add(shipping, shippingTax)), shipping_tax_amount: num(shippingTax),
  };
  const baseTotals = {
    base_shipping_amount: num(shipping), base_shipping_discount_amount: 0, base_shipping_incl_tax: num(add(shipping, shippingTax)), base_shipping_tax_amount: num(shippingTax),
  };
  const customer = spec.customer;
  return {
    base_currency_code: currency, base_discount_amount: 0, base_grand_total: num(grand), base_discount_tax_compensation_amount: 0,
    ...baseTotals, base_subtotal: num(subtotal), base_subtotal_incl_tax: num(add(subtotal, itemsTax)), base_tax_amount: num(tax),
    base_total_due: num(grand), base_to_global_rate: 1, base_to_order_rate: 1, created_at: stamp, customer_email: email,
    ...(customer
      ? { customer_firstname: customer.firstname, customer_group_id: customer.groupId ?? 1, customer_id: customer.id, customer_is_guest: 0, customer_lastname: customer.lastname, ...(customer.taxvat ? { customer_taxvat: customer.taxvat } : {}) }
      // Guests carry no customer_id and no customer_firstname/lastname (docs/contracts/magento.md#orders [M] for the names).
      : { customer_group_id: 0, customer_is_guest: 1 }),
    customer_note_notify: 1, discount_amount: 0, email_sent: 1, global_currency_code: currency, grand_total: num(grand),
    discount_tax_compensation_amount: 0, ...(spec.incrementId ? { increment_id: spec.incrementId } : {}), is_virtual: 0, order_currency_code: currency,
    protect_code: Math.random().toString(16).slice(2, 8), quote_id: 0, ...totals,
    shipping_description: spec.shippingDescription ?? 'Flat Rate - Fixed', state: 'new', status: 'pending', store_currency_code: currency,
    store_id: spec.storeId ?? 1, store_name: 'Main Website\nMain Website Store\nDefault Store View', store_to_base_rate: 0, store_to_order_rate: 0,
    subtotal: num(subtotal), subtotal_incl_tax: num(add(subtotal, itemsTax)), tax_amount: num(tax), total_due: num(grand),
    total_item_count: rows.length, total_qty_ordered: num(qtyOrdered), updated_at: stamp, weight: num(weight),
    items: rows, billing_address: billing,
    payment: { account_status: null, additional_information: [paymentTitle(spec.paymentMethod ?? 'checkmo')], amount_ordered: num(grand), base_amount_ordered: num(grand), base_shipping_amount: num(shipping), cc_last4: null, method: spec.paymentMethod ?? 'checkmo', shipping_amount: num(shipping) },
    status_histories: [],
    extension_attributes: {
      shipping_assignments: [{ shipping: { address: shippingAddress, method: spec.shippingMethod ?? 'flatrate_flatrate', total: { ...baseTotals, ...totals } }, items: rows }],
    },
  };
}

function paymentTitle(method: string): string {
  return ({ checkmo: 'Check / Money order', banktransfer: 'Bank Transfer Payment', cashondelivery: 'Cash On Delivery' } as Record<string, string>)[method] ?? method;
}
