/**
 * The dashboard: a page and its script and style served as files (no inline script or style,
 * so a strict Content-Security-Policy with script-src 'self' holds; no build step), server-drawn
 * SVG charts, and the JSON the page reads beyond /api/status: the needs-a-person inbox with
 * filters and paging, and bulk retry/skip. The page inserts every value as text, never as HTML.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { FLOW_NAMES, type FlowName } from '../config/index.js';
import { ENTITY_KINDS, type EntityKind, type RunRow, type Store } from '../store/index.js';
import { lagSeries, lineChartSvg, shortDuration, throughputSeries, type Window } from './charts.js';
import { ATTENTION_STATES, listRecords, type AttentionRecord } from './status.js';

/** The page's files, read once at start: they ship next to this module (copied into dist/ by the build). */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/assets/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};

export interface DashboardActions {
  retry(kind: EntityKind, key: string): Promise<{ state: string }>;
  skip(kind: EntityKind, key: string): Promise<{ state: string }>;
}

export interface DashboardOptions {
  store: Store;
  actions: DashboardActions;
  /** The header every action must carry (a page on another site cannot send it without a CORS preflight). */
  actionHeader: string;
  log: (fields: Record<string, unknown>, message: string) => void;
}

/** Chart ranges the page offers; more would read more run history per request. */
const RANGES: Record<string, number> = { '6h': 6, '24h': 24, '7d': 168 };
/** Runs read per flow for a chart: a flow every minute for a week is 10 080 runs. */
const RUNS_PER_CHART = 12_000;
/** Records one bulk action may name. */
const BULK_MAX = 500;
/** The inbox filters over at most this many records (the newest); the count says when there are more. */
const INBOX_SCAN = 5000;

export function registerDashboard(app: FastifyInstance, options: DashboardOptions): void {
  const { store } = options;
  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(`./assets/${asset.file}`, import.meta.url), 'utf8');
    app.get(path, async (_request, reply) => reply.type(asset.type).header('cache-control', 'no-cache').send(body));
  }

  app.get<{ Params: { chart: string }; Querystring: { range?: string } }>('/api/charts/:chart', async (request, reply) => {
    const { chart } = request.params;
    if (chart !== 'throughput.svg' && chart !== 'lag.svg') return reply.code(404).send({ error: `no chart ${chart}; use throughput.svg or lag.svg` });
    const range = request.query.range ?? '24h';
    const hours = RANGES[range];
    if (hours === undefined) return reply.code(400).send({ error: `range must be one of ${Object.keys(RANGES).join(', ')}` });
    const to = new Date();
    const window: Window = { from: new Date(to.getTime() - hours * 3_600_000), to, buckets: 48 };
    const runs = await runsSince(store, window.from);
    const svg =
      chart === 'throughput.svg'
        ? lineChartSvg({ title: `Records moved per ${shortDuration((hours * 3600) / window.buckets)}, last ${range}`, series: throughputSeries(runs, window), window, format: (v) => String(Math.round(v)) })
        : lineChartSvg({ title: `Lag (time since the last good run), last ${range}`, series: lagSeries(runs, window), window, format: shortDuration, durations: true });
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(svg);
  });

  app.get<{ Querystring: { kind?: string; state?: string; errorClass?: string; q?: string; offset?: string; limit?: string } }>('/api/records', async (request, reply) => {
    const query = request.query;
    if (query.kind && !(ENTITY_KINDS as readonly string[]).includes(query.kind)) return reply.code(400).send({ error: `kind must be one of ${ENTITY_KINDS.join(', ')}` });
    const states = query.state ? query.state.split(',') : ATTENTION_STATES;
    const offset = Math.max(0, Number(query.offset ?? 0) || 0);
    const limit = Math.min(200, Math.max(1, Number(query.limit ?? 50) || 50));
    const scanned = await listRecords(store, { ...(query.kind && { kind: query.kind as EntityKind }), states, limit: INBOX_SCAN });
    const needle = query.q?.trim().toLowerCase();
    const matching = scanned.filter(
      (record: AttentionRecord) =>
        (!query.errorClass || (record.errorClass ?? 'unclassified') === query.errorClass) &&
        (!needle || `${record.key} ${record.erpKey ?? ''} ${record.reason}`.toLowerCase().includes(needle)),
    );
    return { total: matching.length, truncated: scanned.length === INBOX_SCAN, offset, records: matching.slice(offset, offset + limit) };
  });

  app.post<{ Body: { action?: string; records?: { kind?: string; key?: string }[] } }>('/api/records/bulk', async (request, reply) => {
    if (request.headers[options.actionHeader] === undefined) return reply.code(403).send({ error: `actions need the ${options.actionHeader} header (the dashboard sends it)` });
    const { action, records } = request.body ?? {};
    if (action !== 'retry' && action !== 'skip') return reply.code(400).send({ error: 'action must be retry or skip' });
    if (!Array.isArray(records) || records.length === 0 || records.length > BULK_MAX) return reply.code(400).send({ error: `records must list 1 to ${BULK_MAX} {kind, key}` });
    // One by one, each on its own: a record that cannot be moved does not stop the others.
    const results: { kind: string; key: string; ok: boolean; state?: string; error?: string }[] = [];
    for (const record of records) {
      const kind = String(record.kind ?? '');
      const key = String(record.key ?? '');
      if (!(ENTITY_KINDS as readonly string[]).includes(kind)) {
        results.push({ kind, key, ok: false, error: `"${kind}" is not a record kind` });
        continue;
      }
      try {
        const row = await options.actions[action](kind as EntityKind, key);
        results.push({ kind, key, ok: true, state: row.state });
      } catch (error) {
        results.push({ kind, key, ok: false, error: (error as Error).message });
      }
    }
    const done = results.filter((r) => r.ok).length;
    options.log({ action, asked: records.length, done }, `${action} of ${done} of ${records.length} records asked from the dashboard`);
    return { action, done, failed: results.length - done, results };
  });
}

async function runsSince(store: Store, from: Date): Promise<Record<FlowName, RunRow[]>> {
  const entries = await Promise.all(
    FLOW_NAMES.map(async (flow) => [flow, (await store.runs.latest(flow, RUNS_PER_CHART)).filter((run) => (run.finishedAt ?? run.startedAt) >= from && run.status !== 'running')] as const),
  );
  return Object.fromEntries(entries) as Record<FlowName, RunRow[]>;
}
