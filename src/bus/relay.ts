/**
 * The outbox relay: publishes the outbox's events to the configured broker, oldest first, and
 * marks them published once the broker confirmed them. At-least-once: a crash after the publish
 * and before the mark publishes the same event (same CloudEvents `id`) again; consumers drop
 * repeats by id. One process relays at a time (a store lock), so events keep their order.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { encodeOutgoing, type IcsyncEventType } from './events.js';
import { sleep, type Publisher } from './transport.js';

export interface Relay {
  start(): void;
  /** Publishes what is due now (tests); resolves with how many were published. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 100;
const LOCK = 'bus:outbox-relay';
const LOCK_TTL_MS = 30_000;

export function createRelay(options: { store: Store; publisher: Publisher; source: string; owner: string; logger: Logger; pollIntervalMs: number }): Relay {
  const { store, publisher, logger } = options;
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;

  async function flush(): Promise<number> {
    if (!(await store.locks.tryAcquire(LOCK, options.owner, LOCK_TTL_MS))) return 0;
    let published = 0;
    for (;;) {
      const rows = await store.outbox.pending(BATCH);
      if (rows.length === 0) return published;
      const events = rows.map((row) => ({
        id: `icsync-${row.id}`,
        type: row.type,
        subject: row.subject,
        body: encodeOutgoing({ id: `icsync-${row.id}`, type: row.type as IcsyncEventType, subject: row.subject, time: row.createdAt, data: row.data }, options.source),
      }));
      try {
        await publisher.publish(events);
      } catch (error) {
        const message = (error as Error).message;
        await store.outbox.markFailed(rows[0]!.id, message);
        throw error;
      }
      await store.outbox.markPublished(rows.map((row) => row.id));
      published += rows.length;
      if (rows.length < BATCH) return published;
    }
  }

  return {
    start() {
      if (loop) return;
      loop = (async () => {
        let pause = options.pollIntervalMs;
        while (!stopping.signal.aborted) {
          try {
            await flush();
            pause = options.pollIntervalMs;
          } catch (error) {
            logger.warn({ err: (error as Error).message, broker: publisher.name }, `outbox: publishing to ${publisher.name} failed; the events wait in the outbox and are published again in ${pause} ms`);
            pause = Math.min(pause * 2, 30_000);
          }
          await sleep(pause, stopping.signal);
        }
        await store.locks.release(LOCK, options.owner).catch(() => undefined);
      })();
    },
    flush,
    async stop() {
      stopping.abort();
      await loop;
      await publisher.close();
    },
  };
}
