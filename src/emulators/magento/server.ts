/**
 * HTTP front of the emulator: store-code routing, auth (OAuth 1.0a / bearer), schema validation,
 * async/bulk publishing, fault injection, request log; `/__admin` for tests and the demo.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin.js';
import { ATTACHMENT_DEFINITIONS } from './attachments.js';
import { aclDenied, MagentoHttpError, routeNotFound, internalError, badRequest } from './errors.js';
import { FaultInjector, sendFaultAnswer } from './faults.js';
import { verifyOauth, parseOauthHeader } from './oauth.js';
import type { IntegrationCredentials, ResolvedSettings } from './options.js';
import { parseStr } from './query.js';
import { checkBatchLimit } from './inventory.js';
import { compileRoutes, matchRoute, ROUTES, type CompiledRoute, type RouteContext } from './routes.js';
import { SchemaRegistry, validateBody } from './schema.js';
import { emptyState, nextId, type BulkOperation, type BulkRecord, type EmulatorState, type Json, type StoreScope } from './state.js';
import { isPlainObject, magentoDate, randomToken } from './util.js';

export type Principal = { kind: 'guest' } | { kind: 'admin'; userId: number } | { kind: 'integration'; via: 'oauth' | 'bearer' };

export interface RequestLogEntry {
  id: number;
  at: string;
  method: string;
  path: string;
  query: string;
  store: string | null;
  principal: Principal['kind'];
  status: number;
  durationMs: number;
}

/** What the icsync Magento module announces about an order (module-events.ts delivers it). */
export type OrderEventKind = 'placed' | 'invoiced' | 'shipped' | 'canceled' | 'changed';

/** REST writes that make the module announce an order event: route path → what it announces. */
const ORDER_EVENT_ROUTES: Record<string, OrderEventKind> = {
  '/V1/order/:orderId/invoice': 'invoiced',
  '/V1/order/:orderId/ship': 'shipped',
  '/V1/orders/:id/cancel': 'canceled',
  '/V1/orders/:id/hold': 'changed',
  '/V1/orders/:id/unhold': 'changed',
  '/V1/orders/:id/comments': 'changed',
};

export class EmulatorRuntime {
  state: EmulatorState;
  /** Listeners for the module's order events (the observers the real module hooks into Magento). */
  readonly orderListeners = new Set<(kind: OrderEventKind, orderId: number) => void>();
  readonly faults = new FaultInjector();
  readonly requests: RequestLogEntry[] = [];
  private requestSeq = 0;
  private readonly routes = compileRoutes(ROUTES);
  private readonly bulkRoutes = compileRoutes(ROUTES.filter((r) => r.method !== 'GET'), true);
  readonly schema: SchemaRegistry;
  private orderColumnSet: Set<string> | undefined;
  private failedLogins = 0;
  private lockedUntil = 0;

  constructor(
    readonly settings: ResolvedSettings,
    readonly credentials: IntegrationCredentials,
  ) {
    this.state = emptyState(settings.sourceCodes);
    this.schema = new SchemaRegistry(settings.schemaPath, ATTACHMENT_DEFINITIONS);
  }

  announceOrder(kind: OrderEventKind, orderId: number): void {
    if (!Number.isFinite(orderId)) return;
    for (const listener of this.orderListeners) listener(kind, orderId);
  }

  reset(): void {
    this.state = emptyState(this.settings.sourceCodes);
  }

  // ---- store scope (docs/contracts/magento.md#base-paths-store-codes-and-scope) ----
  private resolveStore(rest: string): { scope: StoreScope; apiPath: string; storeCode: string | null } {
    const defaultView = this.settings.storeViews.find((s) => s.code === 'default') ?? (this.settings.storeViews[0] as ResolvedSettings['storeViews'][number]);
    const first = rest.split('/')[1] ?? '';
    if (first === 'all') return { scope: { storeId: 0, websiteId: 0, explicit: true, isAll: true }, apiPath: rest.slice(4), storeCode: 'all' };
    const view = this.settings.storeViews.find((s) => s.code === first);
    if (view && first !== 'V1' && first !== 'async') {
      return { scope: { storeId: view.storeId, websiteId: view.websiteId, explicit: true, isAll: false }, apiPath: rest.slice(first.length + 1), storeCode: first };
    }
    // Not a store code: path left untouched, default store view current (unknown code → no route).
    return { scope: { storeId: defaultView.storeId, websiteId: defaultView.websiteId, explicit: false, isAll: false }, apiPath: rest, storeCode: null };
  }

  // ---- authentication ----
  private authenticate(req: IncomingMessage, method: string, fullUrl: string): Principal {
    const header = req.headers.authorization;
    if (!header) return { kind: 'guest' };
    const parts = header.split(' ');
    if (parts.length === 2 && (parts[0] as string).toLowerCase() === 'bearer') {
      const token = parts[1] as string;
      const expires = this.state.adminTokens.get(token);
      if (expires !== undefined && expires > Date.now()) return { kind: 'admin', userId: 1 };
      if (token === this.credentials.accessToken && this.settings.enableIntegrationAsBearer) return { kind: 'integration', via: 'bearer' };
      // Unknown, expired or refused tokens are silently a guest (TokenUserContext).
      return { kind: 'guest' };
    }
    const params = parseOauthHeader(header);
    if (!params) return { kind: 'guest' };
    const creds = this.credentials;
    verifyOauth(method, fullUrl, params, {
      consumerSecret: (key) => (key === creds.consumerKey ? creds.consumerSecret : undefined),
      tokenSecret: (key, token) => (key === creds.consumerKey && token === creds.accessToken ? creds.accessTokenSecret : undefined),
    }, {
      algorithm: this.settings.oauthAlgorithm,
      supportedMethods: this.settings.oauthMethods,
      nowSeconds: Math.floor(Date.now() / 1000),
      useNonce: (key, nonce) => {
        const id = `${key}\u0000${nonce}`;
        if (this.state.nonces.has(id)) return false;
        this.state.nonces.add(id);
        return true;
      },
    });
    return { kind: 'integration', via: 'oauth' };
  }

  private authorize(principal: Principal, acl: string): void {
    if (acl === 'anonymous') return;
    if (principal.kind === 'admin') return;
    if (principal.kind === 'integration' && (this.settings.integrationResources === 'all' || this.settings.integrationResources.has(acl))) return;
    throw aclDenied(acl);
  }

  issueAdminToken(username: string, password: string): string {
    if (Date.now() < this.lockedUntil || username !== this.credentials.adminUser || password !== this.credentials.adminPassword) {
      this.failedLogins += 1;
      if (this.failedLogins >= 6) this.lockedUntil = Date.now() + 1800 * 1000;
      throw new MagentoHttpError(401, { message: 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.' });
    }
    this.failedLogins = 0;
    if (this.settings.twoFactorAuth) {
      // 400 on 2.4.8 [H]; older builds threw an authentication error, 401 [M] (twoFactorRefusalStatus).
      throw new MagentoHttpError(this.settings.twoFactorRefusalStatus, { message: 'Please use the 2fa provider-specific endpoints to obtain a token.', parameters: { active_providers: ['google'] } });
    }
    const token = randomToken(32);
    this.state.adminTokens.set(token, Date.now() + this.settings.adminTokenLifetimeSeconds * 1000);
    return token;
  }

  // ---- body validation ----
  private validate(route: CompiledRoute, body: unknown): Record<string, unknown> {
    const validator = route.def.customBody
      ? this.schema.customBodyValidator(`${route.def.method} ${route.schemaPath}`, route.def.customBody as never)
      : this.schema.bodyValidator(route.def.method, route.schemaPath);
    if (!validator) return isPlainObject(body) ? body : {};
    const params = validateBody(validator, body, { unknownFieldStatus: this.settings.unknownFieldStatus });
    if (Array.isArray(params.sourceItems)) checkBatchLimit(params.sourceItems.length, this.settings.sourceItemsBatchLimit);
    return params;
  }

  private context(scope: StoreScope, params: Record<string, string>, query: RouteContext['query'], body: Record<string, unknown>): RouteContext {
    return {
      state: this.state, settings: this.settings, scope, params, query, body,
      issueAdminToken: (u, p) => this.issueAdminToken(u, p),
      orderColumns: () => (this.orderColumnSet ??= this.schema.scalarProperties('sales-data-order-interface')),
      bulkStatus: (uuid, detailed) => this.bulkStatus(uuid, detailed),
      bulkOperationCount: (uuid, status) => this.requireBulk(uuid).operations.filter((o) => o.status === status).length,
    };
  }

  // ---- async / bulk (docs/contracts/magento.md#async-and-bulk) ----
  private publish(route: CompiledRoute, scope: StoreScope, bodies: Array<{ params: Record<string, string>; body: unknown }>, principal: Principal): Json {
    const uuid = randomUUID();
    const service = route.def.service ?? `magento.webapi.${route.def.path.replace(/[/:]/g, '.')}`;
    const topic = `async.${service}.${route.def.method.toLowerCase()}`;
    const bulk: BulkRecord = { uuid, description: `Topic ${topic}`, startTime: magentoDate(), userType: principal.kind === 'admin' ? 1 : 2, userId: 1, operations: [] };
    const requestItems: Json[] = [];
    let errors = false;
    bodies.forEach(({ params, body }, index) => {
      const serialized = JSON.stringify(body ?? {});
      const dataHash = createHash('sha256').update(serialized).digest('hex');
      let validated: Record<string, unknown>;
      try {
        validated = this.validate(route, body);
      } catch (error) {
        errors = true;
        const message = error instanceof MagentoHttpError ? error.body.message : 'Internal error';
        requestItems.push({ id: index, data_hash: dataHash, status: 'rejected', error_message: message });
        bulk.operations.push({ id: nextId(this.state, 'operation'), status: 5, resultMessage: message, errorCode: null, topicName: topic, serializedData: serialized, resultSerializedData: null, run: null });
        return;
      }
      const op: BulkOperation = {
        id: nextId(this.state, 'operation'), status: 4, resultMessage: null, errorCode: null, topicName: topic, serializedData: serialized, resultSerializedData: null,
        run: async () => route.def.handler(this.context(scope, params, {}, validated)),
      };
      bulk.operations.push(op);
      requestItems.push({ id: index, data_hash: dataHash, status: 'accepted' });
    });
    this.state.bulks.set(uuid, bulk);
    if (this.settings.asyncConsumer) setImmediate(() => void this.runConsumer());
    return { bulk_uuid: uuid, request_items: requestItems, errors };
  }

  /** One pass of the `async.operations.all` consumer over every open operation. */
  async runConsumer(): Promise<number> {
    let processed = 0;
    for (const bulk of this.state.bulks.values()) {
      for (const op of bulk.operations) {
        if (op.status !== 4 || !op.run) continue;
        const run = op.run;
        op.run = null;
        processed += 1;
        try {
          const result = await run();
          op.status = 1;
          op.resultMessage = `Service execution success ${op.topicName}`;
          op.resultSerializedData = JSON.stringify(result);
        } catch (error) {
          const known = error instanceof MagentoHttpError;
          op.status = known && error.status < 500 ? 3 : 2;
          op.resultMessage = known ? fill(error.body.message, error.body.parameters) : 'Internal error';
          op.errorCode = known ? error.status : 0;
        }
      }
    }
    return processed;
  }

  private requireBulk(uuid: string): BulkRecord {
    const bulk = this.state.bulks.get(uuid);
    if (!bulk) throw new MagentoHttpError(404, { message: 'Bulk uuid %bulkUuid not exist', parameters: { bulkUuid: uuid } });
    return bulk;
  }

  private bulkStatus(uuid: string, detailed: boolean): Json {
    const bulk = this.requireBulk(uuid);
    return {
      operations_list: bulk.operations.map((op) => ({
        id: op.id,
        ...(detailed ? { bulk_uuid: bulk.uuid, topic_name: op.topicName, serialized_data: op.serializedData, result_serialized_data: op.resultSerializedData } : {}),
        status: op.status, result_message: op.resultMessage, error_code: op.errorCode,
      })),
      user_type: bulk.userType, bulk_id: bulk.uuid, description: bulk.description, start_time: bulk.startTime, user_id: bulk.userId,
      operation_count: bulk.operations.length,
    };
  }

  // ---- request handling ----
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const qAt = rawUrl.indexOf('?');
    const path = qAt < 0 ? rawUrl : rawUrl.slice(0, qAt);
    const query = qAt < 0 ? '' : rawUrl.slice(qAt + 1);
    if (path === '/__admin' || path.startsWith('/__admin/')) {
      await handleAdmin(this, req, res, method, path, query);
      return;
    }
    const bodyText = await readBody(req);
    let principal: Principal = { kind: 'guest' };
    let status = 200;
    let storeCode: string | null = null;
    try {
      if (!path.startsWith('/rest/')) throw routeNotFound();
      const resolved = this.resolveStore(path.slice(5));
      storeCode = resolved.storeCode;
      const fault = this.faults.decide(method, resolved.apiPath, started);
      if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.kind !== 'none' && fault.afterHandler) {
        // The work is done and stays done whatever its outcome; only the answer is lost.
        await this.dispatch(req, method, rawUrl, resolved, query, bodyText, (p) => { principal = p; }).catch(() => undefined);
      }
      if (fault.kind === 'answer') {
        status = await sendFaultAnswer(res, fault.answer);
        return;
      }
      if (fault.kind === 'reset') {
        req.socket.destroy();
        status = 0;
        return;
      }
      if (fault.kind === 'respond') {
        status = fault.status;
        res.writeHead(fault.status, { 'content-type': fault.contentType, ...fault.headers });
        res.end(fault.body);
        return;
      }
      const result = await this.dispatch(req, method, rawUrl, resolved, query, bodyText, (p) => { principal = p; });
      status = result.status;
      send(res, result.status, result.body);
    } catch (error) {
      const known = error instanceof MagentoHttpError ? error : internalError();
      if (!(error instanceof MagentoHttpError)) process.emitWarning(`magento emulator: ${(error as Error).stack ?? String(error)}`);
      status = known.status;
      send(res, known.status, known.body, known.headers);
    } finally {
      this.log({ method, path, query, store: storeCode, principal: (principal as Principal).kind, status, durationMs: Date.now() - started });
    }
  }

  private async dispatch(
    req: IncomingMessage, method: string, rawUrl: string, resolved: { scope: StoreScope; apiPath: string },
    query: string, bodyText: string, setPrincipal: (p: Principal) => void,
  ): Promise<{ status: number; body: unknown }> {
    const { scope, apiPath } = resolved;
    const asyncBulk = apiPath.startsWith('/async/bulk/V1/');
    const asyncOne = !asyncBulk && apiPath.startsWith('/async/V1/');
    const routePath = asyncBulk ? apiPath.slice('/async/bulk'.length) : asyncOne ? apiPath.slice('/async'.length) : apiPath;
    const isAsync = asyncBulk || asyncOne;
    const match = isAsync && method === 'GET' ? undefined : matchRoute(asyncBulk ? this.bulkRoutes : this.routes, method, routePath);
    // A shop without the icsync module has no such route: Magento answers before authenticating.
    if (!match || (!this.settings.icsyncModule && match.route.def.path.startsWith('/V1/icsync/'))) throw routeNotFound();
    const fullUrl = `${this.settings.publicBaseUrl ?? `http://${req.headers.host ?? 'localhost'}`}${rawUrl}`;
    const principal = this.authenticate(req, method, fullUrl);
    setPrincipal(principal);
    this.authorize(principal, match.route.def.acl);
    const body = parseJson(bodyText);
    if (asyncBulk) {
      if (!Array.isArray(body)) throw badRequest('Input data is empty');
      if (body.length > this.settings.asyncBulkArrayLimit) {
        throw new MagentoHttpError(400, { message: 'Maximum items of type "%type" is %max', parameters: { type: 'array', max: this.settings.asyncBulkArrayLimit } });
      }
      const items = body.map((item) => ({ params: bulkParams(match.route.def.path, item), body: item }));
      return { status: 202, body: this.publish(match.route, scope, items, principal) };
    }
    if (asyncOne) return { status: 202, body: this.publish(match.route, scope, [{ params: match.params, body }], principal) };
    const validated = this.validate(match.route, body);
    const result = await match.route.def.handler(this.context(scope, match.params, parseStr(query), validated));
    const announced = ORDER_EVENT_ROUTES[match.route.def.path];
    if (announced) this.announceOrder(announced, Number(match.params.orderId ?? match.params.id));
    return { status: 200, body: result };
  }

  private log(entry: Omit<RequestLogEntry, 'id' | 'at'>): void {
    this.requestSeq += 1;
    this.requests.push({ id: this.requestSeq, at: magentoDate(), ...entry });
    if (this.requests.length > this.settings.requestLogLimit) this.requests.splice(0, this.requests.length - this.settings.requestLogLimit);
  }

  listen(port: number, host: string): Promise<Server> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        process.emitWarning(`magento emulator: ${String(error)}`);
        if (!res.headersSent) send(res, 500, internalError().body);
      });
    });
    server.keepAliveTimeout = 5000;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }
}

export const addressOf = (server: Server): AddressInfo => server.address() as AddressInfo;

function fill(message: string, parameters: unknown): string {
  if (!parameters || typeof parameters !== 'object') return message;
  return message.replace(/%(\w+)/g, (whole, name: string) => {
    const value = Array.isArray(parameters) ? parameters[Number(name) - 1] : (parameters as Record<string, unknown>)[name];
    return value === undefined ? whole : String(value);
  });
}

/** Bulk path params (`bySku`) come from each body item: top level, else one object deeper. */
function bulkParams(routePath: string, item: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  for (const segment of routePath.split('/')) {
    if (!segment.startsWith(':')) continue;
    const name = segment.slice(1);
    let value: unknown = isPlainObject(item) ? item[name] : undefined;
    if (value === undefined && isPlainObject(item)) {
      for (const inner of Object.values(item)) if (isPlainObject(inner) && inner[name] !== undefined) value = inner[name];
    }
    if (value !== undefined) params[name] = String(value);
  }
  return params;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Decoding error: %1', ['Syntax error']);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body === undefined ? [] : body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
