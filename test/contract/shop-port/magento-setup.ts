/**
 * Starts the Magento emulator (port 0) and builds the Magento connector against it: the setup
 * of the ShopPort conformance suite for Magento, reused by the connector's own tests. The admin
 * hooks read the emulator over HTTP (its /__admin API, or REST signed by the emulator tests'
 * own OAuth client), never through the connector under test.
 */
import { pino } from 'pino';
import { createMagentoShop, type MagentoShop } from '../../../src/connectors/magento/index.js';
import { magentoSettingsSchema, type MagentoSettings, type MagentoSettingsInput } from '../../../src/connectors/magento/config.js';
import { dec, type Decimal } from '../../../src/core/decimal.js';
import { asShopOrderId, asSku, type ShopOrderId } from '../../../src/core/model.js';
import { buildPlaceOrder, startMagentoEmulator, type MagentoEmulator, type MagentoEmulatorOptions } from '../../../src/emulators/magento/index.js';
import { admin, call, criteria } from '../../emulators/magento/helpers.js';
import type { ShopPortConformanceSetup } from './conformance.js';

export const ORDER_COUNT = 23;
export const PRODUCT_COUNT = 30;
export const KNOWN_SKU = asSku('ICS-000001');
export const UNKNOWN_SKU = asSku('NI-TEGA-ARTIKLA');

export const silentLogger = pino({ level: 'silent' });

export interface MagentoHarness {
  emulator: MagentoEmulator;
  settings: MagentoSettings;
  port: MagentoShop;
  makeSettings(overrides?: Partial<MagentoSettingsInput>): MagentoSettings;
  makePort(overrides?: Partial<MagentoSettingsInput>): MagentoShop;
  /** Places a simple one-line order through the admin API; returns its id. */
  placeOrder(spec?: Partial<Parameters<typeof buildPlaceOrder>[0]>): Promise<ShopOrderId>;
  close(): Promise<void>;
}

export async function startMagentoHarness(options: { emulator?: MagentoEmulatorOptions; settings?: Partial<MagentoSettingsInput> } = {}): Promise<MagentoHarness> {
  const emulator = await startMagentoEmulator({
    port: 0,
    seed: { generate: { products: PRODUCT_COUNT, customers: 5, orders: ORDER_COUNT, seed: 7 } },
    ...options.emulator,
  });
  const c = emulator.credentials;
  const ports: MagentoShop[] = [];
  const makeSettings = (overrides: Partial<MagentoSettingsInput> = {}): MagentoSettings =>
    magentoSettingsSchema.parse({
      baseUrl: emulator.baseUrl,
      auth: { kind: 'oauth', consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, accessToken: c.accessToken, accessTokenSecret: c.accessTokenSecret },
      retry: { attempts: 3, baseDelay: 10, maxDelay: 50, maxRetryAfter: 2000 },
      timeouts: { connect: 2000, request: 5000 },
      ...options.settings,
      ...overrides,
    });
  const makePort = (overrides: Partial<MagentoSettingsInput> = {}): MagentoShop => {
    const port = createMagentoShop(makeSettings(overrides), { logger: silentLogger });
    ports.push(port);
    return port;
  };
  let counter = 0;
  return {
    emulator,
    settings: makeSettings(),
    port: makePort(),
    makeSettings,
    makePort,
    async placeOrder(spec = {}) {
      counter += 1;
      const body = buildPlaceOrder({
        lines: [{ kind: 'simple', qty: 2, sku: 'ICS-000002', name: 'Kava domača 2', unitPrice: '10.00', taxPercent: '22' }],
        email: `kupec${counter}@example.com`,
        billing: { firstname: 'Mojca', lastname: 'Novak', street: ['Slovenska cesta 1'], city: 'Ljubljana', postcode: '1000', countryId: 'SI' },
        shippingAmount: '4.10',
        shippingTaxPercent: '22',
        ...spec,
      });
      const placed = await admin(emulator, 'POST', '/orders', body);
      if (placed.status !== 200) throw new Error(`placing an order failed: ${placed.text}`);
      return asShopOrderId((placed.body as { entity_id: number }).entity_id);
    },
    async close() {
      await Promise.all(ports.map((p) => p.close()));
      await emulator.close();
    },
  };
}

export async function magentoConformanceSetup(options: { emulator?: MagentoEmulatorOptions; settings?: Partial<MagentoSettingsInput> } = {}): Promise<ShopPortConformanceSetup> {
  const h = await startMagentoHarness(options);
  const em = h.emulator;
  return {
    port: h.port,
    makePort: () => h.makePort({ auth: { kind: 'oauth', consumerKey: em.credentials.consumerKey, consumerSecret: 'wrong-secret', accessToken: em.credentials.accessToken, accessTokenSecret: em.credentials.accessTokenSecret } }),
    data: { orderCount: ORDER_COUNT, pageSize: 5, knownSku: KNOWN_SKU, unknownSku: UNKNOWN_SKU, source: 'default' },
    admin: {
      async resetRequests() {
        await admin(em, 'DELETE', '/requests');
      },
      async orderListRequests() {
        const log = (await admin(em, 'GET', '/requests')).body as { method: string; path: string }[];
        return log.filter((r) => r.method === 'GET' && r.path.endsWith('/V1/orders')).length;
      },
      placeOrder: () => h.placeOrder(),
      async invoiceCount(orderId) {
        const reply = await call(em, 'GET', `/rest/V1/invoices?${criteria([[['order_id', orderId, 'eq']]])}`);
        return (reply.body as { total_count: number }).total_count;
      },
      async invoiceEmails(invoiceId) {
        const emails = (await admin(em, 'GET', '/emails')).body as { kind: string; entity_id: number; attachments: { file_name: string }[] }[];
        return emails.filter((e) => e.kind === 'invoice' && String(e.entity_id) === invoiceId).map((e) => ({ attachments: e.attachments.map((a) => a.file_name) }));
      },
      async stockQuantity(sku, source): Promise<Decimal | undefined> {
        const reply = await call(em, 'GET', `/rest/V1/inventory/source-items?${criteria([[['sku', sku, 'eq']], [['source_code', source, 'eq']]])}`);
        const item = (reply.body as { items: { quantity: number }[] }).items[0];
        return item === undefined ? undefined : dec(String(item.quantity));
      },
      async orderComments(orderId) {
        const reply = await call(em, 'GET', `/rest/V1/orders/${orderId}/comments`);
        if (reply.status !== 200) throw new Error(`reading the comments of order ${orderId} failed: ${reply.text}`);
        return (reply.body as { items: { comment: string }[] }).items.map((c) => c.comment);
      },
    },
    teardown: () => h.close(),
  };
}
