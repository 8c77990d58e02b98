/**
 * The SAOP iCenter emulator: an HTTP(S) server speaking the iCenter REST API under `/iCenterAPI`
 * (any letter case) plus a JSON admin API under `/__admin` (loopback only, no auth).
 *
 * Built on node:http rather than fastify: the emulator must write exact bytes (windows-1250 bodies
 * and header bytes), match routes case-insensitively, stall requests and destroy sockets on demand,
 * which is simpler without a framework's reply pipeline in the way.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { dec } from '../../core/decimal.js';
import { makeStampClock } from './clock.js';
import { customersView, invoicesView, invoiceView, ordersView } from './admin-views.js';
import { encodeText, headerBytes } from './encoding.js';
import { elementXml, group } from './xml.js';
import { FaultInjector, HTML_PROXY_ERROR, malform, sendFaultAnswer } from './faults.js';
import type { FaultConfig, FaultRule } from './faults.js';
import { aspNetError, errorsNode, makeQuery } from './http.js';
import type { Ctx, EmulatorEvents, Reply } from './http.js';
import { InvoiceIssueError, issueInvoice } from './invoices.js';
import type { DocKey, EmulatorState, InvoiceRecord, OrgState } from './model.js';
import { matchRoute } from './routes.js';
import { stateFromSeed } from './seed.js';
import type { IcenterSeed } from './seed.js';
import { demoSeed, generateIcenterSeed } from './seed-generator.js';
import type { SeedGeneratorOptions } from './seed-generator.js';
import { DEFAULT_SETTINGS, mergeSettings } from './settings.js';
import type { EmulatorSettings, SettingsPatch } from './settings.js';
import { makeTlsMaterial } from './tls.js';

export interface IcenterEmulatorOptions extends SettingsPatch {
  /** 0 = an ephemeral port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve HTTPS with a generated CA + certificate. */
  tls?: boolean;
  /** A seed, 'demo' (default), or generator options. */
  seed?: IcenterSeed | 'demo' | SeedGeneratorOptions;
}

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  organisation: number | null;
  /** `lost`: the request was carried out and its answer dropped (fault `lostAnswer`). */
  status: number | 'reset' | 'timeout' | 'lost';
  durationMs: number;
  fault?: FaultRule['kind'];
}

export interface IcenterEmulator {
  /** e.g. `https://127.0.0.1:8383/iCenterAPI` */
  baseUrl: string;
  /** e.g. `https://127.0.0.1:8383/__admin` */
  adminUrl: string;
  caPath?: string;
  ca?: string;
  credentials: { user: string; password: string };
  organisations: number[];
  state(): EmulatorState;
  settings(): EmulatorSettings;
  updateSettings(patch: SettingsPatch): EmulatorSettings;
  /** What an accountant does: issue the invoice for an order. */
  issueInvoice(organisation: number, order: DocKey): InvoiceRecord;
  setFaults(config: FaultConfig | FaultRule[]): void;
  requestLog(): RequestLogEntry[];
  reset(): void;
  loadSeed(seed: IcenterSeed): void;
  close(): Promise<void>;
}

function resolveSeed(seed: IcenterEmulatorOptions['seed']): IcenterSeed {
  if (seed === undefined || seed === 'demo') return demoSeed();
  if ('organisations' in seed && Array.isArray(seed.organisations) && typeof seed.organisations[0] === 'object') return seed as IcenterSeed;
  return generateIcenterSeed(seed as SeedGeneratorOptions);
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const API_PREFIX = '/icenterapi/';

/** A successful write result with a Warning-level error in its (empty) Errors; other answers unchanged. */
function withWarning(reply: Reply, message: string): Reply {
  if (reply.status >= 300 || !reply.body?.includes('<Errors />')) return reply;
  return { ...reply, body: reply.body.replace('<Errors />', elementXml(group('Errors', errorsNode([message], 'Warning')))) };
}

function innerMap<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map()));
  return inner;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024 * 1024) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startIcenterEmulator(options: IcenterEmulatorOptions = {}): Promise<IcenterEmulator> {
  const { port = 0, host = '127.0.0.1', tls = false, seed, ...settingsPatch } = options;
  let settings = mergeSettings(DEFAULT_SETTINGS, settingsPatch);
  const stamp = makeStampClock();
  let initialSeed = resolveSeed(seed);
  let state = stateFromSeed(initialSeed, stamp, settings.timeZone);
  const faults = new FaultInjector();
  let log: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const heldSockets = new Set<Socket>();

  const issue = (org: OrgState, key: DocKey): InvoiceRecord => issueInvoice(state, org, settings, key);

  const events: EmulatorEvents = {
    orderCreated(org, orderKey) {
      const delay = settings.autoInvoiceDelayMs;
      if (delay === null || delay === undefined) return;
      const [year, book, number] = orderKey.split('/');
      const timer = setTimeout(() => {
        timers.delete(timer);
        const current = state.orgs.get(org.id);
        if (!current) return;
        try {
          issue(current, { year: Number(year), book: book ?? '', number: Number(number) });
        } catch {
          // already invoiced by hand, or the state was reset meanwhile
        }
      }, delay);
      timers.add(timer);
    },
  };

  function record(entry: RequestLogEntry): void {
    log.push(entry);
    if (log.length > settings.requestLogLimit) log = log.slice(log.length - settings.requestLogLimit);
  }

  function send(res: http.ServerResponse, reply: Reply, malformed = false): void {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k] = headerBytes(v, settings.encoding);
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    const text = malformed ? malform(reply.body) : reply.body;
    const bytes = encodeText(text, settings.encoding);
    headers['content-type'] = settings.charsetInContentType ? `application/xml; charset=${settings.encoding}` : 'application/xml';
    headers['content-length'] = String(bytes.length);
    res.writeHead(reply.status, headers);
    res.end(bytes);
  }

  function authenticate(req: http.IncomingMessage): OrgState | undefined {
    const auth = req.headers.authorization ?? '';
    const m = /^Basic\s+(.+)$/i.exec(auth);
    if (!m?.[1]) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || decoded.slice(0, colon) !== settings.user || decoded.slice(colon + 1) !== settings.password) return undefined;
    const orgHeader = req.headers.organisationid;
    const orgId = Number(Array.isArray(orgHeader) ? orgHeader[0] : orgHeader);
    return Number.isInteger(orgId) ? state.orgs.get(orgId) : undefined;
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const started = Date.now();
    const path = url.pathname.slice(API_PREFIX.length);
    const method = (req.method ?? 'GET').toUpperCase();
    const orgHeader = Number(req.headers.organisationid);
    const entry: RequestLogEntry = {
      at: new Date(started).toISOString(), method, path: url.pathname, query: Object.fromEntries(url.searchParams),
      organisation: Number.isInteger(orgHeader) ? orgHeader : null, status: 0, durationMs: 0,
    };
    const finish = (status: RequestLogEntry['status']): void => {
      entry.status = status;
      entry.durationMs = Date.now() - started;
      record(entry);
    };
    const body = await readBody(req);
    const decision = faults.decide(method, path);
    const delay = settings.latencyMs + decision.delayMs;
    if (delay > 0) await sleep(delay);
    const fault = decision.fault;
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return finish('reset');
    }
    if (fault?.kind === 'timeout') {
      heldSockets.add(req.socket);
      const timer = setTimeout(() => {
        timers.delete(timer);
        heldSockets.delete(req.socket);
        req.socket.destroy();
      }, fault.timeoutMs ?? 120_000);
      timers.add(timer);
      return finish('timeout');
    }
    if (fault?.kind === 'answer') {
      return finish(await sendFaultAnswer(res, fault.answer ?? {}));
    }
    if (fault?.kind === 'htmlProxyError') {
      const status = fault.status ?? 502;
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(HTML_PROXY_ERROR);
      return finish(status);
    }
    if (fault?.kind === 'status') {
      const status = fault.status ?? 500;
      const headers: Record<string, string> = fault.message ? { 'x-icenter-message': fault.message } : {};
      const reply: Reply = status === 503 || fault.body === 'none'
        ? { status, headers: status === 503 ? { ...headers, 'retry-after': '1' } : headers }
        : { ...aspNetError(status, fault.message ?? 'An error has occurred.'), headers };
      send(res, reply);
      return finish(status);
    }
    const org = authenticate(req);
    if (!org) {
      const reply = aspNetError(401, 'Authorization has been denied for this request.');
      send(res, { ...reply, headers: { 'www-authenticate': 'Basic realm="iCenterAPI"' } });
      return finish(401);
    }
    const match = matchRoute(method, path);
    let reply: Reply;
    if (match === undefined) reply = aspNetError(404, `No HTTP resource was found that matches the request URI '${url.href}'.`);
    else if (match === 'method') reply = aspNetError(405, `The requested resource does not support http method '${method}'.`);
    else {
      const ctx: Ctx = {
        method, params: match.params, org, state, settings, body, contentType: String(req.headers['content-type'] ?? ''),
        query: makeQuery(url.searchParams), events,
      };
      try {
        reply = await match.handler(ctx);
      } catch {
        reply = aspNetError(500, 'An error has occurred.');
      }
    }
    if (fault?.kind === 'lostAnswer') {
      // The write is done; the client never learns it (a connection cut after the server answered).
      req.socket.destroy();
      return finish('lost');
    }
    if (fault?.kind === 'warning') reply = withWarning(reply, fault.message ?? 'Opozorilo: zapis je shranjen z opozorilom.');
    send(res, reply, fault?.kind === 'malformedXml');
    finish(reply.status);
  }

  function json(res: http.ServerResponse, status: number, value: unknown): void {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(text);
  }

  async function handleAdmin(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return json(res, 403, { error: 'admin API is loopback only' });
    const method = (req.method ?? 'GET').toUpperCase();
    const route = url.pathname.replace(/\/+$/, '').toLowerCase();
    const orgParam = url.searchParams.get('organisation');
    const orgFilter = orgParam ? Number(orgParam) : undefined;
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(res, 400, { error: 'body is not JSON' });
      }
    }
    const orgOf = (): OrgState | undefined => state.orgs.get(Number(body.organisation ?? orgFilter ?? [...state.orgs.keys()][0]));
    switch (`${method} ${route}`) {
      case 'GET /__admin/health':
        return json(res, 200, { ok: true, organisations: [...state.orgs.keys()] });
      case 'POST /__admin/reset':
        api.reset();
        return json(res, 200, { ok: true });
      case 'POST /__admin/seed': {
        const next = 'generate' in body ? generateIcenterSeed(body.generate as SeedGeneratorOptions) : (body as unknown as IcenterSeed);
        if (!Array.isArray(next.organisations)) return json(res, 400, { error: 'expected {organisations:[…]} or {generate:{…}}' });
        api.loadSeed(next);
        return json(res, 200, { ok: true, organisations: [...state.orgs.keys()] });
      }
      case 'GET /__admin/orders':
        return json(res, 200, ordersView(state, orgFilter));
      case 'GET /__admin/customers':
        return json(res, 200, customersView(state, orgFilter));
      case 'GET /__admin/invoices':
        return json(res, 200, invoicesView(state, orgFilter));
      case 'POST /__admin/invoices': {
        const org = orgOf();
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        try {
          const inv = issue(org, { year: Number(body.orderYear), book: String(body.orderBook ?? ''), number: Number(body.orderNumber) });
          return json(res, 201, invoiceView(org, inv));
        } catch (err) {
          if (err instanceof InvoiceIssueError) return json(res, /already|canceled/.test(err.message) ? 409 : 404, { error: err.message });
          throw err;
        }
      }
      case 'POST /__admin/stock': {
        const org = orgOf();
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        innerMap(org.stock, String(body.warehouseId ?? '')).set(String(body.itemId ?? ''), { qty: dec(String(body.qty ?? '0')), modified: state.stamp() });
        return json(res, 200, { ok: true });
      }
      case 'POST /__admin/prices': {
        const org = orgOf();
        if (!org) return json(res, 404, { error: 'unknown organisation' });
        innerMap(org.prices, String(body.priceListId ?? '')).set(String(body.itemId ?? ''), { price: dec(String(body.price ?? '0')), active: body.active !== false, modified: state.stamp() });
        return json(res, 200, { ok: true });
      }
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
        return json(res, 200, { ...settings, password: undefined });
      case 'PATCH /__admin/settings':
        try {
          api.updateSettings(body as SettingsPatch);
        } catch (err) {
          return json(res, 400, { error: (err as Error).message });
        }
        return json(res, 200, { ...settings, password: undefined });
      default:
        return json(res, 404, { error: `no admin route ${method} ${url.pathname}` });
    }
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const lower = url.pathname.toLowerCase();
    const handler = lower.startsWith(API_PREFIX) ? handleApi : lower === '/__admin' || lower.startsWith('/__admin/') ? handleAdmin : undefined;
    if (!handler) {
      send(res, aspNetError(404, 'Not found.'));
      return;
    }
    handler(req, res, url).catch(() => {
      if (!res.headersSent) send(res, aspNetError(500, 'An error has occurred.'));
      else res.destroy();
    });
  };

  const material = tls ? await makeTlsMaterial([host]) : undefined;
  const server = material ? https.createServer({ key: material.key, cert: material.cert }, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`;

  const api: IcenterEmulator = {
    baseUrl: `${origin}/iCenterAPI`,
    adminUrl: `${origin}/__admin`,
    ...(material ? { caPath: material.caPath, ca: material.ca } : {}),
    credentials: { user: settings.user, password: settings.password },
    get organisations() {
      return [...state.orgs.keys()];
    },
    state: () => state,
    settings: () => settings,
    updateSettings(patch) {
      settings = mergeSettings(settings, patch);
      return settings;
    },
    issueInvoice(organisation, order) {
      const org = state.orgs.get(organisation);
      if (!org) throw new InvoiceIssueError(`organisation ${organisation} does not exist`);
      return issue(org, order);
    },
    setFaults: (config) => faults.configure(config),
    requestLog: () => [...log],
    reset() {
      state = stateFromSeed(initialSeed, stamp, settings.timeZone);
      faults.configure([]);
      log = [];
    },
    loadSeed(next) {
      initialSeed = next;
      state = stateFromSeed(next, stamp, settings.timeZone);
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
