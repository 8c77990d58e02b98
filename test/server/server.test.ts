/** The HTTP server of `icsync run` over real HTTP, with a SQLite store in a temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createMetrics } from '../../src/engine/index.js';
import { createServer } from '../../src/server/index.js';
import { openStore, type Store } from '../../src/store/index.js';

const SECRET = 'pa55-Very-Secret';

const config = configSchema.parse({
  shop: { type: 'magento', magento: { baseUrl: 'http://127.0.0.1:1', auth: { kind: 'oauth', consumerKey: 'k', consumerSecret: SECRET, accessToken: 't', accessTokenSecret: SECRET } } },
  erp: { type: 'icenter', icenter: { baseUrl: 'http://127.0.0.1:1/iCenterAPI', user: 'icsync', password: SECRET, organisationId: 1 } },
});

describe('server', () => {
  let dir: string;
  let store: Store;
  let app: FastifyInstance;
  let base: string;
  const stopped: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icsync-server-'));
    store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
    const metrics = createMetrics({ defaultMetrics: true });
    metrics.recordRun('orders', 'ok', { flow: 'orders', dryRun: false, counts: { done: 2 }, problems: [], changes: [], durationMs: 120 });
    const run = await store.runs.start('orders');
    await store.runs.finish(run, { status: 'ok', counts: { read: 2, done: 1, needsAttention: 1 } });
    await store.cursors.set('orders', '2026-05-01T10:00:00.000Z');
    const { row } = await store.ledger.ensure('order', { shopKey: '000000042' }, { state: 'discovered' });
    await store.ledger.transition(row.id, null, { state: 'needs_attention', lastError: 'Order 000000042: SKU X-1 is not in iCenter.', lastErrorClass: 'business', data: { resume: 'discovered' } }, { type: 'needs_attention', message: 'Order 000000042: SKU X-1 is not in iCenter.' });
    await store.ledger.ensure('order', { shopKey: '000000043' }, { state: 'in_erp' });
    app = createServer({ store, config, metrics, logger: pino({ level: 'silent' }), stoppedFlows: () => ({ ...stopped }) });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/healthz answers while the process lives', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 while the store answers and 503 with the reason while a flow is stopped', async () => {
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    stopped.orders = 'iCenter refused user "icsync" for organisation 1: check erp.icenter.organisationId.';
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', reasons: [`orders is stopped: ${stopped.orders}`] });
    delete stopped.orders;
  });

  it('/metrics is Prometheus text with the icsync_ metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('icsync_flow_runs_total{flow="orders",status="ok"} 1');
    expect(text).toMatch(/icsync_flow_lag_seconds\{flow="orders"\} \d/);
    expect(text).toContain('icsync_flow_items_total{flow="orders",outcome="done"} 2');
    expect(text).toContain('icsync_process_resident_memory_bytes');
  });

  it('/api/status: flows, last runs, lag, cursor, counts and the records that need a person, without secrets', async () => {
    const res = await fetch(`${base}/api/status`);
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    const status = JSON.parse(text) as { flows: { name: string; lastRun?: { status: string; counts: Record<string, number> }; lagSeconds?: number; cursor?: string; schedule: string }[]; counts: unknown[]; attention: { key: string; reason: string; state: string }[] };
    const orders = status.flows.find((flow) => flow.name === 'orders')!;
    expect(orders).toMatchObject({ schedule: 'every 2m', lastRun: { status: 'ok', counts: { read: 2, done: 1, needsAttention: 1 } }, cursor: '2026-05-01T10:00:00.000Z' });
    expect(orders.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(status.flows.find((flow) => flow.name === 'products')!.lastRun).toBeUndefined();
    expect(status.counts).toEqual(expect.arrayContaining([{ kind: 'order', state: 'needs_attention', count: 1 }, { kind: 'order', state: 'in_erp', count: 1 }]));
    expect(status.attention).toEqual([expect.objectContaining({ key: '000000042', state: 'needs_attention', reason: 'Order 000000042: SKU X-1 is not in iCenter.' })]);
  });

  it('/api/records/:kind/:key is the timeline; an unknown key or kind is 404 with a sentence', async () => {
    const res = await fetch(`${base}/api/records/order/000000042`);
    const record = (await res.json()) as { state: string; events: { type: string; message: string }[] };
    expect(record.state).toBe('needs_attention');
    expect(record.events.map((event) => event.type)).toEqual(['needs_attention']);
    const missing = await fetch(`${base}/api/records/order/404`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'the ledger has no order with the key 404' });
    expect((await fetch(`${base}/api/records/widget/1`)).status).toBe(404);
  });

  it('POST retry and skip move the record; without the action header they are refused', async () => {
    const refused = await fetch(`${base}/api/records/order/000000042/retry`, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect((await store.ledger.get('order', { shopKey: '000000042' }))!.state).toBe('needs_attention');

    const retry = await fetch(`${base}/api/records/order/000000042/retry`, { method: 'POST', headers: { 'x-icsync-action': 'retry' } });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ kind: 'order', key: '000000042', state: 'discovered' });
    const row = (await store.ledger.get('order', { shopKey: '000000042' }))!;
    expect(row.lastError).toBeNull();

    const skip = await fetch(`${base}/api/records/order/000000042/skip`, { method: 'POST', headers: { 'x-icsync-action': 'skip' } });
    expect(await skip.json()).toEqual({ kind: 'order', key: '000000042', state: 'skipped' });
    const unknown = await fetch(`${base}/api/records/order/404/retry`, { method: 'POST', headers: { 'x-icsync-action': 'retry' } });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${base}/api/records/order/000000042/delete`, { method: 'POST', headers: { 'x-icsync-action': 'delete' } });
    expect(bad.status).toBe(404);
  });

  it('the dashboard is one self-contained HTML page that reads /api/status', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<title>icsync</title>');
    expect(html).toContain("fetch('/api/status')");
    expect(html).toContain('Records that need a person');
    // No external assets: nothing to build or fetch from elsewhere.
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
    // Data is inserted as text, never parsed as HTML.
    expect(html).not.toContain('innerHTML');
    // The inline script is valid JavaScript (no browser here to run it: parse it at least).
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    expect(() => new Function(script)).not.toThrow();
  });
});
