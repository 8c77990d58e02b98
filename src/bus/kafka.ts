/**
 * Kafka transport on @platformatic/kafka (pure JS; docs/ARCHITECTURE.md, dependency table, says
 * why this client). Consumer group `events.kafka.groupId`: every `icsync run` with that group
 * shares the topic's partitions, and a member that goes away has its partitions handed to the
 * others, which start from the last committed offset. Messages of a partition are taken one by
 * one and committed after intake recorded them (at-least-once; intake makes a second delivery
 * harmless).
 */
import { Admin, Consumer, Producer, type Message } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { configurationError } from '../core/errors.js';
import type { EventsConfig } from './config.js';
import { CLOUDEVENTS_JSON } from './events.js';
import type { Intake } from './intake.js';
import { deliver, sleep, type EventSource, type Publisher } from './transport.js';

type KafkaSettings = EventsConfig['kafka'];

export function kafkaSource(settings: KafkaSettings, intake: Intake, logger: Logger): EventSource {
  const log = logger.child({ component: 'kafka' });
  const stopping = new AbortController();
  let consumer: Consumer | undefined;
  let loop: Promise<void> | undefined;

  async function consumeOnce(): Promise<void> {
    consumer = new Consumer({
      groupId: settings.groupId,
      clientId: settings.clientId,
      bootstrapBrokers: settings.brokers,
      sessionTimeout: settings.sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(settings.sessionTimeout / 5)),
      rebalanceTimeout: settings.sessionTimeout,
    });
    consumer.on('consumer:group:rebalance', () => log.info({ topic: settings.topic }, 'kafka: the consumer group is rebalancing'));
    const stream = await consumer.consume({ topics: [settings.topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false, maxWaitTime: 200 });
    // A stop asked for while the group was still joining: close at once instead of waiting for messages.
    if (stopping.signal.aborted) return;
    stopping.signal.addEventListener('abort', () => void stream.close().catch(() => undefined), { once: true });
    for await (const message of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
      const outcome = await deliver(intake, message.value ?? Buffer.alloc(0), 'kafka', log, stopping.signal);
      if (outcome === undefined) break;
      try {
        await message.commit();
      } catch (error) {
        // After a rebalance the partition may belong to another member now: it reads the message again.
        log.warn({ err: error, partition: message.partition, offset: String(message.offset) }, 'kafka: could not commit an offset; the message will be delivered again');
      }
    }
  }

  return {
    name: 'kafka',
    async start() {
      await ensureTopic(settings, settings.topic).catch((error: unknown) => {
        throw configurationError({ sentence: `Kafka at ${settings.brokers.join(', ')} does not answer or refuses topic ${settings.topic}: ${(error as Error).message}. Check events.kafka.brokers and the topic.`, record: { kind: 'setting', key: 'events.kafka.brokers' } });
      });
      loop = (async () => {
        let pause = 500;
        while (!stopping.signal.aborted) {
          try {
            await consumeOnce();
            pause = 500;
          } catch (error) {
            if (stopping.signal.aborted) break;
            log.error({ err: error }, `kafka: consuming stopped; connecting again in ${pause} ms`);
          } finally {
            if (consumer) await closeConsumer(consumer);
          }
          if (!stopping.signal.aborted) await sleep(pause, stopping.signal);
          pause = Math.min(pause * 2, 10_000);
        }
      })();
      log.info({ brokers: settings.brokers, topic: settings.topic, groupId: settings.groupId }, `kafka: consuming ${settings.topic} as group ${settings.groupId}`);
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}

/** Closes the consumer and any stream it still has (the callback form is the one that takes `force`). */
function closeConsumer(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}

/** Creates the topic when the broker does not have it yet (3 partitions, so a group can share it). */
export async function ensureTopic(settings: Pick<KafkaSettings, 'brokers' | 'clientId'>, topic: string, partitions = 3): Promise<void> {
  const admin = new Admin({ clientId: `${settings.clientId}-admin`, bootstrapBrokers: settings.brokers, retries: 2 });
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 }).catch((error: unknown) => {
        if (!/already exists/i.test(String((error as Error).message) + JSON.stringify((error as { errors?: unknown }).errors ?? ''))) throw error;
      });
    }
  } finally {
    await admin.close();
  }
}

export function kafkaPublisher(settings: KafkaSettings): Publisher {
  const producer = new Producer({ clientId: `${settings.clientId}-publisher`, bootstrapBrokers: settings.brokers, acks: -1 });
  return {
    name: 'kafka',
    async publish(events) {
      await producer.send({
        messages: events.map((event) => ({
          topic: settings.publishTopic,
          // Keyed by subject: the events of one order keep their order within a partition.
          key: Buffer.from(event.subject),
          value: Buffer.from(event.body),
          headers: new Map([[Buffer.from('content-type'), Buffer.from(CLOUDEVENTS_JSON)]]),
        })),
      });
    },
    close: () => producer.close(),
  };
}
