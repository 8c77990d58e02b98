import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlaceOrder, type MagentoEmulator } from '../../../src/emulators/magento/index.js';
import { admin, call, criteria, start } from './helpers.js';

type Product = { name: string; price: number; extension_attributes: { stock_item: { qty: number }; website_ids: number[] }; media_gallery_entries: unknown[]; updated_at: string };

describe('products, stock and MSI (2.4.8)', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start({ sourceCodes: ['default', 'lj'] }); });
  afterAll(async () => { await em.close(); });

  it('upserts with POST and PUT, coercing numeric strings and refusing unknown fields', async () => {
    const created = await call(em, 'POST', '/rest/all/V1/products', { product: { sku: 'ČAJ-1', name: 'Čaj šipek', price: '3.50', type_id: 'simple', attribute_set_id: 4, extension_attributes: { stock_item: { qty: '10', is_in_stock: true } } } });
    expect(created.status).toBe(200);
    const body = created.body as Product;
    expect(body.price).toBe(3.5);
    expect(body.extension_attributes.stock_item.qty).toBe(10);
    expect(body.extension_attributes.website_ids).toEqual([1]);
    const viaPut = await call(em, 'PUT', '/rest/all/V1/products/NEW-2', { product: { name: 'Žlica', price: 2, type_id: 'simple' } });
    expect(viaPut.status).toBe(200);
    const unknown = await call(em, 'POST', '/rest/V1/products', { product: { sku: 'X', name: 'X', price: 1, colour_code: 'red' } });
    expect(unknown).toMatchObject({ status: 400, body: { message: '"%fieldName" is not supported. Correct the field name and try again.', parameters: { fieldName: 'ColourCode' } } });
    const wrongType = await call(em, 'POST', '/rest/V1/products', { product: { sku: 'X', name: 'X', price: 'cheap' } });
    expect(wrongType.status).toBe(400);
    expect((await call(em, 'POST', '/rest/V1/products', {})).body).toEqual({ message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'product' } });
    expect((await call(em, 'GET', '/rest/V1/products/NOPE')).body).toEqual({ message: "The product that was requested doesn't exist. Verify the product and try again." });
  });

  it('writes store-view values through /rest/V1 and global ones through /rest/all', async () => {
    await call(em, 'PUT', '/rest/V1/products/%C4%8CAJ-1', { product: { name: 'Čaj (trgovina)', price: 4 } });
    expect(((await call(em, 'GET', '/rest/V1/products/%C4%8CAJ-1')).body as Product).name).toBe('Čaj (trgovina)');
    expect(((await call(em, 'GET', '/rest/en/V1/products/%C4%8CAJ-1')).body as Product).name).toBe('Čaj šipek');
    const global = (await call(em, 'GET', '/rest/all/V1/products/%C4%8CAJ-1')).body as Product;
    expect(global.name).toBe('Čaj šipek');
    expect(global.price).toBe(4); // price has global scope
    await call(em, 'PUT', '/rest/all/V1/products/%C4%8CAJ-1', { product: { name: 'Čaj divji šipek' } });
    expect(((await call(em, 'GET', '/rest/en/V1/products/%C4%8CAJ-1')).body as Product).name).toBe('Čaj divji šipek');
    expect(((await call(em, 'GET', '/rest/V1/products/%C4%8CAJ-1')).body as Product).name).toBe('Čaj (trgovina)');
  });

  it('wipes images only for media_gallery_entries: []', async () => {
    const entry = { media_type: 'image', label: 'a', position: 1, disabled: false, types: ['image'], file: '/a/b.jpg' };
    await call(em, 'PUT', '/rest/all/V1/products/NEW-2', { product: { media_gallery_entries: [entry] } });
    await call(em, 'PUT', '/rest/all/V1/products/NEW-2', { product: { name: 'Žlica lesena' } });
    expect(((await call(em, 'GET', '/rest/all/V1/products/NEW-2')).body as Product).media_gallery_entries).toHaveLength(1);
    await call(em, 'PUT', '/rest/all/V1/products/NEW-2', { product: { media_gallery_entries: [] } });
    expect(((await call(em, 'GET', '/rest/all/V1/products/NEW-2')).body as Product).media_gallery_entries).toHaveLength(0);
  });

  it('legacy stockItems PUT answers the item id and writes the default source', async () => {
    const res = await call(em, 'PUT', '/rest/V1/products/NEW-2/stockItems/1', { stockItem: { qty: 7, is_in_stock: true } });
    expect(res.status).toBe(200);
    expect(typeof res.body).toBe('number');
    const items = await call(em, 'GET', `/rest/V1/inventory/source-items?${criteria([[['sku', 'NEW-2', 'eq']]])}`);
    expect((items.body as { items: unknown[] }).items).toEqual([{ sku: 'NEW-2', source_code: 'default', quantity: 7, status: 1 }]);
  });

  it('saves source items, validates them, and salable qty = sources − reservations', async () => {
    const save = await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: [{ sku: 'NEW-2', source_code: 'lj', quantity: 5, status: 1 }] });
    expect(save).toMatchObject({ status: 200, body: [] });
    expect((await call(em, 'GET', '/rest/V1/inventory/get-product-salable-quantity/NEW-2/1')).body).toBe(12);
    const missing = await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: [{ sku: 'NEW-2', source_code: 'lj', status: 1 }] });
    expect(missing.status).toBe(400);
    expect((missing.body as { message: string }).message).toBe('Validation Failed: "quantity" should be numeric.');
    expect((await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: [{ sku: 'GHOST', source_code: 'lj', quantity: 1, status: 1 }] })).body).toEqual({ message: 'Could not save Source Item' });
    expect((await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: [{ sku: 'NEW-2', source_code: 'nowhere', quantity: 1, status: 1 }] })).body).toEqual({ message: 'Could not save Source Item' });
    expect((await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: [] })).body).toEqual({ message: 'Input data is empty' });
    const many = Array.from({ length: 25 }, () => ({ sku: 'NEW-2', source_code: 'lj', quantity: 5, status: 1 }));
    expect((await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: many })).status).toBe(200);

    const order = buildPlaceOrder({ lines: [{ kind: 'simple', sku: 'NEW-2', name: 'Žlica', unitPrice: '2', qty: 3 }], email: 'a@example.si', billing: { firstname: 'A', lastname: 'B', street: ['Ulica 1'], city: 'Ljubljana', postcode: '1000' } });
    const placed = await admin(em, 'POST', '/orders', order);
    expect(placed.status).toBe(200);
    expect((await call(em, 'GET', '/rest/V1/inventory/get-product-salable-quantity/NEW-2/1')).body).toBe(9);
    const shipped = await admin(em, 'POST', `/orders/${(placed.body as { entity_id: number }).entity_id}/ship`, {});
    expect(shipped.status).toBe(200);
    expect((await call(em, 'GET', '/rest/V1/inventory/get-product-salable-quantity/NEW-2/1')).body).toBe(9);
    const def = await call(em, 'GET', `/rest/V1/inventory/source-items?${criteria([[['sku', 'NEW-2', 'eq']], [['source_code', 'default', 'eq']]])}`);
    expect((def.body as { items: Array<{ quantity: number }> }).items[0]?.quantity).toBe(4);
  });
});

describe('source-items limit on 2.4.3', () => {
  it('refuses more than 20 items with the %type/%max body', async () => {
    const em = await start({ version: '2.4.3', seed: { generate: { products: 1, customers: 0, orders: 0 } } });
    try {
      const many = Array.from({ length: 21 }, () => ({ sku: 'ICS-000001', source_code: 'default', quantity: 1, status: 1 }));
      const res = await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: many });
      expect(res).toMatchObject({ status: 400, body: { message: 'Maximum items of type "%type" is %max', parameters: { type: '\\Magento\\InventoryApi\\Api\\Data\\SourceItemInterface', max: 20 } } });
      expect((await call(em, 'POST', '/rest/V1/inventory/source-items', { sourceItems: many.slice(0, 20) })).status).toBe(200);
    } finally {
      await em.close();
    }
  });
});
