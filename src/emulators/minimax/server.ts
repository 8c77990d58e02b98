/**
 * The SAOP Minimax emulator: an HTTP server speaking the Minimax REST API
 * (`/{SI|HR|RS}/API/api/…`, any letter case), its OAuth2 token endpoint
 * (`/{SI|HR|RS}/AUT/oauth20/token`, password grant) and a JSON admin API under `/__admin`
 * (loopback only, no auth). On node:http, as the iCenter emulator, so that it can drop
 * sockets and hold requests on demand.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dec } from '../../core/decimal.js';
import { FaultInjector, HTML_PROXY_ERROR, type FaultConfig, type FaultRule } from './faults.js';
import { makeQuery, type Ctx, type Reply } from './http.js';
import { EmulatorActionError, issueInvoiceForOrder } from './invoices.js';
import type { EmulatorState, Invoice, OrgState } from './model.js';
import { touch } from './model.js';
import { matchRoute } from './routes.js';
import { generateMinimaxSeed, stateFromSeed, type MinimaxSeed, type MinimaxSeedOptions } from './seed.js';
import { DEFAULT_SETTINGS, mergeSettings, type MinimaxEmulatorSettings, type MinimaxSettingsPatch } from './settings.js';
import { toWireTime } from './time.js';

export interface MinimaxEmulatorOptions extends MinimaxSettingsPatch {
  port?: number;
  host?: string;
  /** A seed, or generator options (default: 200 items, organisations 1 and 2). */
  seed?: MinimaxSeed | MinimaxSeedOptions;
}

export interface MinimaxRequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  organisation: number | null;
  status: number | 'reset' | 'timeout' | 'lost';
  /** Whether the call counted against the organisation's budget. */
  counted: boolean;
  durationMs: number;
  fault?: FaultRule['kind'];
}

export interface MinimaxEmulator {
  /** API base as a client configures it, e.g. `http://127.0.0.1:4000/SI/API/` */
  baseUrl: string;
  /** Token endpoint, e.g. `http://127.0.0.1:4000/SI/AUT/oauth20/token` */
  tokenUrl: string;
  adminUrl: string;
  credentials: { clientId: string; clientSecret: string; username: string; password: string; scope: string | null };
  organisations: number[];
  state(): EmulatorState;
  settings(): MinimaxEmulatorSettings;
  updateSettings(patch: MinimaxSettingsPatch): MinimaxEmulatorSettings;
  /** What the bookkeeper does: invoice an order, issue the invoice and make its PDF. */
  issueInvoice(organisation: number, orderId: number): Promise<Invoice>;
  setFaults(config: FaultConfig | FaultRule[]): void;
  requestLog(): MinimaxRequestLogEntry[];
  /** Calls counted for an organisation in the current window. */
  callsUsed(organisation: number): number;
  expireTokens(): void;
  reset(): void;
  loadSeed(seed: MinimaxSeed): void;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 16 * 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function resolveSeed(seed: MinimaxEmulatorOptions['seed']): MinimaxSeed {
  if (seed && 'organisations' in seed && Array.isArray(seed.organisations) && typeof seed.organisations[0] === 'object') return seed as MinimaxSeed;
  return generateMinimaxSeed({ organisations: [1, 2], ...(seed as MinimaxSeedOptions | undefined) });
}

export async function startMinimaxEmulator(options: MinimaxEmulatorOptions = {}): Promise<MinimaxEmulator> {
  const { port = 0, host = '127.0.0.1', seed, ...patch } = options;
  let settings = mergeSettings(DEFAULT_SETTINGS, patch);
  let initialSeed = resolveSeed(seed);
  let state = stateFromSeed(initialSeed);
  const faults = new FaultInjector();
  let log: MinimaxRequestLogEntry[] = [];
  const tokens = new Map<string, number>();
  let wrongPasswords = 0;
  let locked = false;
  const timers = new Set<NodeJS.Timeout>();
  const heldSockets = new Set<Socket>();

  const record = (entry: MinimaxRequestLogEntry): void => {
    log.push(entry);
    if (log.length > settings.requestLogLimit) log = log.slice(log.length - settings.requestLogLimit);
  };

  function sendJson(res: http.ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body === undefined) {
      headers['content-length'] = '0';
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const bytes = Buffer.from(JSON.stringify(reply.body), 'utf8');
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = String(bytes.length);
    res.writeHead(reply.status, headers);
    res.end(bytes);
  }

  /** Prunes the window and says whether one more call fits; counts it when it does. */
  function countCall(org: OrgState): { ok: true } | { ok: false; retryAfterSec: number } {
    const now = Date.now();
    const since = now - settings.callWindowMs;
    if (org.calls.length > 0 && org.calls[0]! <= since) org.calls = org.calls.filter((t) => t > since);
    if (org.calls.length >= settings.callLimit) {
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((org.calls[0]! + settings.callWindowMs - now) / 1000)) };
    }
    org.calls.push(now);
    return { ok: true };
  }

  function overLimit(retryAfterSec: number): Reply {
    return {
      status: settings.overLimitStatus,
      body: { Message: `API call limit exceeded: ${settings.callLimit} calls per organisation in 24 hours.` },
      ...(settings.overLimitRetryAfter ? { headers: { 'retry-after': String(retryAfterSec) } } : {}),
    };
  }

  /** Applies a fault that acts before the request is handled (like a proxy would); true when the request is finished. */
  async function preFault(req: http.IncomingMessage, res: http.ServerResponse, fault: FaultRule | undefined, finish: (s: MinimaxRequestLogEntry['status']) => void): Promise<boolean> {
    if (!fault) return false;
    if (fault.kind === 'reset') {
      req.socket.destroy();
      finish('reset');
      return true;
    }
    if (fault.kind === 'timeout') {
      heldSockets.add(req.socket);
      const timer = setTimeout(() => {
        timers.delete(timer);
        heldSockets.delete(req.socket);
        req.socket.destroy();
      }, fault.timeoutMs ?? 120_000);
      timers.add(timer);
      finish('timeout');
      return true;
    }
    if (fault.kind === 'htmlProxyError') {
      const status = fault.status ?? 502;
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(HTML_PROXY_ERROR);
      finish(status);
      return true;
    }
    if (fault.kind === 'status') {
      const status = fault.status ?? 500;
      sendJson(res, { status, body: { Message: fault.message ?? 'An error has occurred.' }, ...(status === 503 ? { headers: { 'retry-after': '1' } } : {}) });
      finish(status);
      return true;
    }
    return false;
  }

  async function handleToken(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const started = Date.now();
    const entry: MinimaxRequestLogEntry = { at: new Date(started).toISOString(), method: req.method ?? 'POST', path: url.pathname, query: {}, organisation: null, status: 0, counted: false, durationMs: 0 };
    const finish = (status: MinimaxRequestLogEntry['status']): void => {
      entry.status = status;
      entry.durationMs = Date.now() - started;
      record(entry);
    };
    const raw = await readBody(req);
    const decision = faults.decide(req.method ?? 'POST', url.pathname.slice(1));
    if (decision.delayMs + settings.latencyMs > 0) await sleep(decision.delayMs + settings.latencyMs);
    if (decision.fault) entry.fault = decision.fault.kind;
    if (await preFault(req, res, decision.fault, finish)) return;
    const form = new URLSearchParams(raw.toString('utf8'));
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    // Client credentials in a Basic header instead of the form also work (CODE).
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1] && !clientId) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      clientId = decoded.slice(0, colon);
      clientSecret = decoded.slice(colon + 1);
    }
    const fail = (status: number, error: string, description: string): void => {
      sendJson(res, { status, body: { error, error_description: description } });
      finish(status);
    };
    if (form.get('grant_type') !== 'password') return fail(400, 'unsupported_grant_type', 'Only grant_type=password is supported.');
    if (clientId !== settings.clientId || clientSecret !== settings.clientSecret) return fail(400, 'invalid_client', 'The client credentials are invalid.');
    if (locked) return fail(400, 'invalid_client', 'The application is locked after repeated failed sign-ins. Delete it and create a new one in Minimax.');
    if (settings.scope !== null && form.get('scope') !== settings.scope) return fail(400, 'invalid_scope', `The scope must be ${settings.scope}.`);
    if (form.get('username') !== settings.username || form.get('password') !== settings.password) {
      wrongPasswords += 1;
      if (settings.lockoutAfter > 0 && wrongPasswords >= settings.lockoutAfter) locked = true;
      return fail(400, 'invalid_grant', 'The user name or password is incorrect.');
    }
    wrongPasswords = 0;
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + settings.tokenLifetimeSec * 1000);
    sendJson(res, { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: settings.tokenLifetimeSec } });
    finish(200);
  }

  const events: Ctx['events'] = {
    orderCreated(org, orderId) {
      const delay = settings.autoInvoiceDelayMs;
      if (delay === null) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const current = state.orgs.get(org.id);
        if (current) issueInvoiceForOrder(state, current, orderId, settings).catch(() => undefined);
      }, delay);
      timers.add(timer);
    },
  };

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL, rest: string): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const orgMatch = /^api\/orgs\/(\d+)(?:\/(.*))?$/i.exec(rest);
    const entry: MinimaxRequestLogEntry = {
      at: new Date(started).toISOString(), method, path: url.pathname, query: Object.fromEntries(url.searchParams),
      organisation: orgMatch ? Number(orgMatch[1]) : null, status: 0, counted: false, durationMs: 0,
    };
    const finish = (status: MinimaxRequestLogEntry['status']): void => {
      entry.status = status;
      entry.durationMs = Date.now() - started;
      record(entry);
    };
    const raw = await readBody(req);
    const decision = faults.decide(method, rest);
    if (decision.delayMs + settings.latencyMs > 0) await sleep(decision.delayMs + settings.latencyMs);
    const fault = decision.fault;
    if (fault) entry.fault = fault.kind;
    if (await preFault(req, res, fault, finish)) return;

    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const expires = bearer ? tokens.get(bearer) : undefined;
    if (locked || expires === undefined || expires <= Date.now()) {
      if (bearer && expires !== undefined) tokens.delete(bearer);
      sendJson(res, { status: 401, body: { Message: 'Authorization has been denied for this request.' }, headers: { 'www-authenticate': 'Bearer' } });
      return finish(401);
    }
    let reply: Reply;
    if (/^api\/currentuser\/orgs\/?$/i.test(rest)) {
      const rows = [...state.orgs.values()].map((o) => ({ Organisation: { ID: o.id, Name: o.title, ResourceUrl: `/api/orgs/${o.id}` }, APIAccess: 'D', MobileAccess: 'N' }));
      reply = { status: 200, body: { Rows: rows, TotalRows: rows.length, CurrentPageNumber: 1, PageSize: rows.length } };
    } else if (/^api\/currentuser\/profile\/?$/i.test(rest)) {
      reply = { status: 200, body: { UserId: 1, FullName: settings.username, Email: `${settings.username}@example.si`, MobilePhone: null, Language: 'sl' } };
    } else if (!orgMatch) {
      reply = { status: 404, body: { Message: `No HTTP resource was found that matches the request URI '${url.href}'.` } };
    } else {
      const org = state.orgs.get(Number(orgMatch[1]));
      if (!org) {
        reply = { status: settings.unknownOrganisationStatus, body: { Message: `The user has no API access to organisation ${orgMatch[1]}.` } };
      } else {
        const counted = countCall(org);
        if (!counted.ok) {
          sendJson(res, overLimit(counted.retryAfterSec));
          return finish(settings.overLimitStatus);
        }
        entry.counted = true;
        reply = await dispatch(org, method, orgMatch[2] ?? '', url, raw);
      }
    }
    if (fault?.kind === 'lostAnswer') {
      // Carried out; the client never hears of it (the connection broke after the server acted).
      req.socket.destroy();
      return finish('lost');
    }
    sendJson(res, reply);
    finish(reply.status);
  }

  async function dispatch(org: OrgState, method: string, path: string, url: URL, raw: Buffer): Promise<Reply> {
    const match = matchRoute(method, path.replace(/\/+$/, ''));
    if (match === undefined) return { status: 404, body: { Message: `No HTTP resource was found that matches the request URI '${url.href}'.` } };
    if (match === 'method') return { status: 405, body: { Message: `The requested resource does not support http method '${method}'.` } };
    let body: unknown;
    let bodyError = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        bodyError = true;
      }
    }
    if (bodyError) return { status: 400, body: { Message: 'The request is invalid.' } };
    const apiRoot = `${url.protocol}//${url.host}${url.pathname.slice(0, url.pathname.toLowerCase().indexOf('/api/') + 5)}`;
    const ctx: Ctx = {
      method, params: match.params, org, state, settings, body, bodyError, query: makeQuery(url.searchParams), events,
      location: (resource, id) => `${apiRoot}api/orgs/${org.id}/${resource}/${id}?id=${id}`,
    };
    try {
      return await match.handler(ctx);
    } catch {
      return { status: 500, body: { Message: 'An error has occurred.' } };
    }
  }

  function json(res: http.ServerResponse, status: number, value: unknown): void {
    sendJson(res, { status, body: value });
  }

  async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return json(res, 403, { error: 'admin API is loopback only' });
    const method = (req.method ?? 'GET').toUpperCase();
    const route = url.pathname.replace(/\/+$/, '').toLowerCase();
    const orgParam = url.searchParams.get('organisation');
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(res, 400, { error: 'body is not JSON' });
      }
    }
    const org = state.orgs.get(Number(body.organisation ?? orgParam ?? [...state.orgs.keys()][0]));
    const zone = settings.timeZone;
    switch (`${method} ${route}`) {
      case 'GET /__admin/health':
        return json(res, 200, { ok: true, organisations: [...state.orgs.keys()], locked });
      case 'POST /__admin/reset':
        api.reset();
        return json(res, 200, { ok: true });
      case 'POST /__admin/seed': {
        const next = 'generate' in body ? generateMinimaxSeed(body.generate as MinimaxSeedOptions) : (body as unknown as MinimaxSeed);
        if (!Array.isArray(next.organisations)) return json(res, 400, { error: 'expected {organisations:[…]} or {generate:{…}}' });
        api.loadSeed(next);
        return json(res, 200, { ok: true, organisations: [...state.orgs.keys()] });
      }
      case 'GET /__admin/orders':
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        return json(res, 200, [...org.orders.values()].map((o) => ({ orderId: o.OrderId, year: o.Year, number: o.Number, reference: o.Reference, status: o.Status, customerId: o.CustomerId, rows: o.Rows.length })));
      case 'GET /__admin/customers':
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        return json(res, 200, [...org.customers.values()].map((c) => ({ customerId: c.CustomerId, code: c.Code, name: c.Name, vatId: c.VATIdentificationNumber, emails: [...org.contacts.values()].filter((x) => x.CustomerId === c.CustomerId).map((x) => x.Email) })));
      case 'GET /__admin/invoices':
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        return json(res, 200, [...org.invoices.values()].map((i) => ({ invoiceId: i.IssuedInvoiceId, year: i.Year, number: i.InvoiceNumber, status: i.Status, orderId: i.sourceOrderId, reference: i.DocumentReference, value: i.InvoiceValue, pdf: i.AttachmentId !== null, modified: toWireTime(i.modified, zone) })));
      case 'POST /__admin/invoices': {
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        try {
          const inv = await issueInvoiceForOrder(state, org, Number(body.orderId), settings, body.pdf !== false);
          return json(res, 201, { invoiceId: inv.IssuedInvoiceId, year: inv.Year, number: inv.InvoiceNumber, value: inv.InvoiceValue });
        } catch (err) {
          if (err instanceof EmulatorActionError) return json(res, err.message.includes('already') ? 409 : 404, { error: err.message });
          throw err;
        }
      }
      case 'PATCH /__admin/invoices': {
        // A person edits the invoice in Minimax (its RowVersion moves on): a client's RowVersion goes stale.
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        const inv = org.invoices.get(Number(body.invoiceId));
        if (!inv) return json(res, 404, { error: 'unknown invoice' });
        touch(state, inv);
        return json(res, 200, { ok: true, rowVersion: inv.rowVersion });
      }
      case 'POST /__admin/stock': {
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        const warehouse = [...org.warehouses.values()].find((w) => w.Code === body.warehouse);
        const item = [...org.items.values()].find((i) => i.Code === body.item);
        if (!warehouse || !item) return json(res, 404, { error: 'unknown warehouse or item code' });
        let rows = org.stock.get(warehouse.WarehouseId);
        if (!rows) org.stock.set(warehouse.WarehouseId, (rows = new Map()));
        rows.set(item.ItemId, dec(String(body.qty ?? '0')));
        return json(res, 200, { ok: true });
      }
      case 'PATCH /__admin/items': {
        // A person edits an item in Minimax (its RowVersion and RecordDtModified move on).
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        const item = [...org.items.values()].find((i) => i.Code === body.code);
        if (!item) return json(res, 404, { error: 'unknown item code' });
        if (body.price !== undefined) item.Price = dec(String(body.price));
        if (typeof body.name === 'string') item.Name = body.name;
        if (body.usage === 'D' || body.usage === 'N') item.Usage = body.usage;
        touch(state, item);
        return json(res, 200, { ok: true, rowVersion: item.rowVersion });
      }
      case 'GET /__admin/budget':
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        return json(res, 200, { used: api.callsUsed(org.id), limit: settings.callLimit, windowMs: settings.callWindowMs });
      case 'PUT /__admin/budget': {
        // Calls made by others (the Minimax web UI and other integrations share the budget, CODE C3).
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        const now = Date.now();
        org.calls = Array.from({ length: Math.max(0, Number(body.used ?? 0)) }, () => now);
        return json(res, 200, { used: org.calls.length, limit: settings.callLimit });
      }
      case 'POST /__admin/age': {
        // Records seeded "a while ago" (benchmarks of a day after the first sync): every stamp moves back.
        const ms = Number(body.hours ?? 24) * 3_600_000;
        for (const o of state.orgs.values()) {
          for (const map of [o.warehouses, o.items, o.customers, o.contacts, o.orders, o.invoices, o.documents] as Map<number, { modified: number }>[]) {
            for (const record of map.values()) record.modified -= ms;
          }
        }
        return json(res, 200, { ok: true });
      }
      case 'POST /__admin/tokens/expire':
        api.expireTokens();
        return json(res, 200, { ok: true });
      case 'POST /__admin/unlock':
        locked = false;
        wrongPasswords = 0;
        return json(res, 200, { ok: true });
      case 'GET /__admin/faults':
        return json(res, 200, { rules: faults.current() });
      case 'PUT /__admin/faults':
        try {
          faults.configure(body as unknown as FaultConfig);
        } catch (err) {
          return json(res, 400, { error: (err as Error).message });
        }
        return json(res, 200, { rules: faults.current() });
      case 'GET /__admin/requests':
        return json(res, 200, log);
      case 'DELETE /__admin/requests':
        log = [];
        return json(res, 200, { ok: true });
      case 'GET /__admin/settings':
        return json(res, 200, { ...settings, password: undefined, clientSecret: undefined });
      case 'PATCH /__admin/settings':
        try {
          api.updateSettings(body as MinimaxSettingsPatch);
        } catch (err) {
          return json(res, 400, { error: (err as Error).message });
        }
        return json(res, 200, { ...settings, password: undefined, clientSecret: undefined });
      default:
        return json(res, 404, { error: `no admin route ${method} ${url.pathname}` });
    }
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'emulator'}`);
    const path = url.pathname;
    const instance = settings.instance.toLowerCase();
    const lower = path.toLowerCase();
    let work: Promise<void>;
    if (lower === `/${instance}/aut/oauth20/token` && (req.method ?? '').toUpperCase() === 'POST') work = handleToken(req, res, url);
    else if (lower.startsWith(`/${instance}/api/`)) work = handleApi(req, res, url, path.slice(instance.length + 6));
    else if (lower === '/__admin' || lower.startsWith('/__admin/')) work = handleAdmin(req, res, url);
    else {
      sendJson(res, { status: 404, body: { Message: 'Not found.' } });
      return;
    }
    work.catch(() => {
      if (!res.headersSent) sendJson(res, { status: 500, body: { Message: 'An error has occurred.' } });
      else res.destroy();
    });
  };

  const server = http.createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${address.port}`;

  const api: MinimaxEmulator = {
    get baseUrl() {
      return `${origin}/${settings.instance}/API/`;
    },
    get tokenUrl() {
      return `${origin}/${settings.instance}/AUT/oauth20/token`;
    },
    adminUrl: `${origin}/__admin`,
    get credentials() {
      return { clientId: settings.clientId, clientSecret: settings.clientSecret, username: settings.username, password: settings.password, scope: settings.scope };
    },
    get organisations() {
      return [...state.orgs.keys()];
    },
    state: () => state,
    settings: () => settings,
    updateSettings(next) {
      settings = mergeSettings(settings, next);
      return settings;
    },
    issueInvoice(organisation, orderId) {
      const org = state.orgs.get(organisation);
      if (!org) throw new EmulatorActionError(`organisation ${organisation} does not exist`);
      return issueInvoiceForOrder(state, org, orderId, settings);
    },
    setFaults: (config) => faults.configure(config),
    requestLog: () => [...log],
    callsUsed(organisation) {
      const org = state.orgs.get(organisation);
      const since = Date.now() - settings.callWindowMs;
      return org ? org.calls.filter((t) => t > since).length : 0;
    },
    expireTokens: () => tokens.clear(),
    reset() {
      state = stateFromSeed(initialSeed);
      faults.configure([]);
      log = [];
      tokens.clear();
      locked = false;
      wrongPasswords = 0;
    },
    loadSeed(next) {
      initialSeed = next;
      state = stateFromSeed(next);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of heldSockets) s.destroy();
      heldSockets.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return api;
}
