/**
 * Starts the iCenter emulator (port 0) and builds the iCenter connector against it: the
 * setup of the ErpPort conformance suite for iCenter, reused by the connector's own tests.
 */
import { pino } from 'pino';
import { icenterSettingsSchema, type IcenterSettings, type IcenterSettingsInput } from '../../../src/connectors/icenter/config.js';
import { createIcenterErp } from '../../../src/connectors/icenter/index.js';
import { asErpKey, asPartnerCode, asShopOrderNumber, asSku, asUtc, asVatRate, asWarehouse, type ErpDocumentKey, type ErpOrderDraft, type Sku } from '../../../src/core/model.js';
import { dec } from '../../../src/core/decimal.js';
import type { ErpPort } from '../../../src/core/ports.js';
import { generateIcenterSeed, startIcenterEmulator, type IcenterEmulator, type IcenterEmulatorOptions } from '../../../src/emulators/icenter/index.js';
import type { ErpPortConformanceSetup } from './conformance.js';

export const ORG = 1;
export const ITEM_COUNT = 37;
export const KNOWN_SKU = asSku('SI.101.000001');
export const UNKNOWN_SKU = asSku('NI.TEGA.ARTIKLA');
export const PARTNER = asPartnerCode('0001001');

export const silentLogger = pino({ level: 'silent' });

export interface IcenterHarness {
  emulator: IcenterEmulator;
  settings: IcenterSettings;
  port: ErpPort;
  makeSettings(overrides?: Partial<IcenterSettingsInput>): IcenterSettings;
  makePort(overrides?: Partial<IcenterSettingsInput>): ErpPort;
  close(): Promise<void>;
}

export async function startIcenterHarness(options: { tls?: boolean; emulator?: IcenterEmulatorOptions; settings?: Partial<IcenterSettingsInput> } = {}): Promise<IcenterHarness> {
  const emulator = await startIcenterEmulator({
    seed: generateIcenterSeed({ seed: 7, items: ITEM_COUNT, customers: 6, organisations: [ORG, 2] }),
    ...(options.tls ? { tls: true } : {}),
    ...options.emulator,
  });
  const ports: ErpPort[] = [];
  const makeSettings = (overrides: Partial<IcenterSettingsInput> = {}): IcenterSettings =>
    icenterSettingsSchema.parse({
      baseUrl: emulator.baseUrl,
      user: emulator.credentials.user,
      password: emulator.credentials.password,
      organisationId: ORG,
      retry: { attempts: 2, baseDelay: 10, maxDelay: 50 },
      timeouts: { connect: 2000, request: 5000 },
      ...(emulator.caPath ? { tls: { caFile: emulator.caPath } } : {}),
      orderLookup: { sweepWindow: 30 },
      ...options.settings,
      ...overrides,
    });
  const makePort = (overrides: Partial<IcenterSettingsInput> = {}): ErpPort => {
    const port = createIcenterErp(makeSettings(overrides), { logger: silentLogger });
    ports.push(port);
    return port;
  };
  const settings = makeSettings();
  const port = makePort();
  return {
    emulator,
    settings,
    port,
    makeSettings,
    makePort,
    async close() {
      await Promise.all(ports.map((p) => p.close()));
      await emulator.close();
    },
  };
}

export function orderDraft(reference: string, skus: Sku[] = [KNOWN_SKU]): ErpOrderDraft {
  return {
    reference: asShopOrderNumber(reference),
    partner: PARTNER,
    orderDate: asUtc(new Date()),
    warehouse: asWarehouse('0000001'),
    book: 'VNK',
    currency: 'EUR' as ErpOrderDraft['currency'],
    comment: 'Spletno naročilo – čšž',
    lines: skus.map((sku) => ({
      sku,
      name: 'Artikel čšž',
      quantity: dec('2'),
      unitPrice: dec('10.50'),
      priceIncludesVat: false,
      discountPercent: dec('0'),
      vatRate: asVatRate('02'),
    })),
  };
}

export function parseKey(key: ErpDocumentKey): { year: number; book: string; number: number } {
  const [year, book, number] = key.split('/');
  return { year: Number(year), book: book!, number: Number(number) };
}

export async function icenterConformanceSetup(tls: boolean): Promise<ErpPortConformanceSetup> {
  const h = await startIcenterHarness({ tls });
  return {
    port: h.port,
    makePort: (variant) => (variant === 'bad-credentials' ? h.makePort({ password: 'not-the-password' }) : h.makePort({ organisationId: 99 })),
    data: { itemCount: ITEM_COUNT, pageSize: 10, knownSku: KNOWN_SKU, unknownSku: UNKNOWN_SKU, orderDraft },
    admin: {
      resetRequests: async () => {
        await fetchAdmin(h, 'DELETE', '/requests');
      },
      itemPagesRequested: async () =>
        (h.emulator.requestLog() as { path: string; query: Record<string, string> }[])
          .filter((r) => /GetItemsGeneralData/i.test(r.path) && r.query['searchQuery.page'] !== undefined)
          .map((r) => Number(r.query['searchQuery.page'])),
      ordersWithReference: async (reference) => {
        const orders = (await fetchAdmin(h, 'GET', `/orders?organisation=${ORG}`)) as { orderReference: string | null }[];
        return orders.filter((o) => o.orderReference === reference).length;
      },
      issueInvoice: async (orderKey) => {
        const k = parseKey(asErpKey(orderKey));
        await fetchAdmin(h, 'POST', '/invoices', { organisation: ORG, orderYear: k.year, orderBook: k.book, orderNumber: k.number });
      },
      loseNextCreateAnswer: async () => {
        await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'Order/AddOrder', method: 'POST', kind: 'lostAnswer', times: 1 }] });
      },
    },
    lookupVariants: [
      {
        name: 'GetOrderStatus answers nothing (sweep fallback)',
        apply: async () => void (await fetchAdmin(h, 'PATCH', '/settings', { getOrderStatusEmpty: true })),
        restore: async () => void (await fetchAdmin(h, 'PATCH', '/settings', { getOrderStatusEmpty: false })),
      },
    ],
    teardown: () => h.close(),
  };
}

/** The emulator's admin API over HTTP(S); HTTPS trusts the emulator's CA through an undici agent. */
export async function fetchAdmin(h: IcenterHarness, method: string, path: string, body?: unknown): Promise<unknown> {
  const { Agent, request } = await import('undici');
  const dispatcher = h.emulator.ca ? new Agent({ connect: { ca: h.emulator.ca } }) : undefined;
  try {
    const response = await request(`${h.emulator.adminUrl}${path}`, {
      method: method as 'GET',
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      ...(dispatcher ? { dispatcher } : {}),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`admin ${method} ${path}: ${response.statusCode} ${text}`);
    return text ? JSON.parse(text) : undefined;
  } finally {
    await dispatcher?.close();
  }
}
