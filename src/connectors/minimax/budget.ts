/**
 * The organisation's call budget (1,000 calls per rolling 24 h, shared with the Minimax web UI
 * and other integrations). Every call that goes out is counted in the store (CallCounter, so
 * every icsync process sees the same count); no call is sent once the limit is reached, and
 * flows are admitted by priority (src/core/budget.ts) within the configured share.
 */
import { admitFlow } from '../../core/budget.js';
import { transientError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { CallBudget, CallBudgetStatus, CallCounter } from '../../core/ports.js';
import { LABEL, TARGET, type MinimaxSettings } from './config.js';

export interface CallMeter extends CallBudget {
  /** A request went out (called synchronously by the HTTP layer, once per attempt). */
  observed(count: number): void;
  /** Writes the calls observed so far to the counter. */
  flush(): Promise<void>;
  /** Throws a transient error, without sending anything, when the limit is reached. */
  beforeCall(ctx: { doing: string }): Promise<void>;
}

/** A counter in memory, for a port built without a store (tests, one-off scripts). */
export function memoryCallCounter(): CallCounter {
  const calls = new Map<string, { at: number; count: number }[]>();
  return {
    async record(target, at, count) {
      const list = calls.get(target) ?? [];
      list.push({ at: at.getTime(), count });
      calls.set(target, list);
    },
    async countSince(target, since) {
      const list = (calls.get(target) ?? []).filter((c) => c.at >= since.getTime());
      calls.set(target, list);
      const count = list.reduce((s, c) => s + c.count, 0);
      return list[0] ? { count, oldest: new Date(list[0].at) } : { count };
    },
  };
}

export function createCallMeter(settings: MinimaxSettings, counter: CallCounter, logger: Logger): CallMeter {
  const key = `${TARGET}:org:${settings.organisationId}`;
  const { limit, window: windowMs } = settings.budget;
  const usable = Math.floor(limit * settings.budget.share);
  let pending = 0;
  let flushing: Promise<void> = Promise.resolve();

  async function status(): Promise<CallBudgetStatus> {
    await flush();
    const now = Date.now();
    const { count, oldest } = await counter.countSince(key, new Date(now - windowMs));
    return { target: TARGET, limit, usable, used: count + pending, windowMs, ...(oldest && { nextFreeAt: new Date(oldest.getTime() + windowMs) }) };
  }

  function flush(): Promise<void> {
    flushing = flushing.then(async () => {
      if (pending === 0) return;
      const count = pending;
      pending = 0;
      try {
        await counter.record(key, new Date(), count);
      } catch (error) {
        // The call was made either way; losing its count only makes the figures a little low.
        logger.warn({ err: (error as Error).message }, 'could not record Minimax calls in the store');
      }
    });
    return flushing;
  }

  return {
    observed(count) {
      pending += count;
    },
    flush,
    status,
    async beforeCall(ctx) {
      const s = await status();
      if (s.used < limit) return;
      const at = s.nextFreeAt ?? new Date(Date.now() + windowMs);
      throw transientError({
        target: TARGET,
        notSent: true,
        retryAfterMs: Math.max(1000, at.getTime() - Date.now()),
        sentence: `Minimax, ${ctx.doing}: not sent, because the organisation's ${limit} calls of the last 24 h are used (counted by icsync). Calls free up from ${at.toISOString()}; nothing is lost.`,
      });
    },
    async admit(flow, estimate) {
      return admitFlow(flow, await status(), settings.budget, LABEL, estimate);
    },
  };
}
