/**
 * `icsync demo`: the whole job on emulators, in one process, on a fresh SQLite file under
 * ./data/demo/ (see src/demo). Needs no configuration file.
 */
import { Option } from 'commander';
import { runDemo } from '../../demo/run.js';
import { runEventsDemo } from '../../demo/events.js';
import { TRANSPORTS, type TransportName } from '../../bus/config.js';
import { demoProblems } from '../../demo/summary.js';
import { openContext } from '../context.js';
import { CliExit, EXIT } from '../exit-codes.js';
import type { CommandEnv } from './shared.js';

interface DemoFlags {
  dir: string;
  erp: 'icenter' | 'minimax';
  items?: string;
  orders?: string;
  events?: string;
}

const count = (value: string | undefined, name: string, least: number): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < least) throw new CliExit(EXIT.usage, `--${name} must be a whole number of at least ${least}, not "${value}".`);
  return n;
};

export function registerDemoCommand({ program, io }: CommandEnv): void {
  program
    .command('demo')
    .description('run every flow against built-in Magento and iCenter (or Minimax) emulators with a realistic data set, then print a summary')
    .option('--dir <folder>', 'folder of the demo store (removed at the start)', 'data/demo')
    .addOption(new Option('--erp <erp>', 'which ERP to emulate (Minimax: a smaller day, 500 items and 40 orders, within its 1,000-call budget)').choices(['icenter', 'minimax']).default('icenter'))
    .option('--items <n>', 'ERP items (default 2000; Minimax 500)')
    .option('--orders <n>', 'shop orders, two of which stop for a person (default 200; Minimax 40)')
    .option('--events <transport>', `orders crossing in real time by event instead: ${TRANSPORTS.join(', ')} (a broker must be running; kafka: scripts/kafka.sh start)`)
    .action(async (flags: DemoFlags) => {
      if (flags.events !== undefined) {
        if (!(TRANSPORTS as readonly string[]).includes(flags.events)) throw new CliExit(EXIT.usage, `--events must be one of ${TRANSPORTS.join(', ')}, not "${flags.events}".`);
        const orders = count(flags.orders, 'orders', 1) ?? 20;
        let result;
        try {
          result = await runEventsDemo({ transport: flags.events as TransportName, dir: flags.dir === 'data/demo' ? 'data/demo-events' : flags.dir, orders, out: io.out, openContext: (path) => openContext(path, { io, minLevel: 'warn' }) });
        } catch (error) {
          if (error instanceof CliExit) throw error;
          throw new CliExit(EXIT.failure, (error as Error).message);
        }
        if (result.inErp !== result.orders || result.duplicates > 0) throw new CliExit(EXIT.failure, `The events demo did not end as it should: ${result.inErp} of ${result.orders} orders in iCenter, ${result.duplicates} duplicates.`);
        return;
      }
      const items = count(flags.items, 'items', 10);
      const orders = count(flags.orders, 'orders', 3);
      const { summary } = await runDemo({ dir: flags.dir, erp: flags.erp, out: io.out, openContext: (path) => openContext(path, { io, minLevel: 'warn' }), size: { ...(items && { items }), ...(orders && { orders }) } });
      // The two special orders must stop, nothing may be doubled, every invoice once with its PDF.
      const problems = demoProblems(summary);
      if (problems.length > 0) throw new CliExit(EXIT.failure, `The demo did not end as it should:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    });
}
