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

  it('the dashboard page, its script and style are files of this server: no inline script or style, nothing from elsewhere', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<title>icsync</title>');
    expect(html).toContain('Needs a person');
    // A strict CSP (script-src 'self', style-src 'self') holds: no inline <script> body, <style> or style="".
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/);
    for (const ref of html.match(/(?:src|href)="[^"]+"/g) ?? []) expect(ref).toMatch(/="\/(?!\/)/);
    const script = await fetch(`${base}/assets/dashboard.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    const js = await script.text();
    expect(js).toContain("getJson('/api/status')");
    // Data is inserted as text, never parsed as HTML.
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect((await fetch(`${base}/assets/dashboard.css`)).headers.get('content-type')).toContain('text/css');
  });

  it('/api/records filters the records that need a person by kind, cause and words, and pages them', async () => {
    for (const n of [50, 51, 52]) {
      const { row } = await store.ledger.ensure('partner', { shopKey: `email:kupec${n}@example.si` }, { state: 'discovered' });
      await store.ledger.transition(row.id, null, { state: 'needs_attention', lastError: `Buyer email:kupec${n}@example.si: iCenter refused the e-mail address.`, lastErrorClass: 'business' }, { type: 'needs_attention', message: 'refused' });
    }
    const all = (await (await fetch(`${base}/api/records`)).json()) as { total: number; records: { kind: string; key: string }[] };
    expect(all.total).toBe(3);
    const byWords = (await (await fetch(`${base}/api/records?q=${encodeURIComponent('kupec51')}`)).json()) as { total: number; records: { key: string }[] };
    expect(byWords.records.map((r) => r.key)).toEqual(['email:kupec51@example.si']);
    const page = (await (await fetch(`${base}/api/records?kind=partner&limit=2&offset=2`)).json()) as { total: number; records: unknown[] };
    expect(page).toMatchObject({ total: 3 });
    expect(page.records).toHaveLength(1);
    expect(((await (await fetch(`${base}/api/records?errorClass=transient`)).json()) as { total: number }).total).toBe(0);
    expect((await fetch(`${base}/api/records?kind=widget`)).status).toBe(400);
  });

  it('POST /api/records/bulk retries or skips each record on its own; without the action header it is refused', async () => {
    const records = [{ kind: 'partner', key: 'email:kupec50@example.si' }, { kind: 'partner', key: 'email:kupec51@example.si' }, { kind: 'order', key: 'no-such' }];
    const refused = await fetch(`${base}/api/records/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'skip', records }) });
    expect(refused.status).toBe(403);
    const res = await fetch(`${base}/api/records/bulk`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-icsync-action': 'skip' }, body: JSON.stringify({ action: 'skip', records }) });
    const body = (await res.json()) as { done: number; failed: number; results: { key: string; ok: boolean; state?: string; error?: string }[] };
    expect(body).toMatchObject({ done: 2, failed: 1 });
    expect(body.results[2]).toMatchObject({ key: 'no-such', ok: false });
    expect((await store.ledger.get('partner', { shopKey: 'email:kupec51@example.si' }))!.state).toBe('skipped');
    const bad = await fetch(`${base}/api/records/bulk`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-icsync-action': 'x' }, body: JSON.stringify({ action: 'delete', records }) });
    expect(bad.status).toBe(400);
  });

  it('/api/charts/*.svg are SVG drawn from the run history; an unknown range is refused', async () => {
    const res = await fetch(`${base}/api/charts/throughput.svg?range=6h`);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg [^>]*role="img"/);
    expect((await fetch(`${base}/api/charts/lag.svg`)).status).toBe(200);
    expect((await fetch(`${base}/api/charts/lag.svg?range=1y`)).status).toBe(400);
    expect((await fetch(`${base}/api/charts/pie.svg`)).status).toBe(404);
  });
});
