/**
 * Alerts under `icsync run`: every `alerts.checkEvery` the watch looks for what deserves an
 * alert; what it finds waits in a queue, and one digest goes to every channel at most once per
 * `alerts.digest` (the first at once after a quiet spell, later ones collected), so a hundred
 * orders stopping together make one message, not a hundred. A failed send keeps the queue for
 * the next try. With several processes on one PostgreSQL store, the one holding the store lock
 * `alerts` sends; the others stay quiet.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { AlertsConfig } from './config.js';
import { buildDigest } from './message.js';
import { channelsFrom, type Channel } from './send.js';
import { createWatch, type Alert } from './watch.js';

export type { AlertsConfig } from './config.js';
export type { Alert } from './watch.js';
export { buildDigest, type Digest } from './message.js';

export interface AlerterOptions {
  store: Store;
  config: Config;
  logger: Logger;
  /** Lock owner: the process identity. */
  owner: string;
  /** Shown in messages, e.g. the dashboard URL. */
  dashboardUrl?: string;
  now?: () => Date;
  /** Default: from the settings (tests pass their own). */
  channels?: Channel[];
}

export interface Alerter {
  start(): void;
  /** Looks once, and sends a digest when one is due. */
  tick(): Promise<void>;
  /** Alerts waiting for the next digest. */
  pending(): number;
  stop(): Promise<void>;
}

/** The queue never holds more than this many alerts; older ones beyond it are counted, not kept. */
const QUEUE_MAX = 1000;

export function createAlerter(options: AlerterOptions): Alerter | undefined {
  const settings: AlertsConfig | undefined = options.config.alerts;
  if (!settings?.enabled) return undefined;
  const channels = options.channels ?? channelsFrom(settings);
  if (channels.length === 0) return undefined;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: 'alerts' });
  const watch = createWatch(options.store, options.config, settings, now);
  let queue: Alert[] = [];
  let dropped = 0;
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function send(): Promise<void> {
    const digest = buildDigest(queue, { maxItems: settings!.maxItems, ...(options.dashboardUrl && { dashboardUrl: options.dashboardUrl }) });
    if (dropped > 0) digest.text += `\n(${dropped} older alerts were dropped while no message could be sent.)`;
    const failures: string[] = [];
    for (const channel of channels) {
      try {
        await channel.send(digest);
      } catch (error) {
        failures.push(`${channel.name}: ${(error as Error).message}`);
      }
    }
    if (failures.length === channels.length) {
      // Nothing went out: keep the queue for the next try.
      log.warn({ failures, pending: queue.length }, `alerts could not be sent (${failures.join('; ')}); trying again at the next check`);
      return;
    }
    if (failures.length > 0) log.warn({ failures }, `alerts sent, but not everywhere: ${failures.join('; ')}`);
    log.info({ alerts: queue.length, channels: channels.map((c) => c.name) }, `alert digest sent: ${digest.subject}`);
    queue = [];
    dropped = 0;
    lastSent = now().getTime();
  }

  async function tick(): Promise<void> {
    // One process alerts per store; the lock lasts a little longer than the check interval.
    if (!(await options.store.locks.tryAcquire('alerts', options.owner, settings!.checkEvery * 3))) return;
    queue.push(...(await watch.check()));
    if (queue.length > QUEUE_MAX) {
      dropped += queue.length - QUEUE_MAX;
      queue = queue.slice(-QUEUE_MAX);
    }
    if (queue.length > 0 && now().getTime() - lastSent >= settings!.digest) await send();
  }

  const guarded = () => {
    if (running) return;
    running = tick()
      .catch((error: unknown) => log.warn({ err: error }, `alert check failed: ${(error as Error).message}`))
      .finally(() => {
        running = undefined;
      });
  };

  return {
    start() {
      guarded();
      timer = setInterval(guarded, settings.checkEvery);
      timer.unref();
    },
    tick,
    pending: () => queue.length,
    async stop() {
      if (timer) clearInterval(timer);
      await running;
      for (const channel of channels) channel.close();
      await options.store.locks.release('alerts', options.owner).catch(() => undefined);
    },
  };
}
