/**
 * Absurd values never cross: every value is checked against the target's range and the business
 * limits (`limits.*`) before the write, and a record outside them waits for a person with a
 * sentence, before anything is written for it. Over real HTTP against both emulators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };

function shopProduct(w: World, sku: string): Record<string, unknown> | undefined {
  return [...w.magento.runtime.state.products.values()].find((p) => p.sku === sku)?.values.get(0) as Record<string, unknown> | undefined;
}

const productWrites = (w: World) => w.magento.runtime.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/V1/products')).length;

describe('limits', () => {
  let w: World;
  let inShop: string[];
  beforeAll(async () => {
    w = await startWorld({ items: 12, config: { limits: { maxLineQuantity: 500, maxPrice: '50000' } } });
    await runSync(w.ctx, 'products', RUN);
    inShop = w.skus.filter((sku) => shopProduct(w, sku) !== undefined);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('products: a price of 1e400, a negative one and one above limits.maxPrice are held before any write; a sane one goes through', async () => {
    const [huge, negative, tooDear, sane] = inShop as [string, string, string, string];
    const before = { huge: shopProduct(w, huge)?.price, negative: shopProduct(w, negative)?.price };
    const row = (sku: string, price: string) => `<Price><ItemCode>${sku}</ItemCode><PriceListId>MPC</PriceListId><Price>${price}</Price><VATIncluded>false</VATIncluded></Price>`;
    w.icenter.setFaults([{ route: 'Price/GetPrices', kind: 'answer', times: 1, answer: { text: `<ArrayOfPrice>${row(huge, '1e400')}${row(negative, '-5')}${row(tooDear, '50000.01')}${row(sane, '42.5')}</ArrayOfPrice>` } }]);
    const writesBefore = productWrites(w);
    const [report] = await runSync(w.ctx, 'products', RUN);
    expect(report!.error).toBeUndefined();
    expect(report!.counts.heldByLimits).toBe(3);
    // Only the sane price was written.
    expect(productWrites(w) - writesBefore).toBe(1);
    expect(String(shopProduct(w, sane)?.price)).toBe('42.5');
    expect(shopProduct(w, huge)?.price).toBe(before.huge);
    expect(shopProduct(w, negative)?.price).toBe(before.negative);
    const sentence = async (sku: string) => (await w.store.ledger.get('product', { shopKey: sku }))?.lastError ?? '';
    expect(await sentence(huge)).toMatch(new RegExp(`Product ${huge}: price 100000000000… \\(a number with 401 digits\\) is above limits.maxPrice \\(50000\\), so it was not written`));
    expect(await sentence(negative)).toMatch(/price -5 is negative \(limits.allowNegativePrices is false\)/);
    expect(await sentence(tooDear)).toMatch(/price 50000.01 is above limits.maxPrice \(50000\)/);
    expect((await w.store.ledger.get('product', { shopKey: huge }))?.state).toBe('failed');
  });

  it('stock: a quantity of 1e400 is held before the write; the others are written', async () => {
    const [huge, sane] = inShop.slice(4) as [string, string];
    const rows = `<StockItem><ItemID>${huge}</ItemID><Qty>1e400</Qty></StockItem><StockItem><ItemID>${sane}</ItemID><Qty>3</Qty></StockItem>`;
    w.icenter.setFaults([{ route: 'Stock/GetStocks', kind: 'answer', answer: { text: `<ArrayOfStockItem>${rows}</ArrayOfStockItem>` } }]);
    const [report] = await runSync(w.ctx, 'stock', RUN);
    w.icenter.setFaults([]);
    expect(report!.error).toBeUndefined();
    const items = w.magento.runtime.state.sourceItems;
    expect(items.get(huge.toLowerCase())?.get('default')).toBeUndefined();
    expect(String(items.get(sane.toLowerCase())?.get('maribor')?.quantity)).toBe('3');
    const row = await w.store.ledger.get('stock', { shopKey: `${huge}@default` });
    expect(row?.state).toBe('failed');
    // Two warehouses feed "default": the sum (2e400) is what is held.
    expect(row?.lastError).toMatch(/quantity \d0{11}… \(a number with 401 digits\) is above limits.maxStockQuantity \(10000000\)/);
  });

  // The orders flow alone: the subjects flow links or creates every shop buyer as a customer of
  // its own, whatever their orders hold (a buyer is not an absurd value).
  it('orders: a line of 1e15 pieces or a negative price waits for a person; neither the order nor its buyer reaches the ERP', async () => {
    const org = w.icenter.state().orgs.get(1)!;
    const customersBefore = org.customers.length;
    const ordersBefore = org.orders.size;
    const huge = await w.placeOrder(orderSpec([inShop[6]!], { email: 'veliko@example.si' }));
    const negative = await w.placeOrder(orderSpec([inShop[7]!], { email: 'minus@example.si' }));
    const good = await w.placeOrder(orderSpec([inShop[8]!], { email: 'prav@example.si' }));
    const line = (id: number) => (w.magento.runtime.state.orders.get(id)!.data.items as Record<string, unknown>[])[0]!;
    line(huge.entity_id).qty_ordered = 1e15;
    line(negative.entity_id).price_incl_tax = -5;
    await runSync(w.ctx, 'orders', RUN);

    const hugeRow = await w.store.ledger.get('order', { shopKey: huge.increment_id });
    expect(hugeRow?.state).toBe('needs_attention');
    expect(hugeRow?.lastError).toMatch(new RegExp(`Order ${huge.increment_id}: line 1 \\(SKU ${inShop[6]}\\) quantity 1000000000000000 is above limits.maxLineQuantity \\(500\\), so nothing was entered in the ERP`));
    const negativeRow = await w.store.ledger.get('order', { shopKey: negative.increment_id });
    expect(negativeRow?.state).toBe('needs_attention');
    expect(negativeRow?.lastError).toMatch(/unit price -5 is negative/);
    expect((await w.store.ledger.get('order', { shopKey: good.increment_id }))?.state).toBe('in_erp');

    // Only the good order and its buyer were written to the ERP.
    expect(org.orders.size - ordersBefore).toBe(1);
    expect(org.customers.length - customersBefore).toBe(1);
    expect(org.contacts.some((c) => c.fields.ContactEMail === 'veliko@example.si')).toBe(false);
  });
});
