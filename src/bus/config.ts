/**
 * The `events:` section of icsync.yaml: which transport brings the shop's order events in,
 * where icsync publishes its own, and how often the polling flows still run as reconciliation.
 * Off by default: without it icsync polls exactly as before. docs/EVENTS.md explains each key.
 */
import { z } from 'zod';
import { duration, positiveWholeNumber, secret } from '../core/settings.js';

export const TRANSPORTS = ['webhook', 'kafka', 'amqp', 'nats'] as const;
export type TransportName = (typeof TRANSPORTS)[number];
export const BROKERS = ['kafka', 'amqp', 'nats'] as const;
export type BrokerName = (typeof BROKERS)[number];

const hostPort = z.string().regex(/^[^\s:/]+:\d+$/, { error: 'expected host:port such as 127.0.0.1:9092' });

const webhookSchema = z
  .object({
    secret: secret('the webhook secret shared with the icsync Magento module').optional(),
    replayWindow: duration().default(duration().parse('300s')).describe('How far a signature timestamp may be from this server\'s clock.'),
    maxBodyBytes: positiveWholeNumber().default(65_536).describe('Largest event body accepted; larger deliveries are refused with 413.'),
  })
  .strict();

const kafkaSchema = z
  .object({
    brokers: z.array(hostPort).min(1).default(['127.0.0.1:9092']),
    topic: z.string().min(1).default('magento.orders').describe('Topic the shop\'s order events arrive on.'),
    groupId: z.string().min(1).default('icsync').describe('Consumer group: every `icsync run` with the same group shares the partitions.'),
    clientId: z.string().min(1).default('icsync'),
    publishTopic: z.string().min(1).default('icsync.events').describe('Topic icsync publishes its own events to (events.publish.to: kafka).'),
    sessionTimeout: duration().default(duration().parse('10s')).describe('How long the group waits for a silent member before giving its partitions to another.'),
  })
  .strict();

const amqpSchema = z
  .object({
    url: z.string().default('amqp://127.0.0.1:5672').describe('amqp://user:password@host:5672/vhost; put the password in ${ENV}.'),
    queue: z.string().min(1).default('icsync.magento.orders').describe('Durable queue icsync consumes (declared if missing).'),
    bindExchange: z.string().optional().describe('Topic exchange the queue is bound to (routing key #) when given.'),
    prefetch: positiveWholeNumber().default(32).describe('Unacknowledged deliveries this process holds at most (backpressure).'),
    publishExchange: z.string().min(1).default('icsync.events').describe('Topic exchange icsync publishes its own events to; routing key = event type.'),
  })
  .strict();

const natsSchema = z
  .object({
    servers: z.array(z.string()).min(1).default(['127.0.0.1:4222']),
    stream: z.string().min(1).default('MAGENTO_ORDERS').describe('JetStream stream holding the shop\'s events (created if missing).'),
    subject: z.string().min(1).default('magento.orders.>').describe('Subjects the stream captures.'),
    durable: z.string().min(1).default('icsync').describe('Durable consumer name: every `icsync run` with the same name shares the work.'),
    ackWait: duration().default(duration().parse('30s')).describe('Redelivery after this long without an ack.'),
    publishSubject: z.string().min(1).default('icsync.events').describe('Subject prefix of icsync\'s own events (`<prefix>.<type>`).'),
  })
  .strict();

const publishSchema = z
  .object({
    to: z.enum(['off', ...BROKERS]).default('off').describe('Broker icsync publishes its own events to (order entered in the ERP, invoice in the shop, needs a person, flow failed).'),
    source: z.string().min(1).default('icsync').describe('CloudEvents `source` of the published events.'),
    pollInterval: duration().default(duration().parse('1s')).describe('How often the outbox relay looks for events to publish when not woken.'),
  })
  .strict();

export const eventsSchema = z
  .object({
    intake: z.enum(['off', ...TRANSPORTS]).default('off').describe('Where the shop\'s order events come from: off (polling only), webhook, kafka, amqp or nats.'),
    reconcile: duration()
      .default(duration().parse('15m'))
      .describe('With events on, the orders flow still polls this often and catches whatever no event announced.'),
    reconcileGrace: duration()
      .default(duration().parse('2m'))
      .describe('An order reconciliation finds that is older than this, without a ledger row, counts as missed by the events.'),
    webhook: webhookSchema.default(webhookSchema.parse({})),
    kafka: kafkaSchema.default(kafkaSchema.parse({})),
    amqp: amqpSchema.default(amqpSchema.parse({})),
    nats: natsSchema.default(natsSchema.parse({})),
    publish: publishSchema.default(publishSchema.parse({})),
  })
  .strict()
  .refine((events) => events.intake !== 'webhook' || events.webhook.secret !== undefined, {
    error: 'events.webhook.secret is required when events.intake is webhook (use ${ENV_VAR})',
    path: ['webhook', 'secret'],
  });

export type EventsConfig = z.infer<typeof eventsSchema>;
export const EVENTS_DEFAULTS: EventsConfig = eventsSchema.parse({});
