/** The five flows against both emulators over real HTTP, with a SQLite store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { retryRecord } from '../../src/engine/records.js';
import type { FlowReport, RunOptions } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from './world.js';
import { buildPlaceOrder } from '../../src/emulators/magento/index.js';

const RUN: RunOptions = { dryRun: false, full: false };
const one = async (w: World, flow: Parameters<typeof runSync>[1], options: Partial<RunOptions> = {}): Promise<FlowReport> => {
  const [report] = await runSync(w.ctx, flow, { ...RUN, ...options });
  return report!;
};

interface IcOrder { orderReference: string | null; key?: string; OrderYear?: number }

describe('flows over HTTP', () => {
  let w: World;
  let noPrice: string;
  beforeAll(async () => {
    // One active item has no price in the ERP: Magento refuses to create a product without one.
    w = await startWorld({ items: 50, withoutPrice: (items) => [items.filter((i) => (i.SalesData as { IsActive?: string }).IsActive === 'D')[3]!.ItemID] });
    noPrice = w.withoutPrice[0]!;
  });
  afterAll(async () => {
    await w?.close();
  });

  it('products: a full sync creates the active items, a second run writes nothing, a change writes one', async () => {
    const first = await one(w, 'products');
    expect(first.error).toBeUndefined();
    expect(first.counts.read).toBe(50);
    const shop = w.magento.runtime.state;
    const created = first.counts.created ?? 0;
    expect(created).toBeGreaterThan(30);
    expect(shop.products.size).toBe(created);
    expect(created + (first.counts.inactiveNotInShop ?? 0) + (first.counts.failed ?? 0)).toBe(50);

    const again = await one(w, 'products', { full: false });
    expect(again.counts.created ?? 0).toBe(0);
    expect(again.counts.updated ?? 0).toBe(0);

    const item = w.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === w.skus[0])!;
    item.ItemTitle1 = 'Novo ime – čšž';
    item.modified = w.icenter.state().stamp();
    const delta = await one(w, 'products');
    expect(delta.counts.created ?? 0).toBe(0);
    expect(delta.counts.updated).toBe(1);
    const product = [...shop.products.values()].find((p) => p.sku === w.skus[0])!;
    expect((product.values.get(0) as Record<string, unknown>).name).toBe('Novo ime – čšž');
  });

  it('products: a Magento validation error names the product and the rest of the batch goes on', async () => {
    const row = await w.store.ledger.get('product', { shopKey: noPrice });
    const failed = (await w.store.ledger.list({ kind: 'product', states: ['failed'] })).map((r) => r.shopKey);
    expect(failed).toEqual([noPrice]);
    expect(row?.lastError).toContain(noPrice);
    expect(row?.lastError).toMatch(/Price/);
    expect(w.magento.runtime.state.productBySku.has(noPrice.toLowerCase())).toBe(false);
  });

  it('stock: sums two warehouses into one source, writes only changes', async () => {
    const first = await one(w, 'stock');
    expect(first.error).toBeUndefined();
    expect(first.counts.written).toBeGreaterThan(10);
    const again = await one(w, 'stock');
    expect(again.counts.written ?? 0).toBe(0);
    const sku = w.skus[0]!;
    await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId: '0000005', itemId: sku, qty: '7' });
    await w.admin('icenter', 'POST', '/stock', { organisation: 1, warehouseId: '0000001', itemId: sku, qty: '5' });
    const changed = await one(w, 'stock');
    expect(changed.counts.written).toBe(1);
    const item = w.magento.runtime.state.sourceItems.get(sku.toLowerCase())?.get('default');
    expect(String(item?.quantity)).toBe('12');
  });

  it('products dry run: shows the per-record diff and writes nothing', async () => {
    const sku = w.skus[1]!;
    const item = w.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === sku)!;
    const before = item.ItemTitle1;
    item.ItemTitle1 = 'Suho ime';
    item.modified = w.icenter.state().stamp();
    const requestsBefore = w.magento.runtime.requests.filter((r) => r.method !== 'GET').length;
    const hashBefore = (await w.store.ledger.get('product', { shopKey: sku }))?.contentHash;
    const dry = await one(w, 'products', { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.counts.wouldUpdate).toBe(1);
    expect(dry.changes.find((c) => c.key === sku)).toEqual({ kind: 'product', key: sku, action: 'update', fields: { name: [before, 'Suho ime'] } });
    // The product refused earlier is tried again on every run, from its stored draft.
    expect(dry.changes.find((c) => c.key === noPrice)?.action).toBe('create');
    expect(w.magento.runtime.requests.filter((r) => r.method !== 'GET').length).toBe(requestsBefore);
    expect((await w.store.ledger.get('product', { shopKey: sku }))?.contentHash).toBe(hashBefore);
    expect((await one(w, 'products')).counts.updated).toBe(1);
  });

  describe('orders', () => {
    const numbers: Record<string, string> = {};
    beforeAll(async () => {
      const s = w.skus;
      const place = async (name: string, spec: Parameters<typeof orderSpec>[1], skus = [s[0]!, s[1]!]) => {
        const placed = await w.placeOrder(orderSpec(skus, spec));
        numbers[name] = placed.increment_id;
      };
      await place('good', {});
      await place('company', { billing: { firstname: 'Marko', lastname: 'Kos', street: ['Čopova 1'], city: 'Celje', postcode: '3000', countryId: 'SI', company: 'Žaga d.o.o.', vatId: 'SI55512345' } });
      await place('unknownSku', {}, [s[0]!, 'NI.V.ICENTRU']);
      await place('noIdentity', { email: '' });
      await place('exoticName', { email: 'wang@example.cn', billing: { firstname: '王', lastname: 'Wei 😀', street: ['Road 1'], city: 'Beijing', postcode: '100000', countryId: 'CN' } });
      await place('second', {});
      const broken = await w.admin<{ increment_id: string }>('magento', 'POST', '/orders', { ...buildPlaceOrder(orderSpec([s[0]!])), created_at: 'not a date' });
      numbers.unreadable = broken.increment_id;
    });

    it('subjects then orders: good orders reach the ERP once; bad ones wait with their own reason', async () => {
      const subjects = await one(w, 'subjects');
      expect(subjects.error).toBeUndefined();
      expect(subjects.problems.map((p) => p.key)).toContain(numbers.noIdentity);
      const orders = await one(w, 'orders');
      expect(orders.error).toBeUndefined();

      const state = async (name: string) => (await w.store.ledger.get('order', { shopKey: numbers[name]! }))!;
      for (const name of ['good', 'company', 'exoticName', 'second']) expect((await state(name)).state, `${name}: ${(await state(name)).lastError}`).toBe('in_erp');
      const unknown = await state('unknownSku');
      expect(unknown.state).toBe('needs_attention');
      expect(unknown.lastError).toContain('SKU NI.V.ICENTRU is not in iCenter');
      const unreadable = await state('unreadable');
      expect(unreadable.state).toBe('needs_attention');
      expect(unreadable.lastError).toContain(`Order ${numbers.unreadable} could not be read`);
      const noIdentity = await state('noIdentity');
      expect(noIdentity.state).toBe('needs_attention');
      expect(noIdentity.lastError).toMatch(/neither a VAT ID nor an e-mail/);

      const partner = await w.store.ledger.get('partner', { shopKey: 'vat:SI55512345' });
      expect(partner?.state).toBe('linked');
      const exotic = await w.store.ledger.timeline('partner', 'email:wang@example.cn');
      expect(exotic?.events.some((e) => e.type === 'warning')).toBe(true);

      const erpOrders = await w.admin<IcOrder[]>('icenter', 'GET', '/orders?organisation=1');
      for (const name of ['good', 'company', 'exoticName']) {
        expect(erpOrders.filter((o) => o.orderReference === numbers[name]), name).toHaveLength(1);
      }
      // The shop order carries the ERP number in a comment.
      const shopOrder = [...w.magento.runtime.state.orders.values()].find((o) => o.data.increment_id === numbers.good)!;
      const history = (shopOrder.data.status_histories ?? []) as { comment?: string }[];
      expect(history.some((h) => /Entered in iCenter as /.test(h.comment ?? ''))).toBe(true);

      // A second run sends nothing again.
      await one(w, 'orders');
      const after = await w.admin<IcOrder[]>('icenter', 'GET', '/orders?organisation=1');
      expect(after.length).toBe(erpOrders.length);
    });

    it('retry after the data is fixed: the order goes on from where it stopped', async () => {
      // A person creates the missing item in the ERP, through iCenter's own API, then retries the order.
      const { user, password } = w.icenter.credentials;
      const res = await fetch(`${w.icenter.baseUrl}/api/Item/AddItemsGeneralData`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, organisationid: '1', 'content-type': 'application/xml; charset=utf-8' },
        body: '<ItemsGeneralData><ItemGeneralData><ItemID>NI.V.ICENTRU</ItemID><ItemTitle1>Artikel, ki ga ni bilo</ItemTitle1><GeneralData><VATRateID>02</VATRateID></GeneralData></ItemGeneralData></ItemsGeneralData>',
      });
      expect(res.status, await res.text()).toBe(200);
      const row = await retryRecord(w.store, 'order', numbers.unknownSku!);
      expect(row.state).toBe('discovered');
      const report = await one(w, 'orders');
      expect(report.error).toBeUndefined();
      expect(report.counts.needsAttention ?? 0).toBe(0);
      const after = (await w.store.ledger.get('order', { shopKey: numbers.unknownSku! }))!;
      expect(after.state, after.lastError ?? '').toBe('in_erp');
      const erpOrders = await w.admin<IcOrder[]>('icenter', 'GET', '/orders?organisation=1');
      expect(erpOrders.filter((o) => o.orderReference === numbers.unknownSku)).toHaveLength(1);
    });

    it('invoices: an issued ERP invoice becomes one shop invoice with the PDF, e-mailed; never two', async () => {
      const row = (await w.store.ledger.get('order', { shopKey: numbers.good! }))!;
      const [year, book, number] = row.erpKey!.split('/');
      await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
      const report = await one(w, 'invoices');
      expect(report.error).toBeUndefined();
      expect(report.counts.discovered).toBe(1);
      const shop = w.magento.runtime.state;
      expect(shop.invoices.size).toBe(1);
      const [invoiceId] = [...shop.invoices.keys()];
      expect(shop.attachments.get(invoiceId!)?.length).toBe(1);
      expect(shop.emails.filter((e) => e.kind === 'invoice')).toHaveLength(1);
      expect((await w.store.ledger.get('order', { shopKey: numbers.good! }))?.state).toBe('invoice_in_shop');

      await one(w, 'invoices', { full: true });
      expect(shop.invoices.size).toBe(1);
      expect(shop.emails.filter((e) => e.kind === 'invoice')).toHaveLength(1);

      // Shipped after it was invoiced: the next run sees the shop order changed and completes it.
      const orderId = (row.data as { orderId: string }).orderId;
      await w.admin('magento', 'POST', `/orders/${orderId}/ship`, {});
      const later = await one(w, 'invoices');
      expect(later.counts.completed).toBe(1);
      expect((await w.store.ledger.get('order', { shopKey: numbers.good! }))?.state).toBe('complete');
    });

    it('invoices: with no order link on the invoice, the buyer\'s open orders are asked; an invoice of an order not from the shop is left alone', async () => {
      // docs/contracts/icenter.md#issued-invoices: the invoice's LinkToDocument is not a confirmed link; here it stays empty.
      await w.admin('icenter', 'PATCH', '/settings', { linkToDocument: 'empty' });
      try {
        const company = (await w.store.ledger.get('order', { shopKey: numbers.company! }))!;
        const partner = (company.data as { partner: string }).partner;
        // An order entered in the ERP by hand, for another customer, invoiced too.
        const other = w.icenter.state().orgs.get(1)!.customers.find((c) => String(c.fields.Code) !== partner)!;
        const { order: manual } = await w.ctx.erp.createOrder({
          reference: 'ROČNO-1' as never, partner: String(other.fields.Code) as never, orderDate: new Date().toISOString() as never, warehouse: '0000001' as never,
          book: 'VNK', currency: 'EUR' as never, lines: [{ sku: w.skus[0] as never, quantity: '1' as never, unitPrice: '10.00' as never, priceIncludesVat: false, discountPercent: '0' as never, vatRate: '02' as never }],
        });
        const openBefore = (await w.store.ledger.list({ kind: 'order', states: ['in_erp'] })).filter((r) => (r.data as { partner?: string }).partner === partner);
        for (const erpKey of [company.erpKey!, manual.key]) {
          const [year, book, number] = erpKey.split('/');
          await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
        }
        await w.admin('icenter', 'DELETE', '/requests');
        const report = await one(w, 'invoices');
        expect(report.error).toBeUndefined();
        expect(report.counts.discovered).toBe(1);
        expect(report.counts.linkedByOrder).toBe(1);
        expect(report.counts.notFromShop).toBe(1);
        expect((await w.store.ledger.get('order', { shopKey: numbers.company! }))?.state).toBe('invoice_in_shop');
        // Only the open orders of the two invoices' buyers were asked (the other buyer has none from the shop).
        const overviews = (await w.admin<{ path: string }[]>('icenter', 'GET', '/requests')).filter((r) => r.path.includes('GetOrderProcessOverview'));
        expect(overviews).toHaveLength(openBefore.length);
        expect(w.magento.runtime.state.invoices.size).toBe(2);
        // Nothing twice on the next run, nor on a full one.
        expect((await one(w, 'invoices')).counts.discovered ?? 0).toBe(0);
        expect((await one(w, 'invoices', { full: true })).counts.discovered ?? 0).toBe(0);
        expect(w.magento.runtime.state.invoices.size).toBe(2);
      } finally {
        await w.admin('icenter', 'PATCH', '/settings', { linkToDocument: 'order' });
      }
    });
  });
});
