/**
 * The HTTP side of `icsync run`: /healthz (the process answers), /readyz (the store answers and
 * no flow is stopped by a configuration error), /metrics (Prometheus), a read-only JSON API for
 * the dashboard, two record actions (retry, skip) and the dashboard page itself at `/`.
 *
 * Nothing here echoes configuration: the API serves run history and ledger sentences, which
 * the flows write already free of secrets.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { CallBudget } from '../core/ports.js';
import type { Logger } from 'pino';
import type { Config, FlowName } from '../config/index.js';
import { RecordNotFoundError, retryRecord, skipRecord, type SyncMetrics } from '../engine/index.js';
import { ENTITY_KINDS, type EntityKind, type LinkRow, type Store } from '../store/index.js';
import { registerDashboard } from './dashboard.js';
import { serverGuard } from './guard.js';
import { collectStatus } from './status.js';

export interface RecordActions {
  retry(kind: EntityKind, key: string): Promise<LinkRow>;
  skip(kind: EntityKind, key: string): Promise<LinkRow>;
}

export interface ServerOptions {
  store: Store;
  config: Config;
  metrics: SyncMetrics;
  logger: Logger;
  /**
   * Flows the running process has stopped, with the sentence why (a configuration error).
   * /readyz answers 503 while any is present.
   */
  stoppedFlows?: () => Partial<Record<FlowName, string>>;
  /** When each flow runs next (from the scheduler). */
  nextRuns?: () => Partial<Record<FlowName, Date | null>>;
  /** The ERP's call budget (Minimax), shown in /api/status. */
  callBudget?: CallBudget;
  /** Default: the engine's retryRecord / skipRecord on `store`. */
  actions?: RecordActions;
  /** The address the server will listen on, when not server.host (`icsync run --host`): the guard refuses a non-loopback one without a token. */
  host?: string;
}

/** Header the dashboard sends with actions: a page on another site cannot send it without a CORS preflight we never grant. */
export const ACTION_HEADER = 'x-icsync-action';

export function createServer(options: ServerOptions): FastifyInstance {
  const { store, config, metrics } = options;
  const actions: RecordActions = options.actions ?? {
    retry: (kind, key) => retryRecord(store, kind, key),
    skip: (kind, key) => skipRecord(store, kind, key),
  };
  // Request lines are noise at info; the HTTP layer logs warnings and errors only.
  const app = Fastify({ loggerInstance: options.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger });

  void app.register(serverGuard, { listenHost: options.host ?? config.server.host, token: config.server.token, allowedHosts: config.server.allowedHosts });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const reasons: string[] = [];
    try {
      await store.runs.lastPerFlow();
    } catch (error) {
      reasons.push(`the store at ${store.target} does not answer: ${(error as Error).message}`);
    }
    for (const [flow, sentence] of Object.entries(options.stoppedFlows?.() ?? {})) reasons.push(`${flow} is stopped: ${sentence}`);
    return reply.code(reasons.length === 0 ? 200 : 503).send(reasons.length === 0 ? { status: 'ready' } : { status: 'not ready', reasons });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });

  app.get('/api/status', async () => {
    const status = await collectStatus(store, config, { ...(options.stoppedFlows && { stopped: options.stoppedFlows() }), ...(options.callBudget && { callBudget: options.callBudget }) });
    const next = options.nextRuns?.() ?? {};
    return { ...status, flows: status.flows.map((flow) => ({ ...flow, nextRunAt: next[flow.name]?.toISOString() ?? null })) };
  });

  app.get<{ Params: { kind: string; key: string } }>('/api/records/:kind/:key', async (request, reply) => {
    const kind = kindOf(request.params.kind);
    if (!kind) return reply.code(404).send({ error: unknownKind(request.params.kind) });
    const found = await store.ledger.timeline(kind, request.params.key);
    if (!found) return reply.code(404).send({ error: notInLedger(kind, request.params.key) });
    const { link, events } = found;
    return {
      kind: link.kind,
      shopKey: link.shopKey,
      erpKey: link.erpKey,
      state: link.state,
      attempts: link.attempts,
      nextAttemptAt: link.nextAttemptAt?.toISOString() ?? null,
      lastError: link.lastError,
      lastErrorClass: link.lastErrorClass,
      updatedAt: link.updatedAt.toISOString(),
      events: events.map((event) => ({ at: event.at.toISOString(), type: event.type, state: event.state, message: event.message })),
    };
  });

  app.post<{ Params: { kind: string; key: string; action: string } }>('/api/records/:kind/:key/:action', async (request, reply) => {
    const { action } = request.params;
    if (action !== 'retry' && action !== 'skip') return reply.code(404).send({ error: `unknown action ${action}; use retry or skip` });
    if (request.headers[ACTION_HEADER] === undefined) return reply.code(403).send({ error: `actions need the ${ACTION_HEADER} header (the dashboard sends it)` });
    const kind = kindOf(request.params.kind);
    if (!kind) return reply.code(404).send({ error: unknownKind(request.params.kind) });
    try {
      const row = await actions[action](kind, request.params.key);
      options.logger.info({ kind, key: request.params.key, action }, `${action} of ${kind} ${request.params.key} asked from the dashboard`);
      return { kind: row.kind, key: row.shopKey ?? row.erpKey, state: row.state };
    } catch (error) {
      if (error instanceof RecordNotFoundError) return reply.code(404).send({ error: notInLedger(kind, request.params.key) });
      throw error;
    }
  });

  registerDashboard(app, { store, actions, actionHeader: ACTION_HEADER, log: (fields, message) => options.logger.info(fields, message) });

  // Unexpected failures answer one sentence, never a stack.
  app.setErrorHandler((error, request, reply) => {
    options.logger.error({ err: error, url: request.url }, 'dashboard request failed');
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: status < 500 ? (error as Error).message : 'internal error; see the icsync log' });
  });

  return app;
}

function kindOf(value: string): EntityKind | undefined {
  return (ENTITY_KINDS as readonly string[]).includes(value) ? (value as EntityKind) : undefined;
}

const unknownKind = (value: string) => `"${value}" is not a record kind; use one of: ${ENTITY_KINDS.join(', ')}`;
const notInLedger = (kind: EntityKind, key: string) => `the ledger has no ${kind} with the key ${key}`;

export { collectStatus, listRecords, formatAge, describeSchedule, ATTENTION_STATES, type StatusReport, type FlowStatus, type AttentionRecord } from './status.js';
