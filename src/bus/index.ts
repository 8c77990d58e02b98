/**
 * Event-driven mode as `icsync run` starts it (docs/EVENTS.md): the intake transport named by
 * events.intake (the webhook route on the run server, or a broker consumer), the outbox relay
 * when events.publish.to names a broker, and the reconciliation schedule of the orders flow.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/index.js';
import { amqpPublisher, amqpSource } from './amqp.js';
import type { BrokerName, EventsConfig } from './config.js';
import { createIntake, COUNTER_MISSED, COUNTER_RECEIVED, COUNTER_RECORDED, type Intake, type IntakeOutcome } from './intake.js';
import { kafkaPublisher, kafkaSource } from './kafka.js';
import { natsPublisher, natsSource } from './nats.js';
import { createRelay, type Relay } from './relay.js';
import type { EventSource, Publisher } from './transport.js';
import { registerWebhook } from './webhook.js';

export { eventsSchema, type EventsConfig, TRANSPORTS, BROKERS, type TransportName, type BrokerName } from './config.js';
export { createIntake, type Intake, type IntakeOutcome } from './intake.js';
export { parseEvent, encodeOutgoing, ICSYNC_EVENT_TYPES, SHOP_EVENT_PREFIX, SHOP_EVENT_TYPES, CLOUDEVENTS_JSON } from './events.js';
export { outboxMapper } from './outbox-events.js';
export { WEBHOOK_PATH, WEBHOOK_PREFIX, registerWebhook, webhookPlugin } from './webhook.js';

/**
 * With events on, the orders flow polls on events.reconcile instead of its own schedule: the
 * events bring orders in at once, the poll only catches what they missed.
 */
export function withReconcileSchedule(config: Config): Config {
  if (config.events.intake === 'off') return config;
  return { ...config, flows: { ...config.flows, orders: { ...config.flows.orders, schedule: { every: config.events.reconcile } } } };
}

export function brokerSource(name: BrokerName, events: EventsConfig, intake: Intake, logger: Logger): EventSource {
  if (name === 'kafka') return kafkaSource(events.kafka, intake, logger);
  if (name === 'amqp') return amqpSource(events.amqp, intake, logger);
  return natsSource(events.nats, intake, logger);
}

export function brokerPublisher(name: BrokerName, events: EventsConfig): Publisher {
  if (name === 'kafka') return kafkaPublisher(events.kafka);
  if (name === 'amqp') return amqpPublisher(events.amqp);
  return natsPublisher(events.nats);
}

export interface Bus {
  /** Before the server listens: adds the webhook route when events.intake is webhook. */
  register(app: FastifyInstance): Promise<void>;
  /** After the server listens and the worker runs: starts the broker consumer and the relay. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface BusOptions {
  config: Config;
  store: Store;
  logger: Logger;
  owner: string;
  wake: () => void;
  onAccepted?: (outcome: IntakeOutcome, via: string) => void;
}

export function createBus(options: BusOptions): Bus {
  const { config, store } = options;
  const events = config.events;
  const logger = options.logger.child({ component: 'bus' });
  const intake = createIntake({ store, logger, wake: options.wake, ...(options.onAccepted && { onAccepted: options.onAccepted }) });
  let source: EventSource | undefined;
  let relay: Relay | undefined;
  return {
    async register(app) {
      if (events.intake !== 'webhook') return;
      await registerWebhook(app, { intake, secret: events.webhook.secret!, logger, replayWindowMs: events.webhook.replayWindow, maxBodyBytes: events.webhook.maxBodyBytes });
    },
    async start() {
      if (events.intake !== 'off' && events.intake !== 'webhook') {
        source = brokerSource(events.intake, events, intake, logger);
        await source.start();
      }
      if (events.publish.to !== 'off') {
        relay = createRelay({ store, publisher: brokerPublisher(events.publish.to, events), source: events.publish.source, owner: options.owner, logger, pollIntervalMs: events.publish.pollInterval });
        relay.start();
      }
      if (events.intake !== 'off') logger.info({ intake: events.intake, reconcile: events.reconcile }, `events: taking orders in over ${events.intake}; the orders poll runs as reconciliation`);
    },
    async stop() {
      await source?.stop();
      await relay?.stop();
    },
  };
}

/** What the status page and `icsync status` show of the event path. */
export interface EventsStatus {
  intake: string;
  publish: string;
  received: number;
  recorded: number;
  /** Orders reconciliation found that no event announced. */
  missedByEvents: number;
  outboxBacklog: number;
}

export async function eventsStatus(store: Store, config: Config): Promise<EventsStatus | undefined> {
  const { intake, publish } = config.events;
  if (intake === 'off' && publish.to === 'off') return undefined;
  const counters = await store.counters.all();
  return {
    intake,
    publish: publish.to,
    received: counters[COUNTER_RECEIVED] ?? 0,
    recorded: counters[COUNTER_RECORDED] ?? 0,
    missedByEvents: counters[COUNTER_MISSED] ?? 0,
    outboxBacklog: publish.to === 'off' ? 0 : await store.outbox.backlog(),
  };
}
