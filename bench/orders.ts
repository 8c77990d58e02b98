/**
 * Orders at scale: N shop orders (default 5,000; 500 distinct buyers) entered into the ERP
 * by the subjects and orders flows with the exactly-once protocol. Reports orders per
 * second and the p50/p99 time of one order's step (shop read, SKU check, partner, ERP create,
 * ERP total read, shop comment). Emulators run in a child process (see catalog-sync.ts).
 *
 *   npx tsx bench/orders.ts                 # 5,000 orders, 0 ms latency
 *   npx tsx bench/orders.ts 5000 20         # with 20 ms added per request
 */
import { fileURLToPath } from 'node:url';
import { runSync } from '../src/engine/sync.js';
import { createFlows } from '../src/flows/index.js';
import type { LedgerFlow } from '../src/flows/types.js';
import { contextFor, measure, remoteCounter, startChild } from './catalog-sync.js';

const catalogScript = fileURLToPath(new URL('./catalog-sync.ts', import.meta.url));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 5000);
  const latency = Number(process.argv[3] ?? 0);
  const world = await startChild(300, catalogScript);
  const counter = remoteCounter();
  const ctx = await contextFor(world.config, counter);
  try {
    const placedAt = performance.now();
    await world.send(`place ${count}`);
    process.stderr.write(`placed ${count} orders in ${((performance.now() - placedAt) / 1000).toFixed(1)} s\n`);
    await world.send(`latency ${latency}`);
    const flows = createFlows();
    const orders = flows.orders as LedgerFlow;
    const stepTimes: number[] = [];
    flows.orders = {
      ...orders,
      async step(c, row) {
        const started = performance.now();
        try {
          await orders.step(c, row);
        } finally {
          stepTimes.push(performance.now() - started);
        }
      },
    };
    const m = await measure(async () => {
      const reports = await runSync(ctx, 'subjects', { dryRun: false, full: false, flows });
      reports.push(...(await runSync(ctx, 'orders', { dryRun: false, full: false, flows })));
      return reports;
    });
    const inErp = (await ctx.store.ledger.countByState()).find((s) => s.kind === 'order' && s.state === 'in_erp')?.count ?? 0;
    const sorted = [...stepTimes].sort((a, b) => a - b);
    const fmt = (n: number) => n.toFixed(1);
    console.log('| orders | latency | in ERP | wall s | orders/s | step p50 ms | step p99 ms | icsync CPU s | peak RSS MB | iCenter requests | Magento requests |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${count} | ${latency} ms | ${inErp} | ${m.seconds} | ${fmt(inErp / m.seconds)} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 99))} | ${m.cpuSeconds} | ${m.peakRssMb} | ${counter.calls.icenter ?? 0} | ${counter.calls.magento ?? 0} |`);
    const problems = m.value.flatMap((r) => r.problems).slice(0, 3);
    if (problems.length > 0) process.stderr.write(`problems (first 3): ${JSON.stringify(problems)}\n`);
  } finally {
    await Promise.all([ctx.erp.close(), ctx.shop.close()]);
    await ctx.store.close();
    world.stop();
  }
}

await main();
