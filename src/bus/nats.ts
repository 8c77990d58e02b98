/**
 * NATS JetStream transport: a stream that captures the shop's event subjects (created if
 * missing), a durable pull consumer with explicit acknowledgement, acknowledged after intake
 * recorded the event. Every `icsync run` with the same durable name shares the work; a message
 * not acknowledged within events.nats.ackWait is delivered again. The NATS client reconnects by
 * itself; pulling resumes once it is back.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { configurationError } from '../core/errors.js';
import type { EventsConfig } from './config.js';
import type { Intake } from './intake.js';
import { deliver, sleep, type EventSource, type Publisher } from './transport.js';

type NatsSettings = EventsConfig['nats'];

const nanos = (ms: number) => ms * 1_000_000;

/** Creates the stream if it does not exist yet; an existing one is left as its owner set it up. */
export async function ensureStream(jsm: JetStreamManager, name: string, subjects: string[]): Promise<void> {
  try {
    await jsm.streams.info(name);
  } catch {
    await jsm.streams.add({ name, subjects });
  }
}

export function natsSource(settings: NatsSettings, intake: Intake, logger: Logger): EventSource {
  const log = logger.child({ component: 'nats' });
  const stopping = new AbortController();
  let connection: NatsConnection | undefined;
  let messages: ConsumerMessages | undefined;
  let loop: Promise<void> | undefined;

  return {
    name: 'nats',
    async start() {
      try {
        connection = await connect({ servers: settings.servers, name: 'icsync', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
        const jsm = await jetstreamManager(connection);
        await ensureStream(jsm, settings.stream, [settings.subject]);
        try {
          await jsm.consumers.info(settings.stream, settings.durable);
        } catch {
          await jsm.consumers.add(settings.stream, { durable_name: settings.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(settings.ackWait), max_ack_pending: 256 });
        }
      } catch (error) {
        await connection?.close().catch(() => undefined);
        throw configurationError({ sentence: `NATS JetStream at ${settings.servers.join(', ')} does not answer or refuses stream ${settings.stream}: ${(error as Error).message}. Check events.nats.`, record: { kind: 'setting', key: 'events.nats.servers' } });
      }
      const js = jetstream(connection);
      loop = (async () => {
        let pause = 500;
        while (!stopping.signal.aborted) {
          try {
            const consumer = await js.consumers.get(settings.stream, settings.durable);
            messages = await consumer.consume({ max_messages: 64 });
            for await (const message of messages) {
              const outcome = await deliver(intake, message.data, 'nats', log, stopping.signal);
              if (outcome === undefined) break;
              message.ack();
            }
            pause = 500;
          } catch (error) {
            if (stopping.signal.aborted) break;
            log.error({ err: (error as Error).message }, `nats: consuming stopped; trying again in ${pause} ms`);
          }
          if (!stopping.signal.aborted) await sleep(pause, stopping.signal);
          pause = Math.min(pause * 2, 10_000);
        }
      })();
      log.info({ servers: settings.servers, stream: settings.stream, durable: settings.durable }, `nats: consuming stream ${settings.stream} as ${settings.durable}`);
    },
    async stop() {
      stopping.abort();
      await messages?.close().catch(() => undefined);
      await loop;
      // Acks are sent without waiting: flush them before the connection goes.
      await connection?.drain().catch(() => undefined);
    },
  };
}

export function natsPublisher(settings: NatsSettings): Publisher {
  let opened: Promise<NatsConnection> | undefined;
  const open = () =>
    (opened ??= (async () => {
      const connection = await connect({ servers: settings.servers, name: 'icsync-publisher', maxReconnectAttempts: -1 });
      await ensureStream(await jetstreamManager(connection), `${settings.stream}_ICSYNC`, [`${settings.publishSubject}.>`]);
      return connection;
    })().catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
  return {
    name: 'nats',
    async publish(events) {
      const js = jetstream(await open());
      // msgID: JetStream drops a second publish of the same event within its duplicate window.
      await Promise.all(events.map((event) => js.publish(`${settings.publishSubject}.${event.type}`, event.body, { msgID: event.id })));
    },
    async close() {
      const connection = await opened?.catch(() => undefined);
      await connection?.drain().catch(() => undefined);
    },
  };
}
