/**
 * RabbitMQ (AMQP 0-9-1, amqplib) transport: a durable queue (bound to a topic exchange when
 * events.amqp.bindExchange is set), manual acknowledgement after intake recorded the event, and
 * a prefetch limit as backpressure. Competing consumers: every `icsync run` on the same queue
 * takes its share. A lost connection is made again with a growing pause; what was unacknowledged
 * on it is delivered again by the broker.
 */
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { configurationError } from '../core/errors.js';
import type { EventsConfig } from './config.js';
import { CLOUDEVENTS_JSON } from './events.js';
import type { Intake } from './intake.js';
import { deliver, sleep, type EventSource, type Publisher } from './transport.js';

type AmqpSettings = EventsConfig['amqp'];

/** The URL as logs may show it: no password. */
export const safeAmqpUrl = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

/** Declares the queue (and its binding) the way every consumer and the emulator expect it. */
export async function declareQueue(channel: Channel, settings: Pick<AmqpSettings, 'queue' | 'bindExchange'>): Promise<void> {
  await channel.assertQueue(settings.queue, { durable: true });
  if (settings.bindExchange) {
    await channel.assertExchange(settings.bindExchange, 'topic', { durable: true });
    await channel.bindQueue(settings.queue, settings.bindExchange, '#');
  }
}

export function amqpSource(settings: AmqpSettings, intake: Intake, logger: Logger): EventSource {
  const log = logger.child({ component: 'amqp' });
  const stopping = new AbortController();
  let model: ChannelModel | undefined;
  let loop: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();

  /** Consumes until the connection closes; resolves then. */
  async function consumeOnce(): Promise<void> {
    model = await connect(settings.url);
    const channel = await model.createChannel();
    await declareQueue(channel, settings);
    await channel.prefetch(settings.prefetch);
    const closed = new Promise<void>((resolve) => {
      model!.on('close', () => resolve());
      model!.on('error', (error: Error) => log.warn({ err: error.message }, 'amqp: connection error'));
    });
    const { consumerTag } = await channel.consume(
      settings.queue,
      (message: ConsumeMessage | null) => {
        if (message === null) return; // the broker cancelled the consumer (queue deleted): the close follows
        const work = (async () => {
          const outcome = await deliver(intake, message.content, 'amqp', log, stopping.signal);
          // Stopping before it was recorded: left unacknowledged, the broker delivers it again.
          if (outcome !== undefined) channel.ack(message);
        })().catch((error: unknown) => log.warn({ err: error }, 'amqp: could not acknowledge; the message will be delivered again'));
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      },
      { noAck: false },
    );
    stopping.signal.addEventListener('abort', () => void channel.cancel(consumerTag).catch(() => undefined), { once: true });
    await closed;
  }

  return {
    name: 'amqp',
    async start() {
      // The first connection says plainly when the URL or the credentials are wrong.
      try {
        const probe = await connect(settings.url);
        const channel = await probe.createChannel();
        await declareQueue(channel, settings);
        await probe.close();
      } catch (error) {
        throw configurationError({ sentence: `RabbitMQ at ${safeAmqpUrl(settings.url)} refuses icsync or does not answer: ${(error as Error).message}. Check events.amqp.url.`, record: { kind: 'setting', key: 'events.amqp.url' } });
      }
      loop = (async () => {
        let pause = 500;
        while (!stopping.signal.aborted) {
          try {
            await consumeOnce();
            if (!stopping.signal.aborted) log.warn(`amqp: the connection closed; connecting again in ${pause} ms`);
          } catch (error) {
            if (stopping.signal.aborted) break;
            log.error({ err: (error as Error).message }, `amqp: cannot consume; connecting again in ${pause} ms`);
          }
          if (!stopping.signal.aborted) await sleep(pause, stopping.signal);
          pause = Math.min(pause * 2, 10_000);
        }
      })();
      log.info({ url: safeAmqpUrl(settings.url), queue: settings.queue }, `amqp: consuming ${settings.queue}`);
    },
    async stop() {
      stopping.abort();
      await Promise.allSettled([...inFlight]);
      await model?.close().catch(() => undefined);
      await loop;
    },
  };
}

export function amqpPublisher(settings: AmqpSettings): Publisher {
  let channel: Promise<{ model: ChannelModel; channel: Awaited<ReturnType<ChannelModel['createConfirmChannel']>> }> | undefined;
  const open = () =>
    (channel ??= (async () => {
      const model = await connect(settings.url);
      model.on('error', () => undefined);
      model.on('close', () => {
        channel = undefined;
      });
      const confirm = await model.createConfirmChannel();
      await confirm.assertExchange(settings.publishExchange, 'topic', { durable: true });
      return { model, channel: confirm };
    })().catch((error: unknown) => {
      channel = undefined;
      throw error;
    }));
  return {
    name: 'amqp',
    async publish(events) {
      const { channel: confirm } = await open();
      for (const event of events) {
        confirm.publish(settings.publishExchange, event.type, Buffer.from(event.body), { persistent: true, contentType: CLOUDEVENTS_JSON, messageId: event.id });
      }
      await confirm.waitForConfirms();
    },
    async close() {
      const opened = await channel?.catch(() => undefined);
      await opened?.model.close().catch(() => undefined);
    },
  };
}
