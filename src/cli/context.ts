/**
 * Everything a command needs, built from the configuration file: logger, store, the two
 * connectors, metrics and the FlowContext the engine runs flows with. Commands open one
 * context and close it when done.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LevelWithSilent } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { outboxMapper, withReconcileSchedule } from '../bus/index.js';
import { createErp, createShop } from '../connectors/registry.js';
import { createLogger, type Logger } from '../core/log.js';
import type { CallCounter, ErpPort, ShopPort } from '../core/ports.js';
import { createMetrics, type SyncMetrics } from '../engine/index.js';
import type { FlowContext } from '../flows/types.js';
import { openStore, type Store } from '../store/index.js';
import type { CliIo } from './io.js';

export interface ContextOverrides {
  io?: CliIo;
  /**
   * Where log lines go: 'stdout' for `icsync run` (the log is its output), 'stderr' for
   * one-shot commands, whose stdout is the report.
   */
  logTo?: 'stdout' | 'stderr';
  /** The quietest level used whatever the config says (one-shot commands only want warnings). */
  minLevel?: LevelWithSilent;
  /** Node/process metrics in the registry (for `icsync run`'s /metrics). */
  defaultMetrics?: boolean;
  /**
   * Dry runs: the store is opened so that nothing is written, not even a folder, a file or a
   * migration; a store that does not exist yet reads as an empty ledger.
   */
  readOnlyStore?: boolean;
}

export interface CliContext {
  config: Config;
  /** Values that came from ${ENV} / ${file:}: never printed. */
  secrets: readonly string[];
  logger: Logger;
  store: Store;
  erp: ErpPort;
  shop: ShopPort;
  metrics: SyncMetrics;
  flowContext: FlowContext;
  close(): Promise<void>;
}

const LEVELS: LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

const louder = (a: LevelWithSilent, b: LevelWithSilent): LevelWithSilent => (LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b);

/** This process's identity for leases and flow locks: unique per process, readable in the ledger. */
export function processOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export async function openContext(configPath: string, overrides: ContextOverrides = {}): Promise<CliContext> {
  const loaded = loadConfig(configPath);
  // With events on, the orders flow polls on events.reconcile (docs/EVENTS.md).
  const config = withReconcileSchedule(loaded.config);
  const { secrets } = loaded;
  const io = overrides.io;
  const toStdout = overrides.logTo === 'stdout';
  // One-shot commands keep their output clean (warnings only) unless a person asked for more:
  // log.level debug or trace is honoured by every command.
  const asked = config.log.level === 'debug' || config.log.level === 'trace';
  const level = overrides.minLevel && !asked ? louder(config.log.level, overrides.minLevel) : config.log.level;
  const destination = io ? { write: (line: string) => (toStdout ? io.out(line) : io.err(line)) } : toStdout ? process.stdout : process.stderr;
  const terminal = toStdout ? process.stdout.isTTY === true : process.stderr.isTTY === true;
  const logger = createLogger({
    level,
    pretty: config.log.pretty === 'auto' ? terminal && io === undefined : config.log.pretty,
    secrets,
    destination,
  });
  const store = await openStore({ url: config.store.url, logger, ...(overrides.readOnlyStore && { readOnly: true }), ...(config.events.publish.to !== 'off' && { outbox: outboxMapper }) });
  logger.debug({ config: configPath, store: store.target, level }, 'configuration loaded and store opened');
  const metrics = createMetrics({ defaultMetrics: overrides.defaultMetrics ?? false });
  // Calls to a budgeted ERP are counted in the store; a dry run writes nothing, so it counts in memory on top.
  const deps = { logger, onRemoteCall: metrics.onRemoteCall, callCounter: overrides.readOnlyStore ? readThroughCounter(store.calls) : store.calls };
  const erp = createErp(config.erp, deps);
  if (erp.callBudget) metrics.watchCallBudget(erp.callBudget);
  const shop = createShop(config.shop, deps);
  const flowContext: FlowContext = { erp, shop, store, config, logger, owner: processOwner(), now: () => new Date() };
  let closing: Promise<void> | undefined;
  return {
    config,
    secrets,
    logger,
    store,
    erp,
    shop,
    metrics,
    flowContext,
    close: () =>
      (closing ??= (async () => {
        await Promise.allSettled([erp.close(), shop.close()]);
        await store.close();
      })()),
  };
}

/** Reads the store's count and keeps new calls in memory (dry runs write nothing to the store). */
function readThroughCounter(stored: CallCounter): CallCounter {
  const local: { at: number; count: number }[] = [];
  return {
    async record(_target, at, count) {
      local.push({ at: at.getTime(), count });
    },
    async countSince(target, since) {
      const base = await stored.countSince(target, since);
      const mine = local.filter((c) => c.at >= since.getTime()).reduce((sum, c) => sum + c.count, 0);
      return { ...base, count: base.count + mine };
    },
  };
}

/** Opens a context, runs `work` with it and always closes it. */
export async function withContext<T>(configPath: string, overrides: ContextOverrides, work: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(configPath, overrides);
  try {
    return await work(ctx);
  } finally {
    await ctx.close();
  }
}
