/** Pure parts of the Magento connector: OAuth golden vectors, searchCriteria, messages, JSON decimals, paging, order normalisation. */
import { describe, expect, it } from 'vitest';
import { magentoSettingsSchema } from '../../../src/connectors/magento/config.js';
import { fillPlaceholders, magentoMessage } from '../../../src/connectors/magento/errors.js';
import { jsonDecimal, toJsonBody } from '../../../src/connectors/magento/json.js';
import { oauthAuthorization, oauthParameters } from '../../../src/connectors/magento/oauth.js';
import { fromMagentoUtc, normaliseOrder, type Json } from '../../../src/connectors/magento/orders.js';
import { keysetPages } from '../../../src/connectors/magento/paging.js';
import { productBody } from '../../../src/connectors/magento/products.js';
import { magentoUtc, searchCriteriaQuery } from '../../../src/connectors/magento/search-criteria.js';
import { dec } from '../../../src/core/decimal.js';
import { asSku } from '../../../src/core/model.js';
import { oauthVectors, sampleOrder } from './sample.js';

const vectors = oauthVectors() as {
  consumer_secret: string; token_secret: string; oauth_params: Record<string, string>;
  cases: { label: string; method: string; url: string; rfc5849: string; magento_2_4_8: string; magento_2_4_4_to_2_4_7: string; rfc_matches_2_4_7: boolean }[];
};

describe('OAuth 1.0a HMAC-SHA256 golden vectors', () => {
  const credentials = {
    consumerKey: vectors.oauth_params.oauth_consumer_key!, accessToken: vectors.oauth_params.oauth_token!,
    consumerSecret: vectors.consumer_secret, accessTokenSecret: vectors.token_secret,
  };
  const fixed = { nonce: vectors.oauth_params.oauth_nonce!, timestamp: Number(vectors.oauth_params.oauth_timestamp) };
  it.each(vectors.cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const params = oauthParameters(c.method, c.url, credentials, fixed);
    expect(params.oauth_signature).toBe(c.rfc5849);
    expect(params.oauth_signature).toBe(c.magento_2_4_8);
    // Where the releases agree, the one signature verifies on 2.4.4–2.4.7 too.
    if (c.rfc_matches_2_4_7) expect(params.oauth_signature).toBe(c.magento_2_4_4_to_2_4_7);
  });

  it('writes the header with every parameter quoted and encoded', () => {
    const header = oauthAuthorization('GET', 'https://shop.example.com/rest/V1/orders/42', credentials, fixed);
    expect(header).toMatch(/^OAuth oauth_consumer_key="consumerkey0+1", oauth_token="accesstoken0+1", oauth_signature_method="HMAC-SHA256", oauth_timestamp="1767225600", oauth_nonce="n0nce", oauth_version="1.0", oauth_signature="[A-Za-z0-9%]+"$/);
    expect(header).toContain(encodeURIComponent(vectors.cases.find((c) => c.label === 'explicit default port')!.rfc5849));
  });

  it('uses a fresh nonce per request', () => {
    const a = oauthParameters('GET', 'https://x/rest/V1/orders', credentials);
    const b = oauthParameters('GET', 'https://x/rest/V1/orders', credentials);
    expect(a.oauth_nonce).not.toBe(b.oauth_nonce);
  });
});

describe('searchCriteria', () => {
  it('builds bracketed, RFC 3986-encoded keys with groups, sort and paging', () => {
    const query = searchCriteriaQuery({
      filterGroups: [[{ field: 'updated_at', value: '2026-01-01 00:00:00', condition: 'gteq' }], [{ field: 'entity_id', value: 5, condition: 'gt' }]],
      sortOrders: [{ field: 'entity_id', direction: 'ASC' }],
      pageSize: 100,
      currentPage: 1,
    });
    expect(query).toBe(
      'searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=updated_at&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=2026-01-01%2000%3A00%3A00&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bcondition_type%5D=gteq' +
        '&searchCriteria%5Bfilter_groups%5D%5B1%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=entity_id&searchCriteria%5Bfilter_groups%5D%5B1%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=5&searchCriteria%5Bfilter_groups%5D%5B1%5D%5Bfilters%5D%5B0%5D%5Bcondition_type%5D=gt' +
        '&searchCriteria%5BsortOrders%5D%5B0%5D%5Bfield%5D=entity_id&searchCriteria%5BsortOrders%5D%5B0%5D%5Bdirection%5D=ASC&searchCriteria%5BpageSize%5D=100&searchCriteria%5BcurrentPage%5D=1',
    );
  });
  it('writes searchCriteria= when empty and refuses indexes of 10 and more', () => {
    expect(searchCriteriaQuery({})).toBe('searchCriteria=');
    expect(() => searchCriteriaQuery({ filterGroups: Array.from({ length: 11 }, () => [{ field: 'sku', value: 'a' }]) })).toThrow(/at most 10/);
  });
  it('writes dates as UTC Y-m-d H:i:s', () => {
    expect(magentoUtc(new Date('2026-03-29T01:30:05.999+02:00'))).toBe('2026-03-28 23:30:05');
  });
});

describe('Magento error messages', () => {
  it('fills positional and named placeholders', () => {
    expect(fillPlaceholders('Signature method %1 is not supported', ['HMAC-SHA1'])).toBe('Signature method HMAC-SHA1 is not supported');
    expect(fillPlaceholders('No such entity with %fieldName = %fieldValue', { fieldName: 'customerId', fieldValue: 9 })).toBe('No such entity with customerId = 9');
    expect(fillPlaceholders('%1 and %2 and %3', ['a', 'b'])).toBe('a and b and %3');
  });
  it('appends aggregated errors', () => {
    const body = JSON.stringify({ message: 'Validation Failed: "sku" can not be empty.', errors: [{ message: '"%field" can not be empty.', parameters: { field: 'sku' } }, { message: '"%field" should be numeric.', parameters: { field: 'quantity' } }] });
    expect(magentoMessage(body)).toBe('Validation Failed: "sku" can not be empty. "quantity" should be numeric.');
    expect(magentoMessage('<html><title>Maintenance</title></html>')).toBeUndefined();
  });
});

describe('JSON bodies with exact decimals', () => {
  it('writes decimals as unquoted numbers with their own digits', () => {
    expect(toJsonBody({ a: jsonDecimal(dec('0.1')), b: [jsonDecimal(dec('-12.345678901234567890'))], c: 'x' })).toBe('{"a":0.1,"b":[-12.34567890123456789],"c":"x"}');
  });
  it('builds a new product with defaults and an existing one without them', () => {
    const settings = magentoSettingsSchema.parse({ baseUrl: 'http://x', auth: { kind: 'bearer', token: 't' } });
    const draft = { sku: asSku('A-1'), name: 'A', price: dec('19.99'), enabled: false, weight: dec('0.5'), taxClassId: 2, attributes: { ean: '383' } };
    expect(toJsonBody(productBody(draft, false, settings))).toBe(
      '{"product":{"sku":"A-1","name":"A","status":2,"price":19.99,"weight":0.5,"custom_attributes":[{"attribute_code":"tax_class_id","value":"2"},{"attribute_code":"ean","value":"383"}],"attribute_set_id":4,"type_id":"simple","visibility":4,"extension_attributes":{"website_ids":[1]}},"saveOptions":true}',
    );
    expect(productBody(draft, true, settings).product).not.toHaveProperty('type_id');
  });
});

describe('keyset paging', () => {
  const rows = Array.from({ length: 25 }, (_, i) => ({ id: i + 1 }));
  const collect = async (fetchPage: (after: number, size: number) => { items: { id: number }[]; total_count?: number }) => {
    const calls: number[] = [];
    const pages: number[][] = [];
    for await (const page of keysetPages<{ id: number }>({
      filterGroups: [], pageSize: 10, idOf: (r) => r.id,
      fetchPage: async (groups, size) => {
        const after = Number(groups.at(-1)![0]!.value);
        calls.push(after);
        return fetchPage(after, size);
      },
    })) pages.push(page.map((r) => r.id));
    return { calls, pages };
  };
  it('asks for ids above the last one and ends on the short page', async () => {
    const { calls, pages } = await collect((after, size) => ({ items: rows.filter((r) => r.id > after).slice(0, size) }));
    expect(calls).toEqual([0, 10, 20]);
    expect(pages.flat()).toEqual(rows.map((r) => r.id));
  });
  it('never loops on a server that ignores the filter (repeats the same page)', async () => {
    const { calls, pages } = await collect((_after, size) => ({ items: rows.slice(0, size) }));
    expect(calls).toEqual([0, 10]);
    expect(pages).toEqual([rows.slice(0, 10).map((r) => r.id)]);
  });
  it('de-duplicates and keeps going when the server pages smaller than asked (total_count)', async () => {
    const { pages } = await collect((after) => {
      const rest = rows.filter((r) => r.id > after);
      return { items: [...rest.slice(0, 4), ...rest.slice(0, 2)], total_count: rest.length };
    });
    expect(pages.flat()).toEqual(rows.map((r) => r.id));
  });
});

describe('Magento dates', () => {
  it('reads Magento\'s zone-less text as UTC and honours a zone when one is named', () => {
    expect(fromMagentoUtc('2017-08-21 22:22:19')).toBe('2017-08-21T22:22:19.000Z');
    expect(fromMagentoUtc('2026-03-29T03:30:00+02:00')).toBe('2026-03-29T01:30:00.000Z');
    expect(fromMagentoUtc('2026-03-29 03:30:00+0200')).toBe('2026-03-29T01:30:00.000Z');
    expect(fromMagentoUtc('2026-10-25 01:30:00 -05:00')).toBe('2026-10-25T06:30:00.000Z');
    expect(fromMagentoUtc('2026-03-29 01:30:00Z')).toBe('2026-03-29T01:30:00.000Z');
    expect(fromMagentoUtc('2026-03-29 01:30:00.250')).toBe('2026-03-29T01:30:00.250Z');
  });

  it('refuses what is not a date', () => {
    for (const text of ['2026-13-01 00:00:00', '2026-02-30 10:00:00', '21.08.2017', '2026-03-29 01:30:00 CET']) expect(() => fromMagentoUtc(text), text).toThrow(/unreadable date/);
    expect(() => fromMagentoUtc(undefined)).toThrow('missing date');
  });
});

describe('order normalisation (Adobe sample order)', () => {
  it('turns the sample into exact lines and totals', () => {
    const order = normaliseOrder(sampleOrder(), { bundles: 'parent' });
    expect(order).toMatchObject({
      id: '3', number: '000000003', status: 'pending', state: 'new', currency: 'USD', baseCurrency: 'USD',
      createdAt: '2017-08-21T22:22:19.000Z', updatedAt: '2017-08-21T22:22:20.000Z',
      buyer: { email: 'jdoe@example.com', firstName: 'Jane', lastName: 'Doe', customerId: '3', isGuest: false },
      shippingMethod: 'tablerate_bestway', shippingDescription: 'Best Way - Table Rate', paymentMethod: 'banktransfer',
      totals: { subtotal: '160', discount: '0', shipping: '5', shippingInclTax: '5', shippingTaxPercent: '0', tax: '0', grandTotal: '165' },
      baseGrandTotal: '165', shipped: false, invoiced: false,
    });
    expect(order.buyer.vatId).toBeUndefined();
    expect(order.shippingAddress).toEqual({ street: ['123 Oak Ave'], city: 'Purchase', postcode: '10577', country: 'US', firstName: 'Jane', lastName: 'Doe', region: 'New York', telephone: '512-555-1111' });
    const money = { discountAmount: '0', taxPercent: '0', taxAmount: '0', discountTaxCompensation: '0' };
    expect(order.lines).toEqual([
      { shopItemId: '3', sku: 'WS12-M-Orange', name: 'Radiant Tee-M-Orange', quantity: '1', unitPrice: '22', unitPriceInclTax: '22', rowTotal: '22', rowTotalInclTax: '22', origin: 'simple', ...money },
      { shopItemId: '4', sku: '240-LV08', name: 'Advanced Pilates & Yoga (Strength)', quantity: '1', unitPrice: '18', unitPriceInclTax: '18', rowTotal: '18', rowTotalInclTax: '18', origin: 'downloadable', ...money },
      { shopItemId: '5', sku: '24-WG080-24-WG084-24-WG088-24-WG082-blue-24-WG086', name: 'Sprite Yoga Companion Kit', quantity: '1', unitPrice: '68', unitPriceInclTax: '68', rowTotal: '68', rowTotalInclTax: '68', origin: 'bundle', ...money },
      // Configurable: the child's SKU and name, the parent row's item id, price, discount and tax.
      { shopItemId: '10', sku: 'MH01-S-Gray', name: 'Chaz Kangeroo Hoodie-S-Gray', quantity: '1', unitPrice: '52', unitPriceInclTax: '52', rowTotal: '52', rowTotalInclTax: '52', origin: 'configurable', ...money },
    ]);
  });

  it('splits a bundle into its components when bundles: children', () => {
    const lines = normaliseOrder(sampleOrder(), { bundles: 'children' }).lines;
    expect(lines.map((l) => [l.sku, l.unitPrice, l.origin])).toEqual([
      ['WS12-M-Orange', '22', 'simple'], ['240-LV08', '18', 'downloadable'],
      ['24-WG082-blue', '27', 'bundle-child'], ['24-WG084', '5', 'bundle-child'], ['24-WG086', '17', 'bundle-child'], ['24-WG088', '19', 'bundle-child'],
      ['MH01-S-Gray', '52', 'configurable'],
    ]);
  });

  it('carries tax, discounts, a guest buyer, VAT ID and two currencies apart', () => {
    const raw = sampleOrder();
    Object.assign(raw, {
      customer_is_guest: 1, customer_firstname: undefined, customer_lastname: undefined, customer_taxvat: 'SI99999999',
      order_currency_code: 'EUR', base_currency_code: 'USD', grand_total: 152.07, base_grand_total: 165.4,
      discount_amount: -10.4, shipping_amount: 4.1, shipping_tax_amount: 0.9, shipping_incl_tax: 5, tax_amount: 12.37,
    });
    delete raw.customer_id;
    delete raw.customer_firstname;
    delete raw.customer_lastname;
    (raw.billing_address as Json).firstname = 'Guest';
    (raw.billing_address as Json).company = 'Podjetje d.o.o.';
    const items = raw.items as Json[];
    Object.assign(items.find((i) => i.item_id === 10)!, { price: 42.62, price_incl_tax: 52, row_total: 85.24, row_total_incl_tax: 104, qty_ordered: 2, tax_percent: 22, tax_amount: 16.9, discount_amount: 8.4 });
    let order = normaliseOrder(raw, { bundles: 'parent' });
    expect(order.buyer).toMatchObject({ isGuest: true, firstName: 'Guest', lastName: 'Doe', vatId: 'SI99999999', company: 'Podjetje d.o.o.' });
    expect(order.buyer.customerId).toBeUndefined();
    expect([order.currency, order.baseCurrency, order.totals.grandTotal, order.baseGrandTotal]).toEqual(['EUR', 'USD', '152.07', '165.4']);
    expect(order.totals).toMatchObject({ discount: '10.4', shipping: '4.1', shippingInclTax: '5', shippingTaxPercent: '21.95', tax: '12.37' });
    expect(order.lines.at(-1)).toMatchObject({ sku: 'MH01-S-Gray', quantity: '2', unitPrice: '42.62', unitPriceInclTax: '52', discountAmount: '8.4', taxPercent: '22', taxAmount: '16.9', rowTotal: '85.24', rowTotalInclTax: '104' });
    // The billing address VAT ID wins over the customer's taxvat.
    (raw.billing_address as Json).vat_id = 'SI12345678';
    order = normaliseOrder(raw, { bundles: 'parent' });
    expect(order.buyer.vatId).toBe('SI12345678');
  });
});
