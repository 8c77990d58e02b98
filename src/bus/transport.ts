/**
 * What every broker transport (Kafka, AMQP, NATS) offers, and the one delivery rule they share:
 * a message is acknowledged only after intake has committed its ledger row. A store that does
 * not answer holds the message (retried in place with a growing pause, which is the
 * backpressure: nothing more is taken meanwhile); a message that is no readable event is logged
 * and acknowledged, so one bad message never blocks those behind it.
 */
import type { Logger } from 'pino';
import type { Intake, IntakeOutcome } from './intake.js';
import type { BrokerName } from './config.js';

export interface EventSource {
  readonly name: BrokerName;
  /** Connects and starts consuming; resolves once the first connection is up (throws with a sentence if it cannot be made). */
  start(): Promise<void>;
  /** Stops taking messages, lets the one in hand finish, closes. Unacknowledged messages are delivered again later. */
  stop(): Promise<void>;
}

export interface Publisher {
  readonly name: BrokerName;
  /** Publishes the events, each as structured-mode CloudEvents JSON; resolves once the broker confirmed them all. */
  publish(events: readonly { id: string; type: string; subject: string; body: string }[]): Promise<void>;
  close(): Promise<void>;
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/**
 * Hands one message body to intake until it is recorded. Returns undefined when the transport
 * is stopping before that: the message is then not acknowledged.
 */
export async function deliver(intake: Intake, body: Uint8Array | string, via: BrokerName, logger: Logger, signal: AbortSignal): Promise<IntakeOutcome | undefined> {
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return undefined;
    try {
      const outcome = await intake.acceptBody(body, via);
      if (outcome.status === 'invalid') logger.warn({ via, reason: outcome.sentence }, `${via}: a message that is no readable event was acknowledged and dropped: ${outcome.sentence}`);
      return outcome;
    } catch (error) {
      const pause = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
      logger.error({ via, err: error, attempt }, `${via}: the store did not record an event; holding it and trying again in ${pause} ms`);
      await sleep(pause, signal);
    }
  }
}
