/**
 * ERP stock levels → shop stock rows. Pure: warehouse → source mapping, summing several
 * warehouses that feed one source, and subtracting what shop orders already promised.
 */
import { add, cmp, isNegative, sub, ZERO, type Decimal } from '../core/decimal.js';
import type { ShopStockDraft, Sku, StockLevel } from '../core/model.js';

export const stockKey = (sku: string, source: string): string => `${sku}@${source}`;

/** True when no two warehouses feed the same source: rows can then be mapped page by page. */
export function isOneToOne(warehouses: Record<string, string>): boolean {
  const sources = Object.values(warehouses);
  return new Set(sources).size === sources.length;
}

/**
 * Adds one page of ERP rows into a running sum per `sku@source`. Rows of unmapped
 * warehouses are ignored (they were not asked for).
 */
export function accumulateStock(sums: Map<string, { sku: Sku; source: string; quantity: Decimal }>, rows: readonly StockLevel[], warehouses: Record<string, string>): void {
  for (const row of rows) {
    const source = warehouses[row.warehouse];
    if (source === undefined) continue;
    const key = stockKey(row.sku, source);
    const current = sums.get(key);
    if (current) current.quantity = add(current.quantity, row.quantity);
    else sums.set(key, { sku: row.sku, source, quantity: row.quantity });
  }
}

/**
 * Pending quantities per SKU (shop orders not yet in the ERP) are taken off the source
 * orders ship from; what cannot be taken there is not spread over other sources (those
 * may be far away). Quantities never go below zero.
 */
export function stockDraft(row: { sku: Sku; source: string; quantity: Decimal }, pending: ReadonlyMap<string, Decimal> | undefined, pendingSource: string | undefined): ShopStockDraft {
  let quantity = isNegative(row.quantity) ? ZERO : row.quantity;
  const promised = row.source === pendingSource ? pending?.get(row.sku) : undefined;
  if (promised !== undefined) {
    quantity = sub(quantity, promised);
    if (isNegative(quantity)) quantity = ZERO;
  }
  return { sku: row.sku, source: row.source, quantity, inStock: cmp(quantity, ZERO) > 0 };
}

/** What the ledger hash covers for a stock row. */
export const stockHashInput = (draft: ShopStockDraft): string => `${draft.quantity}|${draft.inStock ? 1 : 0}`;
