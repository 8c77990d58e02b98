/**
 * Stock writes (docs/contracts/magento.md#stock).
 * - msi: `POST /V1/inventory/source-items` with `batchSize` rows per call (20 is accepted by
 *   every release). A 400 naming the item limit shrinks the batches to it; any other 400 is
 *   narrowed down by halving the batch, so one bad row fails alone and the rest are written.
 * - legacy: `GET /V1/stockItems/{sku}` then `PUT /V1/products/{sku}/stockItems/{id}` per row;
 *   it writes the default source only, so rows of other sources fail with a clear sentence.
 */
import { businessError, isSyncError, toSyncError, type SyncError } from '../../core/errors.js';
import type { ShopStockDraft } from '../../core/model.js';
import type { CodeEntry, RecordOutcome } from '../../core/ports.js';
import type { BulkWriter } from './bulk.js';
import type { MagentoClient } from './client.js';
import { chunk, mapLimited } from './concurrency.js';
import type { MagentoSettings } from './config.js';
import { EXPECT } from './answers.js';
import { TARGET } from './errors.js';
import { jsonDecimal } from './json.js';
import { searchCriteriaQuery } from './search-criteria.js';

export const stockKey = (row: ShopStockDraft): string => `${row.sku}@${row.source}`;

export function sourceItemsBody(rows: ShopStockDraft[]) {
  return {
    sourceItems: rows.map((row) => ({ sku: row.sku, source_code: row.source, quantity: jsonDecimal(row.quantity), status: row.inStock ? 1 : 0 })),
  };
}

/** The `%max` of Magento's "Maximum items of type … is %max" answer, when that is what it said. */
export function batchLimitFrom(error: SyncError): number | undefined {
  const match = /Maximum items of type .* is (\d+)/.exec(error.remoteMessage ?? '');
  return match ? Number(match[1]) : undefined;
}

export function createStockPort(client: MagentoClient, settings: MagentoSettings, bulk: BulkWriter) {
  let batchSize = settings.stock.batchSize;

  const failed = (rows: ShopStockDraft[], error: unknown): RecordOutcome[] =>
    rows.map((row) => ({ key: stockKey(row), ok: false as const, error: rows.length === 1 ? toSyncError(error, { target: TARGET, record: { kind: 'stock', key: stockKey(row) } }) : (error as Error) }));

  async function writeBatch(rows: ShopStockDraft[]): Promise<RecordOutcome[]> {
    const record = rows.length === 1 ? { kind: 'stock', key: stockKey(rows[0]!) } : undefined;
    try {
      await client.call({
        method: 'POST', path: '/inventory/source-items', scope: 'write', body: sourceItemsBody(rows), repeatable: true,
        route: 'POST /V1/inventory/source-items', doing: record ? `writing stock ${record.key} to Magento` : `writing ${rows.length} stock rows to Magento`,
        ...(record && { record }),
      });
      return rows.map((row) => ({ key: stockKey(row), ok: true }));
    } catch (error) {
      if (!isSyncError(error) || error.errorClass === 'configuration') throw error;
      if (error.errorClass !== 'business' || rows.length === 1) return failed(rows, error);
      const limit = batchLimitFrom(error);
      if (limit !== undefined && limit > 0 && limit < rows.length) {
        batchSize = Math.min(batchSize, limit);
        return (await mapLimited(chunk(rows, limit), settings.maxConcurrent, writeBatch)).flat();
      }
      // Magento validates the whole list before saving any of it: halve until the bad rows stand alone.
      const half = Math.ceil(rows.length / 2);
      const [left, right] = await Promise.all([writeBatch(rows.slice(0, half)), writeBatch(rows.slice(half))]);
      return [...left, ...right];
    }
  }

  async function writeLegacy(row: ShopStockDraft): Promise<RecordOutcome> {
    const key = stockKey(row);
    const record = { kind: 'stock', key };
    if (row.source !== 'default') {
      return {
        key, ok: false,
        error: businessError({ sentence: `Stock row ${key}: legacy stock items hold only the "default" source. Map the warehouse to source "default" or set shop.magento.stock.mode: msi.`, target: TARGET, record }),
      };
    }
    const sku = encodeURIComponent(row.sku);
    try {
      const item = await client.call<{ item_id?: number }>({
        method: 'GET', path: `/stockItems/${sku}`, scope: 'write', repeatable: true, record, route: 'GET /V1/stockItems/{sku}', doing: `reading the stock item of ${row.sku}`, expect: EXPECT.stockItem,
      });
      if (typeof item.item_id !== 'number') throw businessError({ sentence: `Magento returned no stock item id for ${row.sku}.`, target: TARGET, record });
      await client.call({
        method: 'PUT', path: `/products/${sku}/stockItems/${item.item_id}`, scope: 'write', repeatable: true, record,
        body: { stockItem: { qty: jsonDecimal(row.quantity), is_in_stock: row.inStock } },
        route: 'PUT /V1/products/{sku}/stockItems/{id}', doing: `writing stock of ${row.sku}`,
      });
      return { key, ok: true };
    } catch (error) {
      if (isSyncError(error) && error.errorClass === 'configuration') throw error;
      return { key, ok: false, error: toSyncError(error, { target: TARGET, record }) };
    }
  }

  async function writeStock(rows: ShopStockDraft[]): Promise<RecordOutcome[]> {
    if (rows.length === 0) return [];
    if (settings.stock.mode === 'legacy') return mapLimited(rows, settings.maxConcurrent, writeLegacy);
    if (settings.bulk.enabled && rows.length >= settings.bulk.minRecords) return writeThroughBulk(rows);
    return (await mapLimited(chunk(rows, batchSize), settings.maxConcurrent, writeBatch)).flat();
  }

  /**
   * One bulk operation per batch of source items. A batch Magento's consumer refused is written
   * again through the synchronous route, which narrows a refusal down to the rows at fault.
   */
  async function writeThroughBulk(rows: ShopStockDraft[]): Promise<RecordOutcome[]> {
    const batches = chunk(rows, batchSize);
    const outcomes = await bulk.write(
      '/inventory/source-items',
      '/inventory/source-items',
      batches.map((batch) => ({ body: sourceItemsBody(batch), record: { kind: 'stock', key: batch.length === 1 ? stockKey(batch[0]!) : `${stockKey(batch[0]!)} and ${batch.length - 1} more` } })),
      'stock batches',
    );
    const results = await mapLimited(batches, settings.maxConcurrent, async (batch, index): Promise<RecordOutcome[]> => {
      const outcome = outcomes[index]!;
      if (outcome.ok) return batch.map((row) => ({ key: stockKey(row), ok: true }));
      if (outcome.error.errorClass === 'business') return writeBatch(batch);
      return batch.map((row) => ({ key: stockKey(row), ok: false, error: toSyncError(outcome.error, { target: TARGET, record: { kind: 'stock', key: stockKey(row) } }) }));
    });
    return results.flat();
  }

  async function listSources(): Promise<CodeEntry[]> {
    if (settings.stock.mode === 'legacy') return [{ code: 'default', description: 'Default source (legacy stock items)', active: true }];
    const entries: CodeEntry[] = [];
    // Sources are few and have no numeric id for keyset paging: plain pages, bounded by total_count.
    for (let page = 1; page <= 100; page++) {
      const answer = await client.call<{ items?: { source_code: string; name?: string; enabled?: boolean | number }[]; total_count?: number }>({
        method: 'GET', path: '/inventory/sources', query: searchCriteriaQuery({ pageSize: 100, currentPage: page }), repeatable: true,
        route: 'GET /V1/inventory/sources', doing: 'listing the MSI sources', expect: EXPECT.sourceSearch,
      });
      const items = answer.items ?? [];
      for (const source of items) {
        const entry: CodeEntry = { code: source.source_code, active: source.enabled === undefined ? true : Boolean(source.enabled) };
        if (source.name) entry.description = source.name;
        entries.push(entry);
      }
      if (items.length < 100 || entries.length >= (answer.total_count ?? 0)) break;
    }
    return entries;
  }

  return { writeStock, listSources };
}
