/**
 * `icsync status` names every record it counts: all products only in the ERP (not the 200 a
 * flow report keeps), read from the ledger page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

describe('icsync status: long lists', () => {
  let h: Harness;
  let config: string;
  beforeAll(async () => {
    // An empty shop and createNew false: every active ERP item is only in the ERP.
    h = await startHarness({ items: 1150 });
    config = h.writeConfig('update-only.yaml', (raw) => ({ ...raw, flows: { ...(raw.flows as object), products: { createNew: false, priceList: 'MPC' } } }));
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('status counts the products only in the ERP and --only-in-erp lists every one of them, more than a page', async () => {
    const sync = await h.cli(['-c', config, 'sync', 'products']);
    expect(sync.code).toBe(0);
    const onlyInErp = Number(/onlyInErp (\d+)/.exec(sync.stdout)?.[1]);
    expect(onlyInErp).toBeGreaterThan(1000);
    // The run's own list stops at 200 and says where the rest are.
    expect(sync.stdout).toContain(`… and ${onlyInErp - 200} more: the ledger holds every one (icsync status --all; products only in the ERP: icsync status --only-in-erp)`);

    const status = await h.cli(['-c', config, 'status']);
    expect(status.stdout).toContain(`${onlyInErp} products are only in the ERP (not in the shop): icsync status --only-in-erp lists every one.`);

    const list = await h.cli(['-c', config, 'status', '--only-in-erp']);
    expect(list.code).toBe(0);
    const listed = list.stdout.split('\n').filter((line) => line.startsWith('  ')).map((line) => line.trim());
    expect(listed).toHaveLength(onlyInErp);
    expect(new Set(listed).size).toBe(onlyInErp);
    for (const sku of listed) expect(h.skus).toContain(sku);

    const json = JSON.parse((await h.cli(['-c', config, 'status', '--only-in-erp', '--json'])).stdout) as { key: string }[];
    expect(json).toHaveLength(onlyInErp);
  }, 120_000);
});
