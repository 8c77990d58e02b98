/**
 * Customers, seeding (`samples`, `demo`, a JSON file — through the `icsync emulate magento`
 * runner), the /__admin reset and seed routes and their loopback-only guard, over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMagentoEmulatorFromArgs } from '../../../src/emulators/magento/cli.js';
import { buildPlaceOrder, type MagentoEmulator } from '../../../src/emulators/magento/index.js';
import { admin, call, criteria, start } from './helpers.js';

type State = { products: number; customers: number; orders: number; invoices: number };
type Customer = { id: number; email: string; firstname: string; addresses: Array<{ customer_id: number }> };

/** Starts the emulator the way `icsync emulate magento --seed <seed>` does and reads its handshake line. */
async function startFromCli(seed: string): Promise<{ em: MagentoEmulator; line: Record<string, string> }> {
  let printed = '';
  const em = await runMagentoEmulatorFromArgs({ port: 0, seed, write: (text) => { printed = text; } });
  return { em, line: JSON.parse(printed) as Record<string, string> };
}

describe('customers', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start({ seed: { generate: { products: 2, customers: 3, orders: 0, seed: 5 } } }); });
  afterAll(async () => { await em.close(); });

  it('GET /V1/customers/{id} answers the customer, an unknown id the NoSuchEntity 404 with its parameters', async () => {
    const one = await call(em, 'GET', '/rest/V1/customers/2');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 2, website_id: 1, addresses: [expect.objectContaining({ customer_id: 2, country_id: 'SI' })] });
    expect(await call(em, 'GET', '/rest/V1/customers/999')).toMatchObject({
      status: 404, body: { message: 'No such entity with %fieldName = %fieldValue', parameters: { fieldName: 'customerId', fieldValue: 999 } },
    });
    expect(await call(em, 'GET', '/rest/V1/customers/2', undefined, 'none')).toMatchObject({ status: 401, body: { parameters: { resources: 'Magento_Customer::customer' } } });
  });

  it('GET /V1/customers/search finds by e-mail and pages the rest', async () => {
    const two = (await call(em, 'GET', '/rest/V1/customers/2')).body as Customer;
    const found = await call(em, 'GET', `/rest/V1/customers/search?${criteria([[['email', two.email, 'eq']]])}`);
    expect(found.body).toMatchObject({ total_count: 1, items: [{ id: 2, email: two.email }], search_criteria: { filter_groups: [{ filters: [{ field: 'email', value: two.email }] }] } });
    const page = await call(em, 'GET', `/rest/V1/customers/search?${criteria([], { pageSize: 2, currentPage: 2 })}`);
    expect(page.body).toMatchObject({ total_count: 3, items: [{ id: 3 }] });
    expect((await call(em, 'GET', '/rest/V1/customers/search')).status).toBe(400);
  });
});

describe('seeds through the emulate runner', () => {
  it('--seed samples: Adobe\'s order 3, its customer under the order\'s customer_id, the sample product', async () => {
    const { em, line } = await startFromCli('samples');
    try {
      expect(line).toMatchObject({ baseUrl: em.baseUrl, version: '2.4.8', consumerKey: em.credentials.consumerKey });
      const order = (await call(em, 'GET', '/rest/V1/orders/3')).body as { increment_id: string; customer_id: number; grand_total: number };
      expect(order).toMatchObject({ increment_id: '000000003', customer_id: 3, grand_total: 165 });
      const customer = await call(em, 'GET', `/rest/V1/customers/${order.customer_id}`);
      expect(customer.body).toMatchObject({ id: 3, email: 'jdoe@example.com', addresses: [{ customer_id: 3 }] });
      expect((await call(em, 'GET', '/rest/all/V1/products/MS-Champ-S')).status).toBe(200);
      expect((await admin(em, 'GET', '/state')).body).toMatchObject({ products: 1, customers: 1, orders: 1 } satisfies Partial<State>);
    } finally {
      await em.close();
    }
  });

  it('--seed demo: 300 products, 50 customers, 40 orders', async () => {
    const { em } = await startFromCli('demo');
    try {
      expect((await admin(em, 'GET', '/state')).body).toMatchObject({ products: 300, customers: 50, orders: 40 } satisfies Partial<State>);
      expect(((await call(em, 'GET', `/rest/V1/orders?${criteria([], { pageSize: 1 })}`)).body as { total_count: number }).total_count).toBe(40);
    } finally {
      await em.close();
    }
  });

  it('--seed FILE: products, customers, source items and orders from a JSON file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'icsync-magento-seed-'));
    const file = join(dir, 'shop.json');
    writeFileSync(file, JSON.stringify({
      products: [{ sku: 'DATOTEKA-1', name: 'Šal iz datoteke', price: 12.5, type_id: 'simple', attribute_set_id: 4 }],
      customers: [{ id: 40, email: 'iz.datoteke@example.si', firstname: 'Žiga', lastname: 'Kos', website_id: 1 }],
      sourceItems: [{ sku: 'DATOTEKA-1', source_code: 'default', quantity: 8, status: 1 }],
      orders: [buildPlaceOrder({ lines: [{ kind: 'simple', sku: 'DATOTEKA-1', name: 'Šal iz datoteke', unitPrice: '12.50', qty: 1 }], billing: { firstname: 'Žiga', lastname: 'Kos', street: ['Ulica 1'], city: 'Celje', postcode: '3000' }, incrementId: 'FILE-1' })],
    }));
    const { em } = await startFromCli(file);
    try {
      expect((await admin(em, 'GET', '/state')).body).toMatchObject({ products: 1, customers: 1, orders: 1 } satisfies Partial<State>);
      expect((await call(em, 'GET', '/rest/V1/customers/40')).body).toMatchObject({ email: 'iz.datoteke@example.si' });
      expect((await call(em, 'GET', '/rest/V1/stockItems/DATOTEKA-1')).body).toMatchObject({ qty: 8 });
      expect(((await call(em, 'GET', `/rest/V1/orders?${criteria([[['increment_id', 'FILE-1', 'eq']]])}`)).body as { total_count: number }).total_count).toBe(1);
    } finally {
      await em.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('/__admin reset and seed', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start({ seed: { generate: { products: 4, customers: 2, orders: 3 } } }); });
  afterAll(async () => { await em.close(); });
  const state = async (): Promise<State> => (await admin(em, 'GET', '/state')).body as State;

  it('POST /reset empties the shop, or reseeds it in one step', async () => {
    const order = (await call(em, 'GET', `/rest/V1/orders?${criteria([], { pageSize: 1 })}`)).body as { items: Array<{ entity_id: number }> };
    expect((await call(em, 'POST', `/rest/V1/order/${order.items[0]!.entity_id}/invoice`, {})).status).toBe(200);
    expect(await state()).toMatchObject({ products: 4, orders: 3, invoices: 1 });
    expect((await admin(em, 'POST', '/reset')).body).toEqual({ ok: true });
    expect(await state()).toMatchObject({ products: 0, customers: 0, orders: 0, invoices: 0 });
    expect((await call(em, 'GET', '/rest/V1/orders/1')).status).toBe(404);
    expect((await admin(em, 'POST', '/reset', { seed: { generate: { products: 2, customers: 1, orders: 1 } } })).status).toBe(200);
    expect(await state()).toMatchObject({ products: 2, customers: 1, orders: 1, invoices: 0 });
  });

  it('POST /seed adds generated or given data and answers the counts', async () => {
    await admin(em, 'POST', '/reset');
    expect((await admin(em, 'POST', '/seed', { generate: { products: 5, customers: 2, orders: 4, skuPrefix: 'SEED-' } })).body).toEqual({ products: 5, customers: 2, orders: 4 });
    expect((await call(em, 'GET', '/rest/all/V1/products/SEED-000005')).status).toBe(200);
    expect((await admin(em, 'POST', '/seed', { customers: [{ email: 'dodan@example.si', firstname: 'Ana', lastname: 'Novak' }] })).body).toEqual({ products: 0, customers: 1, orders: 0 });
    expect(await state()).toMatchObject({ products: 5, customers: 3, orders: 4 });
    const added = await call(em, 'GET', `/rest/V1/customers/search?${criteria([[['email', 'dodan@example.si', 'eq']]])}`);
    expect(added.body).toMatchObject({ total_count: 1, items: [{ id: 3 }] });
    expect((await admin(em, 'POST', '/seed', 'not json')).status).toBe(400);
  });
});

describe('/__admin answers loopback clients only', () => {
  const outward = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(outward === undefined)('a request from another address gets the 404 of an unknown route', async () => {
    const em = await start({ host: '0.0.0.0' });
    try {
      const from = async (host: string): Promise<{ status: number; body: unknown }> => {
        const res = await request(`http://${host}:${em.port}/__admin/state`);
        return { status: res.statusCode, body: await res.body.json() };
      };
      expect((await from('127.0.0.1')).status).toBe(200);
      expect(await from(outward as string)).toEqual({ status: 404, body: { message: 'Request does not match any route.' } });
      // The shop itself still answers there: only the test hooks are hidden.
      const rest = await request(`http://${outward as string}:${em.port}/rest/V1/orders/1`);
      await rest.body.dump();
      expect(rest.statusCode).toBe(401);
    } finally {
      await em.close();
    }
  });
});
