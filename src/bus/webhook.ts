/**
 * The webhook transport: a Fastify plugin that `icsync run` registers on its HTTP server under
 * WEBHOOK_PREFIX. The icsync Magento module POSTs each order event (CloudEvents 1.0 structured
 * JSON) signed as docs/magento-module-api.md ("Webhook signature") says.
 *
 * Answers: 200 only after the ledger row is committed; 401 with the reason for a missing, stale
 * or wrong signature; 400 for a body that is no CloudEvent icsync can read; 413 when too large;
 * 415 for another content type; 503 when the store does not answer, so the module delivers again.
 * The HMAC is what protects this route: the dashboard's token does not apply under the prefix.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { DEFAULT_REPLAY_WINDOW_SECONDS, SIGNATURE_HEADER, verifySignature } from './signature.js';
import type { Intake } from './intake.js';

/** Everything under this prefix is a signed delivery, not a dashboard request. */
export const WEBHOOK_PREFIX = '/hooks/';
export const WEBHOOK_PATH = `${WEBHOOK_PREFIX}magento`;

export interface WebhookOptions {
  intake: Intake;
  secret: string;
  logger: Logger;
  replayWindowMs?: number;
  maxBodyBytes?: number;
  /** Unix seconds; tests move it. */
  now?: () => number;
}

export function webhookPlugin(options: WebhookOptions): FastifyPluginAsync {
  const windowSeconds = Math.round((options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_SECONDS * 1000) / 1000);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return async (app: FastifyInstance) => {
    // The signature covers the bytes as sent: keep them raw, parse after the check.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(['application/cloudevents+json', 'application/json'], { parseAs: 'buffer', bodyLimit: options.maxBodyBytes ?? 65_536 }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    app.post('/magento', async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/cloudevents+json' && type !== 'application/json') {
        return reply.code(415).send({ error: `Send the event as application/cloudevents+json (structured mode); got ${type || 'no content type'}.` });
      }
      const raw = request.body as Buffer;
      const header = request.headers[SIGNATURE_HEADER];
      const check = verifySignature(options.secret, Array.isArray(header) ? header.join(',') : header, raw, { now: now(), replayWindowSeconds: windowSeconds });
      if (!check.ok) {
        options.logger.warn({ reason: check.reason, ip: request.ip }, `webhook delivery refused: ${check.sentence}`);
        return reply.code(401).send({ error: check.sentence, reason: check.reason });
      }
      let outcome;
      try {
        outcome = await options.intake.acceptBody(raw, 'webhook');
      } catch (error) {
        options.logger.error({ err: error }, 'webhook: the store did not record the event; the sender delivers it again');
        return reply.code(503).header('retry-after', '5').send({ error: 'icsync could not record the event right now; deliver it again.' });
      }
      if (outcome.status === 'invalid') {
        options.logger.warn({ reason: outcome.sentence }, 'webhook delivery refused: not a readable event');
        return reply.code(400).send({ error: outcome.sentence });
      }
      return reply.code(200).send(outcome);
    });
  };
}

/** Registers the webhook route on the run server (one line in the server's set-up). */
export async function registerWebhook(app: FastifyInstance, options: WebhookOptions): Promise<void> {
  await app.register(webhookPlugin(options), { prefix: WEBHOOK_PREFIX.slice(0, -1) });
  // The shop proves itself by the HMAC signature, not by the dashboard's token: the guard's Host,
  // Origin and size checks still apply to these routes.
  if (app.hasDecorator('icsyncGuard')) app.icsyncGuard.exemptFromToken(WEBHOOK_PREFIX);
}
