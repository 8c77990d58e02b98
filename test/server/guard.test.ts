/**
 * The server's door over real HTTP: Host (DNS rebinding), Origin (another site), the token off
 * loopback, the refusal to start without one, and the security headers. The servers listen on
 * 127.0.0.1 (tests never bind beyond it); the guard is told the address `icsync run` would use.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createMetrics } from '../../src/engine/index.js';
import { createServer } from '../../src/server/index.js';
import { contentSecurityPolicy, ExposureRefusedError, isLoopbackHost } from '../../src/server/guard.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startHarness } from '../cli/harness.js';

const TOKEN = 'dash-Token-5ecret-42';

const baseConfig = (server: Record<string, unknown> = {}): Config =>
  configSchema.parse({
    server,
    shop: { type: 'magento', magento: { baseUrl: 'http://127.0.0.1:1', auth: { kind: 'oauth', consumerKey: 'k', consumerSecret: 'cs-secret', accessToken: 't', accessTokenSecret: 'ats-secret' } } },
    erp: { type: 'icenter', icenter: { baseUrl: 'http://127.0.0.1:1/iCenterAPI', user: 'icsync', password: 'erp-secret', organisationId: 1 } },
  });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so that Host and Origin are exactly what a browser on another page would send. */
function send(base: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), text: () => lines.join('') };
}

describe('server guard', () => {
  let dir: string;
  let store: Store;
  const servers: FastifyInstance[] = [];
  const logs = captureLogs();

  async function start(config: Config, host?: string): Promise<{ app: FastifyInstance; base: string }> {
    const app = createServer({ store, config, metrics: createMetrics({ defaultMetrics: false }), logger: logs.logger, ...(host !== undefined && { host }) });
    servers.push(app);
    app.post('/webhooks/magento', async () => ({ accepted: true }));
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, base };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icsync-guard-'));
    store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
    const { row } = await store.ledger.ensure('order', { shopKey: '000000042' }, { state: 'discovered' });
    await store.ledger.transition(row.id, null, { state: 'needs_attention', lastError: 'Order 000000042: SKU X-1 is not in iCenter.', lastErrorClass: 'business', data: { resume: 'discovered' } }, { type: 'needs_attention', message: 'held' });
  });
  afterAll(async () => {
    for (const app of servers) await app.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows which addresses are loopback', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'icsync.example.com', '10.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('answers its own addresses and refuses a rebound host name (DNS rebinding)', async () => {
    const { base } = await start(baseConfig());
    const port = new URL(base).port;
    expect((await send(base, '/api/status', { headers: { host: `127.0.0.1:${port}` } })).status).toBe(200);
    expect((await send(base, '/api/status', { headers: { host: `localhost:${port}` } })).status).toBe(200);
    const rebound = await send(base, '/api/status', { headers: { host: `evil.example:${port}` } });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('000000042');
    expect(JSON.parse(rebound.body).error).toContain('server.allowedHosts');
    // The action too: a rebinding page cannot retry or skip.
    const action = await send(base, '/api/records/order/000000042/skip', { method: 'POST', headers: { host: `evil.example:${port}`, 'x-icsync-action': '1' } });
    expect(action.status).toBe(421);
    expect((await store.ledger.get('order', { shopKey: '000000042' }))?.state).toBe('needs_attention');
  });

  it('answers a host name listed in server.allowedHosts', async () => {
    const { base } = await start(baseConfig({ allowedHosts: ['icsync.example.com'] }));
    const port = new URL(base).port;
    expect((await send(base, '/healthz', { headers: { host: `icsync.example.com:${port}` } })).status).toBe(200);
    expect((await send(base, '/healthz', { headers: { host: `other.example.com:${port}` } })).status).toBe(421);
    // Behind a proxy that rewrites Host to the upstream address, the page's Origin is the listed name.
    expect((await send(base, '/api/status', { headers: { origin: 'https://icsync.example.com' } })).status).toBe(200);
    expect((await send(base, '/api/status', { headers: { origin: 'https://other.example.com' } })).status).toBe(403);
  });

  it('refuses a POST from another site and takes one from its own page', async () => {
    const { base } = await start(baseConfig());
    const cross = await send(base, '/api/records/order/000000042/skip', { method: 'POST', headers: { origin: 'https://evil.example', 'x-icsync-action': '1' } });
    expect(cross.status).toBe(403);
    const fetchMeta = await send(base, '/api/records/order/000000042/skip', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site', 'x-icsync-action': '1' } });
    expect(fetchMeta.status).toBe(403);
    const opaque = await send(base, '/api/records/order/000000042/skip', { method: 'POST', headers: { origin: 'null', 'x-icsync-action': '1' } });
    expect(opaque.status).toBe(403);
    expect((await store.ledger.get('order', { shopKey: '000000042' }))?.state).toBe('needs_attention');
    // A cross-site read of the buyers' data is refused as well, not only left unreadable by CORS.
    expect((await send(base, '/api/status', { headers: { origin: 'https://evil.example' } })).status).toBe(403);

    const own = await send(base, '/api/records/order/000000042/retry', { method: 'POST', headers: { origin: base, 'x-icsync-action': '1' } });
    expect(own.status).toBe(200);
    expect((await store.ledger.get('order', { shopKey: '000000042' }))?.state).toBe('discovered');
  });

  it('sends a CSP that allows only the page\'s own script and style, and forbids framing', async () => {
    const { base } = await start(baseConfig());
    const page = await send(base, '/');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // The page's script and style are files of its own origin: nothing inline runs.
    expect(page.body).toMatch(/<script src="[^"]*dashboard\.js"/);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('sha256-');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const api = await send(base, '/api/status');
    expect(String(api.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    // A script that is not the page's own does not get a hash.
    // An inline script gets in only by the hash of its own text.
    expect(contentSecurityPolicy(page.body.replace('</body>', '<script>alert(1)</script></body>'))).toContain(`'sha256-${createHash('sha256').update('alert(1)').digest('base64')}'`);
    expect(contentSecurityPolicy(page.body)).not.toContain(`'sha256-${createHash('sha256').update('alert(1)').digest('base64')}'`);
  });

  it('off loopback, needs the token on every route but the probes and exempt prefixes, and never shows it', async () => {
    const { app, base } = await start(baseConfig({ host: '0.0.0.0', token: TOKEN }), '0.0.0.0');
    const none = await send(base, '/api/status');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Basic');
    expect((await send(base, '/')).status).toBe(401);
    expect((await send(base, '/metrics')).status).toBe(401);
    expect((await send(base, '/api/status', { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
    expect((await send(base, '/api/status', { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    const bearer = await send(base, '/api/status', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    const basic = await send(base, '/api/status', { headers: { authorization: `Basic ${Buffer.from(`operator:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(200);
    // Probes answer without it.
    expect((await send(base, '/healthz')).status).toBe(200);
    expect((await send(base, '/readyz')).status).toBe(200);
    // A route that proves its caller another way (an HMAC signature) is exempted by prefix.
    expect((await send(base, '/webhooks/magento', { method: 'POST' })).status).toBe(401);
    app.icsyncGuard.exemptFromToken('/webhooks/');
    expect((await send(base, '/webhooks/magento', { method: 'POST' })).status).toBe(200);
    // ... but not from the Host check.
    expect((await send(base, '/webhooks/magento', { method: 'POST', headers: { host: 'evil.example' } })).status).toBe(421);
    for (const answer of [none, bearer, basic]) expect(answer.body).not.toContain(TOKEN);
    expect(logs.text()).not.toContain(TOKEN);
  });

  it('refuses to start beyond loopback without a token, with a sentence that says what to set', async () => {
    const app = createServer({ store, config: baseConfig({ host: '0.0.0.0' }), metrics: createMetrics({ defaultMetrics: false }), logger: logs.logger });
    servers.push(app);
    const failure = await app.listen({ host: '127.0.0.1', port: 0 }).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(ExposureRefusedError);
    expect((failure as Error).message).toBe(
      'The dashboard would listen on 0.0.0.0, which other machines can reach, without a token: set server.token (for example server.token: ${ICSYNC_DASHBOARD_TOKEN}), or keep server.host on 127.0.0.1 and put a proxy with authentication in front.',
    );
  });

  it('icsync run --host 0.0.0.0 without server.token exits 2 with that sentence and binds nothing', async () => {
    const h = await startHarness({ items: 2 });
    try {
      const result = await h.cli(['-c', h.configPath, 'run', '--host', '0.0.0.0', '--port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('without a token: set server.token');
      const withToken = h.writeConfig('token.json', (raw) => ({ ...raw, server: { token: TOKEN } }));
      const check = await h.cli(['-c', withToken, 'config', 'check']);
      expect(check.code).toBe(0);
      expect(check.stdout + check.stderr).not.toContain(TOKEN);
    } finally {
      await h.close();
    }
  });
});
