import { describe, expect, it } from 'vitest';
import type { Decimal } from '../../src/core/decimal.js';
import { SyncError } from '../../src/core/errors.js';
import { asShopOrderId, asShopOrderNumber, asSku, asUtc, asVatRate, asWarehouse, type ErpItem, type ShopOrder, type ShopOrderLine } from '../../src/core/model.js';
import { contentHash } from '../../src/flows/hash.js';
import { draftGross, entryGate, erpOrderDraft, normaliseLines, orderGate, requiredSkus, totalsMismatch } from '../../src/flows/order-mapping.js';
import { buyerIdentity, partnerDraft, requireBuyerIdentity } from '../../src/flows/partner-mapping.js';
import { productDraft, productMappingFrom, shopPrice } from '../../src/flows/product-draft.js';
import { accumulateStock, isOneToOne, stockDraft } from '../../src/flows/stock-plan.js';
import { pureConfig } from './pure-config.js';

const d = (v: string) => v as Decimal;

const item = (over: Partial<ErpItem> = {}): ErpItem => ({
  sku: asSku('A-1'), name: 'Vijak M8', description: 'Pocinkan', ean: '3830000000017', vatRate: asVatRate('02'), weight: d('0.25'), active: true,
  extra: { 'GeneralData.ItemGroup': 'VIJ' }, ...over,
});

function line(over: Partial<ShopOrderLine> = {}): ShopOrderLine {
  return {
    shopItemId: '1', sku: asSku('A-1'), name: 'Vijak', quantity: d('2'), unitPrice: d('10'), unitPriceInclTax: d('12.2'), discountAmount: d('0'),
    taxPercent: d('22'), taxAmount: d('4.4'), rowTotal: d('20'), rowTotalInclTax: d('24.4'), origin: 'simple', ...over,
  };
}

function order(over: Partial<ShopOrder> = {}): ShopOrder {
  const billing = { firstName: 'Ana', lastName: 'Novak', street: ['Slovenska 1'], city: 'Ljubljana', postcode: '1000', country: 'SI' as never };
  return {
    id: asShopOrderId(7), number: asShopOrderNumber('000000007'), status: 'pending', state: 'new', createdAt: asUtc(new Date('2026-03-01T10:00:00Z')), updatedAt: asUtc(new Date('2026-03-01T10:00:00Z')),
    currency: 'EUR' as never, baseCurrency: 'EUR' as never, paymentMethod: 'checkmo', shippingMethod: 'flatrate_flatrate', shippingDescription: 'Flat rate',
    buyer: { email: 'Ana@Example.com', isGuest: true, billing }, shippingAddress: billing,
    lines: [line()], totals: { subtotal: d('20'), discount: d('0'), shipping: d('5'), shippingInclTax: d('6.1'), shippingTaxPercent: d('22'), tax: d('5.5'), grandTotal: d('30.5') },
    baseGrandTotal: d('30.5'), shipped: false, invoiced: false, ...over,
  };
}

describe('product drafts', () => {
  const config = pureConfig();
  const mapping = productMappingFrom(config, new Map([['02', d('22')]]));

  it('maps the field map, tax class and active flag', () => {
    const draft = productDraft(item({ active: false }), { sku: asSku('A-1'), priceList: 'MPC', price: d('10'), includesVat: false }, mapping);
    expect(draft).toEqual({
      sku: 'A-1', name: 'Vijak M8', enabled: false, weight: '0.25', taxClassId: 2, price: '10',
      attributes: { description: 'Pocinkan', ean: '3830000000017', item_group: 'VIJ' },
    });
  });

  it('converts a gross ERP price to a net shop price with the rate percent', () => {
    expect(shopPrice({ sku: asSku('A-1'), priceList: 'MPC', price: d('12.20'), includesVat: true }, '02', mapping)).toBe('10');
    expect(shopPrice({ sku: asSku('A-1'), priceList: 'MPC', price: d('10'), includesVat: true }, '99', mapping)).toBeUndefined();
  });

  it('hashes content, not key order', () => {
    expect(contentHash({ a: 1, b: { c: '2', d: undefined } })).toBe(contentHash({ b: { c: '2' }, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
  });
});

describe('stock', () => {
  it('sums warehouses that feed one source and subtracts pending orders at the order source, never below zero', () => {
    const map = { W1: 'default', W2: 'default', W3: 'north' };
    expect(isOneToOne(map)).toBe(false);
    const sums = new Map();
    accumulateStock(sums, [
      { sku: asSku('A'), warehouse: asWarehouse('W1'), quantity: d('3') },
      { sku: asSku('A'), warehouse: asWarehouse('W2'), quantity: d('4.5') },
      { sku: asSku('A'), warehouse: asWarehouse('W3'), quantity: d('1') },
      { sku: asSku('A'), warehouse: asWarehouse('W9'), quantity: d('100') },
    ], map);
    const rows = [...sums.values()];
    expect(rows).toHaveLength(2);
    const pending = new Map([['A', d('10')]]);
    expect(rows.map((r) => stockDraft(r, pending, 'default'))).toEqual([
      { sku: 'A', source: 'default', quantity: '0', inStock: false },
      { sku: 'A', source: 'north', quantity: '1', inStock: true },
    ]);
    expect(stockDraft(rows[0], new Map([['A', d('2')]]), 'default').quantity).toBe('5.5');
  });
});

describe('orders', () => {
  const config = pureConfig();

  it('builds the ERP draft from the mappings with gross prices and a shipping text line', () => {
    const draft = erpOrderDraft(order(), 'P1' as never, config);
    expect(draft).toMatchObject({ reference: '000000007', partner: 'P1', warehouse: '0000001', book: 'VNK', currency: 'EUR', paymentMethod: 'G' });
    expect(draft.lines).toEqual([
      { sku: 'A-1', name: 'Vijak', quantity: '2', unitPrice: '12.2', priceIncludesVat: true, discountPercent: '0', vatRate: '02', warehouse: '0000001' },
      { sku: '', name: 'Flat rate', quantity: '1', unitPrice: '6.1', priceIncludesVat: true, discountPercent: '0', vatRate: '02', warehouse: '0000001', textOnly: true },
    ]);
    expect(draftGross(draft)).toBe('30.5');
  });

  it('an unmapped VAT percent or method is this order\'s problem (business), naming the order, the field and the setting', () => {
    const fail = (o: ShopOrder, c = config): SyncError => {
      try {
        erpOrderDraft(o, 'P1' as never, c);
      } catch (error) {
        return error as SyncError;
      }
      throw new Error('expected the draft to fail');
    };
    const vat = fail(order({ lines: [line({ taxPercent: d('5') })] }));
    expect(vat).toBeInstanceOf(SyncError);
    expect(vat.errorClass).toBe('business');
    expect(vat.record).toEqual({ kind: 'order', key: '000000007', field: 'vatRate' });
    expect(vat.sentence).toBe('Order 000000007: VAT 5 % (SKU A-1) has no ERP VAT rate; add "5": "<ERP VAT rate code>" to mappings.vatRates, then retry the order.');
    const payment = fail(order({ paymentMethod: 'paypal_express' }));
    expect(payment.errorClass).toBe('business');
    expect(payment.sentence).toBe('Order 000000007: payment method "paypal_express" has no ERP code; add it to mappings.paymentMethods, then retry the order.');
    const shipping = fail(order({ shippingMethod: 'tablerate_bestway' }), pureConfig({ mappings: { shippingMethods: { flatrate_flatrate: 'POS' } } }));
    expect(shipping.sentence).toBe('Order 000000007: shipping method "tablerate_bestway" has no ERP code; add it to mappings.shippingMethods, then retry the order.');
    // Everything the order lacks, in one sentence, so that one retry is enough.
    const both = fail(order({ paymentMethod: 'paypal_express', lines: [line({ taxPercent: d('5') })] }));
    expect(both.sentence).toMatch(/^Order 000000007: VAT 5 % .*mappings\.vatRates\. payment method "paypal_express" .*mappings\.paymentMethods\. Then retry the order\.$/);
  });

  it('a setting every order needs stops the flow (configuration)', () => {
    const noBook = pureConfig({ mappings: { orderBook: undefined } });
    expect(() => erpOrderDraft(order(), 'P1' as never, noBook)).toThrow(/mappings\.orderBook/);
    try {
      erpOrderDraft(order(), 'P1' as never, noBook);
    } catch (error) {
      expect((error as SyncError).errorClass).toBe('configuration');
    }
    const noWarehouse = pureConfig({ mappings: { orderWarehouse: undefined, warehouses: {} } });
    expect(() => erpOrderDraft(order(), 'P1' as never, noWarehouse)).toThrow(/mappings\.orderWarehouse/);
  });

  it('gates by status, payment method and go-live date', () => {
    expect(orderGate(order(), config.flows.orders)).toBeUndefined();
    expect(orderGate(order({ status: 'canceled' }), config.flows.orders)).toMatch(/status canceled/);
    expect(orderGate(order(), { ...config.flows.orders, paymentMethods: ['banktransfer'] })).toMatch(/payment method checkmo/);
    expect(orderGate(order(), { ...config.flows.orders, since: '2026-04-01' })).toMatch(/since/);
  });

  it('an order already discovered is entered whatever the shop did with it since, unless canceled or excluded by a setting', () => {
    expect(entryGate(order({ status: 'complete', state: 'complete' }), config.flows.orders)).toBeUndefined();
    expect(entryGate(order({ status: 'closed', state: 'closed' }), config.flows.orders)).toBeUndefined();
    expect(entryGate(order({ status: 'canceled', state: 'canceled' }), config.flows.orders)).toMatch(/canceled/);
    // A custom status of the canceled state is canceled too.
    expect(entryGate(order({ status: 'storniran', state: 'canceled' }), config.flows.orders)).toMatch(/canceled/);
    expect(entryGate(order({ status: 'complete' }), { ...config.flows.orders, paymentMethods: ['banktransfer'] })).toMatch(/payment method checkmo/);
  });

  it('keeps the priced side of each bundle line on its own, and drops zero quantities', () => {
    const lines = [
      // A dynamic bundle: its components carry the price, the bundle line goes.
      line({ shopItemId: '10', sku: asSku('BUNDLE'), origin: 'bundle', unitPrice: d('0') }),
      line({ shopItemId: '11', sku: asSku('B-1'), origin: 'bundle-child', bundleItemId: '10' }),
      // A fixed bundle in the same order stays one line.
      line({ shopItemId: '20', sku: asSku('FIXED'), origin: 'bundle' }),
      line({ sku: asSku('Z'), quantity: d('0') }),
    ];
    expect(normaliseLines(lines).map((l) => l.sku)).toEqual(['B-1', 'FIXED']);
    expect(requiredSkus(order({ lines }), { ...config.flows.orders, shippingItem: 'SHIP' })).toEqual(['B-1', 'FIXED', 'SHIP']);
  });

  it('after entry, any difference from the grand total holds the order, naming what icsync computed', () => {
    expect(totalsMismatch('1', d('30.5'), d('30.5'), d('30.5'), 'VNK 1', 'iCenter')).toBeUndefined();
    expect(totalsMismatch('1', d('30.51'), d('30.5'), d('30.5'), 'VNK 1', 'iCenter')).toBe(
      'Order 1: the iCenter order VNK 1 totals 30.51, the shop grand total is 30.5 (difference 0.01), although icsync computed 30.5 before sending it. Check the iCenter document; its invoice is not sent to the shop or the buyer until you retry the order to accept it.',
    );
  });
});

describe('buyers', () => {
  it('prefers the VAT ID, then the e-mail, and says what is missing', () => {
    const o = order();
    expect(buyerIdentity(o.buyer)).toBe('email:ana@example.com');
    expect(buyerIdentity({ ...o.buyer, vatId: 'si 1234-5678' })).toBe('vat:SI12345678');
    expect(() => requireBuyerIdentity(order({ buyer: { ...o.buyer, email: '' } }))).toThrow(/neither a VAT ID nor an e-mail/);
  });

  it('makes a company of a buyer with a VAT ID or company name and maps the country', () => {
    const o = order();
    const config = pureConfig();
    expect(partnerDraft(o.buyer, config)).toMatchObject({ kind: 'person', name: 'Ana Novak', email: 'Ana@Example.com' });
    const company = partnerDraft({ ...o.buyer, company: 'Žaga d.o.o.', vatId: 'SI123', billing: { ...o.buyer.billing, country: 'XK' as never } }, config);
    expect(company).toMatchObject({ kind: 'company', name: 'Žaga d.o.o.', vatId: 'SI123', address: { country: 'RKS' } });
  });
});
