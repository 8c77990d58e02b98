/** Building a FlowReport while a flow runs: counts, problems (capped), planned changes (capped). */
import type { FlowName } from '../config/schema.js';
import type { EntityKind } from '../store/index.js';
import type { FlowReport, PlannedChange } from './types.js';

/** Enough for a person to see the pattern; the ledger holds every one. */
const MAX_PROBLEMS = 200;
const MAX_CHANGES = 500;

export interface ReportBuilder {
  report: FlowReport;
  count(name: string, by?: number): void;
  problem(kind: EntityKind, key: string, message: string): void;
  change(change: PlannedChange): void;
  finish(): FlowReport;
}

export function startReport(flow: FlowName, dryRun: boolean): ReportBuilder {
  const started = Date.now();
  const report: FlowReport = { flow, dryRun, counts: {}, problems: [], changes: [], durationMs: 0 };
  return {
    report,
    count(name, by = 1) {
      report.counts[name] = (report.counts[name] ?? 0) + by;
    },
    problem(kind, key, message) {
      report.counts.problems = (report.counts.problems ?? 0) + 1;
      if (report.problems.length < MAX_PROBLEMS) report.problems.push({ kind, key, message });
    },
    change(change) {
      if (report.changes.length < MAX_CHANGES) report.changes.push(change);
    },
    finish() {
      report.durationMs = Date.now() - started;
      return report;
    },
  };
}

/** Adds the counts and problems of `part` into `into` (discover + drain of one ledger flow). */
export function mergeReport(into: FlowReport, part: FlowReport): FlowReport {
  for (const [name, value] of Object.entries(part.counts)) into.counts[name] = (into.counts[name] ?? 0) + value;
  into.problems.push(...part.problems.slice(0, Math.max(0, MAX_PROBLEMS - into.problems.length)));
  into.changes.push(...part.changes.slice(0, Math.max(0, MAX_CHANGES - into.changes.length)));
  into.durationMs += part.durationMs;
  return into;
}
