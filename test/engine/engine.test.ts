/** The worker, the one-shot sync, flow locks, the scheduler and metrics, over both emulators. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/engine/metrics.js';
import { createScheduler } from '../../src/engine/scheduler.js';
import { runFlow, runSync } from '../../src/engine/sync.js';
import { createWorker } from '../../src/engine/worker.js';
import { retryRecord, skipRecord } from '../../src/engine/records.js';
import { createFlows } from '../../src/flows/index.js';
import type { LedgerFlow } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from '../flows/world.js';

const RUN = { dryRun: false, full: false };
const waitFor = async (check: () => Promise<boolean>, ms = 5000) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out waiting');
};

describe('engine', () => {
  let w: World;
  const flows = createFlows();
  beforeAll(async () => {
    w = await startWorld({ items: 12, config: { worker: { maxAttempts: 3, backoffBase: '1ms', backoffMax: '2ms', pollInterval: '20ms' } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('a configuration error stops that flow with the setting named; the other flows go on', async () => {
    const placed = await w.placeOrder(orderSpec([w.skus[0]!]));
    const ctx = { ...w.ctx, config: { ...w.config, mappings: { ...w.config.mappings, orderBook: undefined } } };
    const reports = await runSync(ctx, 'all', RUN);
    const byFlow = Object.fromEntries(reports.map((r) => [r.flow, r]));
    expect(byFlow.orders!.errorClass).toBe('configuration');
    expect(byFlow.orders!.error).toContain('mappings.orderBook');
    for (const flow of ['products', 'stock', 'subjects', 'invoices']) expect(byFlow[flow]!.error, flow).toBeUndefined();
    const row = await w.store.ledger.get('order', { shopKey: placed.increment_id });
    expect(row?.state).toBe('partner_ready');
    expect(row?.leaseOwner).toBeNull();
    const [run] = await w.store.runs.latest('orders', 1);
    expect(run?.status).toBe('failed');
    // With the setting back, the same row goes on.
    await runSync(w.ctx, 'orders', RUN);
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('in_erp');
  });

  it('transient failures are retried with backoff, then wait for a person; retry resumes', async () => {
    const placed = await w.placeOrder(orderSpec([w.skus[1]!]));
    w.icenter.setFaults({ rules: [{ route: 'Order/AddOrder', kind: 'status', status: 503 }] });
    for (let i = 0; i < 5; i++) {
      await runSync(w.ctx, 'orders', RUN);
      await new Promise((r) => setTimeout(r, 5));
    }
    const row = (await w.store.ledger.get('order', { shopKey: placed.increment_id }))!;
    expect(row.state).toBe('needs_attention');
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/Gave up after 3 attempts/);
    expect((row.data as { resume?: string }).resume).toBe('erp_pending');
    const events = (await w.store.ledger.timeline('order', placed.increment_id))!.events.map((e) => e.type);
    expect(events.filter((t) => t === 'retry')).toHaveLength(2);

    w.icenter.setFaults({ rules: [] });
    await retryRecord(w.store, 'order', placed.increment_id);
    await runSync(w.ctx, 'orders', RUN);
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('in_erp');
    const erp = (await w.admin<{ orderReference: string | null }[]>('icenter', 'GET', '/orders?organisation=1')).filter((o) => o.orderReference === placed.increment_id);
    expect(erp).toHaveLength(1);
  });

  it('an overlapping run of one flow is skipped, not stacked', async () => {
    expect(await w.store.locks.tryAcquire('flow:products', 'someone-else', 60_000)).toBe(true);
    const report = await runFlow(w.ctx, flows.products, RUN);
    expect(report.skipped).toBe(true);
    expect(report.counts.read).toBeUndefined();
    await w.store.locks.release('flow:products', 'someone-else');
    expect((await runFlow(w.ctx, flows.products, RUN)).skipped).toBeUndefined();
  });

  it('the worker drains due rows while running and releases its leases on stop', async () => {
    const placed = await w.placeOrder(orderSpec([w.skus[2]!]));
    const worker = createWorker(w.ctx, { flows });
    worker.start();
    await (flows.orders as LedgerFlow).discover(w.ctx, RUN);
    await waitFor(async () => (await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state === 'in_erp');
    await worker.stop();
    const held = (await w.store.ledger.list({ limit: 1000 })).filter((r) => r.leaseOwner !== null);
    expect(held).toEqual([]);
  });

  it('skip leaves a record alone', async () => {
    const placed = await w.placeOrder(orderSpec(['NI.V.ICENTRU']));
    await runSync(w.ctx, 'orders', RUN);
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('needs_attention');
    await skipRecord(w.store, 'order', placed.increment_id);
    const report = (await runSync(w.ctx, 'orders', RUN))[0]!;
    expect(report.counts.needsAttention ?? 0).toBe(0);
    expect((await w.store.ledger.get('order', { shopKey: placed.increment_id }))?.state).toBe('skipped');
  });

  it('the scheduler runs each enabled flow and records metrics with remote call latency', async () => {
    const metrics = createMetrics();
    const ctx = w.restart(undefined, metrics.onRemoteCall);
    const scheduler = createScheduler({ ...ctx, config: { ...ctx.config, flows: { ...ctx.config.flows, stock: { ...ctx.config.flows.stock, enabled: false } } } }, flows, { metrics });
    const scheduled = ['invoices', 'orders', 'products', 'subjects'];
    const lastId = async (flow: string) => (await w.store.runs.latest(flow, 1))[0]?.id ?? 0;
    const before = Object.fromEntries(await Promise.all(scheduled.map(async (flow) => [flow, await lastId(flow)] as const)));
    scheduler.start();
    expect(Object.keys(scheduler.nextRuns()).sort()).toEqual(scheduled);
    // Every flow's first run has finished: a stop now interrupts none of them.
    await waitFor(async () => {
      const latest = await Promise.all(scheduled.map(async (flow) => (await w.store.runs.latest(flow, 1))[0]));
      return latest.every((run, i) => run !== undefined && run.id > before[scheduled[i]!]! && run.status !== 'running');
    });
    await scheduler.stop();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/icsync_flow_runs_total\{flow="products",status="ok"\} 1/);
    expect(text).toMatch(/icsync_remote_call_duration_seconds_count\{target="icenter"/);
    expect(text).toMatch(/icsync_flow_lag_seconds\{flow="invoices"\}/);
  });
});
