/**
 * One run of one flow, as `icsync sync`, the scheduler and the demo do it: take the flow's
 * lock (an overlapping run is skipped, not stacked), record the run, then plan + apply
 * (batch flows) or discover + drain (ledger flows). A configuration error stops this flow
 * with the setting named; `runSync('all')` goes on with the other flows. A run whose
 * `signal` is aborted (the process is stopping) ends after the step in flight and is recorded
 * as interrupted, not failed: nothing went wrong, the rest is still due for the next run.
 */
import { toSyncError } from '../core/errors.js';
import { FLOW_NAMES, type FlowName } from '../config/schema.js';
import { createFlows } from '../flows/index.js';
import { mergeReport, startReport } from '../flows/report.js';
import type { Flow, FlowContext, FlowReport, RunOptions } from '../flows/types.js';
import type { EntityKind } from '../store/index.js';
import type { SyncMetrics } from './metrics.js';
import { admitByBudget, callsUsed } from './budget.js';
import { drainFlow, FlowStoppedError } from './worker.js';

export interface SyncOptions extends RunOptions {
  metrics?: SyncMetrics;
  /** Records worked at once while draining (default worker.concurrency). */
  concurrency?: number;
  /** Flows to use instead of createFlows() (tests). */
  flows?: Record<FlowName, Flow>;
}

/** A run's report; `interrupted` when a stop (SIGTERM/SIGINT) ended it before all its work was done. */
export interface RunReport extends FlowReport {
  interrupted?: boolean;
}

const ENTITY: Record<FlowName, EntityKind> = { products: 'product', stock: 'stock', subjects: 'partner', orders: 'order', invoices: 'invoice' };

const lockName = (flow: FlowName): string => `flow:${flow}`;

export async function runFlow(ctx: FlowContext, flow: Flow, options: SyncOptions): Promise<RunReport> {
  const { store } = ctx;
  // A dry run writes nothing, not even a lock or a run record.
  if (options.dryRun) return execute(ctx, flow, options);
  // An ERP with a call budget (Minimax) lets lower-priority flows wait when calls run short.
  const admission = await admitByBudget(ctx, flow.name);
  if (!admission.ok) {
    const report = startReport(flow.name, false);
    report.report.skipped = true;
    report.report.waiting = admission.sentence;
    report.count('waitingForBudget');
    const runId = await store.runs.start(flow.name, { waitingUntil: admission.retryAt.toISOString() });
    await store.runs.finish(runId, { status: 'skipped', counts: report.report.counts, error: admission.sentence });
    ctx.logger.warn({ flow: flow.name, retryAt: admission.retryAt.toISOString() }, admission.sentence);
    options.metrics?.recordRun(flow.name, 'skipped');
    return report.finish();
  }
  // The lock only stops overlapping runs (ledger rows have their own leases), so it follows the
  // lease duration: a killed process holds up the next run of its flow no longer than that.
  // The heartbeat renews it three times per period; the floor keeps renewals from racing expiry.
  const ttl = Math.max(ctx.config.worker.leaseDuration, 5_000);
  if (!(await store.locks.tryAcquire(lockName(flow.name), ctx.owner, ttl))) {
    const report = startReport(flow.name, false);
    report.report.skipped = true;
    report.count('skippedOverlap');
    ctx.logger.info({ flow: flow.name }, `${flow.name}: another run is still going; this one is skipped`);
    options.metrics?.recordRun(flow.name, 'skipped');
    return report.finish();
  }
  const heartbeat = setInterval(() => {
    store.locks.tryAcquire(lockName(flow.name), ctx.owner, ttl).catch((err: unknown) => ctx.logger.warn({ flow: flow.name, err }, 'could not renew the flow lock'));
  }, Math.floor(ttl / 3));
  heartbeat.unref();
  const runId = await store.runs.start(flow.name, { full: options.full });
  try {
    const before = await callsUsed(ctx);
    const report = await execute(ctx, flow, options);
    const after = before === undefined ? undefined : await callsUsed(ctx).catch(() => undefined);
    if (before !== undefined && after !== undefined) report.counts.erpCalls = Math.max(0, after - before);
    // Interrupted is not failed: the lag, /readyz and the history must not read a shutdown as an outage.
    const status = report.error !== undefined ? 'failed' : report.interrupted ? 'interrupted' : 'ok';
    await store.runs.finish(runId, { status, counts: report.counts, ...(report.error !== undefined && { error: report.error }) });
    options.metrics?.recordRun(flow.name, status, report);
    const log = report.error === undefined ? ctx.logger.info.bind(ctx.logger) : ctx.logger.error.bind(ctx.logger);
    const message = status === 'interrupted' ? `${flow.name} run interrupted by the stop; what is still due waits for the next run` : `${flow.name} run ${status}`;
    log({ flow: flow.name, counts: report.counts, durationMs: report.durationMs, ...(report.error && { error: report.error }) }, message);
    return report;
  } finally {
    clearInterval(heartbeat);
    await store.locks.release(lockName(flow.name), ctx.owner).catch(() => undefined);
  }
}

async function execute(ctx: FlowContext, flow: Flow, options: SyncOptions): Promise<RunReport> {
  const started = Date.now();
  let discovered: FlowReport | undefined;
  // The drain counts into this as it goes, so a drain that throws still shows what it did.
  const drained = startReport(flow.name, options.dryRun);
  try {
    if (flow.kind === 'batch') return await flow.run(ctx, options);
    discovered = await flow.discover(ctx, options);
    if (options.dryRun) return discovered;
    await drainFlow(ctx, flow, {
      report: drained,
      ...(options.metrics && { metrics: options.metrics }),
      ...(options.concurrency && { concurrency: options.concurrency }),
      ...(options.signal && { signal: options.signal }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    const report: RunReport = mergeReport(discovered, drained.finish());
    // The drain claims nothing more once the signal is aborted: rows may still be due.
    if (options.signal?.aborted) report.interrupted = true;
    return report;
  } catch (thrown) {
    // What the run did before it stopped stays in its report: the discovered and entered records.
    const partial = startReport(flow.name, options.dryRun);
    if (discovered) mergeReport(partial.report, discovered);
    mergeReport(partial.report, drained.report);
    const report: RunReport = partial.report;
    if (isAbort(thrown, options.signal)) {
      // A flow checks the signal between pages and writes its cursor only at its end, so the
      // cursor stays where the last finished run left it and the next run reads the rest again.
      report.interrupted = true;
    } else {
      const error = thrown instanceof FlowStoppedError ? thrown.error : toSyncError(thrown, { doing: `${flow.name}` });
      const setting = error.errorClass === 'configuration' ? error.record?.key : undefined;
      partial.problem(ENTITY[flow.name], setting ?? flow.name, error.sentence);
      report.error = error.sentence;
      report.errorClass = error.errorClass;
    }
    report.durationMs = Date.now() - started;
    return report;
  }
}

/** The flow gave up because the run's signal was aborted (`signal.throwIfAborted()`), not because something failed. */
function isAbort(thrown: unknown, signal: AbortSignal | undefined): boolean {
  if (!signal?.aborted) return false;
  return thrown === signal.reason || (thrown instanceof Error && thrown.name === 'AbortError');
}

/** Runs one flow, or all enabled flows in the order products, stock, subjects, orders, invoices. */
export async function runSync(ctx: FlowContext, flowName: FlowName | 'all', options: SyncOptions): Promise<RunReport[]> {
  const flows = options.flows ?? createFlows();
  const names = flowName === 'all' ? FLOW_NAMES.filter((name) => ctx.config.flows[name].enabled) : [flowName];
  const reports: RunReport[] = [];
  for (const name of names) {
    options.signal?.throwIfAborted();
    reports.push(await runFlow(ctx, flows[name], options));
  }
  return reports;
}
