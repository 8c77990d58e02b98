import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec, div } from '../../../src/core/decimal.js';
import { buildPlaceOrder, type MagentoEmulator, type PlaceOrderSpec } from '../../../src/emulators/magento/index.js';
import { sampleOrder } from '../../connectors/magento/sample.js';
import { admin, call, start } from './helpers.js';

type Order = { entity_id: number; state: string; status: string; grand_total: number; subtotal: number; tax_amount: number; updated_at: string; items: Array<{ item_id: number; product_type: string; parent_item_id?: number; price: number }>; billing_address: { vat_id?: string }; extension_attributes: { shipping_assignments: unknown[] } };

const spec: PlaceOrderSpec = {
  lines: [
    { kind: 'simple', sku: 'A-1', name: 'Čokolada', unitPrice: '2.99', taxPercent: '9.5', qty: 3 },
    { kind: 'configurable', sku: 'M-S-RED', name: 'Majica S rdeča', parentSku: 'M', parentName: 'Majica', unitPrice: '19.90', taxPercent: '22', qty: 1 },
    { kind: 'bundle', sku: 'PAKET', name: 'Darilni paket', qty: 1, children: [{ sku: 'A-1', name: 'Čokolada', unitPrice: '2.99', taxPercent: '9.5', qty: 2 }, { sku: 'S-1', name: 'Šal', unitPrice: '15', qty: 1 }] },
  ],
  customer: { id: 1, email: 'spela@example.si', firstname: 'Špela', lastname: 'Žagar' },
  billing: { firstname: 'Špela', lastname: 'Žagar', street: ['Čopova 1'], city: 'Ljubljana', postcode: '1000', company: 'Žagar d.o.o.', vatId: 'SI12345678' },
};
/**
 * The order with every base_* amount divided by `rate`: a shop whose base currency is worth
 * `rate` order-currency units (base_to_order_rate), so base and order amounts differ.
 */
function inBaseCurrency(order: unknown, rate: string, base: string, quote: string): unknown {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const amount = key.startsWith('base_') && key !== 'base_to_global_rate' && key !== 'base_to_order_rate' && typeof value === 'number';
      out[key] = amount ? Number(div(dec(String(value)), dec(rate))) : walk(value);
    }
    return out;
  };
  return { ...(walk(order) as object), base_to_order_rate: Number(rate), base_currency_code: base, order_currency_code: quote, global_currency_code: base };
}

type Invoice = { grand_total: number; base_grand_total: number; subtotal: number; base_subtotal: number; shipping_amount: number; base_shipping_amount: number; tax_amount: number; base_tax_amount: number; total_qty: number; items: Array<{ sku: string; qty: number; row_total: number; base_row_total: number; tax_amount: number; base_tax_amount: number }> };
type Totals = { total_due: number; base_total_due: number; total_paid: number; base_total_paid: number; total_invoiced: number; base_total_invoiced: number; base_subtotal_invoiced: number; base_shipping_invoiced: number };

const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('orders, invoices, shipments, attachments', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start(); });
  afterAll(async () => { await em.close(); });
  const place = async (): Promise<Order> => (await admin(em, 'POST', '/orders', buildPlaceOrder(spec))).body as Order;

  it('builds orders whose totals add up exactly, with composite rows', async () => {
    const order = await place();
    // 8.97 + 19.90 + (5.98 + 15) = 49.85 net; tax 0.85 + 4.38 + 0.57 + 3.30 = 9.10; shipping 4.50 + 0.99
    expect(order.subtotal).toBe(49.85);
    expect(order.tax_amount).toBe(10.09);
    expect(order.grand_total).toBe(64.44);
    expect(order.items.map((i) => i.product_type)).toEqual(['simple', 'configurable', 'simple', 'bundle', 'simple', 'simple']);
    expect(order.items[2]).toMatchObject({ parent_item_id: order.items[1]?.item_id, price: 0 });
    expect(order.billing_address.vat_id).toBe('SI12345678');
    expect(order.extension_attributes.shipping_assignments).toHaveLength(1);
    const got = await call(em, 'GET', `/rest/V1/orders/${order.entity_id}`);
    expect(got.body).toEqual(order);
    expect((await call(em, 'GET', '/rest/V1/orders/999')).body).toEqual({ message: "The entity that was requested doesn't exist. Verify the entity and try again." });
  });

  it('keeps base-currency amounts apart from order-currency amounts on invoices and order totals', async () => {
    // Adobe's sample order (165 USD) in a shop whose base currency is worth 2 order units: base 82.5.
    const placed = (await admin(em, 'POST', '/orders', inBaseCurrency(sampleOrder(), '2', 'EUR', 'USD'))).body as Omit<Order, 'items'> & { base_grand_total: number; items: Array<{ item_id: number; sku: string }> };
    expect(placed).toMatchObject({ grand_total: 165, base_grand_total: 82.5 });
    const tee = placed.items.find((i) => i.sku === 'WS12-M-Orange')!;
    const firstId = (await call(em, 'POST', `/rest/V1/order/${placed.entity_id}/invoice`, { items: [{ order_item_id: tee.item_id, qty: 1 }] })).body as number;
    const first = (await call(em, 'GET', `/rest/V1/invoices/${firstId}`)).body as Invoice;
    // 22 for the tee + 5 shipping; in base 11 + 2.5.
    expect(first).toMatchObject({ grand_total: 27, base_grand_total: 13.5, subtotal: 22, base_subtotal: 11, shipping_amount: 5, base_shipping_amount: 2.5, total_qty: 1 });
    expect(first.items).toEqual([expect.objectContaining({ sku: 'WS12-M-Orange', row_total: 22, base_row_total: 11 })]);
    expect((await call(em, 'GET', `/rest/V1/orders/${placed.entity_id}`)).body).toMatchObject({ total_due: 138, base_total_due: 69, total_paid: 27, base_total_paid: 13.5 } satisfies Partial<Totals>);
    const restId = (await call(em, 'POST', `/rest/V1/order/${placed.entity_id}/invoice`, {})).body as number;
    const rest = (await call(em, 'GET', `/rest/V1/invoices/${restId}`)).body as Invoice;
    // Downloadable, bundle + 4 children, configurable + child: 8 rows invoiced, each counted.
    expect(rest).toMatchObject({ grand_total: 138, base_grand_total: 69, shipping_amount: 0, base_shipping_amount: 0, total_qty: 8 });
    expect(rest.items.find((i) => i.sku === '24-WG080-24-WG084-24-WG088-24-WG082-blue-24-WG086')).toMatchObject({ row_total: 68, base_row_total: 34 });
    expect((await call(em, 'GET', `/rest/V1/orders/${placed.entity_id}`)).body).toMatchObject({
      total_due: 0, base_total_due: 0, total_invoiced: 165, base_total_invoiced: 82.5, base_subtotal_invoiced: 80, base_shipping_invoiced: 2.5,
    } satisfies Partial<Totals>);
  });

  it('splits base amounts pro rata on a partial quantity, taxes included', async () => {
    // 3 × 10.00 at 22 % + 4.10 shipping at 22 %: 41.60; base at rate 2: 20.80.
    const body = buildPlaceOrder({ ...spec, lines: [{ kind: 'simple', sku: 'K-1', name: 'Kava', unitPrice: '10.00', taxPercent: '22', qty: 3 }], shippingAmount: '4.10' });
    const placed = (await admin(em, 'POST', '/orders', inBaseCurrency(body, '2', 'EUR', 'USD'))).body as Order & { base_grand_total: number };
    expect(placed).toMatchObject({ grand_total: 41.6, base_grand_total: 20.8 });
    const one = (await call(em, 'POST', `/rest/V1/order/${placed.entity_id}/invoice`, { items: [{ order_item_id: placed.items[0]!.item_id, qty: 1 }] })).body as number;
    const invoice = (await call(em, 'GET', `/rest/V1/invoices/${one}`)).body as Invoice;
    expect(invoice).toMatchObject({ grand_total: 17.2, base_grand_total: 8.6, tax_amount: 3.1, base_tax_amount: 1.55 });
    expect(invoice.items[0]).toMatchObject({ row_total: 10, base_row_total: 5, tax_amount: 2.2, base_tax_amount: 1.1 });
    await call(em, 'POST', `/rest/V1/order/${placed.entity_id}/invoice`, {});
    expect((await call(em, 'GET', `/rest/V1/orders/${placed.entity_id}`)).body).toMatchObject({ total_due: 0, base_total_due: 0, total_paid: 41.6, base_total_paid: 20.8 });
  });

  it('counts composite children in an invoice\'s total_qty, as Adobe\'s sample invoice does', async () => {
    const placed = (await admin(em, 'POST', '/orders', sampleOrder())).body as Order;
    const id = (await call(em, 'POST', `/rest/V1/order/${placed.entity_id}/invoice`, {})).body as number;
    const invoice = (await call(em, 'GET', `/rest/V1/invoices/${id}`)).body as Invoice;
    expect(invoice).toMatchObject({ total_qty: 9, grand_total: 165, base_grand_total: 165 });
    expect(invoice.items).toHaveLength(9);
  });

  it('invoice → processing, ship → complete, second invoice → 400', async () => {
    const order = await place();
    const invoice = await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, { capture: true, notify: false });
    expect(invoice.status).toBe(200);
    expect(typeof invoice.body).toBe('number');
    expect((await call(em, 'GET', `/rest/V1/orders/${order.entity_id}`)).body).toMatchObject({ state: 'processing', status: 'processing' });
    const inv = (await call(em, 'GET', `/rest/V1/invoices/${String(invoice.body)}`)).body as { state: number; grand_total: number; order_id: number };
    expect(inv).toMatchObject({ state: 2, grand_total: 64.44, order_id: order.entity_id });
    const again = await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {});
    expect(again).toMatchObject({ status: 400, body: { message: 'Invoice Document Validation Error(s):\nThe order does not allow an invoice to be created.' } });
    const ship = await call(em, 'POST', `/rest/V1/order/${order.entity_id}/ship`, { tracks: [{ track_number: '1Z', title: 'Pošta', carrier_code: 'custom' }] });
    expect(typeof ship.body).toBe('number');
    expect((await call(em, 'GET', `/rest/V1/orders/${order.entity_id}`)).body).toMatchObject({ state: 'complete', status: 'complete' });
    const invoiceAfter = await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {});
    expect((invoiceAfter.body as { message: string }).message).toBe('Invoice Document Validation Error(s):\nAn invoice cannot be created when an order has a status of complete');
  });

  it('ship first → processing; partial invoice stays processing; the rest completes', async () => {
    const order = await place();
    await call(em, 'POST', `/rest/V1/order/${order.entity_id}/ship`, {});
    expect((await call(em, 'GET', `/rest/V1/orders/${order.entity_id}`)).body).toMatchObject({ state: 'processing' });
    const first = order.items[0] as { item_id: number };
    await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, { items: [{ order_item_id: first.item_id, qty: 1 }] });
    expect((await call(em, 'GET', `/rest/V1/orders/${order.entity_id}`)).body).toMatchObject({ state: 'processing' });
    await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {});
    const done = (await call(em, 'GET', `/rest/V1/orders/${order.entity_id}`)).body as Order & { total_invoiced: number; total_due: number };
    expect(done).toMatchObject({ state: 'complete', total_invoiced: 64.44, total_due: 0 });
    const list = await call(em, 'GET', `/rest/V1/invoices?searchCriteria[filter_groups][0][filters][0][field]=order_id&searchCriteria[filter_groups][0][filters][0][value]=${order.entity_id}`);
    expect((list.body as { total_count: number }).total_count).toBe(2);
  });

  it('order comments: status must belong to the current state', async () => {
    const order = await place();
    expect((await call(em, 'POST', `/rest/V1/orders/${order.entity_id}/comments`, { statusHistory: { comment: 'ERP: prejeto', is_customer_notified: 0, is_visible_on_front: 0 } })).body).toBe(true);
    const bad = await call(em, 'POST', `/rest/V1/orders/${order.entity_id}/comments`, { statusHistory: { comment: 'x', status: 'complete' } });
    expect(bad).toMatchObject({ status: 400, body: { message: 'Unable to add comment: The status "%1" is not part of the order status history.', parameters: ['complete'] } });
    const comments = await call(em, 'GET', `/rest/V1/orders/${order.entity_id}/comments`);
    expect((comments.body as { total_count: number }).total_count).toBe(1);
  });

  it('attaches PDFs to invoices, refuses others, and mails them with the invoice', async () => {
    const order = await place();
    const invoiceId = (await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {})).body as number;
    const path = `/rest/V1/icsync/invoices/${invoiceId}/attachments`;
    const ok = await call(em, 'POST', path, { attachment: { file_name: 'racun-2026-1.pdf', mime_type: 'application/pdf', content: pdf.toString('base64') } });
    expect(ok.status).toBe(200);
    expect(typeof ok.body).toBe('number');
    expect((await call(em, 'POST', path, { attachment: { file_name: 'racun-2026-1.pdf', mime_type: 'application/pdf', content: pdf.toString('base64') } })).body).toBe(ok.body);
    const notPdf = await call(em, 'POST', path, { attachment: { file_name: 'a.txt', mime_type: 'text/plain', content: Buffer.from('hello').toString('base64') } });
    expect(notPdf).toMatchObject({ status: 400, body: { parameters: ['text/plain'] } });
    const fake = await call(em, 'POST', path, { attachment: { file_name: 'a.pdf', mime_type: 'application/pdf', content: Buffer.from('hello').toString('base64') } });
    expect(fake).toMatchObject({ status: 400, body: { message: 'The attachment content is not a PDF document.' } });
    em.runtime.settings.attachmentMaxBytes = 40;
    const big = await call(em, 'POST', path, { attachment: { file_name: 'big.pdf', mime_type: 'application/pdf', content: Buffer.concat([pdf, Buffer.alloc(100)]).toString('base64') } });
    em.runtime.settings.attachmentMaxBytes = 5 * 1024 * 1024;
    expect(big).toMatchObject({ status: 400, body: { message: 'The attachment is larger than the allowed %1 bytes.', parameters: [40] } });
    expect((await call(em, 'POST', path, { attachment: { file_name: 'a.pdf', mime_type: 'application/pdf', content: 'x', extra: 1 } })).status).toBe(400);
    expect((await call(em, 'POST', '/rest/V1/icsync/invoices/9999/attachments', { attachment: { file_name: 'a.pdf', mime_type: 'application/pdf', content: pdf.toString('base64') } })).status).toBe(404);
    const meta = await call(em, 'GET', path);
    expect(meta.body).toEqual([expect.objectContaining({ attachment_id: ok.body, invoice_id: invoiceId, file_name: 'racun-2026-1.pdf', mime_type: 'application/pdf', size: pdf.length })]);
    expect(JSON.stringify(meta.body)).not.toContain('content');
    expect((await call(em, 'POST', `/rest/V1/invoices/${invoiceId}/emails`)).body).toBe(true);
    const emails = (await admin(em, 'GET', '/emails')).body as Array<{ kind: string; entity_id: number; to: string; attachments: Array<{ file_name: string; size: number }> }>;
    const mail = emails.find((e) => e.kind === 'invoice' && e.entity_id === invoiceId);
    expect(mail).toMatchObject({ to: 'spela@example.si', attachments: [{ file_name: 'racun-2026-1.pdf', size: pdf.length }] });
  });

  it('invoice comments via POST /V1/invoices/comments; no /V1/invoices/{id}/comments POST route', async () => {
    const order = await place();
    const invoiceId = (await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {})).body as number;
    const saved = await call(em, 'POST', '/rest/V1/invoices/comments', { entity: { parent_id: invoiceId, comment: 'ERP račun 2026-7', is_customer_notified: 0, is_visible_on_front: 0 } });
    expect(saved.body).toMatchObject({ parent_id: invoiceId, comment: 'ERP račun 2026-7' });
    expect((await call(em, 'POST', `/rest/V1/invoices/${invoiceId}/comments`, { entity: {} })).status).toBe(404);
    expect(((await call(em, 'GET', `/rest/V1/invoices/${invoiceId}/comments`)).body as { total_count: number }).total_count).toBe(1);
  });
});
