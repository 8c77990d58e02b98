import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MagentoEmulator } from '../../../src/emulators/magento/index.js';
import { call, criteria, start } from './helpers.js';

type List = { items: Array<{ sku: string; id: number }>; total_count: number; search_criteria: Record<string, unknown> };
const seed = { generate: { products: 45, customers: 0, orders: 0 } };

describe('searchCriteria (2.4.8)', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start({ seed }); });
  afterAll(async () => { await em.close(); });
  const list = async (query: string): Promise<List> => {
    const res = await call(em, 'GET', `/rest/V1/products?${query}`);
    expect(res.status).toBe(200);
    return res.body as List;
  };

  it('ORs filters inside a group and ANDs groups', async () => {
    const or = await list(criteria([[['sku', 'ICS-000001', 'eq'], ['sku', 'ICS-000002', 'eq']]]));
    expect(or.items.map((p) => p.sku).sort()).toEqual(['ICS-000001', 'ICS-000002']);
    const and = await list(criteria([[['sku', 'ICS-000001', 'eq'], ['sku', 'ICS-000002', 'eq']], [['sku', 'ICS-000002', 'eq']]]));
    expect(and.items.map((p) => p.sku)).toEqual(['ICS-000002']);
    expect(and.search_criteria).toEqual({ filter_groups: [
      { filters: [{ field: 'sku', value: 'ICS-000001', condition_type: 'eq' }, { field: 'sku', value: 'ICS-000002', condition_type: 'eq' }] },
      { filters: [{ field: 'sku', value: 'ICS-000002', condition_type: 'eq' }] },
    ] });
  });

  it('supports like, in, nin, gteq/lteq ranges, neq, null/notnull, finset', async () => {
    expect((await list(criteria([[['sku', 'ICS-00001%', 'like']]]))).total_count).toBe(10);
    expect((await list(criteria([[['sku', 'ICS-000003,ICS-000004,NOPE', 'in']]]))).total_count).toBe(2);
    expect((await list(criteria([[['sku', 'ICS-000003,ICS-000004', 'nin']]]))).total_count).toBe(43);
    expect((await list(criteria([[['entity_id', '10', 'gteq']], [['entity_id', '12', 'lteq']]]))).total_count).toBe(3);
    expect((await list(criteria([[['entity_id', '10', 'from']], [['entity_id', '11', 'to']]]))).total_count).toBe(2);
    expect((await list(criteria([[['sku', 'ICS-000001', 'neq']]]))).total_count).toBe(44);
    expect((await list(criteria([[['special_price', '', 'null']]]))).total_count).toBe(45);
    expect((await list(criteria([[['name', '', 'notnull']]]))).total_count).toBe(45);
    expect((await list(criteria([[['website_id', '1', 'finset']]]))).total_count).toBe(45);
  });

  it('supports gt, lt, moreq, nlike, nfinset and fulltext', async () => {
    type Full = { items: Array<{ sku: string; id: number; name: string }> };
    const all = (await list('searchCriteria=') as unknown as Full).items;
    const skus = async (query: string): Promise<string[]> => (await list(query)).items.map((p) => p.sku).sort();
    expect(await skus(criteria([[['entity_id', '42', 'gt']]]))).toEqual(['ICS-000043', 'ICS-000044', 'ICS-000045']);
    expect(await skus(criteria([[['entity_id', '3', 'lt']]]))).toEqual(['ICS-000001', 'ICS-000002']);
    // moreq is gteq under another name (Magento's condition map).
    expect(await skus(criteria([[['entity_id', '44', 'moreq']]]))).toEqual(['ICS-000044', 'ICS-000045']);
    expect((await list(criteria([[['sku', 'ICS-00001%', 'nlike']]]))).total_count).toBe(35);
    expect((await list(criteria([[['website_id', '1', 'nfinset']]]))).total_count).toBe(0);
    expect((await list(criteria([[['website_id', '2', 'nfinset']]]))).total_count).toBe(45);
    // fulltext becomes like %value% (FilterProcessor): case-insensitive, anywhere in the text.
    const word = all[0]!.name.split(' ')[0]!;
    const expected = all.filter((p) => p.name.toLowerCase().includes(word.toLowerCase())).map((p) => p.sku).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(await skus(criteria([[['name', word.toUpperCase(), 'fulltext']]]))).toEqual(expected);
  });

  it('stores a custom attribute, reads it back and filters on it', async () => {
    const saved = await call(em, 'POST', '/rest/all/V1/products', { product: { sku: 'ICS-000007', custom_attributes: [{ attribute_code: 'color_code', value: 'rdeča-42' }] } });
    expect(saved.status).toBe(200);
    type Attrs = { custom_attributes: Array<{ attribute_code: string; value: unknown }> };
    const got = (await call(em, 'GET', '/rest/V1/products/ICS-000007')).body as Attrs;
    expect(got.custom_attributes).toContainEqual({ attribute_code: 'color_code', value: 'rdeča-42' });
    // Seeded attributes travel the same way (tax_class_id is no top-level field).
    expect(got.custom_attributes.map((a) => a.attribute_code)).toContain('tax_class_id');
    const found = await list(criteria([[['color_code', 'rdeča%', 'like']]]));
    expect(found.items.map((p) => p.sku)).toEqual(['ICS-000007']);
    const byClass = await list(criteria([[['tax_class_id', String(got.custom_attributes.find((a) => a.attribute_code === 'tax_class_id')!.value), 'eq']]]));
    expect(byClass.items.map((p) => p.sku)).toContain('ICS-000007');
  });

  it('sorts, pages, counts, and returns an empty page past the end', async () => {
    const page = await list(criteria([], { pageSize: 10, currentPage: 2, 'sortOrders][0][field': 'entity_id', 'sortOrders][0][direction': 'DESC' }));
    expect(page.total_count).toBe(45);
    expect(page.items.map((p) => p.id)).toEqual([35, 34, 33, 32, 31, 30, 29, 28, 27, 26]);
    expect(page.search_criteria).toMatchObject({ page_size: 10, current_page: 2 });
    const past = await list(criteria([], { pageSize: 10, currentPage: 6 }));
    expect(past.items).toEqual([]);
    expect(past.total_count).toBe(45);
    expect((await list('searchCriteria=')).items).toHaveLength(45);
  });

  it('requires searchCriteria', async () => {
    expect((await call(em, 'GET', '/rest/V1/orders')).body).toEqual({ message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'searchCriteria' } });
  });
});

describe('paging per version', () => {
  it('2.3 repeats the last page past the end', async () => {
    const em = await start({ version: '2.3', seed });
    try {
      const res = await call(em, 'GET', `/rest/V1/products?${criteria([], { pageSize: 20, currentPage: 9 })}`);
      expect((res.body as List).items.map((p) => p.sku)).toEqual(['ICS-000041', 'ICS-000042', 'ICS-000043', 'ICS-000044', 'ICS-000045']);
    } finally {
      await em.close();
    }
  });

  it('2.4.3 pages at 20 without pageSize and refuses pageSize > 300', async () => {
    const em = await start({ version: '2.4.3', seed });
    try {
      const res = await call(em, 'GET', '/rest/V1/products?searchCriteria=');
      expect((res.body as List).items).toHaveLength(20);
      expect((res.body as List).total_count).toBe(45);
      const big = await call(em, 'GET', `/rest/V1/products?${criteria([], { pageSize: 301 })}`);
      expect(big.body).toEqual({ message: 'Maximum SearchCriteria pageSize is %max', parameters: { max: 300 } });
    } finally {
      await em.close();
    }
  });
});
