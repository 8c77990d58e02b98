/**
 * The worker: claims due ledger rows with a lease, runs one flow step per row, and does the
 * failure bookkeeping the same way for every flow (ARCHITECTURE.md, "Errors"):
 * - transient:     attempts + 1, next attempt after exponential backoff with full jitter;
 *                  after worker.maxAttempts the row waits for a person;
 * - business:      needs_attention with the error's sentence; `data.resume` keeps the state to resume from;
 * - configuration: the flow stops for this pass (FlowStoppedError), the lease is released, other flows go on.
 */
import { toSyncError, type SyncError } from '../core/errors.js';
import { LeaseLostError, type LinkRow } from '../store/index.js';
import type { FlowName } from '../config/schema.js';
import { aboutRecord } from '../flows/common.js';
import { whileLeased } from '../flows/lease.js';
import { startReport, type ReportBuilder } from '../flows/report.js';
import type { Flow, FlowContext, FlowReport, LedgerFlow } from '../flows/types.js';
import { backoffDelay } from './backoff.js';
import type { SyncMetrics } from './metrics.js';

export class FlowStoppedError extends Error {
  constructor(readonly flow: FlowName, readonly error: SyncError) {
    super(`${flow} stopped: ${error.sentence}`, { cause: error });
    this.name = 'FlowStoppedError';
  }
}

export type StepOutcome = 'done' | 'retry' | 'needs_attention' | 'lost';

const KIND_LABEL: Record<string, string> = { order: 'Order', partner: 'Buyer', invoice: 'ERP invoice', product: 'Product', stock: 'Stock row' };

const keyOf = (row: LinkRow): string => row.shopKey ?? row.erpKey ?? String(row.id);

/** Runs the flow's step on one claimed row and records the outcome. Throws FlowStoppedError on a configuration error. */
export async function processRow(ctx: FlowContext, flow: LedgerFlow, row: LinkRow, metrics?: SyncMetrics): Promise<StepOutcome> {
  const { ledger } = ctx.store;
  try {
    await whileLeased(ctx.store, { id: row.id, owner: ctx.owner, leaseMs: ctx.config.worker.leaseDuration }, ctx.logger, () => flow.step(ctx, row));
    await ledger.release(row.id, ctx.owner);
    metrics?.recordStep(flow.name, 'done');
    return 'done';
  } catch (thrown) {
    if (thrown instanceof LeaseLostError) {
      ctx.logger.warn({ flow: flow.name, key: keyOf(row) }, 'lease lost during a step; another worker has the record now');
      metrics?.recordStep(flow.name, 'lost');
      return 'lost';
    }
    const error = toSyncError(thrown, { record: { kind: flow.entity, key: keyOf(row) } });
    metrics?.recordStep(flow.name, error.errorClass === 'transient' ? 'retry' : 'failed', error.errorClass);
    if (error.errorClass === 'configuration') {
      await ledger.release(row.id, ctx.owner).catch(() => undefined);
      throw new FlowStoppedError(flow.name, error);
    }
    return recordFailure(ctx, flow, row, error);
  }
}

async function recordFailure(ctx: FlowContext, flow: LedgerFlow, row: LinkRow, error: SyncError): Promise<StepOutcome> {
  const { ledger } = ctx.store;
  // The step may have moved the row on before failing: resume from where it is now.
  const fresh = (await ledger.get(flow.entity, { ...(row.shopKey && { shopKey: row.shopKey }), ...(row.erpKey && { erpKey: row.erpKey }) })) ?? row;
  const attempts = fresh.attempts + 1;
  const sentence = aboutRecord(KIND_LABEL[flow.entity] ?? flow.entity, keyOf(fresh), error.sentence);
  const settings = ctx.config.worker;
  try {
    if (error.errorClass === 'transient' && attempts < settings.maxAttempts) {
      const delay = backoffDelay(attempts, { baseMs: settings.backoffBase, maxMs: settings.backoffMax }, error.retryAfterMs);
      await ledger.transition(
        fresh.id,
        ctx.owner,
        { attempts, nextAttemptAt: new Date(ctx.now().getTime() + delay), lastError: sentence, lastErrorClass: 'transient', releaseLease: true },
        { type: 'retry', message: `${sentence} (attempt ${attempts} of ${settings.maxAttempts}, next in ${Math.round(delay / 1000)} s)` },
      );
      return 'retry';
    }
    const message = error.errorClass === 'transient' ? `${sentence} Gave up after ${attempts} attempts; retry when the cause is fixed.` : sentence;
    const data = { ...((fresh.data as Record<string, unknown> | null) ?? {}), resume: fresh.state === 'needs_attention' ? (fresh.data as { resume?: string } | null)?.resume : fresh.state };
    await ledger.transition(
      fresh.id,
      ctx.owner,
      { state: 'needs_attention', attempts, nextAttemptAt: null, lastError: message, lastErrorClass: error.errorClass, data, releaseLease: true },
      { type: 'needs_attention', message, data: { errorClass: error.errorClass, ...(error.target && { target: error.target }), ...(error.status && { status: error.status }) } },
    );
    return 'needs_attention';
  } catch (bookkeeping) {
    if (bookkeeping instanceof LeaseLostError) {
      // Typically a write the fence held back: this process was paused and another has the record now.
      ctx.logger.warn({ flow: flow.name, key: keyOf(row), err: error.sentence }, `lease lost during a step; another worker has the record now (${error.sentence})`);
      return 'lost';
    }
    throw bookkeeping;
  }
}

export interface DrainOptions {
  concurrency?: number;
  metrics?: SyncMetrics;
  signal?: AbortSignal;
  /** Checked between claims: a stopping worker finishes the steps in flight and claims no more. */
  shouldStop?: () => boolean;
  onProgress?: (progress: { phase: string; done: number }) => void;
  /**
   * Counts go here as rows are worked, so a drain that throws (a configuration error, the
   * store) still leaves the caller what it did before.
   */
  report?: ReportBuilder;
}

/**
 * Works the flow's due rows until none is due. Rows that fail transiently come back after
 * their backoff; a row seen too often in one drain is left for a later pass.
 */
export async function drainFlow(ctx: FlowContext, flow: LedgerFlow, options: DrainOptions = {}): Promise<FlowReport> {
  const rb = options.report ?? startReport(flow.name, false);
  const concurrency = options.concurrency ?? ctx.config.worker.concurrency;
  const seen = new Map<number, number>();
  const maxVisits = ctx.config.worker.maxAttempts + 2;
  let done = 0;
  while (!options.shouldStop?.() && !options.signal?.aborted) {
    const rows = await ctx.store.ledger.claimDue({ kinds: [flow.entity], states: [...flow.workStates], owner: ctx.owner, leaseMs: ctx.config.worker.leaseDuration, limit: concurrency });
    if (rows.length === 0) break;
    const settled = await Promise.allSettled(rows.map((row) => processRow(ctx, flow, row, options.metrics)));
    let stopped: FlowStoppedError | undefined;
    let looping = false;
    for (const [index, result] of settled.entries()) {
      const row = rows[index]!;
      if (result.status === 'rejected') {
        if (result.reason instanceof FlowStoppedError) stopped = result.reason;
        else throw result.reason;
        continue;
      }
      rb.count(result.value === 'needs_attention' ? 'needsAttention' : result.value);
      if (result.value === 'needs_attention') {
        const after = await ctx.store.ledger.get(flow.entity, { ...(row.shopKey && { shopKey: row.shopKey }), ...(row.erpKey && { erpKey: row.erpKey }) });
        rb.problem(flow.entity, keyOf(row), after?.lastError ?? 'needs attention');
      }
      const visits = (seen.get(row.id) ?? 0) + 1;
      seen.set(row.id, visits);
      if (visits > maxVisits) looping = true;
    }
    if (stopped) throw stopped;
    done += rows.length;
    options.onProgress?.({ phase: flow.name, done });
    if (looping) {
      ctx.logger.warn({ flow: flow.name }, 'a record came back more often than its retry limit in one pass; leaving it for the next pass');
      break;
    }
  }
  return rb.finish();
}

export interface WorkerOptions {
  /** The flows to work; default: every enabled ledger flow of `flows`. */
  flows: Record<FlowName, Flow>;
  metrics?: SyncMetrics;
  concurrency?: number;
  pollIntervalMs?: number;
}

export interface Worker {
  /** Starts polling for due rows (idempotent). */
  start(): void;
  /** Finishes the steps in flight, claims nothing more, releases every lease this process holds. */
  stop(): Promise<void>;
  /** One pass over every flow now; resolves with what was done. */
  drain(): Promise<FlowReport[]>;
  /**
   * Looks for due rows now instead of after the poll interval (an event recorded one). A wake
   * during a pass makes the worker pass again right after it, so no event waits for the poll.
   */
  wake(): void;
}

export function createWorker(ctx: FlowContext, options: WorkerOptions): Worker {
  const ledgerFlows = Object.values(options.flows).filter((flow): flow is LedgerFlow => flow.kind === 'ledger' && ctx.config.flows[flow.name].enabled);
  const pollMs = options.pollIntervalMs ?? ctx.config.worker.pollInterval;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let woken = false;
  const stoppedLogged = new Set<string>();

  async function drain(): Promise<FlowReport[]> {
    const reports: FlowReport[] = [];
    for (const flow of ledgerFlows) {
      if (stopping) break;
      try {
        reports.push(await drainFlow(ctx, flow, { shouldStop: () => stopping, ...(options.metrics && { metrics: options.metrics }), ...(options.concurrency && { concurrency: options.concurrency }) }));
        stoppedLogged.delete(flow.name);
      } catch (error) {
        if (!(error instanceof FlowStoppedError)) throw error;
        // Said once per outage, not once per poll.
        if (!stoppedLogged.has(flow.name)) ctx.logger.error({ flow: flow.name, err: error.error.sentence }, `${flow.name} stopped: ${error.error.sentence}`);
        stoppedLogged.add(flow.name);
        const report = startReport(flow.name, false);
        report.problem(flow.entity, error.error.record?.key ?? flow.name, error.error.sentence);
        report.report.error = error.error.sentence;
        reports.push(report.finish());
      }
    }
    return reports;
  }

  async function run(): Promise<void> {
    while (!stopping) {
      woken = false;
      try {
        await drain();
      } catch (error) {
        ctx.logger.error({ err: error }, 'worker pass failed; trying again after the poll interval');
      }
      if (stopping) break;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        };
      });
    }
  }

  return {
    start() {
      if (loop) return;
      stopping = false;
      loop = run();
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      loop = undefined;
      await ctx.store.ledger.releaseAll(ctx.owner);
    },
    drain,
    wake() {
      woken = true;
      wake?.();
    },
  };
}
