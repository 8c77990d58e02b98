/**
 * The Magento connector against the emulator over real HTTP: the real sample order read back
 * exactly, product scope and exact prices, stock batching and per-record failures, fault
 * injection (429 with Retry-After, 503, HTML pages), every auth kind, legacy stock, deltas.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncError } from '../../../src/core/errors.js';
import { dec } from '../../../src/core/decimal.js';
import { asShopOrderId, asSku, type ShopStockDraft } from '../../../src/core/model.js';
import type { RecordOutcome } from '../../../src/core/ports.js';
import { admin, call, criteria } from '../../emulators/magento/helpers.js';
import { failure } from '../../contract/helpers.js';
import { startMagentoHarness, type MagentoHarness } from '../../contract/shop-port/magento-setup.js';
import { sampleOrder } from './sample.js';

type LogEntry = { method: string; path: string; store: string | null; status: number; query: string };
const requests = async (h: MagentoHarness): Promise<LogEntry[]> => (await admin(h.emulator, 'GET', '/requests')).body as LogEntry[];
/** The API path after `/rest/<store>`. */
const api = (r: LogEntry): string => r.path.replace(/^\/rest\/[^/]+/, '');
/** The error of a failed outcome (fails the test when the outcome succeeded). */
const errorOf = (outcome: RecordOutcome<string> | undefined): SyncError => {
  if (!outcome || outcome.ok) throw new Error('expected a failed outcome');
  return outcome.error as SyncError;
};
const stockRow = (i: number, source = 'default'): ShopStockDraft => ({ sku: asSku(`ICS-${String(i).padStart(6, '0')}`), source, quantity: dec(`${i}.25`), inStock: true });

describe('magento connector over HTTP (2.4.8)', () => {
  let h: MagentoHarness;
  beforeAll(async () => {
    h = await startMagentoHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await admin(h.emulator, 'DELETE', '/requests');
    await admin(h.emulator, 'DELETE', '/faults');
  });

  it('reads the real sample order back as exact lines and amounts', async () => {
    const placed = await admin(h.emulator, 'POST', '/orders', { ...sampleOrder(), increment_id: 'SAMPLE-3' });
    expect(placed.status).toBe(200);
    const stored = placed.body as { entity_id: number; increment_id: string; items: { item_id: number; sku: string; product_type: string; parent_item_id?: number }[] };
    const itemId = (sku: string, type: string) => String(stored.items.find((i) => i.sku === sku && i.product_type === type)!.item_id);
    const order = await h.port.getOrder(asShopOrderId(stored.entity_id));
    expect(order).toMatchObject({
      number: 'SAMPLE-3', currency: 'USD', baseCurrency: 'USD', paymentMethod: 'banktransfer', shippingMethod: 'tablerate_bestway',
      buyer: { email: 'jdoe@example.com', customerId: '3', isGuest: false, firstName: 'Jane', lastName: 'Doe' },
      totals: { subtotal: '160', discount: '0', shipping: '5', shippingInclTax: '5', shippingTaxPercent: '0', tax: '0', grandTotal: '165' },
      baseGrandTotal: '165', invoiced: false, shipped: false,
    });
    const zero = { discountAmount: '0', taxPercent: '0', taxAmount: '0', quantity: '1', discountTaxCompensation: '0' };
    expect(order.lines).toEqual([
      { shopItemId: itemId('WS12-M-Orange', 'simple'), sku: 'WS12-M-Orange', name: 'Radiant Tee-M-Orange', unitPrice: '22', unitPriceInclTax: '22', rowTotal: '22', rowTotalInclTax: '22', origin: 'simple', ...zero },
      { shopItemId: itemId('240-LV08', 'downloadable'), sku: '240-LV08', name: 'Advanced Pilates & Yoga (Strength)', unitPrice: '18', unitPriceInclTax: '18', rowTotal: '18', rowTotalInclTax: '18', origin: 'downloadable', ...zero },
      { shopItemId: itemId('24-WG080-24-WG084-24-WG088-24-WG082-blue-24-WG086', 'bundle'), sku: '24-WG080-24-WG084-24-WG088-24-WG082-blue-24-WG086', name: 'Sprite Yoga Companion Kit', unitPrice: '68', unitPriceInclTax: '68', rowTotal: '68', rowTotalInclTax: '68', origin: 'bundle', ...zero },
      { shopItemId: itemId('MH01-S-Gray', 'configurable'), sku: 'MH01-S-Gray', name: 'Chaz Kangeroo Hoodie-S-Gray', unitPrice: '52', unitPriceInclTax: '52', rowTotal: '52', rowTotalInclTax: '52', origin: 'configurable', ...zero },
    ]);
    expect((await h.port.findOrderByNumber('SAMPLE-3'))?.id).toBe(String(stored.entity_id));
    const children = h.makePort({ bundles: 'children' });
    expect((await children.getOrder(asShopOrderId(stored.entity_id))).lines.map((l) => `${l.sku}=${l.rowTotal}`)).toEqual([
      'WS12-M-Orange=22', '240-LV08=18', '24-WG082-blue=27', '24-WG084=5', '24-WG086=17', '24-WG088=19', 'MH01-S-Gray=52',
    ]);
  });

  it('reads order deltas from updated_at minus the overlap, and filters by status', async () => {
    const id = await h.placeOrder();
    const delta = [];
    for await (const page of h.port.orders({ updatedSince: new Date(Date.now() + 5 * 60_000) })) delta.push(...page);
    // 5 minutes ahead is still inside the 10-minute overlap.
    expect(delta.map((o) => o.id)).toContain(id);
    const log = await requests(h);
    expect(decodeURIComponent(log.at(-1)!.query)).toMatch(/\[field\]=updated_at&.*\[condition_type\]=gteq/);
    const closed = [];
    for await (const page of h.port.orders({ statuses: ['closed'] })) closed.push(...page);
    expect(closed).toEqual([]);
  });

  it('leaves an unreadable order out of its page, names it, and reads the others', async () => {
    const good = await h.placeOrder();
    const bad = await admin(h.emulator, 'POST', '/orders', { ...sampleOrder(), increment_id: 'BROKEN-1', created_at: 'yesterday-ish' });
    expect(bad.status).toBe(200);
    const unreadable: { number?: string; message: string }[] = [];
    const read = [];
    for await (const page of h.port.orders({ onUnreadable: (order, error) => void unreadable.push({ number: order.number, message: (error as SyncError).sentence }) })) read.push(...page);
    expect(read.map((o) => o.id)).toContain(good);
    expect(read.map((o) => o.number)).not.toContain('BROKEN-1');
    expect(unreadable).toEqual([{ number: 'BROKEN-1', message: expect.stringContaining('Order BROKEN-1 could not be read') }]);
  });

  it('creates products through /rest/all with exact prices and never echoes type or set on update', async () => {
    const sku = asSku('NEW-1');
    const draft = { sku, name: 'Nov izdelek', price: dec('19.99'), enabled: true, weight: dec('0.125'), taxClassId: 2, attributes: { description: 'Opis' } };
    expect(await h.port.upsertProducts([draft], { mode: 'create-or-update' })).toEqual([{ key: sku, ok: true, created: true }]);
    expect(await h.port.upsertProducts([{ ...draft, price: dec('21.10'), enabled: false }], { mode: 'update' })).toEqual([{ key: sku, ok: true, created: false }]);
    const writes = (await requests(h)).filter((r) => r.method === 'POST');
    expect(writes.map((r) => [api(r), r.store, r.status])).toEqual([['/V1/products', 'all', 200], ['/V1/products', 'all', 200]]);
    const stored = (await call(h.emulator, 'GET', `/rest/all/V1/products?${criteria([[['sku', sku, 'eq']]])}`)).body as { items: { price: number; status: number; weight: number; visibility: number }[] };
    expect(stored.items[0]).toMatchObject({ price: 21.1, status: 2, weight: 0.125, visibility: 4 });
    const state = await h.port.findProducts([sku, asSku('new-1'), asSku('NOPE')]);
    expect(state.get(sku)).toMatchObject({ sku, enabled: false, typeId: 'simple', name: 'Nov izdelek' });
    expect([...state.keys()]).toEqual([sku, 'new-1']);
  });

  it('gives a business error with Magento placeholders filled in', async () => {
    const port = h.makePort({ productDefaults: { attributeSetId: 999 } });
    const [outcome] = await port.upsertProducts([{ sku: asSku('BAD-SET'), name: 'x', enabled: true, attributes: {} }], { mode: 'create-or-update' });
    expect(outcome!.ok).toBe(false);
    const error = errorOf(outcome);
    expect(error.errorClass).toBe('business');
    expect(error.remoteMessage).toBe('Invalid product data: Invalid attribute set entity type');
    expect(error.sentence).toContain('product BAD-SET');
    expect(error.record).toEqual({ kind: 'product', key: 'BAD-SET' });
  });

  it('writes source items in batches of batchSize', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => stockRow(i + 1));
    const outcomes = await h.port.writeStock(rows);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.map((o) => o.key)).toEqual(rows.map((r) => `${r.sku}@default`));
    expect((await requests(h)).filter((r) => api(r) === '/V1/inventory/source-items').length).toBe(2);
    const item = (await call(h.emulator, 'GET', `/rest/V1/inventory/source-items?${criteria([[['sku', 'ICS-000025', 'eq']]])}`)).body as { items: { quantity: number; status: number }[] };
    expect(item.items[0]).toMatchObject({ quantity: 25.25, status: 1 });
  });

  it('narrows a refused batch down to the bad row, which fails alone with Magento\'s message', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => stockRow(i + 1));
    rows[13] = { ...rows[13]!, sku: asSku('NI-TEGA') };
    const outcomes = await h.port.writeStock(rows);
    expect(outcomes.filter((o) => !o.ok).map((o) => o.key)).toEqual(['NI-TEGA@default']);
    const error = errorOf(outcomes[13]);
    expect(error.errorClass).toBe('business');
    expect(error.record).toEqual({ kind: 'stock', key: 'NI-TEGA@default' });
    expect(error.sentence).toMatch(/Magento answered 400 Bad Request \("Could not save Source Item"\)/);
    // 1 refused batch of 20, halves of 10, 5, 3/2, 2/1, 1: about 2·log2(20) requests, not 20.
    expect((await requests(h)).filter((r) => api(r) === '/V1/inventory/source-items').length).toBeLessThanOrEqual(11);
  });

  it('waits for Retry-After on a 429 and retries a read', async () => {
    await admin(h.emulator, 'PUT', '/faults', { rules: [{ path: '/V1/orders*', status: 429, retryAfterSeconds: 1, times: 1 }] });
    const started = Date.now();
    const id = await h.placeOrder();
    expect((await h.port.getOrder(id)).id).toBe(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((await requests(h)).filter((r) => api(r).startsWith('/V1/orders')).map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries 503 maintenance pages on repeatable calls and gives up as transient with the page title', async () => {
    await admin(h.emulator, 'PUT', '/faults', { rules: [{ path: '/V1/inventory/source-items', status: 503, times: 2 }] });
    expect((await h.port.writeStock([stockRow(3)]))[0]!.ok).toBe(true);
    await admin(h.emulator, 'PUT', '/faults', { rules: [{ path: '/V1/orders*', status: 503 }] });
    const error = await failure(h.port.getOrder(asShopOrderId(1)));
    expect(error.errorClass).toBe('transient');
    expect(error.status).toBe(503);
    expect(error.remoteMessage).toBe('Service Temporarily Unavailable');
    expect(error.sentence).toMatch(/^reading order 1 from Magento: Magento answered 503/);
  });

  it('never repeats an invoice creation that failed after sending; a 5xx there is transient', async () => {
    const id = await h.placeOrder();
    await admin(h.emulator, 'PUT', '/faults', { rules: [{ path: '/V1/order/*/invoice', method: 'POST', status: 500, times: 1 }] });
    const error = await failure(h.port.createInvoice(id, { comment: 'ERP 1', notifyCustomer: false }));
    expect(error.errorClass).toBe('transient');
    expect((await requests(h)).filter((r) => r.path.endsWith('/invoice')).length).toBe(1);
    expect(await h.port.createInvoice(id, { comment: 'ERP 1', notifyCustomer: false })).toMatch(/^\d+$/);
  });

  it('returns the invoice a lost answer hid: the create took effect, the connection dropped, the look-again finds it', async () => {
    const id = await h.placeOrder();
    const comment = 'ERP invoice LOST-1';
    await admin(h.emulator, 'PUT', '/faults', { rules: [{ path: '/V1/order/*/invoice', method: 'POST', reset: true, afterHandler: true, times: 1 }] });
    const invoiceId = await h.port.createInvoice(id, { comment, notifyCustomer: false });
    const stored = (await call(h.emulator, 'GET', `/rest/V1/invoices?${criteria([[['order_id', id, 'eq']]])}`)).body as { total_count: number; items: { entity_id: number }[] };
    expect(stored.total_count).toBe(1);
    expect(invoiceId).toBe(String(stored.items[0]!.entity_id));
    // One POST (never repeated), then the look-again that found it.
    const log = await requests(h);
    expect(log.filter((r) => r.method === 'POST' && r.path.endsWith('/invoice')).map((r) => r.status)).toEqual([0]);
    expect(log.filter((r) => r.method === 'GET' && api(r) === '/V1/invoices').length).toBe(2);
  });

  it('returns the invoice hidden behind a proxy error after the create took effect', async () => {
    const id = await h.placeOrder();
    await admin(h.emulator, 'PUT', '/faults', { rules: [{ path: '/V1/order/*/invoice', method: 'POST', status: 502, afterHandler: true, times: 1 }] });
    const invoiceId = await h.port.createInvoice(id, { comment: 'ERP invoice LOST-2', notifyCustomer: false });
    const stored = (await call(h.emulator, 'GET', `/rest/V1/invoices?${criteria([[['order_id', id, 'eq']]])}`)).body as { total_count: number; items: { entity_id: number }[] };
    expect(stored.total_count).toBe(1);
    expect(invoiceId).toBe(String(stored.items[0]!.entity_id));
  });

  it('names the invoice and the field when an invoice date is unreadable', async () => {
    const id = await h.placeOrder();
    const invoiceId = await h.port.createInvoice(id, { comment: 'ERP invoice DATE-1', notifyCustomer: false });
    // A shop module that rewrote the date: the stored row is what Magento would answer.
    h.emulator.runtime.state.invoices.get(Number(invoiceId))!.created_at = '21.08.2017';
    const error = await failure(h.port.listInvoices(id));
    expect(error.errorClass).toBe('business');
    expect(error.record).toEqual({ kind: 'invoice', key: invoiceId });
    expect(error.sentence).toContain(`of order ${id}`);
    expect(error.sentence).toContain('created_at "21.08.2017"');
  });

  it('reads an order date that names its zone in that zone', async () => {
    const placed = await admin(h.emulator, 'POST', '/orders', { ...sampleOrder(), increment_id: 'ZONE-1', created_at: '2026-03-29T03:30:00+02:00', updated_at: '2026-03-29 01:45:00' });
    const order = await h.port.getOrder(asShopOrderId((placed.body as { entity_id: number }).entity_id));
    expect(order.createdAt).toBe('2026-03-29T01:30:00.000Z');
  });

  it('refuses a PDF larger than attachments.maxBytes before sending it', async () => {
    const port = h.makePort({ attachments: { maxBytes: 10 } });
    const error = await failure(port.attachInvoicePdf('1' as never, { fileName: 'a.pdf', bytes: Buffer.alloc(11) }));
    expect(error.errorClass).toBe('business');
    expect(error.sentence).toContain('shop.magento.attachments.maxBytes');
  });

  it('gives configuration errors naming the setting: bad secret, integration token as bearer, unknown store code', async () => {
    const c = h.emulator.credentials;
    const bearer = await failure(h.makePort({ auth: { kind: 'bearer', token: c.accessToken } }).getOrder(asShopOrderId(1)));
    expect(bearer.errorClass).toBe('configuration');
    expect(bearer.sentence).toContain('shop.magento.auth');
    expect(bearer.sentence).toContain('enable_integration_as_bearer');
    expect(bearer.remoteMessage).toBe("The consumer isn't authorized to access Magento_Sales::actions_view.");
    expect(bearer.sentence).not.toContain(c.accessToken);
    const store = await failure(h.makePort({ storeCode: 'nosuchstore' }).getOrder(asShopOrderId(1)));
    expect(store.errorClass).toBe('configuration');
    expect(store.sentence).toContain('shop.magento.storeCode');
    const password = await failure(h.makePort({ auth: { kind: 'admin-token', username: c.adminUser, password: 'wrong' } }).checkConnection());
    expect(password.errorClass).toBe('configuration');
    expect(password.sentence).toContain('shop.magento.auth.username and password');
  });
});

describe('magento connector: admin token, bearer, legacy stock, 2.4.3 batch limit', () => {
  it('uses an admin token, reuses it, and fetches a new one after it expired', async () => {
    const h = await startMagentoHarness({ emulator: { adminTokenLifetimeSeconds: 1 } });
    try {
      const c = h.emulator.credentials;
      const port = h.makePort({ auth: { kind: 'admin-token', username: c.adminUser, password: c.adminPassword } });
      await port.getOrder(asShopOrderId(1));
      await port.getOrder(asShopOrderId(2));
      await sleep(1100);
      await port.getOrder(asShopOrderId(3));
      const log = (await admin(h.emulator, 'GET', '/requests')).body as LogEntry[];
      expect(log.filter((r) => api(r) === '/V1/integration/admin/token').length).toBe(2);
      expect(log.filter((r) => api(r).startsWith('/V1/orders/')).map((r) => r.status)).toEqual([200, 200, 401, 200]);
    } finally {
      await h.close();
    }
  });

  it('gives a configuration error pointing to OAuth when 2FA refuses the admin login (400 on 2.4.8, 401 before)', async () => {
    for (const version of ['2.4.8', '2.4.3'] as const) {
      const h = await startMagentoHarness({ emulator: { version, twoFactorAuth: true } });
      try {
        const c = h.emulator.credentials;
        const error = await failure(h.makePort({ auth: { kind: 'admin-token', username: c.adminUser, password: c.adminPassword } }).checkConnection());
        expect(error.errorClass, version).toBe('configuration');
        expect(error.status, version).toBe(version === '2.4.8' ? 400 : 401);
        expect(error.sentence, version).toContain('use auth.kind: oauth');
        expect(error.sentence).not.toContain(c.adminPassword);
      } finally {
        await h.close();
      }
    }
  });

  it('uses an integration token as bearer where the shop allows it', async () => {
    const h = await startMagentoHarness({ emulator: { enableIntegrationAsBearer: true } });
    try {
      const port = h.makePort({ auth: { kind: 'bearer', token: h.emulator.credentials.accessToken } });
      expect((await port.getOrder(asShopOrderId(1))).id).toBe('1');
    } finally {
      await h.close();
    }
  });

  it('writes legacy stock items for the default source only', async () => {
    const h = await startMagentoHarness({ settings: { stock: { mode: 'legacy' } } });
    try {
      const outcomes = await h.port.writeStock([stockRow(4), stockRow(5, 'ljubljana')]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
      expect(errorOf(outcomes[1]).sentence).toContain('stock.mode: msi');
      const item = (await call(h.emulator, 'GET', '/rest/V1/stockItems/ICS-000004')).body as { qty: number; is_in_stock: boolean };
      expect(item).toMatchObject({ qty: 4.25, is_in_stock: true });
      expect((await h.port.listSources()).map((s) => s.code)).toEqual(['default']);
    } finally {
      await h.close();
    }
  });

  it('finds an invoice beyond the first page before creating one (a shop that pages at 2)', async () => {
    const h = await startMagentoHarness({ emulator: { maxPageSize: 2 }, settings: { pageSize: 2 } });
    try {
      const lines = ['K-1', 'K-2', 'K-3'].map((sku) => ({ kind: 'simple' as const, sku, name: `Kava ${sku}`, unitPrice: '5.00', qty: 1 }));
      const orderId = await h.placeOrder({ lines });
      const order = (await call(h.emulator, 'GET', `/rest/V1/orders/${orderId}`)).body as { items: { item_id: number }[] };
      const made: string[] = [];
      for (const [i, item] of order.items.entries()) {
        const reply = await call(h.emulator, 'POST', `/rest/V1/order/${orderId}/invoice`, { items: [{ order_item_id: item.item_id, qty: 1 }], comment: { comment: `ERP invoice PAGE-${i}` } });
        made.push(String(reply.body));
      }
      expect((await h.port.listInvoices(orderId)).map((i) => i.id)).toEqual(made);
      await admin(h.emulator, 'DELETE', '/requests');
      // The third invoice is on the second page: found, so nothing is posted.
      expect(await h.port.createInvoice(orderId, { comment: 'ERP invoice PAGE-2', notifyCustomer: false })).toBe(made[2]);
      const log = (await admin(h.emulator, 'GET', '/requests')).body as LogEntry[];
      expect(log.filter((r) => api(r) === '/V1/invoices').map((r) => r.status)).toEqual([200, 200]);
      expect(log.filter((r) => r.method === 'POST')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('shrinks batches to the limit 2.4.3 names and writes every row', async () => {
    const h = await startMagentoHarness({ emulator: { version: '2.4.3' }, settings: { stock: { mode: 'msi', batchSize: 100 } } });
    try {
      const rows = Array.from({ length: 30 }, (_, i) => stockRow(i + 1));
      const outcomes = await h.port.writeStock(rows);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      const statuses = ((await admin(h.emulator, 'GET', '/requests')).body as LogEntry[]).filter((r) => api(r) === '/V1/inventory/source-items').map((r) => r.status);
      expect(statuses).toEqual([400, 200, 200]);
      // The limit is remembered: the next write sends 20 at a time at once.
      await admin(h.emulator, 'DELETE', '/requests');
      await h.port.writeStock(rows);
      expect(((await admin(h.emulator, 'GET', '/requests')).body as LogEntry[]).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      await h.close();
    }
  });
});
