/**
 * The status of the synchronizer as one plain object: per flow the last run, the lag and the
 * cursor; ledger counts by kind and state; the records that wait for a person, each with its
 * reason. `icsync status` prints it; the dashboard's /api/status serves it. Only sentences
 * from the ledger and run history appear (they are scrubbed of secrets when written).
 */
import { FLOW_NAMES, type Config, type FlowName } from '../config/index.js';
import type { CallBudget } from '../core/ports.js';
import type { EntityKind, LinkRow, RunRow, StateCount, Store } from '../store/index.js';
import { eventsStatus, type EventsStatus } from '../bus/index.js';

/** Ledger states that mean a person has to act (or decide to skip). */
export const ATTENTION_STATES = ['needs_attention', 'failed'];

export interface FlowStatus {
  name: FlowName;
  enabled: boolean;
  /** "every 2m" or "cron 0 * * * *". */
  schedule: string;
  lastRun?: { status: RunRow['status']; startedAt: string; finishedAt: string | null; counts: Record<string, number>; error: string | null };
  /** When the flow last finished without a flow-level error. */
  lastSuccessAt?: string;
  /** Seconds since lastSuccessAt; absent before the first good run. */
  lagSeconds?: number;
  cursor?: string;
  /** Set by a running process when the flow is stopped (e.g. by a configuration error). */
  stopped?: string;
}

export interface AttentionRecord {
  kind: EntityKind;
  key: string;
  shopKey: string | null;
  erpKey: string | null;
  state: string;
  reason: string;
  errorClass: string | null;
  attempts: number;
  updatedAt: string;
}

/** The ERP's call budget over the rolling window (only for an ERP that has one: Minimax). */
export interface CallBudgetReport {
  target: string;
  used: number;
  /** Calls icsync plans within (a share of the limit). */
  usable: number;
  /** Calls the ERP allows in the window. */
  limit: number;
  remaining: number;
  windowHours: number;
  nextFreeAt?: string;
}

export interface StatusReport {
  generatedAt: string;
  callBudget?: CallBudgetReport;
  store: string;
  flows: FlowStatus[];
  counts: StateCount[];
  /** The most recently updated records that need a person, at most the limit asked for. */
  attention: AttentionRecord[];
  /** How many records need a person in all (attention may hold fewer). */
  attentionTotal: number;
  /** Products the ERP has and the shop does not (state only_in_erp); `icsync status --only-in-erp` lists them. */
  onlyInErp: number;
  /** Event-driven mode, when on (docs/EVENTS.md). */
  events?: EventsStatus;
}

/** The store answers at most this many rows per list call; longer lists are read page by page. */
const PAGE = 1000;

/**
 * Every record of these states (of one kind, or all), most recently updated first, read page by
 * page so no list is cut at a page size; `limit` stops early.
 */
export async function listRecords(store: Store, filter: { kind?: EntityKind; states: string[]; offset?: number; limit?: number }): Promise<AttentionRecord[]> {
  const out: AttentionRecord[] = [];
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  let offset = filter.offset ?? 0;
  while (out.length < limit) {
    const size = Math.min(PAGE, limit - out.length);
    const rows = await store.ledger.list({ ...(filter.kind && { kind: filter.kind }), states: filter.states, limit: size, offset });
    out.push(...rows.map(toRecord));
    if (rows.length < size) break;
    offset += rows.length;
  }
  return out;
}

function toRecord(row: LinkRow): AttentionRecord {
  return {
    kind: row.kind,
    key: row.shopKey ?? row.erpKey ?? String(row.id),
    shopKey: row.shopKey,
    erpKey: row.erpKey,
    state: row.state,
    reason: row.lastError ?? `in state ${row.state}`,
    errorClass: row.lastErrorClass,
    attempts: row.attempts,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** How many runs back to look for the last good one. */
const RUN_HISTORY = 50;

export function describeSchedule(schedule: Config['flows'][FlowName]['schedule']): string {
  if ('cron' in schedule) return `cron ${schedule.cron}`;
  const seconds = Math.round(schedule.every / 1000);
  if (seconds % 3600 === 0) return `every ${seconds / 3600}h`;
  if (seconds % 60 === 0) return `every ${seconds / 60}m`;
  return `every ${seconds}s`;
}

export async function collectStatus(
  store: Store,
  config: Config,
  options: { now?: Date; /** Default 200; Infinity for every one. */ attentionLimit?: number; stopped?: Partial<Record<FlowName, string>>; callBudget?: CallBudget } = {},
): Promise<StatusReport> {
  const now = options.now ?? new Date();
  const flows = await Promise.all(
    FLOW_NAMES.map(async (name): Promise<FlowStatus> => {
      const runs = await store.runs.latest(name, RUN_HISTORY);
      const last = runs[0];
      const good = runs.find((run) => run.status === 'ok');
      const cursor = await store.cursors.get(name);
      const lastSuccessAt = good ? (good.finishedAt ?? good.startedAt) : undefined;
      const stopped = options.stopped?.[name];
      return {
        name,
        enabled: config.flows[name].enabled,
        schedule: describeSchedule(config.flows[name].schedule),
        ...(last && {
          lastRun: { status: last.status, startedAt: last.startedAt.toISOString(), finishedAt: last.finishedAt?.toISOString() ?? null, counts: last.counts, error: last.error },
        }),
        ...(lastSuccessAt && { lastSuccessAt: lastSuccessAt.toISOString(), lagSeconds: Math.max(0, Math.round((now.getTime() - lastSuccessAt.getTime()) / 1000)) }),
        ...(cursor !== undefined && { cursor }),
        ...(stopped !== undefined && { stopped }),
      };
    }),
  );
  const counts = await store.ledger.countByState();
  const attention = await listRecords(store, { states: ATTENTION_STATES, limit: options.attentionLimit ?? 200 });
  const attentionTotal = counts.filter((c) => ATTENTION_STATES.includes(c.state)).reduce((sum, c) => sum + c.count, 0);
  const onlyInErp = counts.filter((c) => c.kind === 'product' && c.state === 'only_in_erp').reduce((sum, c) => sum + c.count, 0);
  const events = await eventsStatus(store, config);
  const callBudget = options.callBudget ? await budgetReport(options.callBudget) : undefined;
  return { generatedAt: now.toISOString(), ...(callBudget && { callBudget }), store: store.target, flows, counts, attention, attentionTotal, onlyInErp, ...(events && { events }) };
}

async function budgetReport(budget: CallBudget): Promise<CallBudgetReport> {
  const s = await budget.status();
  return {
    target: s.target, used: s.used, usable: s.usable, limit: s.limit, remaining: Math.max(0, s.usable - s.used), windowHours: s.windowMs / 3_600_000,
    ...(s.nextFreeAt && { nextFreeAt: s.nextFreeAt.toISOString() }),
  };

}

/** "3 h 12 min", "45 s": how long ago, for people. */
export function formatAge(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
