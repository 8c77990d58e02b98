/**
 * The order builder and the admin hooks say every kind of order a real shop makes, stored as
 * Magento stores it: item discounts positive on the rows and negative on the order total, the
 * three tax settings, shipping discounts, fixed and dynamic bundles side by side, tax-inclusive
 * prices, an order currency other than the base, virtual orders, edits and cancels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, dec, sub, type Decimal } from '../../../src/core/decimal.js';
import { buildPlaceOrder, type MagentoEmulator, type PlaceOrderSpec } from '../../../src/emulators/magento/index.js';
import { admin, call, start } from './helpers.js';

type Row = Record<string, number | string | undefined> & { item_id: number; parent_item_id?: number; product_type: string; sku: string };
type Order = Record<string, unknown> & { entity_id: number; increment_id: string; state: string; items: Row[] };

const m = (value: unknown): Decimal => dec(String(value ?? 0));
const billing = { firstname: 'Ana', lastname: 'Novak', street: ['Slovenska 1'], city: 'Ljubljana', postcode: '1000' };
const base: Omit<PlaceOrderSpec, 'lines'> = { email: 'ana@example.si', billing };

/** What the buyer pays for each top-level row, by Magento's own identity, plus shipping. */
function paidByRows(order: Order, prefix = ''): Decimal {
  const rows = order.items.filter((row) => row.parent_item_id === undefined);
  const paid = rows.map((row) => sub(add(m(row[`${prefix}row_total`]), m(row[`${prefix}tax_amount`]), m(row[`${prefix}discount_tax_compensation_amount`])), m(row[`${prefix}discount_amount`])));
  const ship = sub(add(m(order[`${prefix}shipping_amount`]), m(order[`${prefix}shipping_tax_amount`]), m(order.shipping_discount_tax_compensation_amount)), m(order[`${prefix}shipping_discount_amount`]));
  return add(...paid, prefix === '' ? ship : m(0));
}

describe('magento emulator: order variants', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start(); });
  afterAll(async () => { await em.close(); });
  const place = async (spec: PlaceOrderSpec): Promise<Order> => (await admin(em, 'POST', '/orders', buildPlaceOrder(spec))).body as Order;

  it('a 10 % cart rule: positive on the rows, negative on the order, tax after discount on net prices (Magento defaults)', async () => {
    const order = await place({ ...base, lines: [{ kind: 'simple', sku: 'A', name: 'A', unitPrice: '0.33', taxPercent: '22', qty: 7, discountPercent: '10' }] });
    const row = order.items[0]!;
    expect(row).toMatchObject({ row_total: 2.31, discount_amount: 0.23, discount_percent: 10, tax_amount: 0.46, row_total_incl_tax: 2.82 });
    expect(order.discount_amount).toBe(-0.23);
    // 2.31 − 0.23 + 0.46 + shipping 4.50 + 0.99
    expect(order.grand_total).toBe(8.03);
    expect(m(order.grand_total)).toBe(paidByRows(order));
  });

  it('each tax setting gives a different, self-consistent order', async () => {
    const line = { kind: 'simple' as const, sku: 'B', name: 'B', unitPrice: '12.20', taxPercent: '22', qty: 3, discountPercent: '15' };
    const totals: number[] = [];
    for (const tax of [{}, { discountIncludesTax: true }, { taxAfterDiscount: false }, { pricesIncludeTax: true, discountIncludesTax: true }]) {
      const order = await place({ ...base, lines: [line], shippingAmount: '0', tax });
      expect(m(order.grand_total), JSON.stringify(tax)).toBe(paidByRows(order));
      totals.push(order.grand_total as number);
    }
    // Tax-inclusive shop: 3 × 12.20 = 36.60 less 15 % (5.49) is exactly what is paid.
    expect(totals[3]).toBe(31.11);
    expect(new Set(totals).size).toBeGreaterThan(2);
  });

  it('a shipping discount and free shipping', async () => {
    const half = await place({ ...base, lines: [{ kind: 'simple', sku: 'C', name: 'C', unitPrice: '10', qty: 1 }], shippingAmount: '5', shippingDiscountPercent: '50' });
    expect(half).toMatchObject({ shipping_amount: 5, shipping_discount_amount: 2.5, shipping_tax_amount: 0.55, shipping_incl_tax: 6.1, discount_amount: -2.5 });
    expect(m(half.grand_total)).toBe(paidByRows(half));
    const free = await place({ ...base, lines: [{ kind: 'simple', sku: 'C', name: 'C', unitPrice: '10', qty: 1 }], shippingAmount: '0', shippingMethod: 'freeshipping_freeshipping' });
    expect(free).toMatchObject({ shipping_amount: 0, grand_total: 12.2 });
  });

  it('a fixed and a dynamic bundle in one order: each line says how it is priced', async () => {
    const order = await place({
      ...base,
      lines: [
        { kind: 'bundle', sku: 'FIX', name: 'Fixed', qty: 1, priceType: 'fixed', unitPrice: '50', taxPercent: '22', children: [{ sku: 'X', name: 'X', qty: 2 }, { sku: 'Y', name: 'Y', qty: 1 }] },
        { kind: 'bundle', sku: 'DYN', name: 'Dynamic', qty: 2, children: [{ sku: 'X', name: 'X', qty: 1, unitPrice: '3.10', taxPercent: '9.5' }, { sku: 'Y', name: 'Y', qty: 1, unitPrice: '8', taxPercent: '22' }] },
      ],
    });
    const [fixed, x1, y1, dynamic, x2, y2] = order.items;
    expect(fixed).toMatchObject({ product_type: 'bundle', row_total: 50, tax_percent: 22 });
    expect([x1!.row_total, y1!.row_total]).toEqual([0, 0]);
    expect(dynamic).toMatchObject({ product_type: 'bundle', row_total: 22.2 });
    expect([x2!.row_total, y2!.row_total, x2!.qty_ordered]).toEqual([6.2, 16, 2]);
    expect(m(order.grand_total)).toBe(paidByRows(order));
  });

  it('order currency other than the base: both kept, each adding up', async () => {
    const order = await place({ ...base, lines: [{ kind: 'simple', sku: 'D', name: 'D', unitPrice: '10', qty: 3, discountPercent: '5' }], currency: 'USD', baseCurrency: 'EUR', rate: '1.0850' });
    expect(order).toMatchObject({ order_currency_code: 'USD', base_currency_code: 'EUR', base_to_order_rate: 1.085 });
    expect(order.items[0]).toMatchObject({ price: 10.85, base_price: 10 });
    expect(m(order.grand_total)).toBe(paidByRows(order));
    expect(order.grand_total).not.toBe(order.base_grand_total);
  });

  it('a virtual order has no shipping address, amount or assignment', async () => {
    const order = await place({ ...base, lines: [{ kind: 'virtual', sku: 'E-BOOK', name: 'E-book', unitPrice: '9', taxPercent: '9.5', qty: 1 }] });
    expect(order).toMatchObject({ is_virtual: 1, shipping_amount: 0, grand_total: 9.86 });
    expect((order.extension_attributes as { shipping_assignments: unknown[] }).shipping_assignments).toEqual([]);
  });

  it('an edit cancels the original and places <number>-1 that names it; a cancel is a cancel', async () => {
    const spec: PlaceOrderSpec = { ...base, lines: [{ kind: 'simple', sku: 'F', name: 'F', unitPrice: '10', qty: 1 }] };
    const original = await place(spec);
    const edited = (await admin(em, 'POST', `/orders/${original.entity_id}/edit`, buildPlaceOrder({ ...spec, lines: [{ kind: 'simple', sku: 'F', name: 'F', unitPrice: '10', qty: 2 }] }))).body as Order;
    expect(edited).toMatchObject({ increment_id: `${original.increment_id}-1`, relation_parent_real_id: original.increment_id, relation_parent_id: String(original.entity_id), original_increment_id: original.increment_id, edit_increment: 1, state: 'new' });
    const old = (await call(em, 'GET', `/rest/V1/orders/${original.entity_id}`)).body as Order;
    expect(old).toMatchObject({ state: 'canceled', status: 'canceled', relation_child_real_id: edited.increment_id });
    const again = (await admin(em, 'POST', `/orders/${edited.entity_id}/edit`, buildPlaceOrder(spec))).body as Order;
    expect(again.increment_id).toBe(`${original.increment_id}-2`);
    expect(again.relation_parent_real_id).toBe(edited.increment_id);
    // An invoiced order cannot be edited.
    const invoiced = await place(spec);
    expect((await call(em, 'POST', `/rest/V1/order/${invoiced.entity_id}/invoice`, {})).status).toBe(200);
    expect((await admin(em, 'POST', `/orders/${invoiced.entity_id}/edit`, buildPlaceOrder(spec))).status).toBe(400);
  });

  it('a shop-side invoice of a discounted order carries the discount negative and the order total', async () => {
    const order = await place({ ...base, lines: [{ kind: 'simple', sku: 'G', name: 'G', unitPrice: '19.99', qty: 2, discountPercent: '20' }], shippingDiscountPercent: '100' });
    const invoiceId = (await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {})).body as number;
    const invoice = (await call(em, 'GET', `/rest/V1/invoices/${invoiceId}`)).body as Record<string, number>;
    expect(invoice.grand_total).toBe(order.grand_total);
    expect(invoice.discount_amount).toBe(order.discount_amount);
    expect(invoice.discount_amount).toBeLessThan(0);
  });
});
