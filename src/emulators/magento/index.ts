/** Public API of the Magento 2 REST emulator (tests, demo, benchmarks, `icsync emulate magento`). */
import type { Server } from 'node:http';
import { resolveSettings, type IntegrationCredentials, type MagentoEmulatorOptions } from './options.js';
import { applySeed } from './seed.js';
import { addressOf, EmulatorRuntime } from './server.js';
import { randomToken } from './util.js';

export type { MagentoEmulatorOptions, MagentoVersion, IntegrationCredentials, StoreView } from './options.js';
export { MAGENTO_VERSIONS } from './options.js';
export type { FaultConfig, FaultRule, RateLimit } from './faults.js';
export type { SeedData, SeedInput, GeneratorOptions, CatalogEntry } from './seed.js';
export { seedProducts, seedCustomers, generateOrderSpecs, generateOrders, generateShop } from './seed.js';
export { buildPlaceOrder, type PlaceOrderSpec, type OrderLineSpec, type AddressSpec } from './order-builder.js';
export { computeSignature, signatureBaseString, type OauthAlgorithm } from './oauth.js';
export { emptyState, type EmulatorState } from './state.js';

export interface MagentoEmulator {
  /** e.g. http://127.0.0.1:8080 — REST lives under `${baseUrl}/rest/V1/...`. */
  baseUrl: string;
  port: number;
  credentials: IntegrationCredentials;
  /** Direct access to the in-memory shop and switches (tests and benchmarks). */
  runtime: EmulatorRuntime;
  close(): Promise<void>;
}

export async function startMagentoEmulator(options: MagentoEmulatorOptions = {}): Promise<MagentoEmulator> {
  const settings = resolveSettings(options);
  const credentials: IntegrationCredentials = {
    consumerKey: options.credentials?.consumerKey ?? randomToken(32),
    consumerSecret: options.credentials?.consumerSecret ?? randomToken(32),
    accessToken: options.credentials?.accessToken ?? randomToken(32),
    accessTokenSecret: options.credentials?.accessTokenSecret ?? randomToken(32),
    adminUser: options.credentials?.adminUser ?? 'admin',
    adminPassword: options.credentials?.adminPassword ?? `Adm1n-${randomToken(12)}`,
  };
  const runtime = new EmulatorRuntime(settings, credentials);
  applySeed(runtime.state, options.seed, settings.storeViews);
  const host = options.host ?? '127.0.0.1';
  const server: Server = await runtime.listen(options.port ?? 0, host);
  const port = addressOf(server).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    baseUrl: `http://${urlHost}:${port}`,
    port,
    credentials,
    runtime,
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}
export { startModuleEvents, MODULE_EVENT_PREFIX, type ModuleEvents, type ModuleEventsOptions, type ModuleEventFaults, type ModuleEventStats } from './module-events.js';
export type { OrderEventKind } from './server.js';
