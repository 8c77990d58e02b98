/**
 * `icsync retry <kind> <key>` / `icsync retry --all-failed`, `icsync skip <kind> <key>`,
 * `icsync resync <kind> <key>`: a person's decisions about records (the engine's record actions).
 */
import { RecordNotFoundError, resyncRecord, retryRecord, skipRecord } from '../../engine/index.js';
import { ATTENTION_STATES } from '../../server/status.js';
import type { EntityKind, LinkRow, Store } from '../../store/index.js';
import { withContext } from '../context.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { notFound } from './explain.js';
import { configPathOf, parseKind, type CommandEnv } from './shared.js';

type RecordAction = (store: Store, kind: EntityKind, key: string) => Promise<LinkRow>;

const keyOf = (row: LinkRow): string => row.shopKey ?? row.erpKey ?? String(row.id);

export function registerRecordCommands({ program, io }: CommandEnv): void {
  const act = async (action: RecordAction, kindText: string, key: string, done: (row: LinkRow) => string) => {
    const kind = parseKind(kindText);
    const row = await withContext(configPathOf(program), { io, minLevel: 'warn' }, async (ctx) => {
      try {
        return await action(ctx.store, kind, key);
      } catch (error) {
        if (error instanceof RecordNotFoundError) throw new CliExit(EXIT.failure, notFound(kind, key));
        throw error;
      }
    });
    io.out(`${done(row)}\n`);
  };

  program
    .command('retry')
    .description('try a record again now (it resumes where it stopped), or every record that waits for a person')
    .argument('[kind]', 'order | partner | invoice | product | stock')
    .argument('[key]', 'the shop or ERP key')
    .option('--all-failed', 'retry every record in needs_attention or failed')
    .action(async (kind: string | undefined, key: string | undefined, flags: { allFailed?: boolean }) => {
      if (flags.allFailed) {
        if (kind !== undefined) throw new CliExit(EXIT.usage, 'Give either <kind> <key> or --all-failed, not both.');
        const count = await withContext(configPathOf(program), { io, minLevel: 'warn' }, (ctx) => retryAll(ctx.store));
        io.out(count === 0 ? 'No record needs a person; nothing to retry.\n' : `${count} record${count === 1 ? '' : 's'} will be tried again on the next run.\n`);
        return;
      }
      if (kind === undefined || key === undefined) throw new CliExit(EXIT.usage, 'Say which record: icsync retry <kind> <key>, or icsync retry --all-failed.');
      await act(retryRecord, kind, key, (row) => `${row.kind} ${keyOf(row)} will be tried again on the next run (resumes at ${row.state}).`);
    });

  program
    .command('skip')
    .description('leave a record alone from now on (retry brings it back)')
    .argument('<kind>', 'order | partner | invoice | product | stock')
    .argument('<key>', 'the shop or ERP key')
    .action((kind: string, key: string) => act(skipRecord, kind, key, (row) => `${row.kind} ${keyOf(row)} is skipped; icsync retry ${row.kind} ${keyOf(row)} brings it back.`));

  program
    .command('resync')
    .description('write a record again: forget its last written content (products, stock) or re-run it')
    .argument('<kind>', 'order | partner | invoice | product | stock')
    .argument('<key>', 'the shop or ERP key')
    .action((kind: string, key: string) => act(resyncRecord, kind, key, (row) => `${row.kind} ${keyOf(row)} will be written again on the next run (state ${row.state}).`));
}

async function retryAll(store: Store): Promise<number> {
  const done = new Set<number>();
  // Retried rows leave the attention states, so reading the first page again finds the next
  // ones; a row that stays (no state to resume from) is not retried twice.
  for (;;) {
    const rows = (await store.ledger.list({ states: ATTENTION_STATES, limit: 500 })).filter((row) => !done.has(row.id));
    if (rows.length === 0) return done.size;
    for (const row of rows) {
      await retryRecord(store, row.kind, keyOf(row));
      done.add(row.id);
    }
  }
}
