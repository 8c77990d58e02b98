/**
 * One bad value in one row fails that row only, with a sentence naming the record, the field and
 * the value; the rest of the flow goes on. Over real HTTP against both emulators: stock `Qty`
 * "abc" and "NaN", an item weight and a price that are not numbers, an invoice amount that is not
 * one, and a shop order line whose quantity is not one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseOrder } from '../../src/connectors/magento/index.js';
import { runSync } from '../../src/engine/sync.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };

function shopProduct(w: World, sku: string): Record<string, unknown> | undefined {
  return [...w.magento.runtime.state.products.values()].find((p) => p.sku === sku)?.values.get(0) as Record<string, unknown> | undefined;
}

describe('a bad value in one row', () => {
  let w: World;
  let inShop: string[];
  beforeAll(async () => {
    w = await startWorld({ items: 12 });
    await runSync(w.ctx, 'products', RUN);
    inShop = w.skus.filter((sku) => shopProduct(w, sku) !== undefined);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('stock: Qty "abc" and "NaN" fail those SKUs alone, named with the field and the value; the others are written', async () => {
    const [good, abc, nan] = inShop as [string, string, string];
    const rows = [[good, '7'], [abc, 'abc'], [nan, 'NaN']].map(([sku, qty]) => `<StockItem><ItemID>${sku}</ItemID><Qty>${qty}</Qty></StockItem>`).join('');
    w.icenter.setFaults([{ route: 'Stock/GetStocks', kind: 'answer', answer: { text: `<ArrayOfStockItem>${rows}</ArrayOfStockItem>` } }]);
    const [report] = await runSync(w.ctx, 'stock', RUN);
    w.icenter.setFaults([]);
    expect(report!.error).toBeUndefined();
    expect(report!.counts.unreadable).toBeGreaterThanOrEqual(2);
    const problems = report!.problems.map((p) => `${p.key}: ${p.message}`);
    expect(problems.some((p) => p.startsWith(`${abc}@default:`) && p.includes(`item ${abc}`) && p.includes('Qty is "abc"'))).toBe(true);
    expect(problems.some((p) => p.startsWith(`${nan}@default:`) && p.includes('Qty is "NaN"'))).toBe(true);
    // Warehouses 0000001 and 0000005 both feed "default": the good SKU's sum is written (7 + 7).
    const items = w.magento.runtime.state.sourceItems;
    expect(String(items.get(good.toLowerCase())?.get('default')?.quantity)).toBe('14');
    expect(items.get(abc.toLowerCase())?.get('default')).toBeUndefined();
    const row = await w.store.ledger.get('stock', { shopKey: `${abc}@default` });
    expect(row?.state).toBe('failed');
    expect(row?.lastError).toMatch(/Qty is "abc", which is not a number/);
  });

  it('products: an item weight and a price that are not numbers hold those products alone; another change goes through', async () => {
    const [weightSku, priceSku, renamedSku] = inShop.slice(3) as [string, string, string];
    const org = w.icenter.state().orgs.get(1)!;
    const stamp = () => w.icenter.state().stamp();
    const weightItem = org.items.find((item) => item.ItemID === weightSku)!;
    weightItem.sections.PropertiesData = { ...weightItem.sections.PropertiesData, ItemWeightPerUnit: 'težko' };
    weightItem.modified = stamp();
    // The price list answers a price that is not a number for one item (this run's one price read).
    const badPrice = `<Price><ItemCode>${priceSku}</ItemCode><PriceListId>MPC</PriceListId><Price>NaN</Price><VATIncluded>false</VATIncluded></Price>`;
    w.icenter.setFaults([{ route: 'Price/GetPrices', kind: 'answer', times: 1, answer: { text: `<ArrayOfPrice>${badPrice}</ArrayOfPrice>` } }]);
    const renamed = org.items.find((item) => item.ItemID === renamedSku)!;
    renamed.ItemTitle1 = 'Novo ime';
    renamed.modified = stamp();

    const [report] = await runSync(w.ctx, 'products', RUN);
    expect(report!.error).toBeUndefined();
    expect(shopProduct(w, renamedSku)?.name).toBe('Novo ime');
    const weightRow = await w.store.ledger.get('product', { shopKey: weightSku });
    expect(weightRow?.state).toBe('failed');
    expect(weightRow?.lastError).toMatch(new RegExp(`item ${weightSku}: PropertiesData.ItemWeightPerUnit is "težko", which is not a number`));
    const priceRow = await w.store.ledger.get('product', { shopKey: priceSku });
    expect(priceRow?.state).toBe('failed');
    expect(priceRow?.lastError).toMatch(new RegExp(`price of item ${priceSku} in price list MPC: Price is "NaN"`));
    // Not retried from its old draft on the next run: it stays held with its sentence.
    await runSync(w.ctx, 'products', RUN);
    expect((await w.store.ledger.get('product', { shopKey: weightSku }))?.state).toBe('failed');

    // Fixed in the ERP: the next run writes it.
    weightItem.sections.PropertiesData = { ...weightItem.sections.PropertiesData, ItemWeightPerUnit: '1.5' };
    weightItem.modified = stamp();
    await runSync(w.ctx, 'products', RUN);
    expect((await w.store.ledger.get('product', { shopKey: weightSku }))?.state).toBe('synced');
    expect(String(shopProduct(w, weightSku)?.weight)).toBe('1.5');
  });

  it('invoices: an invoice whose amount is not a number waits for a person; the next readable one goes on', async () => {
    await w.placeOrder(orderSpec([inShop[6]!]));
    await w.placeOrder(orderSpec([inShop[7]!], { email: 'drugi@example.si' }));
    for (const flow of ['subjects', 'orders'] as const) await runSync(w.ctx, flow, RUN);
    const orders = await w.store.ledger.list({ kind: 'order', states: ['in_erp'] });
    expect(orders).toHaveLength(2);
    for (const order of orders) {
      const [year, book, number] = order.erpKey!.split('/');
      await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
    }
    // The first invoice read answers a PaymentAmount that is not a number.
    w.icenter.setFaults([{ route: 'Invoice/GetInvoice/', kind: 'answer', times: 1, answer: { text: '<InvoiceHeader><InvoiceNumber>1</InvoiceNumber><PaymentAmount>12,3,4</PaymentAmount></InvoiceHeader>' } }]);
    const [report] = await runSync(w.ctx, 'invoices', RUN);
    w.icenter.setFaults([]);
    expect(report!.error).toBeUndefined();
    const rows = await w.store.ledger.list({ kind: 'invoice' });
    const held = rows.filter((row) => row.state === 'needs_attention');
    expect(held).toHaveLength(1);
    expect(held[0]!.lastError).toMatch(/PaymentAmount is "12,3,4", which is not a number/);
    expect(rows.filter((row) => row.state === 'complete')).toHaveLength(1);

    // Read again (the delta's overlap covers it), now readable: it goes on to the shop.
    await runSync(w.ctx, 'invoices', RUN);
    expect((await w.store.ledger.list({ kind: 'invoice' })).map((row) => row.state)).toEqual(['complete', 'complete']);
  });

  it('shop orders: a line quantity that is not a number fails that order alone, naming the field and the value', async () => {
    const bad = await w.placeOrder(orderSpec([inShop[8]!], { email: 'tretji@example.si' }));
    const good = await w.placeOrder(orderSpec([inShop[9]!], { email: 'cetrti@example.si' }));
    const record = w.magento.runtime.state.orders.get(bad.entity_id)!;
    (record.data.items as Record<string, unknown>[])[0]!.qty_ordered = 'abc';
    const [report] = await runSync(w.ctx, 'orders', RUN);
    expect(report!.error).toBeUndefined();
    const badRow = await w.store.ledger.get('order', { shopKey: bad.increment_id });
    expect(badRow?.state).toBe('needs_attention');
    expect(badRow?.lastError).toMatch(new RegExp(`Order ${bad.increment_id} could not be read: item ${inShop[8]} qty_ordered is "abc", which is not a finite number`));
    expect((await w.store.ledger.get('order', { shopKey: good.increment_id }))?.state).toMatch(/in_erp|invoiced|complete/);
  });

  it('a Magento amount of 1e400 (Infinity once parsed) names the field', () => {
    const raw = JSON.parse('{"entity_id":1,"increment_id":"000000001","created_at":"2026-01-01 10:00:00","grand_total":1e400,"items":[]}') as Record<string, unknown>;
    expect(() => normaliseOrder(raw, { bundles: 'parent' })).toThrow(/grand_total is Infinity, which is not a finite number/);
  });
});
