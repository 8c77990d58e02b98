/**
 * products (ERP → shop): items changed since the cursor (all with --full), mapped to shop
 * product drafts, content-hashed, and written only when the hash changed. Plan and apply
 * share one path; a dry run stops before the writes.
 */
import { tryDec, type Decimal } from '../core/decimal.js';
import type { ErpItem, ErpPrice, ShopProductDraft } from '../core/model.js';
import { SyncError } from '../core/errors.js';
import type { OnUnreadableRow } from '../core/ports.js';
import { openScratch, type LinkRow, type Scratch } from '../store/index.js';
import { aboutRecord, asSyncError, chunk, erpLabel, isUnreadable, readCursor, recordBatchFailure, recordUnreadable, shopLabel } from './common.js';
import { contentHash } from './hash.js';
import { productLimitProblem } from './limits.js';
import { notForWeb, productDraft, productMappingFrom, withPrice, type ProductMapping } from './product-draft.js';
import { startReport, type ReportBuilder } from './report.js';
import type { BatchFlow, FlowContext, RunOptions } from './types.js';

/** What the ledger keeps with a product row: the draft last mapped, to retry or re-price it later. */
interface ProductData {
  draft: ShopProductDraft;
  vatRate?: string;
}

interface Candidate {
  draft: ShopProductDraft;
  vatRate?: string;
  row?: LinkRow;
  /** Active in the ERP but marked not for the web: disabled in the shop, never created there. */
  notForWeb?: boolean;
}

/** Rows a delta run retries from their stored draft (a refused write, or `icsync resync`). */
const RETRY_STATES = ['failed', 'resync'];

async function vatPercents(ctx: FlowContext): Promise<Map<string, Decimal>> {
  const percents = new Map<string, Decimal>();
  for (const entry of await ctx.erp.listCodes('vatRates')) {
    const percent = tryDec(entry.attributes?.percent);
    if (percent !== undefined) percents.set(entry.code, percent);
  }
  return percents;
}

/** Keeps the price list (all of it, or what changed since the cursor) in the run's scratch file, by SKU. */
async function keepPrices(ctx: FlowContext, scratch: Scratch, priceList: string, changedSince: Date | undefined, onUnreadable: OnUnreadableRow): Promise<void> {
  const options = changedSince === undefined ? { priceList, onUnreadable } : { priceList, changedSince, onUnreadable };
  for await (const page of ctx.erp.prices(options)) scratch.put(PRICES, page.map((price): [string, ErpPrice] => [price.sku, price]));
}

const PRICES = 'price';

export function createProductsFlow(): BatchFlow {
  return {
    name: 'products',
    kind: 'batch',
    async run(ctx, options) {
      const rb = startReport('products', options.dryRun);
      const settings = ctx.config.flows.products;
      const runStartedAt = ctx.now();
      const since = await readCursor(ctx, 'products', options.full);
      const mapping = productMappingFrom(ctx.config, settings.priceList ? await vatPercents(ctx) : undefined);
      // An item or price row that cannot be read holds that product alone (failed, with the sentence); the rest go on.
      const held = new Set<string>();
      const onUnreadable: OnUnreadableRow = async (row, error) => {
        held.add(row.key);
        rb.count('unreadable');
        rb.problem('product', row.key, error.sentence);
        if (!options.dryRun) await recordUnreadable(ctx, 'product', row.key, error);
      };
      // The price list waits in a scratch file, not in memory: a full run's list has one entry per SKU.
      const scratch = openScratch();
      try {
        if (settings.priceList) await keepPrices(ctx, scratch, settings.priceList, since, onUnreadable);
        const pricesOf = (skus: string[]): Map<string, ErpPrice> => (settings.priceList ? scratch.get<ErpPrice>(PRICES, skus) : new Map());
        const writer = productWriter(ctx, options, rb);

        const seen = new Set<string>();
        let done = 0;
        for await (const all of ctx.erp.items({ ...(since && { changedSince: since }), includeInactive: settings.includeInactive, onUnreadable })) {
          options.signal?.throwIfAborted();
          rb.count('read', all.length);
          const page = all.filter((item) => !held.has(item.sku));
          const skus = page.map((item) => item.sku);
          const rows = await ctx.store.ledger.getMany('product', 'shop', skus);
          const prices = pricesOf(skus);
          const candidates = page.map((item) => candidateFromItem(item, prices.get(item.sku), rows.get(item.sku), mapping, since !== undefined));
          if (since !== undefined) for (const item of page) seen.add(item.sku);
          await writer.apply(candidates);
          done += page.length;
          options.onProgress?.({ phase: 'products', done });
        }

        if (since !== undefined) {
          // Price-only changes: the item did not change, its stored draft gets the new price.
          for (const keys of settings.priceList ? scratch.keys(PRICES, 500) : []) {
            const part = keys.filter((sku) => !seen.has(sku) && !held.has(sku));
            const prices = pricesOf(part);
            const rows = await ctx.store.ledger.getMany('product', 'shop', part);
            const candidates: Candidate[] = [];
            for (const sku of part) {
              const row = rows.get(sku);
              const data = row?.data as ProductData | undefined;
              if (!row || !data?.draft) continue;
              candidates.push({ draft: withPrice(data.draft, prices.get(sku)!, data.vatRate, mapping), vatRate: data.vatRate, row });
            }
            rb.count('priceOnly', candidates.length);
            await writer.apply(candidates);
          }
          // Records refused before (or marked for resync) are tried again from their stored draft.
          const retry = await ctx.store.ledger.list({ kind: 'product', states: RETRY_STATES, limit: 1000 });
          const candidates = retry
            // A row held as unreadable waits for its source to change, not for its old draft to be written again.
            .filter((row) => row.shopKey && !seen.has(row.shopKey) && !held.has(row.shopKey) && !isUnreadable(row.data) && (row.data as ProductData | null)?.draft)
            .map((row) => ({ ...(row.data as ProductData), row }));
          rb.count('retried', candidates.length);
          await writer.apply(candidates, true);
        }
      } finally {
        scratch.close();
      }

      if (!options.dryRun) await ctx.store.cursors.set('products', runStartedAt.toISOString());
      return rb.finish();
    },
  };
}

function candidateFromItem(item: ErpItem, price: ErpPrice | undefined, row: LinkRow | undefined, mapping: ProductMapping, delta: boolean): Candidate {
  let draft = productDraft(item, price, mapping);
  const stored = row?.data as ProductData | undefined;
  // In a delta run an unchanged price is not in the price map: keep the price last written.
  if (delta && !price && stored?.draft?.price !== undefined) draft = { ...draft, price: stored.draft.price };
  return { draft, vatRate: item.vatRate, ...(row && { row }), ...(item.active && notForWeb(item, mapping) && { notForWeb: true }) };
}

function productWriter(ctx: FlowContext, options: RunOptions, rb: ReportBuilder) {
  const settings = ctx.config.flows.products;

  async function decideTargets(changed: Candidate[]): Promise<Candidate[]> {
    // Which SKUs the shop has is asked only when it matters: createNew false (update only),
    // or an inactive item never written (creating a disabled product helps nobody).
    const mustCheck = changed.filter((c) => !settings.createNew || (!c.draft.enabled && c.row?.state !== 'synced'));
    if (mustCheck.length === 0) return changed;
    const inShop = await ctx.shop.findProducts(mustCheck.map((c) => c.draft.sku));
    const out: Candidate[] = [];
    const absent: { shopKey: string; contentHash: string; state: string; data: ProductData }[] = [];
    for (const candidate of changed) {
      if (!mustCheck.includes(candidate) || inShop.has(candidate.draft.sku)) {
        out.push(candidate);
        continue;
      }
      // Remembered in the ledger so that the stock flow does not write stock for a product the shop does not have.
      const state = candidate.draft.enabled ? 'only_in_erp' : candidate.notForWeb ? 'not_for_web' : 'inactive_not_in_shop';
      rb.count(candidate.draft.enabled ? 'onlyInErp' : candidate.notForWeb ? 'notForWeb' : 'inactiveNotInShop');
      // A count alone does not say which items the shop lacks; a person decides per SKU whether to sell it.
      if (candidate.draft.enabled) rb.problem('product', candidate.draft.sku, onlyInErpSentence(ctx, candidate.draft.sku));
      absent.push({ shopKey: candidate.draft.sku, contentHash: state, state, data: { draft: candidate.draft, ...(candidate.vatRate !== undefined && { vatRate: candidate.vatRate }) } });
    }
    if (!options.dryRun && absent.length > 0) await ctx.store.ledger.recordHashes('product', absent);
    return out;
  }

  async function write(batch: { candidate: Candidate; hash: string }[]): Promise<void> {
    const mode = settings.createNew ? 'create-or-update' : 'update';
    const outcomes = await ctx.shop.upsertProducts(batch.map((b) => b.candidate.draft), { mode });
    const byKey = new Map(outcomes.map((o) => [o.key as string, o]));
    const written: { shopKey: string; contentHash: string; state: string; data: ProductData }[] = [];
    for (const { candidate, hash } of batch) {
      const { draft } = candidate;
      const data: ProductData = { draft, ...(candidate.vatRate !== undefined && { vatRate: candidate.vatRate }) };
      const outcome = byKey.get(draft.sku);
      if (outcome?.ok) {
        written.push({ shopKey: draft.sku, contentHash: hash, state: 'synced', data });
        rb.count(outcome.created ? 'created' : draft.enabled ? 'updated' : 'disabled');
        continue;
      }
      const error = asSyncError(outcome ? outcome.error : new Error(`${shopLabel(ctx)} gave no answer for this product`));
      if (error.errorClass === 'configuration') throw error;
      rb.count('failed');
      const sentence = aboutRecord('Product', draft.sku, error.sentence);
      rb.problem('product', draft.sku, sentence);
      await recordBatchFailure(ctx, 'product', draft.sku, new SyncError(error.errorClass, { sentence, record: { kind: 'product', key: draft.sku } }), data);
    }
    if (written.length > 0) await ctx.store.ledger.recordHashes('product', written);
  }

  return {
    async apply(candidates: Candidate[], force = false): Promise<void> {
      const changed: { candidate: Candidate; hash: string }[] = [];
      for (const candidate of candidates) {
        const hash = contentHash(candidate.draft);
        const unchanged = !options.full && !force && candidate.row?.state === 'synced' && candidate.row.contentHash === hash;
        if (unchanged) rb.count('unchanged');
        else changed.push({ candidate, hash });
      }
      // A value outside the limits holds that product for a person; nothing of it is written.
      for (const entry of [...changed]) {
        const problem = productLimitProblem(entry.candidate.draft, ctx.config.limits);
        if (problem === undefined) continue;
        changed.splice(changed.indexOf(entry), 1);
        rb.count(options.dryRun ? 'wouldNeedAttention' : 'heldByLimits');
        rb.problem('product', entry.candidate.draft.sku, problem.sentence);
        if (!options.dryRun) {
          const data: ProductData = { draft: entry.candidate.draft, ...(entry.candidate.vatRate !== undefined && { vatRate: entry.candidate.vatRate }) };
          await recordBatchFailure(ctx, 'product', entry.candidate.draft.sku, problem, data);
        }
      }
      if (changed.length === 0) return;
      const targets = new Set(await decideTargets(changed.map((c) => c.candidate)));
      const toWrite = changed.filter((c) => targets.has(c.candidate));
      if (options.dryRun) {
        for (const { candidate } of toWrite) {
          const action = candidate.row?.state === 'synced' ? (candidate.draft.enabled ? 'update' : 'disable') : settings.createNew ? 'create' : 'update';
          rb.count(`would${action[0]!.toUpperCase()}${action.slice(1)}`);
          const before = (candidate.row?.data as ProductData | null)?.draft;
          rb.change({ kind: 'product', key: candidate.draft.sku, action, fields: diff(before, candidate.draft) });
        }
        return;
      }
      for (const part of chunk(toWrite, settings.batchSize)) await write(part);
    },
  };
}

function onlyInErpSentence(ctx: FlowContext, sku: string): string {
  return `Product ${sku} is only in the ERP (${erpLabel(ctx)}): ${shopLabel(ctx)} has no product with this SKU and flows.products.createNew is false, so it is not created. ` +
    `To sell it, create it in ${shopLabel(ctx)} and run icsync resync product ${sku}; or set flows.products.createNew: true.`;
}

/** Field → [before, after] for the fields that differ (dry-run diff). */
function diff(before: ShopProductDraft | undefined, after: ShopProductDraft): Record<string, [unknown, unknown]> {
  const fields: Record<string, [unknown, unknown]> = {};
  const flat = (d: ShopProductDraft | undefined): Record<string, unknown> =>
    d ? { name: d.name, price: d.price, enabled: d.enabled, weight: d.weight, taxClassId: d.taxClassId, ...d.attributes } : {};
  const a = flat(before);
  const b = flat(after);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[key] !== b[key]) fields[key] = [a[key], b[key]];
  }
  return fields;
}
