/**
 * `icsync run`: the long-running process. Schedules every enabled flow, runs the worker that
 * moves ledger records on, and serves /healthz, /readyz, /metrics and the dashboard. On
 * SIGTERM/SIGINT it stops scheduling, lets the steps in flight finish, releases its leases,
 * closes the server, the connections and the store, and exits 0.
 */
import type { FlowName } from '../../config/index.js';
import { createScheduler, createWorker } from '../../engine/index.js';
import { createFlows } from '../../flows/index.js';
import { createServer } from '../../server/index.js';
import { openContext } from '../context.js';
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
      const ctx = await openContext(configPathOf(program), { io, logTo: 'stdout', defaultMetrics: true });
      const { logger, config } = ctx;
      const flows = createFlows();
      // Flows stopped by a configuration error, with the sentence why: /readyz reports them.
      const stopped: Partial<Record<FlowName, string>> = {};
      const scheduler = createScheduler(ctx.flowContext, flows, {
        metrics: ctx.metrics,
        onReport: (report) => {
          if (report.errorClass === 'configuration' && report.error !== undefined) stopped[report.flow] = report.error;
          else if (!report.skipped) delete stopped[report.flow];
        },
      });
      const worker = createWorker(ctx.flowContext, { flows, metrics: ctx.metrics });
      const server = createServer({
        store: ctx.store,
        config,
        metrics: ctx.metrics,
        logger,
        stoppedFlows: () => ({ ...stopped }),
        nextRuns: () => scheduler.nextRuns(),
      });
      try {
        const address = await server.listen({ host: flags.host ?? config.server.host, port: flags.port === undefined ? config.server.port : Number(flags.port) });
        logger.info({ url: address, owner: ctx.flowContext.owner, store: ctx.store.target }, `icsync running: dashboard at ${address}/ (health ${address}/healthz, metrics ${address}/metrics)`);
        scheduler.start();
        worker.start();
      } catch (error) {
        await server.close().catch(() => undefined);
        await ctx.close();
        throw error;
      }

      const signal = await io.waitForStop();
      logger.info({ signal }, `${signal}: stopping; the steps in flight finish first`);
      await scheduler.stop();
      await worker.stop();
      await server.close();
      await ctx.close();
      logger.info('stopped');
    });
}
