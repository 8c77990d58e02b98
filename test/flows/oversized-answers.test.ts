/**
 * An oversized answer (a 200 MB body: many rows, or one huge text node) is cut off while it
 * streams in, at the connector's maxResponseBytes (64 MiB by default), and the read fails with a
 * sentence naming the setting. Memory is measured, not time: the peak RSS of this process (which
 * also runs the emulators) is sampled while the answers stream, and must stay well under 500 MB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSyncError } from '../../src/core/errors.js';
import { createErp } from '../../src/connectors/registry.js';
import { pino } from 'pino';
import { startWorld, type World } from './world.js';

const MB = 1024 * 1024;
const TARGET_BYTES = 200 * MB;

/** Runs `work` while sampling this process's RSS; returns the peak seen and what `work` threw. */
async function peakRss(work: () => Promise<unknown>): Promise<{ peak: number; error: unknown }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  let error: unknown;
  try {
    await work();
  } catch (thrown) {
    error = thrown;
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { peak, error };
}

async function drain(pages: AsyncIterable<unknown[]>): Promise<number> {
  let rows = 0;
  for await (const page of pages) rows += page.length;
  return rows;
}

describe('oversized answers', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ items: 5 });
  });
  afterAll(async () => {
    await w?.close();
  });

  const icenterCases = [
    { name: 'many rows', head: '<ItemsGeneralData>', row: '<ItemGeneralData><ItemID>X-1</ItemID><ItemTitle1>Artikel</ItemTitle1></ItemGeneralData>', tail: '</ItemsGeneralData>' },
    { name: 'one huge text node', head: '<ItemsGeneralData><ItemGeneralData><ItemID>X-1</ItemID><ItemTitle1>', row: 'x'.repeat(1024), tail: '</ItemTitle1></ItemGeneralData></ItemsGeneralData>' },
  ];
  for (const c of icenterCases) {
    it(`iCenter: a 200 MB items answer (${c.name}) is cut off at 64 MiB with bounded memory`, async () => {
      const times = Math.ceil(TARGET_BYTES / Buffer.byteLength(c.row));
      w.icenter.setFaults([{ route: 'Item/GetItemsGeneralData', kind: 'answer', answer: { repeat: { head: c.head, row: c.row, times, tail: c.tail } } }]);
      const before = process.memoryUsage.rss();
      const { peak, error } = await peakRss(() => drain(w.ctx.erp.items({})));
      w.icenter.setFaults([]);
      expect(isSyncError(error) && error.errorClass).toBe('transient');
      expect((error as Error).message).toMatch(/larger than erp\.icenter\.maxResponseBytes \(64 MiB/);
      console.log(`iCenter ${c.name}: RSS before ${Math.round(before / MB)} MB, peak ${Math.round(peak / MB)} MB`);
      expect(peak).toBeLessThan(500 * MB);
      expect(peak - before).toBeLessThan(300 * MB);
    });
  }

  it('Magento: a 200 MB order search answer is cut off at 64 MiB with bounded memory', async () => {
    const row = '{"entity_id":1,"increment_id":"000000001","items":[]},';
    const times = Math.ceil(TARGET_BYTES / row.length);
    await w.admin('magento', 'PUT', '/faults', { rules: [{ path: '/V1/orders', method: 'GET', answer: { repeat: { head: '{"items":[', row, times, tail: '{}],"total_count":1}' } } }] });
    const before = process.memoryUsage.rss();
    const { peak, error } = await peakRss(() => drain(w.ctx.shop.orders({})));
    await w.admin('magento', 'DELETE', '/faults');
    expect(isSyncError(error) && error.errorClass).toBe('transient');
    expect((error as Error).message).toMatch(/larger than shop\.magento\.maxResponseBytes \(64 MiB/);
    console.log(`Magento: RSS before ${Math.round(before / MB)} MB, peak ${Math.round(peak / MB)} MB`);
    expect(peak).toBeLessThan(500 * MB);
    expect(peak - before).toBeLessThan(300 * MB);
  });

  it('an answer whose Content-Length announces more than the cap is refused before its body is read', async () => {
    if (w.config.erp.type !== 'icenter') throw new Error('the world runs iCenter');
    const erp = createErp({ ...w.config.erp, icenter: { ...w.config.erp.icenter, maxResponseBytes: 512 } }, { logger: pino({ level: 'silent' }) });
    try {
      const error = await drain(erp.items({})).catch((thrown: unknown) => thrown);
      expect((error as Error).message).toMatch(/larger than erp\.icenter\.maxResponseBytes \(512 bytes; Content-Length \d+\)/);
    } finally {
      await erp.close();
    }
  });
});
