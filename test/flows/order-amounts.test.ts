/** The money of an order before entry (pure): row totals, ERP precision, shop tax settings, VAT status. */
import { describe, expect, it } from 'vitest';
import { dec, type Decimal } from '../../src/core/decimal.js';
import { asShopOrderId, asShopOrderNumber, asSku, asUtc, type ShopOrder, type ShopOrderLine } from '../../src/core/model.js';
import type { ErpOrderArithmetic } from '../../src/core/ports.js';
import type { IcenterSettings } from '../../src/connectors/icenter/config.js';
import { orderArithmetic } from '../../src/connectors/icenter/orders.js';
import { linePaid, paidBySettings, priceLine, settingsAgree } from '../../src/flows/order-amounts.js';
import { buyerStatus, planErpOrder } from '../../src/flows/order-mapping.js';
import { buyerIdentity, fullVatId } from '../../src/flows/partner-mapping.js';
import { pureConfig } from './pure-config.js';

const d = (v: string): Decimal => dec(v);
/** iCenter's arithmetic at its default precision (4 decimals of price, 2 of discount percent), and at whole percents. */
const icenter: ErpOrderArithmetic = orderArithmetic({ orderPrecision: { price: 4, discountPercent: 2 } } as IcenterSettings);
const wholePercents: ErpOrderArithmetic = orderArithmetic({ orderPrecision: { price: 4, discountPercent: 0 } } as IcenterSettings);

function line(over: Partial<ShopOrderLine> = {}): ShopOrderLine {
  return {
    shopItemId: '1', sku: asSku('A-1'), name: 'Vijak', quantity: d('3'), unitPrice: d('19.99'), unitPriceInclTax: d('24.39'), discountAmount: d('6'),
    taxPercent: d('22'), taxAmount: d('11.87'), rowTotal: d('59.97'), rowTotalInclTax: d('73.16'), origin: 'simple', discountTaxCompensation: d('0'), ...over,
  };
}

describe('line amounts', () => {
  it('what the buyer paid comes from the row totals, whatever the unit price says', () => {
    // 37 × 0.33 net = 12.21; 22 % = 2.69 → 14.90, although 37 × 0.40 (the rounded gross unit price) is 14.80.
    const cheap = line({ quantity: d('37'), unitPrice: d('0.33'), unitPriceInclTax: d('0.4'), discountAmount: d('0'), taxAmount: d('2.69'), rowTotal: d('12.21'), rowTotalInclTax: d('14.9') });
    expect(linePaid(cheap)).toBe('14.9');
    const priced = priceLine(cheap.quantity, cheap.rowTotalInclTax, linePaid(cheap), cheap.unitPriceInclTax, icenter);
    expect(priced).toEqual({ unitPrice: '0.4027', discountPercent: '0', erpPayable: '14.9', discountInPrice: false });
  });

  it('a discount stays a discount where a percent at the ERP precision gives the paid amount, else goes into the price', () => {
    const l = line();
    expect(linePaid(l)).toBe('65.84');
    const priced = priceLine(l.quantity, l.rowTotalInclTax, linePaid(l), l.unitPriceInclTax, icenter);
    expect(priced.erpPayable).toBe('65.84');
    // 3 × 24.39 (the shop's rounded unit price with VAT) is 73.17, but the row with VAT is 73.16: the row wins.
    expect(priced.unitPrice).toBe('24.3867');
    expect(Number(priced.discountPercent)).toBeGreaterThan(9);
    // With whole percents only, no percent fits: the paid amount becomes the price, to the cent.
    // 6.50 off: 65.23 paid, 10.84 % of the row; with whole percents (11 % = 65.11, 10 % = 65.84) none fits.
    const odd = line({ discountAmount: d('6.5'), taxAmount: d('11.76') });
    expect(priceLine(odd.quantity, odd.rowTotalInclTax, linePaid(odd), odd.unitPriceInclTax, icenter)).toMatchObject({ discountPercent: '10.84', erpPayable: '65.23' });
    const folded = priceLine(odd.quantity, odd.rowTotalInclTax, linePaid(odd), odd.unitPriceInclTax, wholePercents);
    expect(folded).toMatchObject({ unitPrice: '21.7433', discountPercent: '0', discountInPrice: true, erpPayable: '65.23' });
  });

  it('the shop tax settings explain a discount, or the line is named', () => {
    // Default shop: 6.00 off the net price, so 7.32 off the gross.
    const l = line();
    expect(paidBySettings(l, { discountIncludesTax: false, taxAfterDiscount: true })).toBe('65.84');
    expect(settingsAgree(l, { discountIncludesTax: false, taxAfterDiscount: true }).agree).toBe(true);
    // Read as a discount on prices with VAT, the same line would cost 67.16: not what the shop charged.
    expect(settingsAgree(l, { discountIncludesTax: true, taxAfterDiscount: true })).toEqual({ agree: false, expected: '67.16' });
    expect(settingsAgree(l, { discountIncludesTax: false, taxAfterDiscount: false }).agree).toBe(false);
  });
});

describe('VAT status and VAT IDs', () => {
  const billing = { street: ['Ilica 1'], city: 'Zagreb', postcode: '10000', country: 'HR' as never };
  const order = (over: Partial<ShopOrder> = {}): ShopOrder => ({
    id: asShopOrderId(1), number: asShopOrderNumber('000000001'), status: 'pending', state: 'new', createdAt: asUtc(new Date('2026-03-01T10:00:00Z')), updatedAt: asUtc(new Date('2026-03-01T10:00:00Z')),
    currency: 'EUR' as never, baseCurrency: 'EUR' as never, paymentMethod: 'checkmo',
    buyer: { email: 'a@b.hr', isGuest: true, vatId: 'HR123', company: 'Horvat d.o.o.', billing },
    lines: [line({ taxPercent: d('0'), taxAmount: d('0'), discountAmount: d('0'), rowTotal: d('30'), rowTotalInclTax: d('30'), unitPriceInclTax: d('10') })],
    totals: { subtotal: d('30'), discount: d('0'), shipping: d('0'), shippingInclTax: d('0'), tax: d('0'), grandTotal: d('30') },
    baseGrandTotal: d('30'), shipped: false, invoiced: false, ...over,
  });

  it('status by billing country and VAT ID; a 0 % line takes the code for that status, not the 0 % code', () => {
    const config = pureConfig({ mappings: { vatRates: { '22': '02', '0': '00' }, vatByBuyer: { euBusiness: 'RC', export: 'IZ', countries: { NO: 'IZ-NO' } } } });
    expect(buyerStatus(order(), config.mappings)).toBe('euBusiness');
    expect(buyerStatus(order({ buyer: { ...order().buyer, vatId: undefined as never } }), config.mappings)).toBe('euConsumer');
    expect(buyerStatus(order({ buyer: { ...order().buyer, billing: { ...billing, country: 'SI' as never } } }), config.mappings)).toBe('domestic');
    expect(planErpOrder(order(), 'P' as never, config).draft.lines[0]!.vatRate).toBe('RC');
    const norway = order({ buyer: { ...order().buyer, billing: { ...billing, country: 'NO' as never } } });
    expect(buyerStatus(norway, config.mappings)).toBe('export');
    expect(planErpOrder(norway, 'P' as never, config).draft.lines[0]!.vatRate).toBe('IZ-NO');
    // Without a code for the status the order waits, naming the setting.
    expect(() => planErpOrder(order(), 'P' as never, pureConfig({ mappings: { vatRates: { '0': '00' } } }))).toThrow(/mappings\.vatByBuyer\.euBusiness/);
  });

  it('a VAT ID typed without its prefix takes the billing country\'s', () => {
    expect(fullVatId('12345678', 'SI')).toBe('SI12345678');
    expect(fullVatId('si 1234 5678', 'HR')).toBe('SI12345678');
    expect(fullVatId('123456789', 'GR')).toBe('EL123456789');
    const buyer = { isGuest: true, email: 'x@y.si', billing: { ...billing, country: 'SI' as never } };
    expect(buyerIdentity({ ...buyer, vatId: '12345678' })).toBe(buyerIdentity({ ...buyer, vatId: 'SI12345678' }));
  });
});
