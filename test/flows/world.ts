/**
 * A whole icsync world for flow tests: the iCenter and Magento emulators on ephemeral ports,
 * the real connectors over HTTP, and a SQLite store in a temp dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createErp, createShop, type ConnectorDeps } from '../../src/connectors/registry.js';
import { generateIcenterSeed, startIcenterEmulator, type IcenterEmulator } from '../../src/emulators/icenter/index.js';
import { buildPlaceOrder, startMagentoEmulator, type MagentoEmulator, type PlaceOrderSpec } from '../../src/emulators/magento/index.js';
import type { FlowContext, FlowTestHooks } from '../../src/flows/types.js';
import { openStore, type Store } from '../../src/store/index.js';

export const ORG = 1;
const silent = pino({ level: 'silent' });

export interface World {
  icenter: IcenterEmulator;
  magento: MagentoEmulator;
  store: Store;
  config: Config;
  ctx: FlowContext;
  /** Item SKUs of the ERP seed, in seed order. */
  skus: string[];
  /** SKUs whose price was left out (WorldOptions.withoutPrice). */
  withoutPrice: string[];
  /** A fresh context (new connectors, same store): a "restarted process". */
  restart(hooks?: FlowTestHooks, onRemoteCall?: ConnectorDeps['onRemoteCall']): FlowContext;
  placeOrder(spec: PlaceOrderSpec): Promise<{ entity_id: number; increment_id: string; grand_total: number }>;
  admin<T = unknown>(system: 'magento' | 'icenter', method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface WorldOptions {
  items?: number;
  config?: Record<string, unknown>;
  hooks?: FlowTestHooks;
  /** Picks SKUs whose MPC price is left out of the ERP seed (a new shop product then lacks a price). */
  withoutPrice?: (items: { ItemID: string; SalesData?: unknown }[]) => string[];
  /** "Now" for the store and the flows (tests move it); default the system clock. */
  clock?: () => Date;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-flows-'));
  const seed = generateIcenterSeed({ seed: 11, items: options.items ?? 50, customers: 6, organisations: [ORG] });
  const org = seed.organisations[0]!;
  const skus = (org.items ?? []).map((item) => String(item.ItemID));
  const dropped = new Set(options.withoutPrice?.(org.items as never) ?? []);
  org.prices = (org.prices ?? []).filter((price) => !(price.priceListId === 'MPC' && dropped.has(String(price.itemId))));
  const icenter = await startIcenterEmulator({ seed });
  const magento = await startMagentoEmulator({ seed: 'none', sourceCodes: ['default', 'maribor'] });
  const raw = {
    store: { url: `sqlite:${join(dir, 'icsync.db')}` },
    shop: {
      type: 'magento',
      magento: {
        baseUrl: magento.baseUrl,
        auth: { kind: 'oauth', consumerKey: magento.credentials.consumerKey, consumerSecret: magento.credentials.consumerSecret, accessToken: magento.credentials.accessToken, accessTokenSecret: magento.credentials.accessTokenSecret },
        retry: { attempts: 2, baseDelay: 5, maxDelay: 20 },
        timeouts: { connect: 2000, request: 3000 },
      },
    },
    erp: {
      type: 'icenter',
      icenter: {
        baseUrl: icenter.baseUrl, user: icenter.credentials.user, password: icenter.credentials.password, organisationId: ORG,
        retry: { attempts: 2, baseDelay: 5, maxDelay: 20 }, timeouts: { connect: 2000, request: 3000 }, orderLookup: { sweepWindow: 60 },
      },
    },
    mappings: {
      warehouses: { '0000001': 'default', '0000003': 'maribor', '0000005': 'default' },
      orderWarehouse: '0000001',
      orderBook: 'VNK',
      vatRates: { '22': '02', '9.5': '01', '5': '05', '0': '00' },
      taxClasses: { '02': 2, '01': 5 },
      paymentMethods: { checkmo: '01', banktransfer: '01', cashondelivery: '03' },
    },
    flows: { products: { createNew: true, priceList: 'MPC' }, orders: { shippingItem: skus[skus.length - 1] } },
    worker: { maxAttempts: 6, backoffBase: '1ms', backoffMax: '5ms', concurrency: 2 },
    ...options.config,
  };
  const config = configSchema.parse(raw);
  const store = await openStore({ url: config.store.url, ...(options.clock && { clock: options.clock }) });
  const contexts: FlowContext[] = [];
  const makeCtx = (hooks?: FlowTestHooks, onRemoteCall?: ConnectorDeps['onRemoteCall']): FlowContext => {
    const deps: ConnectorDeps = { logger: silent, ...(onRemoteCall && { onRemoteCall }) };
    const ctx: FlowContext = {
      erp: createErp(config.erp, deps),
      shop: createShop(config.shop, deps),
      store,
      config,
      logger: silent,
      owner: `test:${process.pid}:${contexts.length}`,
      now: options.clock ?? (() => new Date()),
      ...(hooks && { hooks }),
    };
    contexts.push(ctx);
    return ctx;
  };
  const admin = async <T>(system: 'magento' | 'icenter', method: string, path: string, body?: unknown): Promise<T> => {
    const base = system === 'magento' ? `${magento.baseUrl}/__admin` : icenter.adminUrl;
    const res = await fetch(`${base}${path}`, { method, ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${system} admin ${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    icenter,
    magento,
    store,
    config,
    ctx: makeCtx(options.hooks),
    skus,
    withoutPrice: [...dropped],
    restart: makeCtx,
    placeOrder: (spec) => admin('magento', 'POST', '/orders', buildPlaceOrder(spec)),
    admin,
    async close() {
      for (const ctx of contexts) await Promise.all([ctx.erp.close(), ctx.shop.close()]);
      await store.close();
      await Promise.all([icenter.close(), magento.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const BILLING = { firstname: 'Ana', lastname: 'Novak', street: ['Slovenska cesta 1'], city: 'Ljubljana', postcode: '1000', countryId: 'SI' };

/** A guest order for these SKUs at 10.00 net, 22 % VAT. */
export function orderSpec(skus: string[], over: Partial<PlaceOrderSpec> = {}): PlaceOrderSpec {
  return {
    lines: skus.map((sku, i) => ({ kind: 'simple' as const, qty: i + 1, sku, name: `Artikel ${sku}`, unitPrice: '10.00', taxPercent: '22' })),
    email: 'ana.novak@example.si',
    billing: BILLING,
    paymentMethod: 'checkmo',
    ...over,
  };
}
