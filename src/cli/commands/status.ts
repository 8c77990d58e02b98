/** `icsync status`: per flow the last run and lag, ledger counts, and what waits for a person. */
import { collectStatus, formatAge, type StatusReport } from '../../server/status.js';
import { withContext } from '../context.js';
import { formatCounts, table, utc } from '../format.js';
import { configPathOf, type CommandEnv } from './shared.js';

export function registerStatusCommand({ program, io }: CommandEnv): void {
  program
    .command('status')
    .description('show each flow\'s last run and lag, the ledger counts and the records that need a person')
    .option('--json', 'print the status as JSON (the same as the dashboard\'s /api/status)')
    .action(async (flags: { json?: boolean }) => {
      const status = await withContext(configPathOf(program), { io, minLevel: 'warn' }, (ctx) => collectStatus(ctx.store, ctx.config, { ...(ctx.erp.callBudget && { callBudget: ctx.erp.callBudget }) }));
      io.out(flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    });
}

export function formatStatus(status: StatusReport): string {
  const parts: string[] = [`Store: ${status.store}\n`];
  const budget = status.callBudget;
  if (budget) {
    parts.push(
      `ERP calls: ${budget.used} of ${budget.usable} used in the last ${budget.windowHours} h, ${budget.remaining} left ` +
        `(${budget.target} allows ${budget.limit}; icsync plans within ${budget.usable})${budget.nextFreeAt ? `; the oldest call ages out at ${utc(budget.nextFreeAt)}` : ''}\n`,
    );
  }
  parts.push('\n');
  parts.push(
    table([
      ['flow', 'schedule', 'last run (UTC)', 'result', 'counts', 'lag', 'cursor'],
      ...status.flows.map((flow) => [
        flow.enabled ? flow.name : `${flow.name} (off)`,
        flow.schedule,
        utc(flow.lastRun?.startedAt),
        flow.lastRun?.status ?? 'never run',
        flow.lastRun ? formatCounts(flow.lastRun.counts) : '-',
        flow.lagSeconds === undefined ? '-' : formatAge(flow.lagSeconds),
        flow.cursor ?? '-',
      ]),
    ]),
  );
  for (const flow of status.flows) {
    if (flow.lastRun?.error) parts.push(`\n${flow.name} last run stopped: ${flow.lastRun.error}\n`);
  }
  parts.push('\nLedger\n');
  parts.push(status.counts.length === 0 ? '  (empty)\n' : table([['kind', 'state', 'records'], ...status.counts.map((c) => [c.kind, c.state, String(c.count)])]));
  if (status.attention.length === 0) {
    parts.push('\nNo record needs a person.\n');
  } else {
    parts.push(`\n${status.attention.length} record${status.attention.length === 1 ? '' : 's'} need${status.attention.length === 1 ? 's' : ''} a person (icsync explain <kind> <key>, then icsync retry or skip):\n`);
    for (const record of status.attention) parts.push(`  ${record.kind} ${record.key} [${record.state}]: ${record.reason}\n`);
  }
  return parts.join('');
}
