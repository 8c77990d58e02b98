/**
 * A cron schedule really fires: the scheduler started without its run-on-start runs the
 * products flow only when croner's tick comes (`* * * * * *`, every second, croner's shortest),
 * and keeps firing: an ERP change made after the first run reaches the shop by a later tick.
 * Deadlines below only bound the waiting; nothing asserts how fast a tick comes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from '../../src/engine/scheduler.js';
import type { RunReport } from '../../src/engine/sync.js';
import { createFlows } from '../../src/flows/index.js';
import { startWorld, type World } from './world.js';

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('scheduler: a cron schedule', () => {
  let w: World;
  let scheduler: Scheduler | undefined;
  beforeAll(async () => {
    const off = { enabled: false };
    w = await startWorld({
      items: 6,
      config: { flows: { products: { createNew: true, priceList: 'MPC', schedule: { cron: '* * * * * *' } }, stock: off, subjects: off, orders: off, invoices: off } },
    });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await w?.close();
  });

  it('fires on its own and keeps firing', async () => {
    expect(w.config.flows.products.schedule).toEqual({ cron: '* * * * * *' });
    const reports: RunReport[] = [];
    scheduler = createScheduler(w.ctx, createFlows(), { runOnStart: false, onReport: (report) => reports.push(report) });
    scheduler.start();
    expect(Object.keys(scheduler.nextRuns())).toEqual(['products']);
    expect(scheduler.nextRuns().products).toBeInstanceOf(Date);
    // Nothing was run by start() itself.
    expect(reports).toEqual([]);
    expect(await w.store.runs.latest('products', 1)).toEqual([]);

    await waitFor('the first tick', () => reports.length > 0);
    const first = reports[0]!;
    expect(first.flow).toBe('products');
    expect(first.error).toBeUndefined();
    expect(first.counts.created).toBeGreaterThan(0);
    expect(w.magento.runtime.state.products.size).toBe(first.counts.created);
    const [run] = await w.store.runs.latest('products', 1);
    expect(run?.status).toBe('ok');

    // An ERP change after that run: nobody calls the flow, a later tick carries it to the shop.
    const item = w.icenter.state().orgs.get(1)!.items.find((i) => i.ItemID === w.skus[0])!;
    item.ItemTitle1 = 'Po urniku';
    item.modified = w.icenter.state().stamp();
    const product = () => {
      const { products, productBySku } = w.magento.runtime.state;
      return products.get(productBySku.get(w.skus[0]!.toLowerCase()) ?? -1)?.values.get(0) as Record<string, unknown> | undefined;
    };
    await waitFor('a later tick to write the change', () => reports.some((r) => r.counts.updated === 1));
    expect(product()?.name).toBe('Po urniku');
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.every((r) => r.flow === 'products' && r.error === undefined)).toBe(true);

    await scheduler.stop();
    // Stopped: every tick's run is recorded and finished (a tick caught by the stop ends interrupted).
    const runs = await w.store.runs.latest('products', 100);
    expect(runs.length).toBe(reports.filter((r) => !r.skipped).length);
    expect(runs.filter((r) => r.status !== 'ok' && r.status !== 'interrupted')).toEqual([]);
    expect(scheduler.nextRuns()).toEqual({});
  });
});
