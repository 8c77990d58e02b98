/**
 * Starts the Minimax emulator (port 0) and builds the Minimax connector against it: the
 * setup of the ErpPort conformance suite for Minimax, reused by the connector's own tests.
 */
import { pino } from 'pino';
import { minimaxSettingsSchema, type MinimaxSettings, type MinimaxSettingsInput } from '../../../src/connectors/minimax/config.js';
import { createMinimaxErp } from '../../../src/connectors/minimax/index.js';
import { dec } from '../../../src/core/decimal.js';
import { asPartnerCode, asShopOrderNumber, asSku, asUtc, asVatRate, asWarehouse, type ErpOrderDraft, type Sku } from '../../../src/core/model.js';
import type { CallCounter, ErpPort } from '../../../src/core/ports.js';
import { startMinimaxEmulator, type MinimaxEmulator, type MinimaxEmulatorOptions, type MinimaxRequestLogEntry } from '../../../src/emulators/minimax/index.js';
import type { ErpPortConformanceSetup } from './conformance.js';

export const ORG = 1;
export const ITEM_COUNT = 37;
export const KNOWN_SKU = asSku('MM-00001');
export const UNKNOWN_SKU = asSku('NI-TEGA-ARTIKLA');
export const PARTNER = asPartnerCode('K00001');

export const silentLogger = pino({ level: 'silent' });

export interface MinimaxHarness {
  emulator: MinimaxEmulator;
  port: ErpPort;
  makeSettings(overrides?: Partial<MinimaxSettingsInput>): MinimaxSettings;
  makePort(overrides?: Partial<MinimaxSettingsInput>, counter?: CallCounter): ErpPort;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  log(): MinimaxRequestLogEntry[];
  close(): Promise<void>;
}

export async function startMinimaxHarness(options: { emulator?: MinimaxEmulatorOptions; settings?: Partial<MinimaxSettingsInput> } = {}): Promise<MinimaxHarness> {
  const emulator = await startMinimaxEmulator({ seed: { seed: 7, items: ITEM_COUNT, customers: 6, organisations: [ORG, 2] }, ...options.emulator });
  const ports: ErpPort[] = [];
  const makeSettings = (overrides: Partial<MinimaxSettingsInput> = {}): MinimaxSettings =>
    minimaxSettingsSchema.parse({
      baseUrl: emulator.baseUrl,
      clientId: emulator.credentials.clientId,
      clientSecret: emulator.credentials.clientSecret,
      username: emulator.credentials.username,
      password: emulator.credentials.password,
      organisationId: ORG,
      retry: { attempts: 2, baseDelay: 10, maxDelay: 50 },
      timeouts: { connect: 2000, request: 5000 },
      ...options.settings,
      ...overrides,
    });
  const makePort = (overrides: Partial<MinimaxSettingsInput> = {}, counter?: CallCounter): ErpPort => {
    const port = createMinimaxErp(makeSettings(overrides), { logger: silentLogger, ...(counter && { callCounter: counter }) });
    ports.push(port);
    return port;
  };
  async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${emulator.adminUrl}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`admin ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    emulator,
    port: makePort(),
    makeSettings,
    makePort,
    admin,
    log: () => emulator.requestLog(),
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
    warehouse: asWarehouse('MP'),
    book: 'P',
    currency: 'EUR' as ErpOrderDraft['currency'],
    comment: 'Spletno naročilo – čšž',
    lines: skus.map((sku) => ({
      sku,
      name: 'Artikel čšž',
      quantity: dec('2'),
      unitPrice: dec('12.20'),
      priceIncludesVat: true,
      discountPercent: dec('0'),
      vatRate: asVatRate('S'),
    })),
  };
}

export async function minimaxConformanceSetup(): Promise<ErpPortConformanceSetup> {
  const h = await startMinimaxHarness();
  return {
    port: h.port,
    makePort: (variant) => (variant === 'bad-credentials' ? h.makePort({ password: 'not-the-password' }) : h.makePort({ organisationId: 99 })),
    data: { itemCount: ITEM_COUNT, pageSize: 10, knownSku: KNOWN_SKU, unknownSku: UNKNOWN_SKU, orderDraft },
    admin: {
      resetRequests: async () => {
        await h.admin('DELETE', '/requests');
      },
      itemPagesRequested: async () =>
        h.log()
          .filter((r) => /\/api\/orgs\/\d+\/items$/i.test(r.path) && r.query.CurrentPage !== undefined)
          .map((r) => Number(r.query.CurrentPage)),
      ordersWithReference: async (reference) => (await h.admin<{ reference: string | null }[]>('GET', `/orders?organisation=${ORG}`)).filter((o) => o.reference === reference).length,
      issueInvoice: async (orderKey) => {
        await h.admin('POST', '/invoices', { organisation: ORG, orderId: Number(orderKey) });
      },
      loseNextCreateAnswer: async () => {
        await h.admin('PUT', '/faults', { rules: [{ route: `orgs/${ORG}/orders`, method: 'POST', kind: 'lostAnswer', times: 1 }] });
      },
    },
    lookupVariants: [
      {
        name: 'POST answers with the created entity in its body (some clients rely on it; the connector must not)',
        apply: async () => void (await h.admin('PATCH', '/settings', { createBody: 'entity' })),
        restore: async () => void (await h.admin('PATCH', '/settings', { createBody: 'empty' })),
      },
    ],
    teardown: () => h.close(),
  };
}
