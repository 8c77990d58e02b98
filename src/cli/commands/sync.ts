/**
 * `icsync sync <flow|all> [--dry-run] [--full]`: one run now, with a progress bar on a terminal
 * and a summary at the end. Exit 1 when a flow stopped with an error; records waiting for a
 * person are listed but are not a failure of the command.
 */
import { Presets, SingleBar } from 'cli-progress';
import { FLOW_NAMES, type FlowName } from '../../config/index.js';
import { runSync } from '../../engine/index.js';
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
      const reports = await withContext(configPathOf(program), { io, minLevel: 'warn' }, async (ctx) => {
        const progress = createProgress(io);
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

/** A cli-progress bar on a terminal; nothing otherwise (logs and pipes stay clean). */
function createProgress(io: CliIo): { update: (p: { phase: string; done: number; total?: number }) => void; stop: () => void } {
  if (!io.isTTY || !io.progressStream) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: '{phase} [{bar}] {value}/{total}', stream: io.progressStream, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  let started = false;
  let phase = '';
  return {
    update(p) {
      const total = p.total ?? Math.max(p.done, 1);
      if (!started || p.phase !== phase) {
        if (started) bar.stop();
        bar.start(total, p.done, { phase: p.phase });
        started = true;
        phase = p.phase;
      }
      bar.setTotal(total);
      bar.update(p.done, { phase: p.phase });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function formatReports(reports: readonly FlowReport[], dryRun: boolean): string {
  const parts: string[] = [];
  if (dryRun) {
    for (const report of reports) {
      parts.push(`${report.flow}: ${report.changes.length === 0 ? 'nothing would be written' : `would write ${report.changes.length} record${report.changes.length === 1 ? '' : 's'}`}\n`);
      for (const change of report.changes) parts.push(formatChange(change));
    }
    parts.push('\nDry run: nothing was written.\n\n');
  }
  const rows = reports.map((report) => [
    report.flow,
    report.skipped ? 'skipped (another run is going)' : report.error !== undefined ? `stopped (${report.errorClass ?? 'error'})` : 'ok',
    formatCounts(report.counts),
    `${(report.durationMs / 1000).toFixed(1)} s`,
  ]);
  parts.push(table([['flow', 'result', 'counts', 'time'], ...rows]));
  for (const report of reports) {
    if (report.error !== undefined) parts.push(`\n${report.flow} stopped: ${report.error}\n`);
    const problems = report.problems.filter((problem) => problem.message !== report.error);
    if (problems.length === 0) continue;
    const total = report.counts.problems ?? problems.length;
    parts.push(`\n${report.flow}: ${total} record${total === 1 ? '' : 's'} need${total === 1 ? 's' : ''} a person (icsync explain <kind> <key>):\n`);
    for (const problem of problems) parts.push(`  ${problem.kind} ${problem.key}: ${problem.message}\n`);
    if (total > problems.length) parts.push(`  … and ${total - problems.length} more (icsync status lists them)\n`);
  }
  return parts.join('');
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
