/**
 * Stopping in the middle of a run, over both emulators: a stopped scheduler ends its runs after
 * the step in flight (not after the backlog), holds no lease, records the run as interrupted and
 * leaves the cursor where the last finished run put it. A run that a configuration error stops
 * half-way keeps the counts of what it did before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReports } from '../../src/cli/commands/sync.js';
import type { FlowName } from '../../src/config/schema.js';
import { createMetrics } from '../../src/engine/metrics.js';
import { createScheduler, type Scheduler } from '../../src/engine/scheduler.js';
import { runFlow, runSync } from '../../src/engine/sync.js';
import { createFlows } from '../../src/flows/index.js';
import type { Flow, LedgerFlow } from '../../src/flows/types.js';
import type { ShopPort } from '../../src/core/ports.js';
import { orderSpec, startWorld, type World } from '../flows/world.js';

const RUN = { dryRun: false, full: false };

const waitFor = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out waiting');
};

/** The real orders flow, counting the steps it starts and calling `onStep` after each one. */
function countingOrders(onStep: (steps: number) => void): { flow: LedgerFlow; steps: () => number } {
  const real = createFlows().orders as LedgerFlow;
  let steps = 0;
  const flow: LedgerFlow = {
    ...real,
    async step(ctx, row) {
      steps += 1;
      const n = steps;
      await real.step(ctx, row);
      onStep(n);
    },
  };
  return { flow, steps: () => steps };
}

describe('stopping a run', () => {
  let w: World;
  const placedKeys: string[] = [];
  beforeAll(async () => {
    // One row at a time, so "the step in flight" is exactly one step.
    w = await startWorld({ items: 12, config: { worker: { maxAttempts: 3, backoffBase: '1ms', backoffMax: '2ms', concurrency: 1 } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  const orderRows = async () => (await w.store.ledger.list({ kind: 'order', limit: 1000 })).filter((row) => row.shopKey !== null && placedKeys.includes(row.shopKey));

  it('scheduler.stop() ends a run with a backlog after the step in flight: leases released, run interrupted, the rest still due', async () => {
    const due = 8;
    for (let i = 0; i < due; i++) placedKeys.push((await w.placeOrder(orderSpec([w.skus[i % 4]!]))).increment_id);
    let stopping: Promise<void> | undefined;
    // The stop comes while the first order's step runs, as a SIGTERM would.
    const { flow, steps } = countingOrders(() => undefined);
    const orders: LedgerFlow = {
      ...flow,
      async step(ctx, row) {
        stopping ??= scheduler.stop();
        await flow.step(ctx, row);
      },
    };
    const metrics = createMetrics();
    const reports: { interrupted?: boolean; counts: Record<string, number> }[] = [];
    const scheduler: Scheduler = createScheduler(w.ctx, { orders } as Record<FlowName, Flow>, { metrics, onReport: (report) => reports.push(report) });
    scheduler.start();
    await waitFor(() => stopping !== undefined);
    await stopping;

    // Stop resolved after the step in flight, with the backlog still there.
    expect(steps()).toBe(1);
    const rows = await orderRows();
    expect(rows).toHaveLength(due);
    expect(rows.filter((row) => row.state === 'in_erp')).toHaveLength(1);
    expect(rows.filter((row) => row.state === 'discovered')).toHaveLength(due - 1);
    // No lease and no flow lock is held afterwards: another process can take over at once.
    const held = (await w.store.ledger.list({ limit: 1000 })).filter((row) => row.leaseOwner !== null);
    expect(held).toEqual([]);
    expect(await w.store.locks.tryAcquire('flow:orders', 'someone-else', 60_000)).toBe(true);
    await w.store.locks.release('flow:orders', 'someone-else');

    // Interrupted, not failed: with the counts of what it did, and no "good run" for the lag.
    const [run] = await w.store.runs.latest('orders', 1);
    expect(run?.status).toBe('interrupted');
    expect(run?.error).toBeNull();
    expect(run?.counts).toMatchObject({ discovered: due, done: 1 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ interrupted: true, counts: { discovered: due, done: 1 } });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/icsync_flow_runs_total\{flow="orders",status="interrupted"\} 1/);
    expect(text).not.toMatch(/icsync_flow_runs_total\{flow="orders",status="failed"\}/);
    expect(text).not.toMatch(/icsync_flow_lag_seconds\{flow="orders"\}/);

    // The next run (started again) finishes the rest.
    const report = await runFlow(w.ctx, createFlows().orders, RUN);
    expect(report.interrupted).toBeUndefined();
    expect(report.counts.done).toBe(due - 1);
    expect((await orderRows()).every((row) => row.state === 'in_erp')).toBe(true);
    expect((await w.store.runs.latest('orders', 1))[0]?.status).toBe('ok');
  });

  it('a run stopped during discovery is interrupted and does not move the cursor past what it read', async () => {
    const cursor = await w.store.cursors.get('orders');
    expect(cursor).toBeDefined();
    const fresh: string[] = [];
    for (let i = 0; i < 3; i++) fresh.push((await w.placeOrder(orderSpec([w.skus[5]!], { email: `stop${i}@example.si` }))).increment_id);
    placedKeys.push(...fresh);
    const controller = new AbortController();
    // One order per page; the stop comes right after the page with the first new order was handed over.
    const shop = new Proxy(w.ctx.shop, {
      get(target, prop) {
        if (prop === 'orders') {
          return async function* (options: Parameters<ShopPort['orders']>[0]) {
            for await (const page of target.orders(options)) {
              for (const order of page) {
                yield [order];
                // The delta re-reads the last orders of the previous run: stop after the first new one.
                if (fresh.includes(order.number)) controller.abort();
              }
            }
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const report = await runFlow({ ...w.ctx, shop }, createFlows().orders, { ...RUN, signal: controller.signal });
    expect(report.interrupted).toBe(true);
    expect(report.error).toBeUndefined();
    expect((await w.store.runs.latest('orders', 1))[0]?.status).toBe('interrupted');
    expect(await w.store.cursors.get('orders')).toEqual(cursor);
    const known = await Promise.all(fresh.map((key) => w.store.ledger.get('order', { shopKey: key })));
    expect(known.filter(Boolean)).toHaveLength(1);
    expect(await w.store.locks.tryAcquire('flow:orders', 'someone-else', 60_000)).toBe(true);
    await w.store.locks.release('flow:orders', 'someone-else');

    // Because the cursor stayed, the next run reads the two it had not reached.
    const next = await runFlow(w.ctx, createFlows().orders, RUN);
    expect(next.counts.discovered).toBe(2);
    for (const key of fresh) expect((await w.store.ledger.get('order', { shopKey: key }))?.state).toBe('in_erp');
  });

  it('a configuration error half-way through the drain keeps the counts of the orders entered before it', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) keys.push((await w.placeOrder(orderSpec([w.skus[6]!]))).increment_id);
    placedKeys.push(...keys);
    // After two orders iCenter starts refusing the user: a configuration error that stops the flow.
    const { flow } = countingOrders((n) => {
      if (n === 2) w.icenter.setFaults({ rules: [{ route: 'Order/AddOrder', kind: 'status', status: 403 }] });
    });
    try {
      const [report] = await runSync(w.ctx, 'orders', { ...RUN, flows: { ...createFlows(), orders: flow } });
      expect(report!.errorClass).toBe('configuration');
      expect(report!.error).toContain('erp.icenter.password');
      expect(report!.counts).toMatchObject({ discovered: 4, done: 2, problems: 1 });
      const [run] = await w.store.runs.latest('orders', 1);
      expect(run?.status).toBe('failed');
      expect(run?.counts).toMatchObject({ discovered: 4, done: 2, problems: 1 });
      // What `icsync sync orders` prints.
      expect(formatReports([report!], false)).toMatch(/stopped \(configuration\) .*discovered 4, done 2, problems 1/);
      const states = await Promise.all(keys.map(async (key) => (await w.store.ledger.get('order', { shopKey: key }))?.state));
      expect(states.filter((state) => state === 'in_erp')).toHaveLength(2);
      const held = (await w.store.ledger.list({ limit: 1000 })).filter((row) => row.leaseOwner !== null);
      expect(held).toEqual([]);
    } finally {
      w.icenter.setFaults({ rules: [] });
    }
  });
});
