/**
 * Large catalog writes through Magento's asynchronous bulk API, against the emulator over
 * HTTP: one request carries many products, each operation's outcome is read back from the bulk
 * status and mapped to its SKU, a consumer that never runs is a sentence (not a success), a
 * refused stock batch is narrowed down to its bad row, and a 202 that is not a bulk receipt
 * writes nothing as done.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncError } from '../../../src/core/errors.js';
import { dec } from '../../../src/core/decimal.js';
import { asSku, type ShopProductDraft, type ShopStockDraft } from '../../../src/core/model.js';
import type { RecordOutcome } from '../../../src/core/ports.js';
import { lookupChunks } from '../../../src/connectors/magento/products.js';
import { admin, call } from '../../emulators/magento/helpers.js';
import { startMagentoHarness, type MagentoHarness } from '../../contract/shop-port/magento-setup.js';

type LogEntry = { method: string; path: string; status: number };
const requests = async (h: MagentoHarness): Promise<LogEntry[]> => (await admin(h.emulator, 'GET', '/requests')).body as LogEntry[];
const api = (r: LogEntry): string => `${r.method} ${r.path.replace(/^\/rest\/[^/]+/, '').replace(/\?.*$/, '')}`;
const errorOf = (outcome: RecordOutcome<string> | undefined): SyncError => {
  if (!outcome || outcome.ok) throw new Error('expected a failed outcome');
  return outcome.error as SyncError;
};
const draft = (i: number, name = `Bulk izdelek ${i}`): ShopProductDraft => ({
  sku: asSku(`BULK-${String(i).padStart(5, '0')}`), name, enabled: true, price: dec(`${i}.10`), attributes: {},
});
const bulkOn = { bulk: { enabled: true, minRecords: 5, maxOperations: 50, pollInterval: 20, waitFor: 3_000 } };

describe('magento connector: asynchronous bulk writes', () => {
  let h: MagentoHarness;
  beforeAll(async () => {
    h = await startMagentoHarness({ emulator: { asyncConsumer: true } });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await admin(h.emulator, 'DELETE', '/requests');
    await admin(h.emulator, 'DELETE', '/faults');
    await admin(h.emulator, 'PUT', '/settings', { asyncConsumer: true });
  });

  it('writes 120 products in three bulk requests and names the one the consumer refused', async () => {
    const port = h.makePort(bulkOn);
    const drafts = Array.from({ length: 120 }, (_, i) => draft(i + 1, i === 41 ? ' ' : undefined));
    const outcomes = await port.upsertProducts(drafts, { mode: 'create-or-update' });

    expect(outcomes.filter((o) => o.ok)).toHaveLength(119);
    const refused = errorOf(outcomes[41]);
    expect(refused.errorClass).toBe('business');
    expect(refused.sentence).toContain('BULK-00042');
    expect(refused.sentence).toContain('Product Name');

    const sent = (await requests(h)).map(api);
    expect(sent.filter((r) => r === 'POST /async/bulk/V1/products')).toHaveLength(3);
    expect(sent.filter((r) => r === 'POST /V1/products')).toHaveLength(0);
    expect(sent.filter((r) => r.startsWith('GET /V1/bulk/'))).not.toHaveLength(0);
    // The products are really in the shop, with their exact prices.
    const found = await port.findProducts([asSku('BULK-00001'), asSku('BULK-00120'), asSku('BULK-00042')]);
    expect([...found.keys()].sort()).toEqual(['BULK-00001', 'BULK-00120']);
    const stored = await call(h.emulator, 'GET', '/rest/all/V1/products/BULK-00120');
    expect(stored.body).toMatchObject({ sku: 'BULK-00120', price: 120.1 });
  });

  it('keeps the synchronous route for batches under bulk.minRecords', async () => {
    const port = h.makePort(bulkOn);
    const outcomes = await port.upsertProducts([draft(900), draft(901)], { mode: 'create-or-update' });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const sent = (await requests(h)).map(api);
    expect(sent.filter((r) => r === 'POST /V1/products')).toHaveLength(2);
    expect(sent.filter((r) => r.startsWith('POST /async/'))).toHaveLength(0);
  });

  it('says the consumer is not running instead of counting open operations as written', async () => {
    await admin(h.emulator, 'PUT', '/settings', { asyncConsumer: false });
    const port = h.makePort({ bulk: { ...bulkOn.bulk, waitFor: 200 } });
    const outcomes = await port.upsertProducts(Array.from({ length: 6 }, (_, i) => draft(500 + i)), { mode: 'create-or-update' });
    expect(outcomes.some((o) => o.ok)).toBe(false);
    const error = errorOf(outcomes[0]);
    expect(error.errorClass).toBe('transient');
    expect(error.sentence).toMatch(/BULK-00500: Magento accepted the write \(bulk [0-9a-f-]+\) but has not carried it out.*async\.operations\.all consumer/);
  });

  it('refuses a 202 that is not a bulk receipt, and marks nothing written', async () => {
    await admin(h.emulator, 'PUT', '/faults', { rules: [{ method: 'POST', path: '/async/bulk/V1/products', status: 200, times: 5 }] });
    const port = h.makePort(bulkOn);
    const outcomes = await port.upsertProducts(Array.from({ length: 6 }, (_, i) => draft(600 + i)), { mode: 'create-or-update' });
    expect(outcomes.some((o) => o.ok)).toBe(false);
    expect(errorOf(outcomes[0]).sentence).toMatch(/not a bulk receipt/);
  });

  it('writes stock batches as bulk operations and narrows a refused batch down to its bad row', async () => {
    const port = h.makePort({ ...bulkOn, stock: { batchSize: 20 } });
    const rows: ShopStockDraft[] = Array.from({ length: 45 }, (_, i) => ({ sku: asSku(`ICS-${String((i % 30) + 1).padStart(6, '0')}`), source: 'default', quantity: dec(`${i}.5`), inStock: true }));
    rows[27] = { ...rows[27]!, source: 'no such source' };
    const outcomes = await port.writeStock(rows);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(44);
    expect(errorOf(outcomes[27]).record?.key).toBe(`${rows[27]!.sku}@no such source`);

    const sent = (await requests(h)).map(api);
    expect(sent.filter((r) => r === 'POST /async/bulk/V1/inventory/source-items')).toHaveLength(1);
    // Only the refused batch of 20 went through the synchronous route, halved down to the bad row.
    expect(sent.filter((r) => r === 'POST /V1/inventory/source-items').length).toBeGreaterThan(1);
    expect(sent.filter((r) => r === 'POST /V1/inventory/source-items').length).toBeLessThan(20);
  });
});

describe('product look-ups', () => {
  it('name up to 300 SKUs per request, fewer when the SKUs are long', () => {
    const short = Array.from({ length: 700 }, (_, i) => asSku(`S${i}`));
    expect(lookupChunks(short).map((c) => c.length)).toEqual([300, 300, 100]);
    const long = Array.from({ length: 100 }, (_, i) => asSku(`${'X'.repeat(95)}${String(i).padStart(4, '0')}`));
    const chunks = lookupChunks(long);
    expect(chunks.flat()).toEqual(long);
    for (const c of chunks) expect(c.join(',').length).toBeLessThanOrEqual(2_000);
  });
});
