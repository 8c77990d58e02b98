/**
 * The engine and the ERP's call budget (Minimax, over HTTP against its emulator, the count in a
 * real SQLite store): orders and invoices run first, partners next, products and stock wait
 * with a sentence when the calls left are kept for the flows above them. Each run's cost is
 * counted, and `icsync status` / the dashboard's JSON / /metrics show the budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_NAMES, configSchema, type Config, type FlowName } from '../../src/config/schema.js';
import { createMinimaxErp } from '../../src/connectors/minimax/index.js';
import type { ShopPort } from '../../src/core/ports.js';
import { createMetrics } from '../../src/engine/metrics.js';
import { runSync } from '../../src/engine/sync.js';
import type { Flow, FlowContext } from '../../src/flows/types.js';
import { collectStatus } from '../../src/server/status.js';
import { openStore, type Store } from '../../src/store/index.js';
import { ORG, silentLogger, startMinimaxHarness, type MinimaxHarness } from '../contract/erp-port/minimax-setup.js';

let h: MinimaxHarness;
let store: Store;
let dir: string;
let config: Config;

beforeAll(async () => {
  h = await startMinimaxHarness();
  dir = mkdtempSync(join(tmpdir(), 'icsync-budget-'));
  store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
  config = configSchema.parse({
    store: { url: `sqlite:${join(dir, 'icsync.db')}` },
    shop: { type: 'magento', magento: { baseUrl: 'http://127.0.0.1:9', auth: { kind: 'oauth', consumerKey: 'a', consumerSecret: 'b', accessToken: 'c', accessTokenSecret: 'd' } } },
    erp: { type: 'minimax', minimax: { ...h.makeSettings(), budget: { limit: 100, share: 0.9 } } },
  });
});
afterAll(async () => {
  await store?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A flow that spends `calls` real Minimax calls (reads of one order id), as a flow run would. */
function spender(name: FlowName, calls: number, ran: FlowName[]): Flow {
  return {
    name,
    kind: 'batch',
    async run(ctx) {
      ran.push(name);
      for (let i = 0; i < calls; i++) await ctx.erp.getOrder('424242' as never);
      return { flow: name, dryRun: false, counts: { read: calls }, problems: [], changes: [], durationMs: 0 };
    },
  };
}

describe('the call budget in the engine', () => {
  it('lets flows in by priority, records why the others wait, and shows the budget', async () => {
    if (config.erp.type !== 'minimax') throw new Error('unreachable');
    const erp = createMinimaxErp(config.erp.minimax, { logger: silentLogger, callCounter: store.calls });
    const ctx: FlowContext = { erp, shop: {} as ShopPort, store, config, logger: silentLogger, owner: 'test', now: () => new Date() };
    // Earlier today: 50 calls of the 90 icsync may use (limit 100, share 0.9).
    await store.calls.record(`minimax:org:${ORG}`, new Date(Date.now() - 3_600_000), 50);
    const ran: FlowName[] = [];
    const flows = Object.fromEntries(FLOW_NAMES.map((n) => [n, spender(n, 5, ran)])) as Record<FlowName, Flow>;

    // 40 left: products (first in 'all') runs; then 35 left, not more than the 36 kept for the flows above: stock waits.
    const reports = await runSync(ctx, 'all', { dryRun: false, full: false, flows });
    expect(ran).toEqual(['products', 'subjects', 'orders', 'invoices']);
    expect(reports.map((r) => r.counts.erpCalls ?? 'waits')).toEqual([5, 'waits', 5, 5, 5]);
    expect(reports[1]!.waiting).toMatch(/^stock waits: 35 Minimax calls are left today \(55 of the 90 calls icsync may use in 24 h \(100 allowed by Minimax\)\), and 36 are kept for orders, invoices and partners\. It runs again when calls free up \(from \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.$/);

    // 20 left: products waits (its last run took 5), subjects waits (18 kept for orders and invoices); orders and invoices run.
    ran.length = 0;
    const second = await runSync(ctx, 'all', { dryRun: false, full: false, flows });
    expect(ran).toEqual(['orders', 'invoices']);
    const waiting = second.filter((r) => r.skipped);
    expect(waiting.map((r) => r.flow)).toEqual(['products', 'stock', 'subjects']);
    expect(waiting[0]!.waiting).toMatch(/^products waits: 20 Minimax calls are left today .* and its last run took 5 calls, and 36 are kept/);
    expect(waiting[2]!.waiting).toMatch(/^subjects waits: 20 Minimax calls are left today .* and its last run took 5 calls, and 18 are kept for orders and invoices\./);

    const [lastProducts] = await store.runs.latest('products', 1);
    expect(lastProducts).toMatchObject({ status: 'skipped', error: waiting[0]!.waiting });

    const status = await collectStatus(store, config, { callBudget: erp.callBudget! });
    expect(status.callBudget).toMatchObject({ target: 'minimax', used: 80, usable: 90, limit: 100, remaining: 10, windowHours: 24 });
    expect(h.emulator.callsUsed(ORG)).toBe(30);

    const metrics = createMetrics();
    metrics.watchCallBudget(erp.callBudget!);
    const text = await metrics.registry.metrics();
    expect(text).toContain('icsync_erp_call_budget{target="minimax",kind="used"} 80');
    expect(text).toContain('icsync_erp_call_budget{target="minimax",kind="limit"} 100');
    await erp.close();
  });
});
