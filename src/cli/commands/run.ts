/**
 * `icsync run`: the long-running process. Schedules every enabled flow, runs the worker that
 * moves ledger records on, and serves /healthz, /readyz, /metrics and the dashboard. On
 * SIGTERM/SIGINT it stops scheduling, lets the steps in flight finish, releases its leases,
 * closes the server, the connections and the store, and exits 0.
 */
import type { FlowName } from '../../config/index.js';
import { createScheduler, createWorker, type RunReport, type Scheduler, type SchedulerOptions } from '../../engine/index.js';
import { createFlows, type Flow, type FlowContext } from '../../flows/index.js';
import { createServer } from '../../server/index.js';
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
      const flows = createFlows();
      // Flows stopped by a configuration error, with the sentence why: /readyz reports them.
      const stopped: Partial<Record<FlowName, string>> = {};
      const onReport = (report: RunReport) => {
        if (report.errorClass === 'configuration' && report.error !== undefined) stopped[report.flow] = report.error;
        // An interrupted run proves nothing about the setting that stopped the flow.
        else if (!report.skipped && !report.interrupted) delete stopped[report.flow];
      };
      const scheduler = scheduleEachFlow(ctx.flowContext, flows, { metrics: ctx.metrics, onReport });
      const worker = createWorker({ ...ctx.flowContext, owner: `${ctx.flowContext.owner}:worker` }, { flows, metrics: ctx.metrics });
      const server = createServer({
        store: ctx.store,
        config,
        metrics: ctx.metrics,
        logger,
        stoppedFlows: () => ({ ...stopped }),
        nextRuns: () => scheduler.nextRuns(),
        ...(ctx.erp.callBudget && { callBudget: ctx.erp.callBudget }),
      });
      const host = flags.host ?? config.server.host;
      const port = flags.port === undefined ? config.server.port : Number(flags.port);
      try {
        const address = await server.listen({ host, port });
        logger.info({ url: address, owner: ctx.flowContext.owner, store: ctx.store.target }, `icsync running: dashboard at ${address}/ (health ${address}/healthz, metrics ${address}/metrics)`);
        scheduler.start();
        worker.start();
      } catch (error) {
        await server.close().catch(() => undefined);
        await ctx.close();
        if ((error as { code?: string }).code === 'EADDRINUSE') {
          throw new CliExit(EXIT.failure, `Port ${port} on ${host} is already in use (EADDRINUSE); choose another with server.port or --port.`);
        }
        throw error;
      }

      const signal = await stopRequested;
      logger.info({ signal }, `${signal}: stopping; the steps in flight finish first`);
      // Both at once: the worker would otherwise go on claiming rows while the scheduled runs finish their steps.
      await Promise.all([scheduler.stop(), worker.stop()]);
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
    return { owner: context.owner, scheduler: createScheduler(context, { [name]: flow } as Record<FlowName, Flow>, options) };
  });
  return {
    owners: entries.map((entry) => entry.owner),
    start: () => entries.forEach((entry) => entry.scheduler.start()),
    stop: async () => {
      await Promise.all(entries.map((entry) => entry.scheduler.stop()));
    },
    nextRuns: () => Object.assign({}, ...entries.map((entry) => entry.scheduler.nextRuns())) as ReturnType<Scheduler['nextRuns']>,
  };
}
