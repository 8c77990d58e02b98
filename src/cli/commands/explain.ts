/** `icsync explain <kind> <key>`: one record's state, keys, last error and timeline. */
import type { EntityKind, LinkEvent, LinkRow } from '../../store/index.js';
import { withContext } from '../context.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { utc } from '../format.js';
import { configPathOf, parseKind, type CommandEnv } from './shared.js';

export function registerExplainCommand({ program, io }: CommandEnv): void {
  program
    .command('explain')
    .description('show one record\'s state and its whole timeline (key: shop or ERP key)')
    .argument('<kind>', 'order | partner | invoice | product | stock')
    .argument('<key>', 'the shop key (order number, SKU, …) or the ERP key')
    .action(async (kindText: string, key: string) => {
      const kind = parseKind(kindText);
      const found = await withContext(configPathOf(program), { io, minLevel: 'warn' }, (ctx) => ctx.store.ledger.timeline(kind, key));
      if (!found) throw new CliExit(EXIT.failure, notFound(kind, key));
      io.out(formatTimeline(found.link, found.events));
    });
}

export function notFound(kind: EntityKind, key: string): string {
  return `The ledger has no ${kind} with the key ${key} (neither as shop key nor as ERP key); icsync status lists the records it knows.`;
}

export function formatTimeline(link: LinkRow, events: readonly LinkEvent[]): string {
  const parts = [
    `${link.kind} ${link.shopKey ?? link.erpKey ?? link.id}\n`,
    `  state:     ${link.state}\n`,
    `  shop key:  ${link.shopKey ?? '-'}\n`,
    `  ERP key:   ${link.erpKey ?? '-'}\n`,
    `  attempts:  ${link.attempts}${link.nextAttemptAt ? `, next attempt ${utc(link.nextAttemptAt)}` : ''}\n`,
    `  updated:   ${utc(link.updatedAt)}\n`,
  ];
  if (link.lastError) parts.push(`  last error (${link.lastErrorClass ?? 'unclassified'}): ${link.lastError}\n`);
  parts.push(`\nTimeline (UTC), ${events.length} event${events.length === 1 ? '' : 's'}:\n`);
  for (const event of events) parts.push(`  ${utc(event.at)}  ${event.type.padEnd(16)} ${(event.state ?? '').padEnd(16)} ${event.message}\n`);
  return parts.join('');
}
