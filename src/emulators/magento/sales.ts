/**
 * Orders, invoices, shipments and the order state machine of docs/contracts/magento.md#order-states-after-invoice-and-shipment
 * (InvoiceOrder / ShipOrder / StateResolver). Amounts are kept in the order JSON as numbers,
 * the way Magento sends them, and all arithmetic on them goes through decimals.
 */
import { add, cmp, decFromJson, mul, div, round, sub, ZERO, type Decimal } from '../../core/decimal.js';
import { badRequest, entityNotFound } from './errors.js';
import { DEFAULT_SOURCE, deductForShipment, getSourceItem, releaseReservation, reserve } from './inventory.js';
import { nextId, type EmulatorState, type Json, type OrderRecord } from './state.js';
import { deepClone, magentoDate } from './util.js';

export const DEFAULT_STATUS: Record<string, string> = {
  new: 'pending', pending_payment: 'pending_payment', processing: 'processing', complete: 'complete',
  closed: 'closed', canceled: 'canceled', holded: 'holded', payment_review: 'payment_review',
};
const STATUSES_BY_STATE: Record<string, string[]> = {
  new: ['pending'], pending_payment: ['pending_payment'], processing: ['processing', 'fraud'], complete: ['complete'],
  closed: ['closed'], canceled: ['canceled'], holded: ['holded'], payment_review: ['payment_review', 'fraud'],
};
/** Rows that hold stock: not the composite parents. */
const NON_STOCK_TYPES = new Set(['configurable', 'bundle', 'grouped']);

const d = (value: unknown): Decimal => (value === undefined || value === null ? ZERO : decFromJson(value));
const n = (value: Decimal): number => Number(value);
const pad = (id: number): string => String(id).padStart(9, '0');

export function requireOrder(state: EmulatorState, id: number): OrderRecord {
  const order = state.orders.get(id);
  if (!order) throw entityNotFound();
  return order;
}

const items = (order: OrderRecord): Json[] => order.data.items as Json[];
const topLevel = (order: OrderRecord): Json[] => items(order).filter((i) => i.parent_item_id === undefined || i.parent_item_id === null);
const childrenOf = (order: OrderRecord, parentId: unknown): Json[] => items(order).filter((i) => i.parent_item_id === parentId);

/** POST /__admin/orders: the order arrives in the shape of GET /V1/orders/{id}; ids, states and dates are ours. */
export function placeOrder(state: EmulatorState, input: Json, now = new Date()): OrderRecord {
  const data = deepClone(input);
  const entityId = nextId(state, 'order');
  const stamp = typeof data.created_at === 'string' ? data.created_at : magentoDate(now);
  data.entity_id = entityId;
  data.increment_id = typeof data.increment_id === 'string' ? data.increment_id : pad(entityId);
  data.state = 'new';
  data.status = 'pending';
  data.created_at = stamp;
  data.updated_at = stamp;
  data.status_histories = [];
  const idMap = new Map<unknown, number>();
  const rows = (Array.isArray(data.items) ? data.items : []) as Json[];
  for (const row of rows) idMap.set(row.item_id, nextId(state, 'orderItem'));
  for (const row of rows) {
    row.item_id = idMap.get(row.item_id);
    row.order_id = entityId;
    if (row.parent_item_id !== undefined && row.parent_item_id !== null) row.parent_item_id = idMap.get(row.parent_item_id);
    for (const key of ['qty_invoiced', 'qty_shipped', 'qty_refunded', 'qty_canceled', 'row_invoiced', 'base_row_invoiced', 'tax_invoiced', 'base_tax_invoiced', 'discount_invoiced', 'base_discount_invoiced', 'amount_refunded', 'base_amount_refunded']) row[key] = 0;
    row.created_at = stamp;
    row.updated_at = stamp;
    delete row.parent_item;
  }
  for (const row of rows) {
    if (row.parent_item_id === undefined || row.parent_item_id === null) continue;
    const parent = rows.find((r) => r.item_id === row.parent_item_id);
    if (parent) row.parent_item = { ...parent };
  }
  data.items = rows;
  data.total_item_count = data.total_item_count ?? rows.length;
  data.total_qty_ordered = data.total_qty_ordered ?? n(add(...rows.filter((r) => !r.parent_item_id).map((r) => d(r.qty_ordered))));
  data.total_due = data.total_due ?? data.grand_total;
  data.base_total_due = data.base_total_due ?? data.base_grand_total;
  const billing = (data.billing_address as Json | undefined) ?? {};
  const billingId = nextId(state, 'address');
  data.billing_address = { address_type: 'billing', ...billing, entity_id: billingId, parent_id: entityId };
  data.billing_address_id = billingId;
  const payment = (data.payment as Json | undefined) ?? { method: 'checkmo' };
  data.payment = { account_status: null, additional_information: [], cc_last4: null, ...payment, entity_id: nextId(state, 'payment'), parent_id: entityId };
  const extension = ((data.extension_attributes as Json | undefined) ?? {}) as Json;
  const isVirtual = data.is_virtual === 1 || data.is_virtual === true;
  data.is_virtual = isVirtual ? 1 : 0;
  if (!isVirtual) {
    const assignment = ((extension.shipping_assignments as Json[] | undefined)?.[0] ?? {}) as Json;
    const shipping = ((assignment.shipping as Json | undefined) ?? {}) as Json;
    const address = { ...(shipping.address as Json | undefined ?? billing), address_type: 'shipping', entity_id: nextId(state, 'address'), parent_id: entityId };
    extension.shipping_assignments = [{ shipping: { ...shipping, address, method: shipping.method ?? 'flatrate_flatrate' }, items: rows }];
  }
  data.extension_attributes = extension;
  const order: OrderRecord = { data, shipments: [], invoices: [] };
  state.orders.set(entityId, order);
  // Placing an order reserves stock (MSI reservation = −qty) until shipment or cancel.
  for (const row of rows) if (!NON_STOCK_TYPES.has(String(row.product_type))) reserve(state, String(row.sku), sub(ZERO, d(row.qty_ordered)));
  return order;
}

/** GET renders share the items array with shipping_assignments.items, as Magento does. */
export function renderOrder(order: OrderRecord): Json {
  return order.data;
}

function remainingToInvoice(row: Json): Decimal {
  return sub(sub(d(row.qty_ordered), d(row.qty_invoiced)), d(row.qty_canceled));
}
function remainingToShip(row: Json): Decimal {
  return sub(sub(sub(d(row.qty_ordered), d(row.qty_shipped)), d(row.qty_refunded)), d(row.qty_canceled));
}
const canInvoice = (order: OrderRecord): boolean => topLevel(order).some((r) => cmp(remainingToInvoice(r), ZERO) > 0);
const canShip = (order: OrderRecord): boolean => order.data.is_virtual !== 1 && topLevel(order).some((r) => r.is_virtual !== 1 && cmp(remainingToShip(r), ZERO) > 0);

function setState(order: OrderRecord, newState: string): boolean {
  if (order.data.state === newState && order.data.status === DEFAULT_STATUS[newState]) return false;
  order.data.state = newState;
  order.data.status = DEFAULT_STATUS[newState];
  return true;
}

/** StateResolver: new → processing on any invoice/shipment; complete once nothing is left to do. */
function resolveState(order: OrderRecord): boolean {
  const current = String(order.data.state);
  if (current !== 'new' && current !== 'processing') return false;
  if (!canInvoice(order) && !canShip(order)) {
    // Zero-total orders end "closed" (docs/contracts/magento.md#order-states-after-invoice-and-shipment [M]: nothing refundable, nothing to ship).
    const zeroTotal = cmp(d(order.data.grand_total), ZERO) === 0;
    return setState(order, zeroTotal ? 'closed' : 'complete');
  }
  return setState(order, 'processing');
}

type Requested = Map<number, Decimal> | undefined;

function requestedQuantities(raw: unknown): Requested {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const map = new Map<number, Decimal>();
  for (const item of raw as Json[]) map.set(Number(item.order_item_id), d(item.qty));
  return map;
}

function scaled(amount: unknown, part: Decimal, whole: Decimal): Decimal {
  return cmp(whole, ZERO) === 0 ? ZERO : round(div(mul(d(amount), part), whole, 10), 2);
}

export interface DocumentOptions {
  items?: unknown;
  notify?: boolean;
  appendComment?: boolean;
  comment?: Json | null;
  tracks?: Json[] | null;
  arguments?: Json | null;
}

export function createInvoice(state: EmulatorState, orderId: number, options: DocumentOptions, sendEmail: (kind: 'invoice', invoiceId: number) => void, now = new Date()): number {
  const order = requireOrder(state, orderId);
  const prefix = 'Invoice Document Validation Error(s):\n';
  const orderState = String(order.data.state);
  if (['payment_review', 'holded', 'canceled', 'complete', 'closed'].includes(orderState)) {
    throw badRequest(`${prefix}An invoice cannot be created when an order has a status of ${orderState}`);
  }
  if (!canInvoice(order)) throw badRequest(`${prefix}The order does not allow an invoice to be created.`);
  const requested = requestedQuantities(options.items);
  const lines: Array<{ row: Json; qty: Decimal }> = [];
  for (const row of topLevel(order)) {
    const remaining = remainingToInvoice(row);
    const qty = requested ? requested.get(Number(row.item_id)) ?? ZERO : remaining;
    if (cmp(qty, remaining) > 0) throw badRequest(`${prefix}The quantity to invoice must not be greater than the uninvoiced quantity for product SKU "${String(row.sku)}".`);
    if (cmp(qty, ZERO) > 0) lines.push({ row, qty });
  }
  if (lines.length === 0) throw badRequest(`${prefix}You can't create an invoice without products.`);

  const invoiceId = nextId(state, 'invoice');
  const stamp = magentoDate(now);
  const data = order.data;
  // Every amount is kept twice: in the order currency and in the website's base currency
  // (`base_*`, docs/contracts/magento.md#orders). Base amounts come from the rows' and the order's own base fields,
  // never from the order-currency ones; only a row that lacks a base field (hand-made orders)
  // gets the order amount divided by base_to_order_rate.
  const rate = cmp(d(data.base_to_order_rate ?? 1), ZERO) === 0 ? d(1) : d(data.base_to_order_rate ?? 1);
  const baseOf = (source: Json, key: string): Decimal => {
    const own = source[`base_${key}`];
    return own === undefined || own === null ? round(div(d(source[key]), rate, 10), 2) : d(own);
  };
  type Money = { amount: Decimal; base: Decimal };
  const money = (amount: Decimal, base: Decimal): Money => ({ amount, base });
  const plus = (a: Money, b: Money): Money => money(add(a.amount, b.amount), add(a.base, b.base));
  const ZERO_MONEY = money(ZERO, ZERO);
  const invoiceItems: Json[] = [];
  let subtotal = ZERO_MONEY;
  let tax = ZERO_MONEY;
  let discount = ZERO_MONEY;
  let compensation = ZERO_MONEY;
  let totalQty = ZERO;
  /** The part of a row amount this invoice takes: the rest when it takes the last units, else pro rata. */
  const share = (row: Json, qty: Decimal, last: boolean, key: string, invoicedKey: string): Money => money(
    last ? sub(d(row[key]), d(row[invoicedKey])) : scaled(row[key], qty, d(row.qty_ordered)),
    last ? sub(baseOf(row, key), d(row[`base_${invoicedKey}`])) : scaled(baseOf(row, key), qty, d(row.qty_ordered)),
  );
  const addLine = (row: Json, qty: Decimal, counts: boolean): void => {
    const last = cmp(qty, remainingToInvoice(row)) === 0;
    const rowTotal = share(row, qty, last, 'row_total', 'row_invoiced');
    const rowTax = share(row, qty, last, 'tax_amount', 'tax_invoiced');
    const rowDiscount = share(row, qty, last, 'discount_amount', 'discount_invoiced');
    // The hidden tax of a discount or a tax-inclusive price; Magento keeps no "invoiced" counter for it on the row, so pro rata.
    const rowCompensation = money(scaled(row.discount_tax_compensation_amount, qty, d(row.qty_ordered)), scaled(baseOf(row, 'discount_tax_compensation_amount'), qty, d(row.qty_ordered)));
    invoiceItems.push({
      base_price: n(baseOf(row, 'price')), base_price_incl_tax: n(baseOf(row, 'price_incl_tax')),
      base_row_total: n(rowTotal.base), base_row_total_incl_tax: n(add(rowTotal.base, rowTax.base)), base_tax_amount: n(rowTax.base),
      base_discount_amount: n(rowDiscount.base), discount_amount: n(rowDiscount.amount),
      entity_id: nextId(state, 'invoiceItem'), name: row.name, parent_id: invoiceId, price: row.price, price_incl_tax: row.price_incl_tax,
      product_id: row.product_id, row_total: n(rowTotal.amount), row_total_incl_tax: n(add(rowTotal.amount, rowTax.amount)), sku: row.sku,
      tax_amount: n(rowTax.amount), order_item_id: row.item_id, qty: n(qty),
    });
    row.qty_invoiced = n(add(d(row.qty_invoiced), qty));
    row.row_invoiced = n(add(d(row.row_invoiced), rowTotal.amount));
    row.base_row_invoiced = n(add(d(row.base_row_invoiced), rowTotal.base));
    row.tax_invoiced = n(add(d(row.tax_invoiced), rowTax.amount));
    row.base_tax_invoiced = n(add(d(row.base_tax_invoiced), rowTax.base));
    row.discount_invoiced = n(add(d(row.discount_invoiced), rowDiscount.amount));
    row.base_discount_invoiced = n(add(d(row.base_discount_invoiced), rowDiscount.base));
    // Adobe's get-invoice-response.json counts every invoiced row, composite children included.
    totalQty = add(totalQty, qty);
    // Money is counted once: a composite parent already carries its children's amounts.
    if (counts) {
      subtotal = plus(subtotal, rowTotal);
      tax = plus(tax, rowTax);
      discount = plus(discount, rowDiscount);
      compensation = plus(compensation, rowCompensation);
    }
  };
  for (const { row, qty } of lines) {
    const children = childrenOf(order, row.item_id);
    addLine(row, qty, true);
    for (const child of children) addLine(child, mul(qty, div(d(child.qty_ordered), d(row.qty_ordered))), false);
  }
  // Shipping (and its tax) goes on the first invoice.
  const shippingDone = cmp(d(data.shipping_invoiced), ZERO) !== 0 || order.invoices.length > 0;
  const shipping = shippingDone ? ZERO_MONEY : money(d(data.shipping_amount), baseOf(data, 'shipping_amount'));
  const shippingTax = shippingDone ? ZERO_MONEY : money(d(data.shipping_tax_amount), baseOf(data, 'shipping_tax_amount'));
  const shippingDiscount = shippingDone ? ZERO_MONEY : money(d(data.shipping_discount_amount), baseOf(data, 'shipping_discount_amount'));
  const shippingCompensation = shippingDone ? ZERO_MONEY : money(d(data.shipping_discount_tax_compensation_amount), d(data.base_shipping_discount_tax_compensation_amnt));
  const itemsTax = tax;
  tax = plus(tax, shippingTax);
  discount = plus(discount, shippingDiscount);
  compensation = plus(compensation, shippingCompensation);
  // Discounts are positive on the order's items and negative on its totals (docs/contracts/magento.md#orders [M] for
  // the sign); the invoice does the same: its discount_amount is negative.
  const negative = (m: Money): Money => money(sub(ZERO, m.amount), sub(ZERO, m.base));
  discount = negative(discount);
  const grand = plus(plus(plus(plus(subtotal, shipping), tax), compensation), discount);
  const invoice: Json = {
    base_currency_code: data.base_currency_code, base_discount_amount: n(discount.base), base_grand_total: n(grand.base),
    base_discount_tax_compensation_amount: n(compensation.base), base_shipping_amount: n(shipping.base), base_shipping_incl_tax: n(add(shipping.base, shippingTax.base)),
    base_shipping_tax_amount: n(shippingTax.base), base_subtotal: n(subtotal.base), base_subtotal_incl_tax: n(add(subtotal.base, itemsTax.base)),
    base_tax_amount: n(tax.base), base_to_global_rate: data.base_to_global_rate ?? 1, base_to_order_rate: data.base_to_order_rate ?? 1,
    billing_address_id: data.billing_address_id, can_void_flag: 0, created_at: stamp, discount_amount: n(discount.amount),
    email_sent: 0, entity_id: invoiceId, global_currency_code: data.global_currency_code ?? data.base_currency_code,
    grand_total: n(grand.amount), discount_tax_compensation_amount: n(compensation.amount), increment_id: pad(invoiceId), order_currency_code: data.order_currency_code,
    order_id: data.entity_id, shipping_address_id: ((data.extension_attributes as Json).shipping_assignments as Json[] | undefined)?.[0] ? (((((data.extension_attributes as Json).shipping_assignments as Json[])[0] as Json).shipping as Json).address as Json).entity_id : undefined,
    shipping_amount: n(shipping.amount), shipping_discount_tax_compensation_amount: 0, shipping_incl_tax: n(add(shipping.amount, shippingTax.amount)),
    shipping_tax_amount: n(shippingTax.amount), state: 2, store_currency_code: data.store_currency_code ?? data.base_currency_code, store_id: data.store_id,
    store_to_base_rate: 0, store_to_order_rate: 0, subtotal: n(subtotal.amount), subtotal_incl_tax: n(add(subtotal.amount, itemsTax.amount)),
    tax_amount: n(tax.amount), total_qty: n(totalQty), updated_at: stamp, items: invoiceItems, comments: [],
  };
  if (invoice.shipping_address_id === undefined) delete invoice.shipping_address_id;
  state.invoices.set(invoiceId, invoice);
  order.invoices.push(invoiceId);
  // Order totals: the invoice is paid (offline methods; `capture` only matters for online gateways).
  const bump = (key: string, value: Money): void => {
    data[key] = n(add(d(data[key]), value.amount));
    data[`base_${key}`] = n(add(d(data[`base_${key}`]), value.base));
  };
  bump('subtotal_invoiced', subtotal);
  bump('tax_invoiced', tax);
  bump('shipping_invoiced', shipping);
  bump('discount_invoiced', discount);
  bump('total_invoiced', grand);
  bump('total_paid', grand);
  data.total_due = n(sub(d(data.grand_total), d(data.total_paid)));
  data.base_total_due = n(sub(baseOf(data, 'grand_total'), d(data.base_total_paid)));
  resolveState(order);
  data.updated_at = stamp;
  if (options.comment && typeof options.comment.comment === 'string') {
    addInvoiceComment(state, invoiceId, { comment: options.comment.comment, is_customer_notified: options.notify && options.appendComment ? 1 : 0, is_visible_on_front: options.comment.is_visible_on_front ?? 0 }, now);
  }
  if (options.notify) sendEmail('invoice', invoiceId);
  return invoiceId;
}

export function addInvoiceComment(state: EmulatorState, invoiceId: number, entity: Json, now = new Date()): Json {
  if (!state.invoices.has(invoiceId)) throw entityNotFound();
  const comment: Json = {
    is_customer_notified: entity.is_customer_notified ?? 0, parent_id: invoiceId, comment: entity.comment ?? '',
    is_visible_on_front: entity.is_visible_on_front ?? 0, created_at: magentoDate(now), entity_id: nextId(state, 'comment'),
  };
  const list = state.invoiceComments.get(invoiceId) ?? [];
  list.push(comment);
  state.invoiceComments.set(invoiceId, list);
  return comment;
}

export function renderInvoice(state: EmulatorState, invoiceId: number): Json {
  const invoice = state.invoices.get(invoiceId);
  if (!invoice) throw entityNotFound();
  return { ...invoice, comments: state.invoiceComments.get(invoiceId) ?? [] };
}

export function createShipment(state: EmulatorState, orderId: number, options: DocumentOptions, sendEmail: (kind: 'shipment', shipmentId: number) => void, now = new Date()): number {
  const order = requireOrder(state, orderId);
  const prefix = 'Shipment Document Validation Error(s):\n';
  const orderState = String(order.data.state);
  if (['payment_review', 'holded', 'canceled'].includes(orderState) || order.data.is_virtual === 1) {
    throw badRequest(`${prefix}A shipment cannot be created when an order has a status of ${orderState}`);
  }
  if (!canShip(order)) throw badRequest(`${prefix}The order does not allow a shipment to be created.`);
  const requested = requestedQuantities(options.items);
  const lines: Array<{ row: Json; qty: Decimal }> = [];
  for (const row of topLevel(order)) {
    if (row.is_virtual === 1) continue;
    const remaining = remainingToShip(row);
    const qty = requested ? requested.get(Number(row.item_id)) ?? ZERO : remaining;
    if (cmp(qty, remaining) > 0) throw badRequest(`${prefix}The quantity to ship must not be greater than the unshipped quantity for product SKU "${String(row.sku)}".`);
    if (cmp(qty, ZERO) > 0) lines.push({ row, qty });
  }
  if (lines.length === 0) throw badRequest(`${prefix}You can't create a shipment without products.`);
  const extension = ((options.arguments?.extension_attributes as Json | undefined) ?? {}) as Json;
  const requestedSource = typeof extension.source_code === 'string' ? extension.source_code : undefined;
  if (requestedSource !== undefined && !state.sources.has(requestedSource)) throw badRequest(`${prefix}Source with code "${requestedSource}" does not exist.`);
  const shipmentId = nextId(state, 'shipment');
  const stamp = magentoDate(now);
  const shipmentItems: Json[] = [];
  let totalQty = ZERO;
  const pickSource = (sku: string): string => {
    if (requestedSource) return requestedSource;
    if (getSourceItem(state, sku, DEFAULT_SOURCE)) return DEFAULT_SOURCE;
    const any = state.sourceItems.get(sku.toLowerCase());
    return any && any.size > 0 ? ([...any.keys()][0] as string) : DEFAULT_SOURCE;
  };
  const shipRow = (row: Json, qty: Decimal): void => {
    row.qty_shipped = n(add(d(row.qty_shipped), qty));
    if (!NON_STOCK_TYPES.has(String(row.product_type))) deductForShipment(state, String(row.sku), qty, pickSource(String(row.sku)));
  };
  for (const { row, qty } of lines) {
    shipmentItems.push({ entity_id: nextId(state, 'shipmentItem'), name: row.name, parent_id: shipmentId, price: row.price, product_id: row.product_id, sku: row.sku, weight: row.weight, order_item_id: row.item_id, qty: n(qty) });
    totalQty = add(totalQty, qty);
    shipRow(row, qty);
    for (const child of childrenOf(order, row.item_id)) shipRow(child, mul(qty, div(d(child.qty_ordered), d(row.qty_ordered))));
  }
  const tracks = (options.tracks ?? []).map((t) => ({ ...t, entity_id: nextId(state, 'track'), order_id: orderId, parent_id: shipmentId, created_at: stamp, updated_at: stamp }));
  const shipment: Json = {
    billing_address_id: order.data.billing_address_id, created_at: stamp, entity_id: shipmentId, increment_id: pad(shipmentId),
    order_id: orderId, packages: [], store_id: order.data.store_id, total_qty: n(totalQty), updated_at: stamp,
    items: shipmentItems, tracks, comments: [],
    extension_attributes: { source_code: requestedSource ?? pickSource(String(lines[0]?.row.sku)) },
  };
  if (options.comment && typeof options.comment.comment === 'string') {
    (shipment.comments as Json[]).push({ comment: options.comment.comment, created_at: stamp, entity_id: nextId(state, 'comment'), is_customer_notified: options.notify ? 1 : 0, is_visible_on_front: options.comment.is_visible_on_front ?? 0, parent_id: shipmentId });
  }
  state.shipments.set(shipmentId, shipment);
  order.shipments.push(shipmentId);
  // updated_at moves only when the order row changes (m2#10287; docs/contracts/magento.md#orders [H] column, [M] that a
  // shipment alone leaves it): i.e. on a state change here.
  if (resolveState(order)) order.data.updated_at = stamp;
  if (options.notify) sendEmail('shipment', shipmentId);
  return shipmentId;
}

export function addOrderComment(state: EmulatorState, orderId: number, history: Json, now = new Date()): boolean {
  const order = requireOrder(state, orderId);
  const orderState = String(order.data.state);
  const status = typeof history.status === 'string' && history.status !== '' ? history.status : String(order.data.status);
  if (!(STATUSES_BY_STATE[orderState] ?? []).includes(status)) {
    throw badRequest('Unable to add comment: The status "%1" is not part of the order status history.', [status]);
  }
  const entry: Json = {
    comment: history.comment ?? '', created_at: magentoDate(now), entity_id: nextId(state, 'comment'), entity_name: 'order',
    is_customer_notified: history.is_customer_notified ? 1 : 0, is_visible_on_front: history.is_visible_on_front ? 1 : 0,
    parent_id: orderId, status,
  };
  (order.data.status_histories as Json[]).unshift(entry);
  if (order.data.status !== status) {
    order.data.status = status;
    order.data.updated_at = entry.created_at;
  }
  return true;
}

export function holdOrder(state: EmulatorState, orderId: number, hold: boolean): boolean {
  const order = requireOrder(state, orderId);
  if (hold) {
    if (!['new', 'processing'].includes(String(order.data.state))) throw badRequest('A hold action is not available.');
    order.data.hold_before_state = order.data.state;
    order.data.hold_before_status = order.data.status;
    order.data.state = 'holded';
    order.data.status = 'holded';
  } else {
    if (order.data.state !== 'holded') throw badRequest('You cannot remove the hold.');
    order.data.state = order.data.hold_before_state;
    order.data.status = order.data.hold_before_status;
    delete order.data.hold_before_state;
    delete order.data.hold_before_status;
  }
  order.data.updated_at = magentoDate();
  return true;
}

export function cancelOrder(state: EmulatorState, orderId: number): boolean {
  const order = requireOrder(state, orderId);
  if (!['new', 'processing'].includes(String(order.data.state)) || order.invoices.length > 0) return false;
  for (const row of items(order)) {
    const open = remainingToShip(row);
    row.qty_canceled = n(add(d(row.qty_canceled), open));
    if (!NON_STOCK_TYPES.has(String(row.product_type)) && cmp(open, ZERO) > 0) releaseReservation(state, String(row.sku), open);
  }
  setState(order, 'canceled');
  order.data.updated_at = magentoDate();
  return true;
}

/**
 * An admin "Edit" of an order (Sales › Orders › Edit): Magento places a new order for the edited
 * cart, numbered `<original>-<n>`, and cancels the one edited. The new order names its parent in
 * `relation_parent_id` / `relation_parent_real_id` and the first number in `original_increment_id`;
 * the old one names its successor in `relation_child_id` / `relation_child_real_id` [H schema fields;
 * M how the admin edit fills them]. An order with an invoice, or one canceled, complete or closed,
 * cannot be edited.
 */
export function editOrder(state: EmulatorState, orderId: number, input: Json, now = new Date()): OrderRecord {
  const original = requireOrder(state, orderId);
  const current = String(original.data.state);
  if (!['new', 'processing', 'holded'].includes(current) || original.invoices.length > 0) throw badRequest('This order cannot be edited.');
  const root = String(original.data.original_increment_id ?? original.data.increment_id);
  const editIncrement = Number(original.data.edit_increment ?? 0) + 1;
  const edited = placeOrder(state, {
    ...input,
    increment_id: `${root}-${editIncrement}`,
    original_increment_id: root,
    edit_increment: editIncrement,
    relation_parent_id: String(original.data.entity_id),
    relation_parent_real_id: String(original.data.increment_id),
  }, now);
  if (current === 'holded') holdOrder(state, orderId, false);
  cancelOrder(state, orderId);
  original.data.relation_child_id = String(edited.data.entity_id);
  original.data.relation_child_real_id = String(edited.data.increment_id);
  original.data.updated_at = magentoDate(now);
  return edited;
}
