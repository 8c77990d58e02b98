/**
 * The sandbox: both emulators with data that fit together, the way the demo's do. Every SKU the
 * shop sells is an ERP item, the ERP has the shipping item (kept off the web), the warehouses,
 * VAT rates and methods are the demo's mappings, and the shop holds customers and orders that
 * the flows can enter. `icsync sandbox` starts both and writes a ready configuration;
 * `icsync emulate magento|icenter --seed demo` starts one of them with the same data.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { IcenterEmulator, IcenterSeed } from '../emulators/icenter/index.js';
import { seedCustomers, startMagentoEmulator, type MagentoEmulator, type MagentoEmulatorOptions } from '../emulators/magento/index.js';
import { magentoAdmin } from './admin.js';
import { demoConfig } from './config.js';
import { UNKNOWN_SKU, WAREHOUSES, demoErpSeed, demoOrders, existingShopProducts, shopCatalog, type DemoSize } from './data.js';

/** Small enough to start in a second, large enough to page through. */
export const SANDBOX_SIZE: DemoSize = { items: 300, erpCustomers: 30, shopCustomers: 20, orders: 30 };

export function sandboxErpSeed(): IcenterSeed {
  return demoErpSeed(SANDBOX_SIZE);
}

/** Shop products before icsync: three in four of the ERP's web items (the rest the products flow creates). No SKU the ERP lacks. */
export function sandboxShopProducts(): Record<string, unknown>[] {
  return existingShopProducts(shopCatalog(sandboxErpSeed())).filter((product) => product.sku !== UNKNOWN_SKU);
}

/** The stock sources the demo's warehouse mapping names. */
export const SANDBOX_SOURCES = Object.values(WAREHOUSES);

/**
 * Customers and orders, placed through the emulator's admin API as a shop's checkout would. The
 * orders are the demo's, without the one for a SKU the ERP does not know; one grand total is
 * 1.00 off on purpose, so one order waits for a person and the dashboard has something to show.
 */
export async function seedSandboxOrders(magento: MagentoEmulator): Promise<{ customers: number; orders: number }> {
  const customers = seedCustomers(magento.runtime.state, SANDBOX_SIZE.shopCustomers, 77);
  const orders = demoOrders(shopCatalog(sandboxErpSeed()), customers, SANDBOX_SIZE).filter((order) => order.expect !== 'unknown-sku');
  for (const order of orders) await magentoAdmin(magento, 'POST', '/orders', order.body);
  return { customers: customers.length, orders: orders.length };
}

export async function startSandboxMagento(options: Omit<MagentoEmulatorOptions, 'seed' | 'sourceCodes'> = {}): Promise<MagentoEmulator> {
  const magento = await startMagentoEmulator({ ...options, seed: { products: sandboxShopProducts() }, sourceCodes: SANDBOX_SOURCES });
  try {
    await seedSandboxOrders(magento);
  } catch (error) {
    await magento.close();
    throw error;
  }
  return magento;
}

export interface SandboxFiles {
  configPath: string;
  secretsDir: string;
}

/**
 * Writes icsync.yaml for the two emulators into `dir`, with a SQLite store beside it. The
 * emulators' credentials go into files under secrets/ (mode 600) that the config reads with
 * ${file:…}, as a real installation should keep its passwords.
 */
export function writeSandboxConfig(dir: string, icenter: IcenterEmulator, magento: MagentoEmulator, server: { host: string; port: number }): SandboxFiles {
  const folder = resolve(dir);
  const secretsDir = join(folder, 'secrets');
  mkdirSync(secretsDir, { recursive: true });
  const secret = (name: string, value: string): string => {
    const file = join(secretsDir, name);
    writeFileSync(file, value, { mode: 0o600 });
    chmodSync(file, 0o600);
    return `\${file:secrets/${name}}`;
  };
  const config = demoConfig(folder, icenter, magento) as {
    store: { url: string };
    log: Record<string, unknown>;
    shop: { magento: { auth: Record<string, string> } };
    erp: { icenter: Record<string, unknown> };
  } & Record<string, unknown>;
  const auth = config.shop.magento.auth;
  for (const name of ['consumerKey', 'consumerSecret', 'accessToken', 'accessTokenSecret'] as const) auth[name] = secret(`magento-${name}`, auth[name]!);
  config.erp.icenter.password = secret('icenter-password', String(config.erp.icenter.password));
  config.store.url = `sqlite:${join(folder, 'icsync.db')}`;
  config.log = { level: 'info', pretty: 'auto' };
  const configPath = join(folder, 'icsync.yaml');
  const header = '# Written by `icsync sandbox` for its two emulators; valid while the sandbox runs.\n# The emulators\' credentials are in secrets/ (read with ${file:…}), never in this file.\n';
  writeFileSync(configPath, header + stringify({ ...config, server }));
  return { configPath, secretsDir };
}

/** The commands to try, for a person at a terminal; `prefix` is how icsync is started here. */
export function sandboxCommands(configPath: string, prefix: string, dashboard: string): string[] {
  const config = relative(process.cwd(), configPath) || configPath;
  return [
    `${prefix} doctor -c ${config}`,
    `${prefix} sync all --dry-run -c ${config}`,
    `${prefix} sync all -c ${config}`,
    `${prefix} status -c ${config}`,
    `${prefix} run -c ${config}          # dashboard at ${dashboard}`,
  ];
}

