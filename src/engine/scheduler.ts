/**
 * A schedule per enabled flow (`every: 15m` or `cron: "*\/5 * * * *"`, croner). Each tick is
 * one runFlow: the store's flow lock skips a run that would overlap one still going (in this
 * process or another), and croner's `protect` keeps ticks of one process from stacking.
 * stop() aborts the runs' signal: a run finishes the page or step in flight and claims no
 * more, so a large backlog does not hold up shutdown.
 */
import { Cron } from 'croner';
import { configurationError } from '../core/errors.js';
import type { FlowName } from '../config/schema.js';
import type { Flow, FlowContext } from '../flows/types.js';
import type { SyncMetrics } from './metrics.js';
import { runFlow, type RunReport } from './sync.js';

export interface SchedulerOptions {
  metrics?: SyncMetrics;
  /** Called with each run's report (dashboard, logs). */
  onReport?: (report: RunReport) => void;
  /** Run every flow once right away on start (default true). */
  runOnStart?: boolean;
  /**
   * For `every:` schedules: the first run comes one interval after start instead of at the next
   * second (the orders poll as reconciliation in event mode).
   */
  firstRunAfterInterval?: boolean;
}

export interface Scheduler {
  start(): void;
  /** Stops the schedules, tells the runs in flight to stop after their current step, and waits for them. */
  stop(): Promise<void>;
  /** When each flow runs next. */
  nextRuns(): Partial<Record<FlowName, Date | null>>;
  /** Runs a flow now (not stacked on a run of it still going); false when it is not scheduled. */
  runNow(flow: FlowName): boolean;
}

export function createScheduler(ctx: FlowContext, flows: Record<FlowName, Flow>, options: SchedulerOptions = {}): Scheduler {
  const jobs = new Map<FlowName, Cron>();
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  let stopping = new AbortController();

  const tick = (flow: Flow) => async () => {
    if (stopped) return;
    const run = runFlow(ctx, flow, { dryRun: false, full: false, signal: stopping.signal, ...(options.metrics && { metrics: options.metrics }) })
      .then((report) => options.onReport?.(report))
      .catch((err: unknown) => ctx.logger.error({ flow: flow.name, err }, `${flow.name} run failed`));
    inFlight.add(run);
    try {
      await run;
    } finally {
      inFlight.delete(run);
    }
  };

  function schedule(flow: Flow): Cron {
    const when = ctx.config.flows[flow.name].schedule;
    const common = { protect: true, paused: true, name: `icsync-${flow.name}` };
    if ('every' in when) {
      // croner fires the every-second pattern no sooner than `interval` seconds after the last run.
      const later = options.firstRunAfterInterval ? { startAt: new Date(Date.now() + when.every) } : {};
      return new Cron('* * * * * *', { ...common, ...later, interval: Math.max(1, Math.round(when.every / 1000)) }, tick(flow));
    }
    try {
      return new Cron(when.cron, common, tick(flow));
    } catch (err) {
      throw configurationError({
        sentence: `flows.${flow.name}.schedule.cron is not a valid cron expression (${(err as Error).message}); write it like "*/5 * * * *".`,
        record: { kind: 'setting', key: `flows.${flow.name}.schedule.cron` },
      });
    }
  }

  return {
    start() {
      stopped = false;
      if (stopping.signal.aborted) stopping = new AbortController();
      for (const flow of Object.values(flows)) {
        if (!ctx.config.flows[flow.name].enabled || jobs.has(flow.name)) continue;
        const job = schedule(flow);
        jobs.set(flow.name, job);
        job.resume();
        if (options.runOnStart ?? true) void job.trigger();
      }
    },
    async stop() {
      stopped = true;
      for (const job of jobs.values()) job.stop();
      jobs.clear();
      stopping.abort();
      await Promise.allSettled([...inFlight]);
    },
    runNow(flow) {
      const job = jobs.get(flow);
      if (!job) return false;
      void job.trigger();
      return true;
    },
    nextRuns() {
      const out: Partial<Record<FlowName, Date | null>> = {};
      for (const [name, job] of jobs) out[name] = job.nextRun();
      return out;
    },
  };
}
