/**
 * The transports as the conformance suite drives them: the webhook on a real Fastify server,
 * and the Kafka broker (scripts/kafka.sh), RabbitMQ and NATS JetStream running on this machine.
 * Every run uses its own topic, queue, stream and group names. A broker that does not answer
 * skips its suite with the reason, except under CI=true, where that is a failure.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import Fastify from 'fastify';
import { Producer } from '@platformatic/kafka';
import { connect as amqpConnect } from 'amqplib';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { eventsSchema, type EventsConfig } from '../../src/bus/config.js';
import { brokerSource } from '../../src/bus/index.js';
import type { Intake } from '../../src/bus/intake.js';
import { ensureTopic } from '../../src/bus/kafka.js';
import { ensureStream } from '../../src/bus/nats.js';
import { signatureHeader } from '../../src/bus/signature.js';
import { registerWebhook, WEBHOOK_PATH } from '../../src/bus/webhook.js';

export const WEBHOOK_SECRET = 'test-webhook-secret';

/** One consuming "process" of a transport. */
export interface Consumer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TransportKit {
  name: 'webhook' | 'kafka' | 'amqp' | 'nats';
  /** Null when it can run here; else the reason. */
  unavailable(): Promise<string | null>;
  /** Fresh names for one test. */
  fresh(): Promise<EventsConfig>;
  consumer(events: EventsConfig, intake: Intake, logger: Logger): Consumer;
  /**
   * Sends event bodies the way the shop side would. For the webhook: signed POSTs to the
   * consumer that is up, each retried until a 2xx (as the module does); returns the statuses seen.
   */
  produce(events: EventsConfig, bodies: string[]): Promise<void>;
}

export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

function port(host: string, portNumber: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port: portNumber });
    socket.setTimeout(1000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

const answering = (name: string, hostPort: string, hint: string) => async () => {
  const [host, p] = hostPort.split(':');
  return (await port(host!, Number(p))) ? null : `${name} does not answer on ${hostPort} (${hint})`;
};

export function orderEvent(orderNumber: string, what = 'placed', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    specversion: '1.0',
    id: randomBytes(8).toString('hex'),
    source: 'urn:test:shop',
    type: `com.icsync.magento.order.${what}`,
    subject: orderNumber,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { increment_id: orderNumber, ...extra },
  });
}

/** The webhook kit keeps the base URL of the server that is up, so produce() reaches it (and waits while none is). */
function webhookKit(): TransportKit {
  let base: string | undefined;
  return {
    name: 'webhook',
    unavailable: async () => null,
    fresh: async () => eventsSchema.parse({ intake: 'webhook', webhook: { secret: WEBHOOK_SECRET } }),
    consumer(events, intake, logger) {
      const app = Fastify();
      return {
        async start() {
          await registerWebhook(app, { intake, secret: events.webhook.secret!, logger });
          base = await app.listen({ host: '127.0.0.1', port: 0 });
        },
        async stop() {
          base = undefined;
          await app.close();
        },
      };
    },
    async produce(_events, bodies) {
      await Promise.all(
        bodies.map(async (body) => {
          for (let attempt = 0; attempt < 400; attempt++) {
            if (base !== undefined) {
              const t = Math.floor(Date.now() / 1000);
              try {
                const response = await fetch(`${base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'x-icsync-signature': signatureHeader(WEBHOOK_SECRET, t, body) }, body });
                await response.arrayBuffer();
                if (response.ok) return;
                if (response.status !== 503) throw new Error(`webhook answered ${response.status}`);
              } catch (error) {
                if ((error as Error).message.startsWith('webhook answered')) throw error;
              }
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          throw new Error('webhook delivery gave up');
        }),
      );
    },
  };
}

function subjectOf(body: string): string {
  try {
    return String((JSON.parse(body) as { subject?: unknown }).subject ?? '');
  } catch {
    return '';
  }
}

function kafkaKit(): TransportKit {
  return {
    name: 'kafka',
    unavailable: answering('Kafka', '127.0.0.1:9092', 'start it with scripts/kafka.sh start'),
    async fresh() {
      const events = eventsSchema.parse({ intake: 'kafka', kafka: { topic: unique('icsync-test'), groupId: unique('icsync-test'), sessionTimeout: '6s' } });
      await ensureTopic(events.kafka, events.kafka.topic, 3);
      return events;
    },
    consumer: (events, intake, logger) => brokerSource('kafka', events, intake, logger),
    async produce(events, bodies) {
      const producer = new Producer({ clientId: 'test-shop', bootstrapBrokers: events.kafka.brokers });
      try {
        // Keyed by order number, as the emulated module does: spread over the 3 partitions.
        await producer.send({ messages: bodies.map((body) => ({ topic: events.kafka.topic, key: Buffer.from(subjectOf(body)), value: Buffer.from(body) })) });
      } finally {
        await producer.close();
      }
    },
  };
}

function amqpKit(): TransportKit {
  return {
    name: 'amqp',
    unavailable: answering('RabbitMQ', '127.0.0.1:5672', 'the RabbitMQ service'),
    fresh: async () => eventsSchema.parse({ intake: 'amqp', amqp: { url: 'amqp://guest:guest@127.0.0.1:5672', queue: unique('icsync-test'), prefetch: 8 } }),
    consumer: (events, intake, logger) => brokerSource('amqp', events, intake, logger),
    async produce(events, bodies) {
      const model = await amqpConnect(events.amqp.url);
      try {
        const channel = await model.createConfirmChannel();
        await channel.assertQueue(events.amqp.queue, { durable: true });
        for (const body of bodies) channel.sendToQueue(events.amqp.queue, Buffer.from(body), { persistent: true, contentType: 'application/cloudevents+json' });
        await channel.waitForConfirms();
      } finally {
        await model.close();
      }
    },
  };
}

function natsKit(): TransportKit {
  return {
    name: 'nats',
    unavailable: answering('NATS', '127.0.0.1:4222', 'the nats-server service with JetStream'),
    async fresh() {
      const name = unique('T').replace(/-/g, '_').toUpperCase();
      const events = eventsSchema.parse({ intake: 'nats', nats: { stream: name, subject: `${name.toLowerCase()}.>`, durable: `d_${name.toLowerCase()}`, ackWait: '3s' } });
      const connection = await natsConnect({ servers: events.nats.servers });
      try {
        await ensureStream(await jetstreamManager(connection), events.nats.stream, [events.nats.subject]);
      } finally {
        await connection.drain();
      }
      return events;
    },
    consumer: (events, intake, logger) => brokerSource('nats', events, intake, logger),
    async produce(events, bodies) {
      const connection = await natsConnect({ servers: events.nats.servers });
      try {
        const js = jetstream(connection);
        const prefix = events.nats.subject.replace(/\.>$/, '');
        for (const body of bodies) await js.publish(`${prefix}.order`, body);
      } finally {
        await connection.drain();
      }
    },
  };
}

export const KITS: TransportKit[] = [webhookKit(), kafkaKit(), amqpKit(), natsKit()];
