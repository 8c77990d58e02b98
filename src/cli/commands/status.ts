/** `icsync status`: per flow the last run and lag, ledger counts, and what waits for a person. */
import { aboutRecord } from '../../flows/common.js';
import { collectStatus, formatAge, listRecords, type AttentionRecord, type StatusReport } from '../../server/status.js';
import { recoverAfterCrash } from '../../engine/index.js';
import { withContext } from '../context.js';
import { formatCounts, table, utc } from '../format.js';
import { configPathOf, type CommandEnv } from './shared.js';

export function registerStatusCommand({ program, io }: CommandEnv): void {
  program
    .command('status')
    .description('show each flow\'s last run and lag, the ledger counts and the records that need a person')
    .option('--json', 'print the status as JSON (the same as the dashboard\'s /api/status)')
    .option('--all', 'list every record that needs a person (default: the 200 most recent)')
    .option('--only-in-erp', 'list every product that is only in the ERP (not in the shop), nothing else')
    .action(async (flags: { json?: boolean; all?: boolean; onlyInErp?: boolean }) => {
      if (flags.onlyInErp) {
        const records = await withContext(configPathOf(program), { io, minLevel: 'warn' }, (ctx) => listRecords(ctx.store, { kind: 'product', states: ['only_in_erp'] }));
        io.out(flags.json ? `${JSON.stringify(records, null, 2)}\n` : formatOnlyInErp(records));
        return;
      }
      const status = await withContext(configPathOf(program), { io, minLevel: 'warn' }, async (ctx) => {
        // A run left `running` by a process that ended is shown as what it is: interrupted.
        await recoverAfterCrash(ctx.store, ctx.logger);
        return collectStatus(ctx.store, ctx.config, { ...(flags.all && { attentionLimit: Number.POSITIVE_INFINITY }), ...(ctx.erp.callBudget && { callBudget: ctx.erp.callBudget }) });
      });
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
  if (status.events) {
    const e = status.events;
    parts.push(`\nEvents: intake ${e.intake}, ${e.received} received (${e.recorded} new orders); reconciliation found ${e.missedByEvents} order${e.missedByEvents === 1 ? '' : 's'} no event announced`);
    parts.push(e.publish === 'off' ? '\n' : `; publishing to ${e.publish}, ${e.outboxBacklog} waiting in the outbox\n`);
  }
  parts.push('\nLedger\n');
  parts.push(status.counts.length === 0 ? '  (empty)\n' : table([['kind', 'state', 'records'], ...status.counts.map((c) => [c.kind, c.state, String(c.count)])]));
  if (status.attention.length === 0) {
    parts.push('\nNo record needs a person.\n');
  } else {
    const total = Math.max(status.attentionTotal, status.attention.length);
    parts.push(`\n${total} record${total === 1 ? '' : 's'} need${total === 1 ? 's' : ''} a person (icsync explain <kind> <key>, then icsync retry or skip):\n`);
    for (const record of status.attention) parts.push(`  [${record.state}] ${aboutRecord(record.kind, record.key, record.reason)}\n`);
    if (total > status.attention.length) parts.push(`  … ${total - status.attention.length} more, older: icsync status --all lists every one.\n`);
  }
  if (status.onlyInErp > 0) {
    parts.push(`\n${status.onlyInErp} product${status.onlyInErp === 1 ? ' is' : 's are'} only in the ERP (not in the shop): icsync status --only-in-erp lists every one.\n`);
  }
  return parts.join('');
}

export function formatOnlyInErp(records: readonly AttentionRecord[]): string {
  if (records.length === 0) return 'No product is only in the ERP.\n';
  const lines = [`${records.length} product${records.length === 1 ? ' is' : 's are'} only in the ERP (the shop has no product with the SKU). To sell one, create it in the shop and run icsync resync product <SKU>, or set flows.products.createNew: true.\n`];
  for (const record of records) lines.push(`  ${record.key}\n`);
  return lines.join('');
}
