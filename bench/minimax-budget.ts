/**
 * Minimax call budget: what a typical day costs in calls against the 1,000 calls Minimax allows
 * per organisation in a rolling 24 h. Day 0 is the first sync of a catalogue (products and
 * stock); the typical day after it: 1 % of the items change, the shop takes N orders (default
 * 200), the bookkeeper invoices them, and every flow runs once; stock is one full scan per
 * mapped warehouse (Minimax has no stock delta), so its cost is per pass. Calls are counted
 * where icsync counts them (the store) and checked against the emulator's own count.
 * The real flows and connectors over HTTP; the Minimax and Magento emulators in this process
 * (the figures are calls, not time).
 *
 *   npx tsx bench/minimax-budget.ts              # 5,000 items, 200 orders
 *   npx tsx bench/minimax-budget.ts 5000 40      # a smaller day
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openContext } from '../src/cli/context.js';
import type { FlowName } from '../src/config/schema.js';
import { magentoAdmin } from '../src/demo/admin.js';
import { demoConfigFor } from '../src/demo/config.js';
import { ORGANISATION, WAREHOUSES, demoErpSeed, demoOrders, existingShopProducts, shopCatalog } from '../src/demo/data.js';
import { startMinimaxSide } from '../src/demo/erp-side.js';
import { runSync } from '../src/engine/sync.js';
import { seedCustomers, startMagentoEmulator } from '../src/emulators/magento/index.js';

const items = Number(process.argv[2] ?? 5000);
const orders = Number(process.argv[3] ?? 200);
const BUDGET = 1000;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-bench-minimax-'));
  const size = { items, erpCustomers: 100, shopCustomers: Math.max(10, Math.round(orders / 3)), orders };
  const seed = demoErpSeed(size);
  const catalog = shopCatalog(seed);
  const erp = await startMinimaxSide(seed);
  // Nothing may wait in the bench: the emulator and the connector allow far more than a day's calls; the bench compares with 1,000.
  erp.emulator.updateSettings({ callLimit: 1_000_000 });
  const magento = await startMagentoEmulator({ seed: { products: existingShopProducts(catalog) }, sourceCodes: Object.values(WAREHOUSES) });
  const config = demoConfigFor(dir, erp, magento) as { erp: { minimax: Record<string, unknown> } };
  config.erp.minimax.budget = { limit: 1_000_000 };
  const configPath = join(dir, 'icsync.yaml');
  writeFileSync(configPath, stringify(config));
  const ctx = await openContext(configPath, { minLevel: 'silent' });
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${erp.emulator.adminUrl}${path}`, { method, ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  const run = async (flow: FlowName): Promise<number> => {
    const [report] = await runSync(ctx.flowContext, flow, { dryRun: false, full: false });
    if (report!.error) throw new Error(`${flow}: ${report!.error}`);
    return report!.counts.erpCalls ?? 0;
  };
  try {
    // The catalogue was entered a day ago.
    await admin('POST', '/age', { hours: 24 });
    const day0 = { products: await run('products'), stock: await run('stock') };
    const usedBefore = erp.emulator.callsUsed(ORGANISATION);

    // The next day: 1 % of the items change price, the shop takes the orders.
    const org = erp.emulator.state().orgs.get(ORGANISATION)!;
    const all = [...org.items.values()];
    const every = 100;
    let changed = 0;
    for (let i = 0; i < all.length; i += every, changed++) await admin('PATCH', '/items', { organisation: ORGANISATION, code: all[i]!.Code, price: String(Number(all[i]!.Price) + 1) });
    const customers = seedCustomers(magento.runtime.state, size.shopCustomers, 77);
    for (const order of demoOrders(catalog, customers, size)) await magentoAdmin(magento, 'POST', '/orders', order.body);

    const day: Record<string, number> = {};
    day.products = await run('products');
    day.stock = await run('stock');
    day.subjects = await run('subjects');
    day.orders = await run('orders');
    const inErp = await ctx.store.ledger.list({ kind: 'order', states: ['in_erp'], limit: 10_000 });
    for (const row of inErp) await erp.issueInvoice(row.erpKey!);
    day.invoices = await run('invoices');
    const total = Object.values(day).reduce((a, b) => a + b, 0);
    const emulatorCount = erp.emulator.callsUsed(ORGANISATION) - usedBefore;

    const pct = (n: number) => `${((n / BUDGET) * 100).toFixed(1)} %`;
    console.log(`Minimax calls: ${items} items (3 warehouses), ${changed} changed, ${orders} shop orders, ${inErp.length} invoices; Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
    console.log(`first sync (day 0): products ${day0.products}, stock ${day0.stock} calls`);
    console.log('| flow | calls | share of 1,000 |');
    console.log('|---|---:|---:|');
    for (const [flow, calls] of Object.entries(day)) console.log(`| ${flow} | ${calls} | ${pct(calls)} |`);
    console.log(`| **typical day, every flow once** | **${total}** | **${pct(total)}** |`);
    console.log(`per order (subjects + orders + invoices): ${((day.subjects! + day.orders! + day.invoices!) / Math.max(1, orders)).toFixed(2)} calls; one stock pass: ${day.stock} calls; counted by the emulator: ${emulatorCount} (icsync's count: ${total})`);
    const left = Math.floor(BUDGET * 0.9) - (day.products! + day.subjects! + day.orders! + day.invoices!);
    console.log(`within the 900 icsync plans with, after one products run and the order flows, ${Math.max(0, left)} calls are left: ${day.stock! > 0 ? Math.max(0, Math.floor(left / day.stock!)) : '∞'} stock passes a day`);
  } finally {
    await ctx.close();
    await Promise.allSettled([erp.close(), magento.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
