/**
 * The webhook's answers over real HTTP: 200 only once the ledger row is there; 401 with the
 * reason for a missing, wrong or stale signature; 400 for a body that is no CloudEvent icsync
 * can read (naming what is wrong); 415 and 413; an unknown event type is acknowledged and ignored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntake } from '../../src/bus/intake.js';
import { signatureHeader } from '../../src/bus/signature.js';
import { registerWebhook, WEBHOOK_PATH } from '../../src/bus/webhook.js';
import { openStore, type Store } from '../../src/store/index.js';
import { orderEvent } from './harness.js';

const SECRET = 'whsec-test';

describe('webhook', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let url: string;
  let wakes = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icsync-webhook-'));
    store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
    app = Fastify();
    await registerWebhook(app, { intake: createIntake({ store, logger: pino({ level: 'silent' }), wake: () => (wakes += 1) }), secret: SECRET, logger: pino({ level: 'silent' }), maxBodyBytes: 4096 });
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}${WEBHOOK_PATH}`;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'x-icsync-signature': signatureHeader(SECRET, Math.floor(Date.now() / 1000), body), ...headers }, body });

  it('answers 200 only once the order has its ledger row, and a repeat as known', async () => {
    const body = orderEvent('100000001', 'placed', { entity_id: 41 });
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'recorded', key: '100000001' });
    const row = await store.ledger.get('order', { shopKey: '100000001' });
    expect(row).toMatchObject({ state: 'discovered', data: { orderId: '41', origin: 'event' } });
    expect(wakes).toBe(1);
    expect(await (await post(body)).json()).toEqual({ status: 'known', key: '100000001' });
  });

  it('refuses a missing, wrong or stale signature with 401 and the reason, and records nothing', async () => {
    const body = orderEvent('100000002');
    const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ reason: 'missing' });
    const wrong = await post(body, { 'x-icsync-signature': signatureHeader('another-secret', Math.floor(Date.now() / 1000), body) });
    expect(await wrong.json()).toMatchObject({ reason: 'mismatch', error: expect.stringContaining('wrong webhook secret') });
    const stale = await post(body, { 'x-icsync-signature': signatureHeader(SECRET, Math.floor(Date.now() / 1000) - 3600, body) });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ reason: 'stale' });
    // A body changed on the way, with the signature of the original.
    const changed = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', 'x-icsync-signature': signatureHeader(SECRET, Math.floor(Date.now() / 1000), body) }, body: body.replace('100000002', '100000003') });
    expect(changed.status).toBe(401);
    expect(await store.ledger.get('order', { shopKey: '100000002' })).toBeUndefined();
    expect(await store.ledger.get('order', { shopKey: '100000003' })).toBeUndefined();
  });

  it('refuses bodies it cannot read with 400 naming the problem, other types with 415, large ones with 413', async () => {
    const notJson = await post('{"specversion":');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not JSON/);
    const noSubject = await post(JSON.stringify({ specversion: '1.0', id: 'e1', source: 'urn:shop', type: 'com.icsync.magento.order.placed' }));
    expect(noSubject.status).toBe(400);
    expect(((await noSubject.json()) as { error: string }).error).toMatch(/Event e1 \(com\.icsync\.magento\.order\.placed\): subject must be the order number/);
    const noId = await post(JSON.stringify({ specversion: '1.0', source: 'urn:shop', type: 'com.icsync.magento.order.placed', subject: '1' }));
    expect(noId.status).toBe(400);
    expect(((await noId.json()) as { error: string }).error).toMatch(/not a valid CloudEvent/);
    const form = await post('a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const large = await post(orderEvent('100000009', 'placed', { padding: 'x'.repeat(5000) }));
    expect(large.status).toBe(413);
  });

  it('acknowledges an event type it does not act on and ignores it', async () => {
    const response = await post(JSON.stringify({ specversion: '1.0', id: 'p1', source: 'urn:shop', type: 'com.icsync.magento.product.saved', subject: 'SKU-1' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ignored', type: 'com.icsync.magento.product.saved' });
  });
});
