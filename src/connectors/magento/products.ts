/**
 * Products (docs/contracts/magento.md#products). Writes go through `/rest/<productWriteScope>/V1/products` (default
 * `all` = global values) with the SKU in the body: POST is an upsert, and SKUs never appear
 * in a path (a `/` in a SKU breaks routing and OAuth). Only the fields icsync owns are sent;
 * a GET body is never echoed back (that would wipe images or freeze store-view values).
 */
import { isSyncError, businessError, toSyncError } from '../../core/errors.js';
import type { CurrencyCode, ShopProductDraft, Sku } from '../../core/model.js';
import type { RecordOutcome, ShopProductState } from '../../core/ports.js';
import type { BulkWriter } from './bulk.js';
import type { MagentoClient } from './client.js';
import { mapLimited } from './concurrency.js';
import type { MagentoSettings } from './config.js';
import { EXPECT } from './answers.js';
import { TARGET } from './errors.js';
import { jsonDecimal } from './json.js';
import { searchCriteriaQuery } from './search-criteria.js';

interface MagentoProduct {
  id?: number;
  sku: string;
  name?: string;
  status?: number;
  type_id?: string;
}

// An `in` look-up names at most this many SKUs (Magento's page size cap) and this many
// characters of SKUs, which keeps the URL well under the common 8 KiB limit once encoded.
const LOOKUP_MAX_SKUS = 300;
const LOOKUP_MAX_CHARS = 2_000;

/** Splits SKUs into look-up lists by count and by length, so short SKUs need few requests. */
export function lookupChunks(skus: readonly Sku[]): Sku[][] {
  const chunks: Sku[][] = [];
  let current: Sku[] = [];
  let chars = 0;
  for (const sku of skus) {
    if (current.length > 0 && (current.length >= LOOKUP_MAX_SKUS || chars + sku.length + 1 > LOOKUP_MAX_CHARS)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(sku);
    chars += sku.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function productBody(draft: ShopProductDraft, exists: boolean, settings: MagentoSettings): { product: Record<string, unknown>; saveOptions: true } {
  const product: Record<string, unknown> = { sku: draft.sku, name: draft.name, status: draft.enabled ? 1 : 2 };
  if (draft.price !== undefined) product.price = jsonDecimal(draft.price);
  if (draft.weight !== undefined) product.weight = jsonDecimal(draft.weight);
  const custom = Object.entries(draft.attributes).map(([attribute_code, value]) => ({ attribute_code, value }));
  if (draft.taxClassId !== undefined) custom.unshift({ attribute_code: 'tax_class_id', value: String(draft.taxClassId) });
  if (custom.length > 0) product.custom_attributes = custom;
  if (!exists) {
    // Only new products get type, set, visibility and websites: a person may have changed them since.
    const defaults = settings.productDefaults;
    Object.assign(product, {
      attribute_set_id: defaults.attributeSetId,
      type_id: defaults.typeId,
      visibility: defaults.visibility,
      extension_attributes: { website_ids: defaults.websiteIds },
    });
  }
  return { product, saveOptions: true };
}

export function createProductPort(client: MagentoClient, settings: MagentoSettings, bulk: BulkWriter) {
  async function lookup(skus: Sku[], filter: { value: string; condition: 'in' | 'eq' }): Promise<MagentoProduct[]> {
    const query = searchCriteriaQuery({ filterGroups: [[{ field: 'sku', ...filter }]], pageSize: Math.min(300, Math.max(skus.length, 1)), currentPage: 1 });
    const page = await client.call<{ items?: MagentoProduct[] }>({
      method: 'GET', path: '/products', query, repeatable: true, route: 'GET /V1/products', doing: `looking up ${skus.length} product(s) in Magento`, expect: EXPECT.productSearch,
    });
    return page.items ?? [];
  }

  async function findProducts(skus: Sku[]): Promise<Map<Sku, ShopProductState>> {
    const wanted = [...new Set(skus)];
    // MySQL compares SKUs case-insensitively: match answers back to the SKU asked for.
    const byLower = new Map<string, Sku[]>();
    for (const sku of wanted) byLower.set(sku.toLowerCase(), [...(byLower.get(sku.toLowerCase()) ?? []), sku]);
    const found = new Map<Sku, ShopProductState>();
    // A comma inside a SKU would split an `in` list: those are looked up one by one.
    const plain = wanted.filter((sku) => !sku.includes(','));
    const tricky = wanted.filter((sku) => sku.includes(','));
    const requests = [
      ...lookupChunks(plain).map((part) => () => lookup(part, { value: part.join(','), condition: 'in' })),
      ...tricky.map((sku) => () => lookup([sku], { value: sku, condition: 'eq' })),
    ];
    const pages = await mapLimited(requests, settings.maxConcurrent, (run) => run());
    for (const item of pages.flat()) {
      for (const sku of byLower.get(String(item.sku).toLowerCase()) ?? []) {
        const state: ShopProductState = { sku };
        if (item.id !== undefined) state.id = String(item.id);
        if (item.name !== undefined) state.name = item.name;
        if (item.status !== undefined) state.enabled = item.status === 1;
        if (item.type_id !== undefined) state.typeId = item.type_id;
        found.set(sku, state);
      }
    }
    return found;
  }

  async function upsertProducts(
    drafts: ShopProductDraft[],
    options: { mode: 'create-or-update' | 'update'; currency?: CurrencyCode },
  ): Promise<RecordOutcome<Sku>[]> {
    if (drafts.length === 0) return [];
    const existing = await findProducts(drafts.map((d) => d.sku));
    const refused = (draft: ShopProductDraft): RecordOutcome<Sku> => ({
      key: draft.sku,
      ok: false,
      error: businessError({
        sentence: `Product ${draft.sku} is not in the shop, and products are only updated here (mode update never creates). Create it in Magento or switch the products flow to create-or-update.`,
        target: TARGET,
        record: { kind: 'product', key: draft.sku },
      }),
    });
    const writable = drafts.filter((draft) => existing.has(draft.sku) || options.mode !== 'update');
    if (settings.bulk.enabled && writable.length >= settings.bulk.minRecords) {
      const outcomes = await bulk.write(
        '/products',
        '/products',
        writable.map((draft) => ({ body: productBody(draft, existing.has(draft.sku), settings), record: { kind: 'product', key: draft.sku } })),
        'products',
      );
      const bySku = new Map(writable.map((draft, index) => [draft.sku, outcomes[index]!]));
      return drafts.map((draft): RecordOutcome<Sku> => {
        const outcome = bySku.get(draft.sku);
        if (outcome === undefined) return refused(draft);
        return outcome.ok ? { key: draft.sku, ok: true, created: !existing.has(draft.sku) } : { key: draft.sku, ok: false, error: outcome.error };
      });
    }
    return mapLimited(drafts, settings.maxConcurrent, async (draft): Promise<RecordOutcome<Sku>> => {
      const record = { kind: 'product', key: draft.sku };
      const exists = existing.has(draft.sku);
      if (!exists && options.mode === 'update') return refused(draft);
      try {
        await client.call({
          method: 'POST', path: '/products', scope: 'write', body: productBody(draft, exists, settings), repeatable: true, record,
          route: 'POST /V1/products', doing: `${exists ? 'updating' : 'creating'} product ${draft.sku} in Magento`,
        });
        return { key: draft.sku, ok: true, created: !exists };
      } catch (error) {
        if (isSyncError(error) && error.errorClass === 'configuration') throw error;
        return { key: draft.sku, ok: false, error: toSyncError(error, { target: TARGET, record }) };
      }
    });
  }

  return { findProducts, upsertProducts };
}
