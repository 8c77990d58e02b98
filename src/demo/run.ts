/**
 * `icsync demo` / `npm run demo`: both emulators in this process with a realistic data set,
 * every flow on a fresh SQLite file, the emulated accountant issuing invoices, the invoice
 * flow, and a summary a person can read. Nothing outside the demo folder is touched.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runSync } from '../engine/index.js';
import type { FlowName } from '../config/index.js';
import type { FlowReport } from '../flows/types.js';
import { seedCustomers, startMagentoEmulator } from '../emulators/magento/index.js';
import { stringify } from 'yaml';
import type { SyncMetrics } from '../engine/index.js';
import type { FlowContext } from '../flows/types.js';
import type { Store } from '../store/index.js';
import { demoConfigFor } from './config.js';
import { DEMO_SIZE, MINIMAX_DEMO_SIZE, WAREHOUSES, demoErpSeed, demoOrders, existingShopProducts, shopCatalog, type DemoSize } from './data.js';
import { magentoAdmin } from './admin.js';
import { startIcenterSide, startMinimaxSide, type DemoErp, type ErpSide } from './erp-side.js';
import { collectSummary, formatSummary, type DemoSummary, type SpecialOrder } from './summary.js';

/** What the demo runs the flows with; the CLI opens it from the config file the demo wrote. */
export interface DemoContext {
  flowContext: FlowContext;
  store: Store;
  metrics?: SyncMetrics;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Opens logger, store and connectors from a config file (the CLI's openContext). */
  openContext(configPath: string): Promise<DemoContext>;
  /** Folder of the demo's SQLite file and config; removed at the start. Default ./data/demo. */
  dir?: string;
  size?: Partial<DemoSize>;
  /** Share of the ERP orders the emulated warehouse ships before invoicing (they end complete). */
  shipShare?: number;
  /** Which ERP the demo runs against (default iCenter). */
  erp?: DemoErp;
  out: (text: string) => void;
}

export interface DemoResult {
  summary: DemoSummary;
  dir: string;
  configPath: string;
  wallMs: number;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const erpType = options.erp ?? 'icenter';
  // Minimax allows 1,000 calls a day: its demo is a smaller day of the same kind.
  const size: DemoSize = { ...(erpType === 'minimax' ? MINIMAX_DEMO_SIZE : DEMO_SIZE), ...options.size };
  const dir = resolve(options.dir ?? join('data', 'demo'));
  const { out } = options;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  out(`icsync demo: a fresh store in ${relative(process.cwd(), dir) || '.'}/ (removed and created again at every start)\n`);

  const erpSeed = demoErpSeed(size);
  const catalog = shopCatalog(erpSeed);
  const erp: ErpSide = erpType === 'minimax' ? await startMinimaxSide(erpSeed) : await startIcenterSide(erpSeed);
  const magento = await startMagentoEmulator({ seed: { products: existingShopProducts(catalog) }, sourceCodes: Object.values(WAREHOUSES) });
  const productsBefore = magento.runtime.state.products.size;
  let ctx: DemoContext | undefined;
  try {
    const customers = seedCustomers(magento.runtime.state, size.shopCustomers, 77);
    const orders = demoOrders(catalog, customers, size);
    const special: SpecialOrder[] = [];
    for (const order of orders) {
      const placed = await magentoAdmin<{ increment_id: string }>(magento, 'POST', '/orders', order.body);
      if (order.expect) special.push({ number: placed.increment_id, expect: order.expect });
    }
    out(`  emulators: ${erp.label} ${erp.baseUrl} (${size.items + 1} items, ${size.erpCustomers} customers, 3 warehouses), Magento ${magento.baseUrl} (${productsBefore} products from before icsync, ${size.shopCustomers} customers, ${orders.length} orders)\n`);

    const configPath = join(dir, 'icsync.yaml');
    writeFileSync(configPath, `# Written by \`icsync demo\` for emulators that lived only while it ran.\n${stringify(demoConfigFor(dir, erp, magento))}`);
    ctx = await options.openContext(configPath);
    const erpCustomersBefore = await erp.customers();

    for (const flow of ['products', 'stock', 'subjects', 'orders', 'invoices'] as FlowName[]) await step(ctx, flow, out);

    // The warehouse ships some orders and the accountant invoices every order in the ERP.
    const inErp = await ctx.store.ledger.list({ kind: 'order', states: ['in_erp'], limit: 1000 });
    const toShip = inErp.slice(0, Math.round(inErp.length * (options.shipShare ?? 0.4)));
    for (const row of toShip) await magentoAdmin(magento, 'POST', `/orders/${(row.data as { orderId: number }).orderId}/ship`, {});
    for (const row of inErp) await erp.issueInvoice(row.erpKey!);
    out(`  the warehouse shipped ${toShip.length} orders; the accountant issued ${inErp.length} invoices in ${erp.label}\n`);
    await step(ctx, 'invoices', out);

    const summary = await collectSummary({ store: ctx.store, erp, magento, productsBefore, erpCustomersBefore, ordersShipped: toShip.length, special });
    const wallMs = Date.now() - started;
    out(formatSummary(summary, { dir, configPath, wallMs }));
    return { summary, dir, configPath, wallMs };
  } finally {
    await ctx?.close();
    await Promise.allSettled([erp.close(), magento.close()]);
  }
}

async function step(ctx: DemoContext, flow: FlowName, out: (text: string) => void): Promise<FlowReport> {
  const [report] = await runSync(ctx.flowContext, flow, { dryRun: false, full: false, ...(ctx.metrics && { metrics: ctx.metrics }) });
  const counts = Object.entries(report!.counts)
    .filter(([, value]) => value !== 0)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  out(`  ${flow.padEnd(9)} ${seconds(report!.durationMs).padStart(7)}  ${report!.error ?? (counts || 'nothing to do')}\n`);
  return report!;
}

