/**
 * Event-driven icsync in one process without the CLI: the worker, the bus (intake transport and
 * outbox relay) and, for the webhook, an HTTP server on an ephemeral port. `icsync demo --events`
 * and bench/event-latency.ts use it; `icsync run` composes the same parts with its scheduler.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createWorker, type Worker } from '../engine/index.js';
import { createFlows } from '../flows/index.js';
import type { FlowContext } from '../flows/types.js';
import { createBus, type Bus } from './index.js';
import { WEBHOOK_PATH } from './webhook.js';

export interface EventPipeline {
  /** The webhook URL (events.intake webhook), else undefined. */
  webhookUrl?: string;
  worker: Worker;
  stop(): Promise<void>;
}

export async function startEventPipeline(ctx: FlowContext): Promise<EventPipeline> {
  const worker = createWorker(ctx, { flows: createFlows() });
  const bus: Bus = createBus({ config: ctx.config, store: ctx.store, logger: ctx.logger, owner: `${ctx.owner}:bus`, wake: () => worker.wake() });
  let app: FastifyInstance | undefined;
  let webhookUrl: string | undefined;
  if (ctx.config.events.intake === 'webhook') {
    app = Fastify();
    await bus.register(app);
    webhookUrl = `${await app.listen({ host: '127.0.0.1', port: 0 })}${WEBHOOK_PATH}`;
  }
  worker.start();
  await bus.start();
  return {
    ...(webhookUrl && { webhookUrl }),
    worker,
    async stop() {
      await bus.stop();
      await worker.stop();
      await app?.close();
    },
  };
}
