/**
 * The icsync Magento module's order events, as the emulator sends them: CloudEvents 1.0 in
 * structured JSON mode, `com.icsync.magento.order.<placed|invoiced|shipped|canceled|changed>`,
 * subject = the order number (increment_id), data = {entity_id, increment_id, state, status}.
 * Delivered to a webhook (signed as docs/magento-module-api.md "Webhook signature" says, retried
 * with a growing pause until a 2xx, so events sent while icsync is down arrive once it is up) and
 * onto Kafka, RabbitMQ or NATS JetStream as an ESB would carry them.
 *
 * Faults for the tests: duplicates, reordering (some events held back while later ones go), and
 * drops (never sent: reconciliation must find the order). The signature is computed here with
 * node:crypto, not with src/bus/signature.ts: the module and icsync must agree through the
 * documented scheme, not through shared code.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Producer } from '@platformatic/kafka';
import { connect as amqpConnect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { jetstream } from '@nats-io/jetstream';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { CloudEvent } from 'cloudevents';
import type { EmulatorRuntime, OrderEventKind } from './server.js';
import { seededRng } from './util.js';

export interface ModuleEventFaults {
  /** Share of events sent twice (0..1). */
  duplicateRate?: number;
  /** Share of events held back for reorderDelayMs, so later events overtake them. */
  reorderRate?: number;
  reorderDelayMs?: number;
  /** Share of events never sent. */
  dropRate?: number;
  seed?: number;
}

export interface ModuleEventsOptions {
  /** CloudEvents `source`; the module uses the shop's base URL. */
  source?: string;
  webhook?: { url: string; secret: string; maxAttempts?: number; retryBaseMs?: number; retryMaxMs?: number; timeoutMs?: number };
  kafka?: { brokers: string[]; topic: string };
  /** To a queue directly, or to a topic exchange with routing key `magento.order.<what>`. */
  amqp?: { url: string; queue?: string; exchange?: string };
  /** Subject `<subjectPrefix>.<what>`; a JetStream stream must capture it. */
  nats?: { servers: string[]; subjectPrefix: string };
  faults?: ModuleEventFaults;
}

export interface ModuleEventStats {
  announced: number;
  sent: number;
  dropped: number;
  /** What was dropped, so a test knows which orders only reconciliation can find. */
  droppedEvents: { kind: OrderEventKind; orderNumber: string }[];
  duplicated: number;
  /** Webhook deliveries given up (refused with a 4xx, or out of attempts). */
  failed: number;
  retries: number;
  /** Why webhook deliveries were retried: HTTP status or error name → count. */
  retryReasons: Record<string, number>;
}

export interface ModuleEvents {
  stats: ModuleEventStats;
  /** Resolves when every event announced so far is delivered or given up. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const MODULE_EVENT_PREFIX = 'com.icsync.magento.order.';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startModuleEvents(runtime: EmulatorRuntime, options: ModuleEventsOptions): Promise<ModuleEvents> {
  const stats: ModuleEventStats = { announced: 0, sent: 0, dropped: 0, droppedEvents: [], duplicated: 0, failed: 0, retries: 0, retryReasons: {} };
  const faults = options.faults ?? {};
  const random = seededRng(faults.seed ?? 7);
  const source = options.source ?? 'urn:icsync:magento-emulator';
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const kafka = options.kafka ? new Producer({ clientId: 'magento-module', bootstrapBrokers: options.kafka.brokers, acks: -1 }) : undefined;
  let amqp: { model: ChannelModel; channel: ConfirmChannel } | undefined;
  if (options.amqp) {
    const model = await amqpConnect(options.amqp.url);
    model.on('error', () => undefined);
    const channel = await model.createConfirmChannel();
    if (options.amqp.exchange) await channel.assertExchange(options.amqp.exchange, 'topic', { durable: true });
    if (options.amqp.queue) await channel.assertQueue(options.amqp.queue, { durable: true });
    amqp = { model, channel };
  }
  let nats: NatsConnection | undefined;
  if (options.nats) nats = await natsConnect({ servers: options.nats.servers, name: 'magento-module' });

  async function toWebhook(body: string): Promise<void> {
    const hook = options.webhook!;
    const attempts = hook.maxAttempts ?? 30;
    let pause = hook.retryBaseMs ?? 200;
    for (let attempt = 1; attempt <= attempts && !closed; attempt++) {
      const t = Math.floor(Date.now() / 1000);
      const v1 = createHmac('sha256', hook.secret).update(`${t}.${body}`).digest('hex');
      try {
        const response = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/cloudevents+json', 'x-icsync-signature': `t=${t},v1=${v1}` },
          body,
          signal: AbortSignal.timeout(hook.timeoutMs ?? 5_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        stats.retryReasons[String(response.status)] = (stats.retryReasons[String(response.status)] ?? 0) + 1;
        // Magento's module gives up on a refusal: the same body would be refused again.
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          stats.failed += 1;
          return;
        }
      } catch (error) {
        // icsync down or slow: retried below, as the module's cron queue does.
        const reason = (error as Error).name;
        stats.retryReasons[reason] = (stats.retryReasons[reason] ?? 0) + 1;
      }
      stats.retries += 1;
      await sleep(pause);
      pause = Math.min(pause * 2, hook.retryMaxMs ?? 2_000);
    }
    stats.failed += 1;
  }

  async function send(kind: OrderEventKind, body: string, orderNumber: string): Promise<void> {
    const sinks: Promise<unknown>[] = [];
    if (options.webhook) sinks.push(toWebhook(body));
    if (kafka) sinks.push(kafka.send({ messages: [{ topic: options.kafka!.topic, key: Buffer.from(orderNumber), value: Buffer.from(body), headers: new Map([[Buffer.from('content-type'), Buffer.from('application/cloudevents+json')]]) }] }));
    if (amqp) {
      const content = Buffer.from(body);
      const props = { persistent: true, contentType: 'application/cloudevents+json' };
      if (options.amqp!.exchange) amqp.channel.publish(options.amqp!.exchange, `magento.order.${kind}`, content, props);
      else amqp.channel.sendToQueue(options.amqp!.queue!, content, props);
      sinks.push(amqp.channel.waitForConfirms());
    }
    if (nats) sinks.push(jetstream(nats).publish(`${options.nats!.subjectPrefix}.${kind}`, body));
    await Promise.all(sinks);
    stats.sent += 1;
  }

  function announce(kind: OrderEventKind, orderId: number): void {
    if (closed) return;
    const order = runtime.state.orders.get(orderId)?.data as Record<string, unknown> | undefined;
    if (!order) return;
    stats.announced += 1;
    const orderNumber = String(order.increment_id);
    const event = new CloudEvent({
      specversion: '1.0',
      id: randomUUID(),
      source,
      type: `${MODULE_EVENT_PREFIX}${kind}`,
      subject: orderNumber,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { entity_id: orderId, increment_id: orderNumber, state: order.state, status: order.status },
    });
    const body = JSON.stringify(event);
    if (random() < (faults.dropRate ?? 0)) {
      stats.dropped += 1;
      stats.droppedEvents.push({ kind, orderNumber });
      return;
    }
    const copies = random() < (faults.duplicateRate ?? 0) ? 2 : 1;
    if (copies === 2) stats.duplicated += 1;
    const delay = random() < (faults.reorderRate ?? 0) ? (faults.reorderDelayMs ?? 300) : 0;
    for (let copy = 0; copy < copies; copy++) {
      const work = (async () => {
        if (delay > 0 || copy > 0) await sleep(delay + copy * 20);
        await send(kind, body, orderNumber);
      })().catch(() => {
        stats.failed += 1;
      });
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    }
  }

  runtime.orderListeners.add(announce);
  return {
    stats,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      runtime.orderListeners.delete(announce);
      closed = true;
      await Promise.allSettled([...inFlight]);
      await kafka?.close().catch(() => undefined);
      await amqp?.model.close().catch(() => undefined);
      await nats?.drain().catch(() => undefined);
    },
  };
}
