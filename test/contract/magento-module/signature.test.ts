/**
 * Cross-language: the module's PHP signer and icsync's verifier (src/bus/signature.ts) follow one
 * scheme (docs/magento-module-api.md, "Webhook signature"). The shared vectors are checked by both
 * sides; live, PHP signs and icsync verifies, icsync signs and PHP verifies, and the module's real
 * delivery (outbox, Deliverer, HTTP transport) reaches an icsync-side receiver that verifies each
 * request and checks each event against its JSON Schema from the contract page.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { CloudEvent } from 'cloudevents';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SIGNATURE_HEADER, signatureHeader, verifySignature } from '../../../src/bus/signature.js';
import { MODULE_DIR, moduleTargets, webhookCli } from './php.js';

interface Vectors {
  secret: string;
  vectors: Array<{ timestamp: number; body: string; header: string }>;
}
const fixture = JSON.parse(readFileSync(join(MODULE_DIR, 'Test/Fixtures/webhook-signature.json'), 'utf8')) as Vectors;

/** The event schemas, read from the contract page itself. */
function eventSchemas(): Map<string, z.ZodType> {
  const page = readFileSync(resolve(import.meta.dirname, '../../../docs/magento-module-api.md'), 'utf8');
  const schemas = new Map<string, z.ZodType>();
  for (const [, type, json] of page.matchAll(/#### `(com\.icsync\.magento\.order\.[a-z]+)`\n```json\n([\s\S]*?)\n```/g)) {
    schemas.set(type as string, z.fromJSONSchema(JSON.parse(json as string)));
  }
  return schemas;
}

describe('webhook signature: shared vectors', () => {
  it('icsync produces and accepts the vectors the PHP signer is held to', () => {
    for (const v of fixture.vectors) {
      expect(signatureHeader(fixture.secret, v.timestamp, v.body)).toBe(v.header);
      expect(verifySignature(fixture.secret, v.header, Buffer.from(v.body, 'utf8'), { now: v.timestamp + 5 })).toEqual({ ok: true, timestamp: v.timestamp });
    }
  });

  it('the contract page lists exactly five event types, each with a schema', () => {
    expect([...eventSchemas().keys()]).toEqual(['placed', 'invoiced', 'shipped', 'canceled', 'changed'].map((k) => `com.icsync.magento.order.${k}`));
  });
});

describe.skipIf(!moduleTargets().includes('php'))('webhook signature: PHP and TypeScript live', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    server = undefined;
  });

  it('PHP signs, icsync verifies; icsync signs, PHP verifies', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ subject: '000000777', data: { status: 'Obdelava – čaka', note: `${Math.random()}` } });
    const { header } = (await webhookCli(['sign'], { secret: 'rotating-1', timestamp: now, body })) as { header: string };
    expect(verifySignature('rotating-1', header, body, { now })).toEqual({ ok: true, timestamp: now });
    expect(verifySignature('rotating-2', header, body, { now })).toMatchObject({ ok: false, reason: 'mismatch' });

    const ours = signatureHeader('rotating-1', now, body);
    expect(await webhookCli(['verify'], { secret: 'rotating-1', header: ours, body, now })).toEqual({ refused: null });
    expect(await webhookCli(['verify'], { secret: 'rotating-1', header: `${signatureHeader('old', now, body)},${ours.split(',')[1]}`, body, now })).toEqual({ refused: null });
    expect(await webhookCli(['verify'], { secret: 'rotating-1', header: ours, body: `${body} `, now })).toEqual({ refused: 'mismatch' });
    expect(await webhookCli(['verify'], { secret: 'rotating-1', header: ours, body, now: now + 301 })).toEqual({ refused: 'stale' });
  });

  async function receiver(secret: string): Promise<{ url: string; received: Array<{ headers: IncomingHttpHeaders; body: string; verdict: ReturnType<typeof verifySignature> }> }> {
    const received: Array<{ headers: IncomingHttpHeaders; body: string; verdict: ReturnType<typeof verifySignature> }> = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const header = req.headers[SIGNATURE_HEADER];
        const verdict = verifySignature(secret, Array.isArray(header) ? header[0] : header, raw, { now: Math.floor(Date.now() / 1000) });
        received.push({ headers: req.headers, body: raw.toString('utf8'), verdict });
        res.writeHead(verdict.ok ? 202 : 401, { 'content-type': 'text/plain' }).end(verdict.ok ? '' : verdict.sentence);
      });
    });
    await new Promise<void>((done) => server!.listen(0, '127.0.0.1', done));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/events/magento`, received };
  }

  it('the module delivers its outbox in order, signed, as events that match their schemas', async () => {
    const { url, received } = await receiver('whsec-live');
    const result = await webhookCli(['deliver', url], undefined, { ICSYNC_WEBHOOK_SECRET: 'whsec-live' });
    expect(result).toMatchObject({ delivered: 4, failed: 0, parked: 0, counts: { pending: 0, delivered: 4, parked: 0 } });
    expect(received.map((r) => r.verdict.ok)).toEqual([true, true, true, true]);
    const schemas = eventSchemas();
    const events = received.map((r) => {
      expect(r.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
      const event = JSON.parse(r.body) as { type: string; subject: string; id: string; data: Record<string, unknown> };
      expect(schemas.get(event.type)?.safeParse(event).error).toBeUndefined();
      expect(new CloudEvent(event as never).validate()).toBe(true);
      return event;
    });
    expect(events.map((e) => e.type)).toEqual(['placed', 'invoiced', 'shipped', 'changed'].map((k) => `com.icsync.magento.order.${k}`));
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(events.every((e) => e.subject === '000000041' && e.data.increment_id === '000000041')).toBe(true);
    expect(events[3]!.data.changed).toEqual(['customer_firstname']);
    expect(events[1]!.data.total_invoiced).toBe('64.4400');
  });

  it('a receiver that refuses the signature leaves the event pending with the reason', async () => {
    const { url, received } = await receiver('the-right-secret');
    const result = await webhookCli(['deliver', url], undefined, { ICSYNC_WEBHOOK_SECRET: 'a-wrong-secret' });
    expect(result).toMatchObject({ delivered: 0, failed: 1, counts: { pending: 4, delivered: 0 } });
    expect(received).toHaveLength(1); // the later events wait behind the first
    expect(result.last_error).toBe('HTTP 401 from the webhook: The signature does not match the body: a wrong webhook secret, or a body changed on the way.');
    expect(String(result.last_error)).not.toContain('a-wrong-secret');
  });
});
