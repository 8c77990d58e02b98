/**
 * `icsync run`: the long-running process. Schedules every enabled flow, runs the worker that
 * moves ledger records on, and serves /healthz, /readyz, /metrics and the dashboard. On
 * SIGTERM/SIGINT it stops scheduling, lets the steps in flight finish, releases its leases,
 * closes the server, the connections and the store, and exits 0.
 */
import { securityWarnings, settingProblems, type FlowName } from '../../config/index.js';
import { createAlerter } from '../../alerts/index.js';
import { createScheduler, createWorker, recoverAfterCrash, type RunReport, type Scheduler, type SchedulerOptions } from '../../engine/index.js';
import { createFlows, type Flow, type FlowContext } from '../../flows/index.js';
import { createServer } from '../../server/index.js';
import { ExposureRefusedError } from '../../server/guard.js';
import { createBus } from '../../bus/index.js';
import { openContext } from '../context.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { configPathOf, type CommandEnv } from './shared.js';

interface RunFlags {
  host?: string;
  port?: string;
}

export function registerRunCommand({ program, io }: CommandEnv): void {
  program
    .command('run')
    .description('run the flows on their schedules and serve the dashboard, /healthz, /readyz and /metrics until stopped')
    .option('--host <host>', 'address the HTTP server listens on (default: server.host)')
    .option('--port <port>', 'port of the HTTP server (default: server.port; 0 = any free port)')
    .action(async (flags: RunFlags) => {
      // Listen for SIGTERM/SIGINT before anything else: a stop asked for while the store opens or
      // the server binds is then honoured once start-up is done, instead of killing the process
      // half-way (Node's default for an unhandled SIGTERM) with exit code "killed by signal".
      const stopRequested = io.waitForStop();
      const ctx = await openContext(configPathOf(program), { io, logTo: 'stdout', defaultMetrics: true });
      const { logger, config } = ctx;
      // Runs and locks a killed process left behind: marked interrupted and freed before anything starts.
      await recoverAfterCrash(ctx.store, logger);
      // The TLS one is said by the HTTP client itself when it is created.
      for (const warning of securityWarnings(config).filter((text) => !text.startsWith('TLS verification'))) logger.warn(warning);
      const flows = createFlows();
      // Flows stopped by a configuration error, with the sentence why: /readyz reports them.
      const stopped: Partial<Record<FlowName, string>> = {};
      let productsDone = false;
      const onReport = (report: RunReport) => {
        // Stock waits for the first products run (stock.ts); it runs as soon as that one is done.
        if (report.flow === 'products' && !productsDone && !report.skipped && report.error === undefined && !report.interrupted) {
          productsDone = true;
          scheduler.runNow('stock');
        }
        if (report.errorClass === 'configuration' && report.error !== undefined) stopped[report.flow] = report.error;
        // An interrupted run proves nothing about the setting that stopped the flow.
        else if (!report.skipped && !report.interrupted) delete stopped[report.flow];
      };
      const scheduler = scheduleEachFlow(ctx.flowContext, flows, { metrics: ctx.metrics, onReport });
      const worker = createWorker({ ...ctx.flowContext, owner: `${ctx.flowContext.owner}:worker` }, { flows, metrics: ctx.metrics });
      const host = flags.host ?? config.server.host;
      const port = flags.port === undefined ? config.server.port : Number(flags.port);
      const server = createServer({
        store: ctx.store,
        config,
        metrics: ctx.metrics,
        logger,
        stoppedFlows: () => ({ ...stopped }),
        nextRuns: () => scheduler.nextRuns(),
        host,
        ...(ctx.erp.callBudget && { callBudget: ctx.erp.callBudget }),
      });
      let alerter: ReturnType<typeof createAlerter>;
      // Event-driven mode (docs/EVENTS.md): intake wakes the worker; the webhook route joins the server.
      const bus = createBus({ config, store: ctx.store, logger, owner: `${ctx.flowContext.owner}:bus`, wake: () => worker.wake() });
      await bus.register(server);
      try {
        const address = await server.listen({ host, port });
        logger.info({ url: address, owner: ctx.flowContext.owner, store: ctx.store.target }, `icsync running: dashboard at ${address}/ (health ${address}/healthz, metrics ${address}/metrics)`);
        for (const problem of settingProblems(config)) logger.warn({ setting: problem.path }, `${problem.path}: ${problem.message}`);
        scheduler.start();
        worker.start();
        await bus.start();
        alerter = createAlerter({ store: ctx.store, config, logger, owner: ctx.flowContext.owner, dashboardUrl: `${address}/` });
        alerter?.start();
      } catch (error) {
        await Promise.allSettled([bus.stop(), scheduler.stop(), worker.stop()]);
        await server.close().catch(() => undefined);
        await ctx.close();
        if (error instanceof ExposureRefusedError) throw new CliExit(EXIT.usage, error.message);
        if ((error as { code?: string }).code === 'EADDRINUSE') {
          throw new CliExit(EXIT.failure, `Port ${port} on ${host} is already in use (EADDRINUSE); choose another with server.port or --port.`);
        }
        throw error;
      }

      const signal = await stopRequested;
      logger.info({ signal }, `${signal}: stopping; the steps in flight finish first`);
      // The consumers first: what they hold unacknowledged is delivered again to the next process.
      await bus.stop();
      // Both at once: the worker would otherwise go on claiming rows while the scheduled runs finish their steps.
      await Promise.all([scheduler.stop(), worker.stop(), alerter?.stop()]);
      await Promise.all(scheduler.owners.map((owner) => ctx.store.ledger.releaseAll(owner)));
      await server.close();
      await ctx.close();
      logger.info('stopped');
    });
}

/**
 * One scheduler per flow, each with its own lease owner. Scheduled runs of different flows go
 * on at the same time and the worker claims rows beside them: with one shared owner, a flow
 * could take over (and release) a row another flow is in the middle of, e.g. the orders flow
 * resolving a buyer the subjects flow is linking.
 */
function scheduleEachFlow(base: FlowContext, flows: Record<FlowName, Flow>, options: SchedulerOptions): Scheduler & { owners: string[] } {
  const entries = (Object.entries(flows) as [FlowName, Flow][]).map(([name, flow]) => {
    const context = { ...base, owner: `${base.owner}:${name}` };
    // With events on, the orders poll is reconciliation: its first pass comes on its schedule, not at
    // start-up, where it would race the events the broker or the module's retries are delivering.
    const reconciling = name === 'orders' && base.config.events.intake !== 'off';
    const flowOptions = reconciling ? { ...options, runOnStart: false, firstRunAfterInterval: true } : options;
    return { owner: context.owner, scheduler: createScheduler(context, { [name]: flow } as Record<FlowName, Flow>, flowOptions) };
  });
  return {
    owners: entries.map((entry) => entry.owner),
    start: () => entries.forEach((entry) => entry.scheduler.start()),
    stop: async () => {
      await Promise.all(entries.map((entry) => entry.scheduler.stop()));
    },
    nextRuns: () => Object.assign({}, ...entries.map((entry) => entry.scheduler.nextRuns())) as ReturnType<Scheduler['nextRuns']>,
    runNow: (flow) => entries.some((entry) => entry.scheduler.runNow(flow)),
  };
}
