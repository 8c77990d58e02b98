/**
 * What deserves an alert, found by looking at the ledger and the run history (the same data
 * `icsync status` reads): a record that started to wait for a person, a flow that failed N runs
 * in a row, a flow whose lag passed the threshold. Each condition is reported once: a record
 * once per time it enters needs_attention, a failing streak or a lag once until it clears.
 */
import { FLOW_NAMES, type Config, type FlowName } from '../config/index.js';
import { aboutRecord } from '../flows/common.js';
import { formatAge } from '../server/status.js';
import type { EntityKind, Store } from '../store/index.js';
import type { AlertsConfig } from './config.js';

export type Alert =
  | { type: 'needs_person'; at: string; kind: EntityKind; key: string; sentence: string }
  | { type: 'flow_failing'; at: string; flow: FlowName; runs: number; sentence: string }
  | { type: 'lag'; at: string; flow: FlowName; lagSeconds: number; sentence: string };

export interface Watch {
  /** New alerts since the last call. */
  check(): Promise<Alert[]>;
}

/** Records per check: a thousand new ones at once are summarised by the digest anyway. */
const RECORDS_PER_CHECK = 1000;

export function createWatch(store: Store, config: Config, settings: AlertsConfig, now: () => Date): Watch {
  // Records that enter needs_attention after this instant are new; the first check takes the
  // start as its baseline, so a restart does not repeat every waiting record.
  let since = now();
  /** kind/key → updatedAt already alerted, so one entry is told once even if checks overlap in time. */
  const told = new Map<string, number>();
  const failing = new Set<FlowName>();
  const lagging = new Set<FlowName>();

  async function newRecords(): Promise<Alert[]> {
    if (!settings.needsPerson) return [];
    const rows = await store.ledger.list({ states: ['needs_attention'], limit: RECORDS_PER_CHECK });
    const out: Alert[] = [];
    let newest = since.getTime();
    for (const row of rows) {
      const updated = row.updatedAt.getTime();
      if (updated <= since.getTime()) continue;
      const key = row.shopKey ?? row.erpKey ?? String(row.id);
      const id = `${row.kind}\u0000${key}`;
      if (told.get(id) === updated) continue;
      told.set(id, updated);
      newest = Math.max(newest, updated);
      out.push({ type: 'needs_person', at: row.updatedAt.toISOString(), kind: row.kind, key, sentence: aboutRecord(row.kind, key, row.lastError ?? 'waits for a person') });
    }
    since = new Date(newest);
    if (told.size > 10 * RECORDS_PER_CHECK) told.clear();
    return out;
  }

  async function flowAlerts(): Promise<Alert[]> {
    const out: Alert[] = [];
    const at = now();
    for (const flow of FLOW_NAMES) {
      if (!config.flows[flow].enabled) continue;
      // Skipped (overlapping) and running runs say nothing about success.
      const runs = (await store.runs.latest(flow, settings.failedRunsInARow * 3 + 10)).filter((run) => run.status !== 'skipped' && run.status !== 'running');
      const streak = runs.slice(0, settings.failedRunsInARow);
      const isFailing = streak.length === settings.failedRunsInARow && streak.every((run) => run.status === 'failed');
      if (isFailing && !failing.has(flow)) {
        failing.add(flow);
        const reason = streak[0]!.error ?? 'no reason recorded';
        out.push({ type: 'flow_failing', at: at.toISOString(), flow, runs: streak.length, sentence: `The ${flow} flow failed ${streak.length} runs in a row; the last said: ${reason}` });
      } else if (!isFailing && runs[0]?.status === 'ok') {
        failing.delete(flow);
      }
      const good = runs.find((run) => run.status === 'ok');
      const lastGood = good ? (good.finishedAt ?? good.startedAt) : undefined;
      const lagMs = lastGood ? at.getTime() - lastGood.getTime() : undefined;
      if (lagMs !== undefined && lagMs > settings.lagAbove && !lagging.has(flow)) {
        lagging.add(flow);
        const seconds = Math.round(lagMs / 1000);
        out.push({ type: 'lag', at: at.toISOString(), flow, lagSeconds: seconds, sentence: `The ${flow} flow has not finished a good run for ${formatAge(seconds)} (alerts.lagAbove is ${formatAge(Math.round(settings.lagAbove / 1000))}); last good run ${lastGood!.toISOString().slice(0, 19).replace('T', ' ')} UTC.` });
      } else if (lagMs !== undefined && lagMs <= settings.lagAbove) {
        lagging.delete(flow);
      }
    }
    return out;
  }

  return {
    async check() {
      return [...(await flowAlerts()), ...(await newRecords())];
    },
  };
}
