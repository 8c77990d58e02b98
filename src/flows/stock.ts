/**
 * stock (ERP → shop): quantities per ERP warehouse, mapped to shop sources, compared by
 * hash with what was last written, and only changed rows written, in batches.
 */
import { configurationError, SyncError } from '../core/errors.js';
import type { Decimal } from '../core/decimal.js';
import type { ShopStockDraft, Sku } from '../core/model.js';
import { asWarehouse } from '../core/model.js';
import type { OnUnreadableRow } from '../core/ports.js';
import { openScratch, type ScratchStockRow } from '../store/index.js';
import { aboutRecord, asSyncError, chunk, recordBatchFailure, recordUnreadable } from './common.js';
import { contentHash } from './hash.js';
import { stockLimitProblem } from './limits.js';
import { orderWarehouse } from './order-mapping.js';
import { pendingQuantities } from './pending.js';
import { startReport, type ReportBuilder } from './report.js';
import { accumulateStock, isOneToOne, stockDraft, stockHashInput, stockKey } from './stock-plan.js';
import type { BatchFlow, FlowContext, RunOptions } from './types.js';

export function createStockFlow(): BatchFlow {
  return {
    name: 'stock',
    kind: 'batch',
    async run(ctx, options) {
      const rb = startReport('stock', options.dryRun);
      const { warehouses } = ctx.config.mappings;
      if (Object.keys(warehouses).length === 0) {
        throw configurationError({
          sentence: 'mappings.warehouses is empty: map at least one ERP warehouse to a shop source, e.g. "0000001": default.',
          record: { kind: 'setting', key: 'mappings.warehouses' },
        });
      }
      // Stock depends on the products run: until one has finished, rows would be written for
      // products not created yet. A dry run shows what it would write all the same.
      if (!options.dryRun && ctx.config.flows.products.enabled && (await ctx.store.cursors.get('products')) === undefined) {
        rb.count('waitingForProducts');
        ctx.logger.info({ flow: 'stock' }, 'stock waits for the first products run to finish (no stock is written for products not created yet)');
        return rb.finish();
      }
      const pending = ctx.config.flows.stock.subtractPendingOrders ? await pendingQuantities(ctx) : undefined;
      const pendingSource = pending ? warehouses[orderWarehouse(ctx.config.mappings)] : undefined;
      // A stock row that cannot be read (Qty "abc") fails that SKU at that source alone; a sum it
      // feeds is not written either, since it would be short.
      const held = new Set<string>();
      const onUnreadable: OnUnreadableRow = async (row, error) => {
        const at = row.key.lastIndexOf('@');
        const source = warehouses[row.key.slice(at + 1)];
        const key = source === undefined ? row.key : stockKey(row.key.slice(0, at), source);
        held.add(key);
        rb.count('unreadable');
        rb.problem('stock', key, error.sentence);
        if (!options.dryRun) await recordUnreadable(ctx, 'stock', key, error);
      };
      const writer = stockWriter(ctx, options, rb, held);
      const stream = ctx.erp.stock({ warehouses: Object.keys(warehouses).map(asWarehouse), onUnreadable });
      let done = 0;

      if (isOneToOne(warehouses)) {
        // Each (sku, source) comes from one warehouse row: map and write page by page, memory stays flat.
        for await (const page of stream) {
          options.signal?.throwIfAborted();
          rb.count('read', page.length);
          const sums = new Map<string, { sku: Sku; source: string; quantity: Decimal }>();
          accumulateStock(sums, page, warehouses);
          await writer.apply([...sums.values()].map((row) => stockDraft(row, pending, pendingSource)));
          done += page.length;
          options.onProgress?.({ phase: 'stock', done });
        }
      } else {
        // Several warehouses feed one source: every page is read before anything is written. The rows
        // wait in a scratch file and come back summed per sku@source, so memory stays flat.
        const scratch = openScratch();
        try {
          for await (const page of stream) {
            options.signal?.throwIfAborted();
            rb.count('read', page.length);
            const mapped: ScratchStockRow[] = [];
            for (const row of page) {
              const source = warehouses[row.warehouse];
              if (source !== undefined) mapped.push({ sku: row.sku, source, quantity: row.quantity });
            }
            scratch.addStock(mapped);
          }
          const total = scratch.summedStockCount();
          for (const part of scratch.summedStock(5000)) {
            options.signal?.throwIfAborted();
            await writer.apply(part.map((row) => stockDraft({ ...row, sku: row.sku as Sku }, pending, pendingSource)));
            done += part.length;
            options.onProgress?.({ phase: 'stock', done, total });
          }
        } finally {
          scratch.close();
        }
      }
      return rb.finish();
    },
  };
}

/** Product ledger states that mean the shop has no such product (see the products flow). */
export const NOT_IN_SHOP = ['only_in_erp', 'inactive_not_in_shop', 'not_for_web'];

function stockWriter(ctx: FlowContext, options: RunOptions, rb: ReportBuilder, held: ReadonlySet<string>) {
  const settings = ctx.config.flows.stock;

  async function write(batch: { draft: ShopStockDraft; key: string; hash: string }[]): Promise<void> {
    const outcomes = await ctx.shop.writeStock(batch.map((b) => b.draft));
    const byKey = new Map(outcomes.map((o) => [o.key, o]));
    const written: { shopKey: string; contentHash: string; state: string; data: { quantity: Decimal } }[] = [];
    for (const { draft, key, hash } of batch) {
      const outcome = byKey.get(key);
      if (outcome?.ok) {
        written.push({ shopKey: key, contentHash: hash, state: 'synced', data: { quantity: draft.quantity } });
        continue;
      }
      const error = asSyncError(outcome ? outcome.error : new Error('the shop gave no answer for this stock row'));
      if (error.errorClass === 'configuration') throw error;
      rb.count('failed');
      const sentence = aboutRecord('Stock row', key, error.sentence);
      rb.problem('stock', key, sentence);
      await recordBatchFailure(ctx, 'stock', key, new SyncError(error.errorClass, { sentence, record: { kind: 'stock', key } }), { quantity: draft.quantity, draft });
    }
    rb.count('written', written.length);
    if (written.length > 0) await ctx.store.ledger.recordHashes('stock', written);
  }

  return {
    async apply(drafts: ShopStockDraft[]): Promise<void> {
      if (drafts.length === 0) return;
      // Products the shop does not have (only in the ERP, or inactive and never created) get no stock rows.
      const products = await ctx.store.ledger.getMany('product', 'shop', [...new Set(drafts.map((d) => d.sku))]);
      const inShop = drafts.filter((draft) => {
        const state = products.get(draft.sku)?.state;
        const absent = state !== undefined && NOT_IN_SHOP.includes(state);
        if (absent) rb.count('productNotInShop');
        return !absent;
      });
      const keyed = [];
      for (const draft of inShop) {
        const key = stockKey(draft.sku, draft.source);
        if (held.has(key)) continue;
        // A quantity outside the limits holds that row for a person; nothing of it is written.
        const problem = stockLimitProblem(draft, ctx.config.limits);
        if (problem !== undefined) {
          rb.count(options.dryRun ? 'wouldNeedAttention' : 'heldByLimits');
          rb.problem('stock', key, problem.sentence);
          if (!options.dryRun) await recordBatchFailure(ctx, 'stock', key, problem, { quantity: draft.quantity, draft });
          continue;
        }
        keyed.push({ draft, key, hash: contentHash(stockHashInput(draft)) });
      }
      const rows = await ctx.store.ledger.getMany('stock', 'shop', keyed.map((k) => k.key));
      const changed = keyed.filter((k) => {
        const row = rows.get(k.key);
        const unchanged = !options.full && row?.state === 'synced' && row.contentHash === k.hash;
        if (unchanged) rb.count('unchanged');
        return !unchanged;
      });
      if (options.dryRun) {
        rb.count('wouldWrite', changed.length);
        for (const { draft, key } of changed) {
          const before = (rows.get(key)?.data as { quantity?: Decimal } | null)?.quantity;
          rb.change({ kind: 'stock', key, action: 'write', fields: { quantity: [before, draft.quantity] } });
        }
        return;
      }
      for (const part of chunk(changed, settings.batchSize)) await write(part);
    },
  };
}
