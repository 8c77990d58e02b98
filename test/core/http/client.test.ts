import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { createHttpClient, expectOk, type HttpClient, type HttpClientOptions, type RequestEvent } from '../../../src/core/http/index.js';
import { isSyncError, type SyncError } from '../../../src/core/errors.js';
import { createLogger } from '../../../src/core/log.js';
import { lineCollector, startTestServer, type TestServer } from './test-server.js';

let server: TestServer;
const clients: HttpClient[] = [];

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

/** Fast settings so failures and retries take milliseconds. */
function client(overrides: Partial<HttpClientOptions> = {}): HttpClient {
  const created = createHttpClient({
    name: 'icenter',
    baseUrl: server.url,
    timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 1000 },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 3000 },
    circuitBreaker: { failureThreshold: 100, halfOpenAfterMs: 1000 },
    ...overrides,
  });
  clients.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (isSyncError(error)) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/** Resets the connection for the first `times` requests, then answers. */
const resetFirst = (times: number) => {
  server.handler = (req, res) => {
    if (server.arrivals.length <= times) req.socket.destroy();
    else res.end('fine');
  };
};

describe('connection resets', () => {
  it('retries a GET after a reset and returns the later answer', async () => {
    resetFirst(1);
    const response = await client().request({ method: 'GET', path: '/items' });
    expect(response.status).toBe(200);
    expect(response.text()).toBe('fine');
    expect(server.arrivals).toHaveLength(2);
  });

  it('does not repeat a POST whose request reached the server, and says why', async () => {
    resetFirst(1);
    const error = await failure(client().request({ method: 'POST', path: '/orders', body: '<Order/>' }));
    expect(server.arrivals).toHaveLength(1);
    expect(error.errorClass).toBe('transient');
    expect(error.sentence).toContain('not repeated automatically');
    expect(error.sentence).toContain('POST /orders');
  });

  it('repeats a POST the caller marked retrySafe', async () => {
    resetFirst(1);
    const response = await client().request({ method: 'POST', path: '/search', body: '{}', retrySafe: true });
    expect(response.status).toBe(200);
    expect(server.arrivals).toHaveLength(2);
  });

  it('repeats even a POST when the connection was refused (nothing was sent)', async () => {
    const refusing = await startTestServer();
    const url = refusing.url;
    await refusing.close();
    const events: RequestEvent[] = [];
    const error = await failure(client({ baseUrl: url, onRequest: (event) => events.push(event) }).request({ method: 'POST', path: '/orders', body: 'x' }));
    expect(events.map((event) => event.outcome)).toEqual(['retry', 'retry', 'error']);
    expect(error.errorClass).toBe('transient');
    expect(error.sentence).toContain('connection refused');
    expect(error.sentence).toContain('after 3 attempts');
  });

  it('gives up on a GET after maxAttempts resets with a transient error', async () => {
    resetFirst(99);
    const error = await failure(client().request({ method: 'GET', path: '/items' }));
    expect(server.arrivals).toHaveLength(3);
    expect(error.errorClass).toBe('transient');
    expect(error.target).toBe('icenter');
  });
});

describe('timeouts', () => {
  it('turns stalled headers into a transient headers-timeout error', async () => {
    server.handler = () => undefined; // never answers
    const error = await failure(client({ timeouts: { headersMs: 150 }, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }).request({ method: 'GET', path: '/slow' }));
    expect(error.errorClass).toBe('transient');
    expect(error.sentence).toContain('headers timeout');
    expect(server.arrivals).toHaveLength(2);
  });

  it('turns a stalled body into a transient body-timeout error', async () => {
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    };
    const error = await failure(client({ timeouts: { bodyMs: 150 }, retry: { maxAttempts: 1 } }).request({ method: 'GET', path: '/slow-body' }));
    expect(error.errorClass).toBe('transient');
    expect(error.sentence).toContain('body timeout');
  });
});

describe('Retry-After and retryable statuses', () => {
  const gapMs = () => (server.arrivals[1]?.at ?? Number.NaN) - (server.arrivals[0]?.at ?? Number.NaN);

  it('waits the seconds a 503 Retry-After asks for', async () => {
    server.handler = (_req, res) => {
      if (server.arrivals.length === 1) res.writeHead(503, { 'retry-after': '1' }).end('busy');
      else res.end('back');
    };
    const response = await client().request({ method: 'GET', path: '/items' });
    expect(response.text()).toBe('back');
    // Our own backoff is at most 5 ms here, so a gap of about a second is the Retry-After.
    expect(gapMs()).toBeGreaterThanOrEqual(950);
  });

  it('waits until the HTTP-date a Retry-After names', async () => {
    server.handler = (_req, res) => {
      if (server.arrivals.length === 1) res.writeHead(503, { 'retry-after': new Date(Date.now() + 2000).toUTCString() }).end();
      else res.end('back');
    };
    await client().request({ method: 'GET', path: '/items' });
    // The date has whole seconds, so the wait is between 1 and 2 s.
    expect(gapMs()).toBeGreaterThanOrEqual(900);
    expect(gapMs()).toBeLessThan(2500);
  });

  it('retries a 429 and returns the later answer', async () => {
    server.handler = (_req, res) => {
      if (server.arrivals.length === 1) res.writeHead(429, { 'retry-after': '0' }).end('slow down');
      else res.end('ok');
    };
    const response = await client().request({ method: 'GET', path: '/items' });
    expect(response.status).toBe(200);
    expect(server.arrivals).toHaveLength(2);
  });

  it('stops at once when Retry-After is longer than it may wait, and reports the wait', async () => {
    server.handler = (_req, res) => void res.writeHead(429, { 'retry-after': '120' }).end('{"message":"Too many requests"}');
    const error = await failure(client().request({ method: 'GET', path: '/items' }));
    expect(server.arrivals).toHaveLength(1);
    expect(error).toMatchObject({ errorClass: 'transient', status: 429, retryAfterMs: 120_000, remoteMessage: 'Too many requests' });
    expect(error.sentence).toContain('asked to wait 120 s');
  });

  it('does not repeat a POST answered with 503', async () => {
    server.handler = (_req, res) => void res.writeHead(503).end('busy');
    const error = await failure(client().request({ method: 'POST', path: '/orders', body: 'x' }));
    expect(server.arrivals).toHaveLength(1);
    expect(error.status).toBe(503);
  });

  it('reports an HTML error page by its title, not the whole page', async () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><h1>Bad Gateway</h1>${'<p>filler text</p>'.repeat(500)}</body></html>`;
    server.handler = (_req, res) => void res.writeHead(502, { 'content-type': 'text/html' }).end(page);
    const error = await failure(client().request({ method: 'GET', path: '/items' }));
    expect(error.remoteMessage).toBe('502 Bad Gateway');
    expect(error.sentence).not.toContain('<');
    expect(error.sentence.length).toBeLessThan(300);
    expect(error.sentence).toContain('icenter answered 502 Bad Gateway');
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive failures, refuses fast, then lets a trial through', async () => {
    let healthy = false;
    server.handler = (_req, res) => void (healthy ? res.end('ok') : res.writeHead(500).end('down'));
    const http = client({ retry: { maxAttempts: 1 }, circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 300 } });
    for (let i = 0; i < 3; i++) expect((await failure(http.request({ method: 'GET', path: '/x' }))).status).toBe(500);

    const refused = await failure(http.request({ method: 'GET', path: '/x', query: { 'searchQuery.page': '7' } }));
    expect(server.arrivals).toHaveLength(3); // never reached the server
    // The sentence says why, and stays short: no query string.
    expect(refused.sentence).toContain('(last failure: HTTP 500)');
    expect(refused.sentence).toContain('GET /x was not sent');
    expect(refused.sentence).not.toContain('searchQuery');
    expect(refused.errorClass).toBe('transient');
    expect(refused.sentence).toContain('circuit open');
    expect(refused.sentence).toContain('icenter');
    expect(refused.sentence).toMatch(/next trial request goes out at \d{4}-\d\d-\d\dT/);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(300);

    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await http.request({ method: 'GET', path: '/x' })).status).toBe(200);
    expect((await http.request({ method: 'GET', path: '/x' })).status).toBe(200);
    expect(server.arrivals).toHaveLength(5);
  });

  it('does not count 4xx answers as failures', async () => {
    server.handler = (_req, res) => void res.writeHead(404).end('{"message":"no such item"}');
    const http = client({ circuitBreaker: { failureThreshold: 2, halfOpenAfterMs: 10_000 } });
    for (let i = 0; i < 4; i++) expect((await http.request({ method: 'GET', path: '/x' })).status).toBe(404);
    expect(server.arrivals).toHaveLength(4);
  });
});

describe('mistakes on our side (no network error code)', () => {
  it('are not retried and not counted by the breaker: one business error each, the target stays open', async () => {
    const events: RequestEvent[] = [];
    const http = client({ retry: { maxAttempts: 4 }, circuitBreaker: { failureThreshold: 2, halfOpenAfterMs: 10_000 }, onRequest: (event) => events.push(event) });
    // undici refuses a header value with a line break (InvalidArgumentError) before sending anything.
    for (let i = 0; i < 3; i++) {
      const error = await failure(http.request({ method: 'GET', path: '/x', headers: { 'x-note': 'two\nlines' } }));
      expect(error.errorClass).toBe('business');
      expect(error.sentence).toContain('GET /x to icenter: unexpected error');
    }
    expect(events.map((event) => event.outcome)).toEqual(['error', 'error', 'error']);
    expect(server.arrivals).toHaveLength(0);
    // Three such failures with a threshold of 2 would have opened the circuit if they counted.
    expect((await http.request({ method: 'GET', path: '/x' })).status).toBe(200);
  });
});

describe('concurrency bound', () => {
  it('never has more than maxConcurrent requests in flight at the target', async () => {
    server.handler = (_req, res) => void setTimeout(() => res.end('ok'), 40);
    const http = client({ maxConcurrent: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => http.request({ method: 'GET', path: `/x/${i}` })));
    expect(server.arrivals).toHaveLength(12);
    expect(server.maxInFlight).toBe(3);
  });
});

describe('TLS', () => {
  let tlsServer: TestServer;
  let caFile: string;
  beforeEach(async () => {
    const pems = await generate([{ name: 'commonName', value: 'icenter.test' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
    });
    tlsServer = await startTestServer({ key: pems.private, cert: pems.cert });
    caFile = join(mkdtempSync(join(tmpdir(), 'icsync-tls-')), 'ca.pem');
    writeFileSync(caFile, pems.cert);
  });
  afterEach(() => tlsServer.close());

  it('trusts a self-signed server through caFile', async () => {
    const response = await client({ baseUrl: tlsServer.url, tls: { caFile } }).request({ method: 'GET', path: '/secure' });
    expect(response.status).toBe(200);
  });

  it('refuses it without caFile, with a configuration error naming the setting, and does not retry', async () => {
    const error = await failure(client({ baseUrl: tlsServer.url, tls: { settingPath: 'erp.tls' } }).request({ method: 'GET', path: '/secure' }));
    expect(error.errorClass).toBe('configuration');
    expect(error.sentence).toContain('erp.tls.caFile');
    expect(tlsServer.arrivals).toHaveLength(0);
  });

  it('says which file is missing when caFile cannot be read', () => {
    expect(() => client({ baseUrl: tlsServer.url, tls: { caFile: '/nonexistent/ca.pem' } })).toThrow(/Cannot read the CA file "\/nonexistent\/ca.pem".*caFile \(ENOENT\)/);
  });

  it('connects with insecureSkipVerify and warns at every creation', async () => {
    const { lines, destination } = lineCollector();
    const logger = createLogger({ pretty: false, destination });
    await client({ baseUrl: tlsServer.url, tls: { insecureSkipVerify: true }, logger }).request({ method: 'GET', path: '/a' });
    client({ baseUrl: tlsServer.url, tls: { insecureSkipVerify: true }, logger });
    const warnings = lines.filter((line) => line.includes('TLS verification is OFF for icenter'));
    expect(warnings).toHaveLength(2);
    expect(JSON.parse(warnings[0] ?? '{}').level).toBe(40);
  });
});

describe('debug logging', () => {
  it('logs each attempt with credentials and configured secrets redacted', async () => {
    const password = 'S3cr3t-Pa55!';
    resetFirst(1);
    const { lines, destination } = lineCollector();
    const http = client({
      logger: createLogger({ level: 'debug', pretty: false, destination }),
      secrets: [password],
      defaultHeaders: { authorization: `Basic ${Buffer.from(`api:${password}`).toString('base64')}` },
    });
    await http.request({ method: 'GET', path: '/items', query: { oauth_signature: 'sig123', user: 'api', pass: password, page: 2 }, headers: { 'x-note': `pw ${password}` } });
    const text = lines.join('');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '{}');
    expect(first).toMatchObject({ target: 'icenter', method: 'GET', attempt: 1, outcome: 'retry' });
    expect(first.headers.authorization).toBe('[REDACTED]');
    expect(JSON.parse(lines[1] ?? '{}')).toMatchObject({ status: 200, attempt: 2, outcome: 'ok' });
    expect(first.path).toBe('/items?oauth_signature=[REDACTED]&user=api&pass=[REDACTED]&page=2');
    expect(text).not.toContain(password);
    expect(text).not.toContain('sig123');
    expect(text).not.toContain(Buffer.from(`api:${password}`).toString('base64'));
    // The request itself still carried the real values.
    expect(server.arrivals[1]?.url).toContain('oauth_signature=sig123');
  });
});

describe('expectOk and throwOnHttpError', () => {
  it('maps a Magento 4xx to a business error with the filled-in message', async () => {
    server.handler = (_req, res) =>
      void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'The "%1" SKU does not exist.', parameters: ['X-1'] }));
    const response = await client().request({ method: 'GET', path: '/V1/products/X-1' });
    let caught: unknown;
    try {
      expectOk(response, { target: 'magento', doing: 'reading product X-1', record: { kind: 'product', key: 'X-1' } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ errorClass: 'business', status: 400, remoteMessage: 'The "X-1" SKU does not exist.', record: { kind: 'product', key: 'X-1' } });
  });

  it('maps 401 to a configuration error naming the credentials setting', async () => {
    server.handler = (_req, res) => void res.writeHead(401).end();
    const error = await failure(client().request({ method: 'GET', path: '/x', throwOnHttpError: true }));
    expect(error.errorClass).toBe('configuration');
    expect(error.status).toBe(401);
  });

  it('maps an iCenter 409 ArrayOfError to a business error with its messages', async () => {
    server.handler = (_req, res) =>
      void res
        .writeHead(409, { 'content-type': 'application/xml' })
        .end('<ArrayOfError><Error><Level>ValidationError</Level><Message>Artikel X-1 ne obstaja.</Message></Error></ArrayOfError>');
    const error = await failure(client().request({ method: 'POST', path: '/Order/AddOrder', body: '<Order/>', throwOnHttpError: true }));
    expect(error).toMatchObject({ errorClass: 'business', status: 409, remoteMessage: 'Artikel X-1 ne obstaja.' });
    expect(error.sentence).toContain('Fix the data');
  });

  it('keeps the base URL path prefix and encodes the query', async () => {
    const http = client({ baseUrl: `${server.url}/iCenterAPI/` });
    await http.request({ method: 'GET', path: '/Items/Get', query: { 'searchCriteria[pageSize]': 10, skip: undefined, tag: ['a', 'b'] } });
    expect(server.arrivals[0]?.url).toBe('/iCenterAPI/Items/Get?searchCriteria%5BpageSize%5D=10&tag=a&tag=b');
  });
});
