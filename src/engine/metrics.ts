/**
 * Prometheus metrics of the synchronizer: runs, items and failures per flow, lag (time since
 * the flow last finished well), and the latency of every remote call. `onRemoteCall` fits
 * ConnectorDeps.onRemoteCall, so the connectors report into the same registry.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FlowReport } from '../flows/types.js';
import type { CallBudget, RemoteCallInfo } from '../core/ports.js';


export interface SyncMetrics {
  registry: Registry;
  onRemoteCall: (info: RemoteCallInfo) => void;
  /** `interrupted`: a stop ended the run early; it does not count as a good run for the lag. */
  recordRun(flow: string, status: 'ok' | 'failed' | 'skipped' | 'interrupted', report?: FlowReport): void;
  recordStep(flow: string, outcome: string, errorClass?: string): void;
  /** Exposes an ERP's call budget (used, usable, limit) as gauges, read at each scrape. */
  watchCallBudget(budget: CallBudget): void;
}

/** Counts of a report that are items moved; the rest (read, unchanged, ...) are reported as they are under their own name. */
export function createMetrics(options: { registry?: Registry; defaultMetrics?: boolean } = {}): SyncMetrics {
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'icsync_' });
  const lastSuccess = new Map<string, number>();

  const runs = new Counter({ name: 'icsync_flow_runs_total', help: 'Flow runs by outcome.', labelNames: ['flow', 'status'], registers: [registry] });
  const items = new Counter({ name: 'icsync_flow_items_total', help: 'Records handled by flows, by what happened to them (created, updated, unchanged, written, failed, ...).', labelNames: ['flow', 'outcome'], registers: [registry] });
  const failures = new Counter({ name: 'icsync_flow_failures_total', help: 'Record failures by error class.', labelNames: ['flow', 'class'], registers: [registry] });
  const duration = new Histogram({ name: 'icsync_flow_run_duration_seconds', help: 'Wall time of one flow run.', labelNames: ['flow'], buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1200], registers: [registry] });
  new Gauge({
    name: 'icsync_flow_lag_seconds',
    help: 'Seconds since the flow last finished without a flow-level error (absent before its first good run).',
    labelNames: ['flow'],
    registers: [registry],
    collect() {
      this.reset();
      const now = Date.now();
      for (const [flow, at] of lastSuccess) this.set({ flow }, (now - at) / 1000);
    },
  });
  const remote = new Histogram({
    name: 'icsync_remote_call_duration_seconds',
    help: 'Latency of calls to the shop and the ERP.',
    labelNames: ['target', 'method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  let budget: CallBudget | undefined;
  new Gauge({
    name: 'icsync_erp_call_budget',
    help: 'The ERP call budget over its rolling window (Minimax): kind=used (calls made), usable (what icsync plans within), limit (what the ERP allows).',
    labelNames: ['target', 'kind'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!budget) return;
      const s = await budget.status();
      this.set({ target: s.target, kind: 'used' }, s.used);
      this.set({ target: s.target, kind: 'usable' }, s.usable);
      this.set({ target: s.target, kind: 'limit' }, s.limit);
    },
  });

  return {
    registry,
    watchCallBudget(next) {
      budget = next;
    },
    onRemoteCall(info) {
      remote.observe({ target: info.target, method: info.method, route: info.route, status: String(info.status) }, info.durationMs / 1000);
    },
    recordRun(flow, status, report) {
      runs.inc({ flow, status });
      if (status === 'ok') lastSuccess.set(flow, Date.now());
      if (!report) return;
      duration.observe({ flow }, report.durationMs / 1000);
      for (const [outcome, value] of Object.entries(report.counts)) if (value > 0) items.inc({ flow, outcome }, value);
    },
    recordStep(flow, outcome, errorClass) {
      items.inc({ flow, outcome: `step_${outcome}` });
      if (errorClass) failures.inc({ flow, class: errorClass });
    },
  };
}
