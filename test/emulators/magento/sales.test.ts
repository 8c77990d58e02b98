import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlaceOrder, type MagentoEmulator, type PlaceOrderSpec } from '../../../src/emulators/magento/index.js';
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
