/**
 * `icsync sync <flow|all> [--dry-run] [--full]`: one run now, with a progress bar on a terminal
 * and a summary at the end. Exit 1 when a flow stopped with an error; records waiting for a
 * person are listed but are not a failure of the command.
 */
import { Presets, SingleBar } from 'cli-progress';
import { FLOW_NAMES, type FlowName } from '../../config/index.js';
import { recoverAfterCrash, runSync } from '../../engine/index.js';
import { aboutRecord } from '../../flows/common.js';
import type { FlowReport, PlannedChange } from '../../flows/types.js';
import { withContext } from '../context.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { formatCounts, table } from '../format.js';
import type { CliIo } from '../io.js';
import { configPathOf, type CommandEnv } from './shared.js';

interface SyncFlags {
  dryRun?: boolean;
  full?: boolean;
}

export function registerSyncCommand({ program, io }: CommandEnv): void {
  program
    .command('sync')
    .description('run one flow (or all enabled flows) now and print what was done')
    .argument('<flow>', `${FLOW_NAMES.join(' | ')} | all`)
    .option('--dry-run', 'read and compare, print what would change, write nothing anywhere')
    .option('--full', 'ignore cursors and content hashes: read and write everything')
    .action(async (flow: string, flags: SyncFlags) => {
      if (flow !== 'all' && !(FLOW_NAMES as readonly string[]).includes(flow)) {
        throw new CliExit(EXIT.usage, `"${flow}" is not a flow; use one of: ${FLOW_NAMES.join(', ')}, all.`);
      }
      const dryRun = flags.dryRun === true;
      const reports = await withContext(configPathOf(program), { io, minLevel: 'warn', readOnlyStore: dryRun }, async (ctx) => {
        const progress = createProgress(io);
        if (!dryRun) await recoverAfterCrash(ctx.store, ctx.logger);
        try {
          return await runSync(ctx.flowContext, flow as FlowName | 'all', {
            dryRun,
            full: flags.full === true,
            metrics: ctx.metrics,
            onProgress: progress.update,
          });
        } finally {
          progress.stop();
        }
      });
      io.out(formatReports(reports, dryRun));
      if (reports.some((report) => report.error !== undefined)) throw new CliExit(EXIT.failure, '');
    });
}

/**
 * On a terminal: a cli-progress bar when the phase knows its total, else a running count (a
 * bar without a total would be drawn full from the first page). Nothing otherwise: logs and
 * pipes stay clean.
 */
function createProgress(io: CliIo): { update: (p: { phase: string; done: number; total?: number }) => void; stop: () => void } {
  const stream = io.progressStream;
  if (!io.isTTY || !stream) return { update: () => undefined, stop: () => undefined };
  let bar: SingleBar | undefined;
  let phase = '';
  let counting = false;
  return {
    update(p) {
      const counter = p.total === undefined;
      if (!bar || p.phase !== phase || counter !== counting) {
        bar?.stop();
        const format = counter ? '{phase}: {value} records so far' : '{phase} [{bar}] {value}/{total}';
        bar = new SingleBar({ format, stream, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(p.total ?? 0, p.done, { phase: p.phase });
        phase = p.phase;
        counting = counter;
      }
      if (p.total !== undefined) bar.setTotal(p.total);
      bar.update(p.done, { phase: p.phase });
    },
    stop() {
      bar?.stop();
    },
  };
}

export function formatReports(reports: readonly FlowReport[], dryRun: boolean): string {
  const parts: string[] = [];
  if (dryRun) {
    for (const report of reports) {
      parts.push(`${report.flow}: ${wouldWrite(report)}\n`);
      for (const change of report.changes) parts.push(formatChange(change));
    }
    parts.push('\nDry run: nothing was written.\n\n');
  }
  const rows = reports.map((report) => [
    report.flow,
    report.skipped ? (report.waiting ?? 'skipped (another run is going)') : report.error !== undefined ? `stopped (${report.errorClass ?? 'error'})` : 'ok',
    formatCounts(report.counts),
    `${(report.durationMs / 1000).toFixed(1)} s`,
  ]);
  parts.push(table([['flow', 'result', 'counts', 'time'], ...rows]));
  for (const report of reports) {
    if (report.error !== undefined) parts.push(`\n${report.flow} stopped: ${forOneShot(report.error)}\n`);
    const problems = report.problems.filter((problem) => problem.message !== report.error);
    if (problems.length === 0) continue;
    const total = report.counts.problems ?? problems.length;
    parts.push(`\n${report.flow}: ${total} record${total === 1 ? '' : 's'} need${total === 1 ? 's' : ''} a person (icsync explain <kind> <key>):\n`);
    for (const problem of problems) parts.push(`  ${aboutRecord(problem.kind, problem.key, forOneShot(problem.message, true))}\n`);
    if (total > problems.length) parts.push(`  … and ${total - problems.length} more: the ledger holds every one (icsync status --all; products only in the ERP: icsync status --only-in-erp)\n`);
  }
  return parts.join('');
}

/** `wouldNeedAttention` → `need attention`. */
const actionOf = (count: string) => count.slice('would'.length).replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase();

/**
 * The dry run's headline for one flow, from its would* counts: one per action, because the
 * listed changes are capped (counting the list under-reports a large catalog) and a ledger
 * flow may count two actions for one record (discover, then enter). A flow that stopped says
 * so: what it found is only what it saw before the stop.
 */
function wouldWrite(report: FlowReport): string {
  const would = Object.entries(report.counts).filter(([name, value]) => name.startsWith('would') && value > 0);
  // A flow without would* counts: its list is all there is.
  const actions = would.length > 0 ? would.map(([name, value]) => `${actionOf(name)} ${value}`) : report.changes.length > 0 ? [`write ${report.changes.length}`] : [];
  const listed = report.changes.length < would.reduce((sum, [, value]) => sum + value, 0) ? ` (${report.changes.length} listed below)` : '';
  const found = actions.length === 0 ? undefined : `would ${actions.join(', ')}${listed}`;
  if (report.error !== undefined) return `stopped before it finished (the reason is below); up to there it ${found ?? 'found nothing to write'}`;
  return found ?? 'nothing would be written';
}

function formatChange(change: PlannedChange): string {
  const lines = [`  ${change.action} ${change.kind} ${change.key}\n`];
  for (const [field, [before, after]] of Object.entries(change.fields)) {
    lines.push(`      ${field}: ${before === undefined ? '' : `${show(before)} → `}${show(after)}\n`);
  }
  return lines.join('');
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/** Queries longer than this are left out of printed sentences (a Magento search URL runs to hundreds of characters). */
const MAX_QUERY = 40;

const RETRY_CLAUSE = /[.;,]?\s*[Ii]t will be retried(?: later)?\./g;

/**
 * A connector's sentence as a one-shot command prints it. Connectors word transient failures for
 * `icsync run`, which does retry later; a one-shot sync ends instead, so the person is told how
 * to retry. A record that waits for a person is not retried by anything: there the clause is
 * dropped (its sentence already says what to do). A long query string is left out
 * (`/V1/orders?…`): the full request stays in the log and the ledger.
 */
export function forOneShot(sentence: string, waitsForPerson = false): string {
  return sentence
    .replace(RETRY_CLAUSE, waitsForPerson ? '.' : '. Run the command again later, or let icsync run retry it on its schedule.')
    .replace(/(\/[^\s?"]*)\?([^\s"]*?)([.,:;)]*)(?=[\s"]|$)/g, (whole, path: string, query: string, tail: string) =>
      query.length > MAX_QUERY ? `${path}?…${tail}` : whole,
    );
}
