import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlaceOrder, type MagentoEmulator } from '../../../src/emulators/magento/index.js';
import { admin, call, criteria, start } from './helpers.js';

type Status = { operations_list: Array<{ status: number; result_message: string | null }>; operation_count: number };

describe('async and bulk routes', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start({ seed: { generate: { products: 3, customers: 0, orders: 0 } } }); });
  afterAll(async () => { await em.close(); });

  it('answer 202 with a bulk_uuid and stay open (4) until the consumer runs', async () => {
    const res = await call(em, 'POST', '/rest/all/async/bulk/V1/inventory/source-items', [
      { sourceItems: [{ sku: 'ICS-000001', source_code: 'default', quantity: 77, status: 1 }] },
      { sourceItems: [{ sku: 'GHOST', source_code: 'default', quantity: 1, status: 1 }] },
    ]);
    expect(res.status).toBe(202);
    const uuid = (res.body as { bulk_uuid: string; request_items: Array<{ status: string }>; errors: boolean }).bulk_uuid;
    expect(res.body).toMatchObject({ errors: false, request_items: [{ id: 0, status: 'accepted' }, { id: 1, status: 'accepted' }] });
    const open = (await call(em, 'GET', `/rest/V1/bulk/${uuid}/status`)).body as Status;
    expect(open.operations_list.map((o) => o.status)).toEqual([4, 4]);
    expect((await call(em, 'GET', `/rest/V1/bulk/${uuid}/operation-status/4`)).body).toBe(2);
    await admin(em, 'PUT', '/settings', { asyncConsumer: true });
    const done = (await call(em, 'GET', `/rest/V1/bulk/${uuid}/status`)).body as Status;
    expect(done.operations_list.map((o) => o.status)).toEqual([1, 3]);
    expect(done.operations_list[1]?.result_message).toBe('Could not save Source Item');
    const items = await call(em, 'GET', '/rest/V1/inventory/source-items?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=ICS-000001');
    expect((items.body as { items: Array<{ quantity: number }> }).items[0]?.quantity).toBe(77);
  });

  it('runs single async requests immediately while the consumer is on; rejects invalid items', async () => {
    await admin(em, 'PUT', '/settings', { asyncConsumer: true });
    const res = await call(em, 'PUT', '/rest/all/async/V1/products/ICS-000002', { product: { name: 'Šal zimski' } });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 50));
    expect(((await call(em, 'GET', '/rest/all/V1/products/ICS-000002')).body as { name: string }).name).toBe('Šal zimski');
    const bulk = await call(em, 'PUT', '/rest/all/async/bulk/V1/products/bySku', [{ product: { sku: 'ICS-000003', name: 'Ok' } }, { product: { sku: 'ICS-000003', bogus: 1 } }]);
    expect(bulk.body).toMatchObject({ errors: true, request_items: [{ status: 'accepted' }, { status: 'rejected' }] });
    expect((await call(em, 'GET', '/rest/V1/bulk/00000000-0000-0000-0000-000000000000/status')).status).toBe(404);
  });
});

describe('faults and the request log', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start(); });
  afterAll(async () => { await em.close(); });

  it('injects 429 with Retry-After a given number of times, then recovers', async () => {
    await admin(em, 'PUT', '/faults', { rules: [{ path: '/V1/orders*', status: 429, retryAfterSeconds: 3, times: 2 }] });
    const first = await call(em, 'GET', '/rest/V1/orders?searchCriteria=');
    expect(first).toMatchObject({ status: 429, body: { message: 'Too Many Requests' } });
    expect(first.headers['retry-after']).toBe('3');
    expect((await call(em, 'GET', '/rest/V1/orders?searchCriteria=')).status).toBe(429);
    expect((await call(em, 'GET', '/rest/V1/orders?searchCriteria=')).status).toBe(200);
  });

  it('serves a 503 HTML maintenance page, adds latency and resets connections', async () => {
    await admin(em, 'PUT', '/faults', { rules: [{ path: '/V1/invoices*', status: 503, times: 1 }, { path: '/V1/customers/*', latencyMs: 120, times: 1 }, { path: '/V1/shipments', reset: true, times: 1 }] });
    const maintenance = await call(em, 'GET', '/rest/V1/invoices?searchCriteria=');
    expect(maintenance.status).toBe(503);
    expect(maintenance.text).toContain('<html');
    const t0 = Date.now();
    await call(em, 'GET', '/rest/V1/customers/1');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
    await expect(call(em, 'GET', '/rest/V1/shipments?searchCriteria=')).rejects.toThrow();
    await admin(em, 'DELETE', '/faults');
  });

  it('runs the request before losing its answer when afterHandler is set', async () => {
    const order = (await admin(em, 'POST', '/orders', buildPlaceOrder({ lines: [{ kind: 'simple', sku: 'A-1', name: 'Čaj', unitPrice: '3.00', qty: 1 }], billing: { firstname: 'Ana', lastname: 'Kos', street: ['Ulica 1'], city: 'Kranj', postcode: '4000' } }))).body as { entity_id: number };
    const invoices = async (): Promise<number> => ((await call(em, 'GET', `/rest/V1/invoices?${criteria([[['order_id', String(order.entity_id), 'eq']]])}`)).body as { total_count: number }).total_count;
    // Before the handler (the default), a reset leaves nothing behind.
    await admin(em, 'PUT', '/faults', { rules: [{ path: '/V1/order/*/invoice', reset: true, times: 1 }] });
    await expect(call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {})).rejects.toThrow();
    expect(await invoices()).toBe(0);
    await admin(em, 'PUT', '/faults', { rules: [{ path: '/V1/order/*/invoice', reset: true, afterHandler: true, times: 1 }] });
    await expect(call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {})).rejects.toThrow();
    expect(await invoices()).toBe(1);
    await admin(em, 'PUT', '/faults', { rules: [{ path: '/V1/orders/*/comments', method: 'POST', status: 504, afterHandler: true, times: 1 }] });
    const comment = await call(em, 'POST', `/rest/V1/orders/${order.entity_id}/comments`, { statusHistory: { comment: 'ERP: vneseno' } });
    expect(comment.status).toBe(504);
    expect(((await call(em, 'GET', `/rest/V1/orders/${order.entity_id}/comments`)).body as { items: Array<{ comment: string }> }).items.map((c) => c.comment)).toEqual(['ERP: vneseno']);
    await admin(em, 'DELETE', '/faults');
  });

  it('applies a rate limit per window', async () => {
    await admin(em, 'PUT', '/faults', { rateLimit: { limit: 2, windowMs: 60000, retryAfterSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call(em, 'GET', '/rest/V1/orders?searchCriteria=')).status);
    expect(statuses).toEqual([200, 200, 429]);
    await admin(em, 'DELETE', '/faults');
  });

  it('logs requests without secrets', async () => {
    const log = await admin(em, 'GET', '/requests?limit=3');
    const entries = log.body as Array<{ method: string; path: string; status: number; principal: string }>;
    expect(entries).toHaveLength(3);
    expect(entries.at(-1)).toMatchObject({ method: 'GET', path: '/rest/V1/orders', status: 429, principal: 'guest' });
    // Signed and bearer requests are in the log; none of what authenticated them is.
    const token = (await call(em, 'POST', '/rest/V1/integration/admin/token', { username: em.credentials.adminUser, password: em.credentials.adminPassword }, 'none')).body as string;
    expect((await call(em, 'GET', '/rest/V1/orders?searchCriteria=', undefined, { bearer: token })).status).toBe(200);
    const all = await admin(em, 'GET', '/requests');
    expect((all.body as Array<{ principal: string }>).map((e) => e.principal)).toEqual(expect.arrayContaining(['integration', 'admin']));
    const c = em.credentials;
    for (const secret of [c.accessToken, c.accessTokenSecret, c.consumerKey, c.consumerSecret, c.adminPassword, token, 'oauth_signature', 'oauth_nonce', 'OAuth ', 'Bearer']) {
      expect(all.text).not.toContain(secret);
    }
  });
});
