/**
 * `npm run bench [name…]`: runs the benchmarks one after another, each in its own
 * process so that one's memory does not colour the next. Figures go to stdout;
 * docs/PERFORMANCE.md records them with the command that produced them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['icenter-read', 'magento-write', 'catalog-sync', 'orders', 'event-latency', 'minimax-budget'];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;

let failed = 0;
for (const name of chosen) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`bench: there is no benchmark named "${name}" (known: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench/${name}.ts`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
