/**
 * Limits every value must pass before it is written to the other system. Two kinds:
 * - the target's own range: what its columns hold (Magento: price DECIMAL(20,6), quantities and
 *   weight DECIMAL(12,4)); a value beyond it would be cut, rounded to nonsense or read as
 *   Infinity there. iCenter does not publish its column types, so for it only the business
 *   limits below apply (said here because the contract is silent).
 * - business limits a person sets (`limits.*` in icsync.yaml): the largest price, the largest
 *   quantity on an order line or a stock row, and whether a negative price may cross.
 * A value outside them holds that record for a person BEFORE anything is written, with one
 * sentence naming the record, the field, the value and the setting. Pure: no I/O.
 */
import { cmp, isNegative, type Decimal } from '../core/decimal.js';
import { businessError, type SyncError } from '../core/errors.js';
import type { ErpOrderDraft, ErpOrderLineDraft, ShopOrder, ShopProductDraft, ShopStockDraft } from '../core/model.js';

/** What the order checks read of an order: its reference and, per line, the SKU, quantity and unit price. */
type OrderLines = Pick<ErpOrderDraft, 'reference'> & { lines: readonly Pick<ErpOrderLineDraft, 'sku' | 'name' | 'textOnly' | 'quantity' | 'unitPrice'>[] };

export interface Limits {
  maxPrice: Decimal;
  maxLineQuantity: Decimal;
  maxStockQuantity: Decimal;
  allowNegativePrices: boolean;
}

/** Magento's columns: price DECIMAL(20,6); qty and weight DECIMAL(12,4). */
const MAGENTO_MAX_PRICE = '99999999999999.999999' as Decimal;
const MAGENTO_MAX_QUANTITY = '99999999.9999' as Decimal;

/** A value as a person reads it: a 400-digit number is shortened, with its length said. */
export function shown(value: Decimal): string {
  const digits = value.replace(/^-/, '').split('.')[0]!.length;
  return value.length <= 24 ? value : `${value.slice(0, 12)}… (a number with ${digits} digits)`;
}

interface Check {
  field: string;
  value: Decimal;
  /** The largest value allowed and where that limit comes from. */
  max: Decimal;
  maxFrom: string;
  negative: 'refuse' | 'allow';
  negativeWhy: string;
}

/** The first way `value` breaks its check, as a clause: `price -5 is negative (…)`. */
function broken(check: Check): string | undefined {
  if (check.negative === 'refuse' && isNegative(check.value)) return `${check.field} ${shown(check.value)} is negative (${check.negativeWhy})`;
  if (cmp(check.value, check.max) > 0) return `${check.field} ${shown(check.value)} is above ${check.maxFrom} (${check.max})`;
  return undefined;
}

const smaller = (a: Decimal, b: Decimal): Decimal => (cmp(a, b) <= 0 ? a : b);

function priceCheck(field: string, value: Decimal, limits: Limits, targetMax?: Decimal): Check {
  const useTarget = targetMax !== undefined && cmp(targetMax, limits.maxPrice) < 0;
  return {
    field, value,
    max: useTarget ? targetMax : limits.maxPrice,
    maxFrom: useTarget ? 'what the target can store' : 'limits.maxPrice',
    negative: limits.allowNegativePrices ? 'allow' : 'refuse',
    negativeWhy: 'limits.allowNegativePrices is false',
  };
}

/** Why this product must not be written to Magento, or undefined when it may. */
export function productLimitProblem(draft: ShopProductDraft, limits: Limits): SyncError | undefined {
  const checks: Check[] = [];
  if (draft.price !== undefined) checks.push(priceCheck('price', draft.price, limits, MAGENTO_MAX_PRICE));
  if (draft.weight !== undefined) {
    checks.push({ field: 'weight', value: draft.weight, max: MAGENTO_MAX_QUANTITY, maxFrom: 'what the shop can store', negative: 'refuse', negativeWhy: 'a weight cannot be negative' });
  }
  for (const check of checks) {
    const clause = broken(check);
    if (clause === undefined) continue;
    return businessError({
      record: { kind: 'product', key: draft.sku, field: check.field },
      sentence: `Product ${draft.sku}: ${clause}, so it was not written to the shop. Correct it in the ERP, or change the limit if the value is right; the next run writes it once it passes.`,
    });
  }
  return undefined;
}

/** Why this stock row must not be written, or undefined when it may. */
export function stockLimitProblem(draft: ShopStockDraft, limits: Limits): SyncError | undefined {
  const max = smaller(limits.maxStockQuantity, MAGENTO_MAX_QUANTITY);
  const clause = broken({
    field: 'quantity', value: draft.quantity, max,
    maxFrom: max === limits.maxStockQuantity ? 'limits.maxStockQuantity' : 'what the shop can store',
    negative: 'allow', negativeWhy: '',
  });
  if (clause === undefined) return undefined;
  const key = `${draft.sku}@${draft.source}`;
  return businessError({
    record: { kind: 'stock', key, field: 'quantity' },
    sentence: `Stock row ${key}: ${clause}, so it was not written to the shop. Correct the stock in the ERP, or raise limits.maxStockQuantity if it is right.`,
  });
}

/**
 * The same limits on the shop order itself, before anything is written for it (its buyer is
 * created in the ERP before the order is): throws a business error naming the line.
 */
export function checkShopOrder(order: ShopOrder, limits: Limits): void {
  checkOrderDraft({ reference: order.number, lines: order.lines.map((line) => ({ sku: line.sku, name: line.name, quantity: line.quantity, unitPrice: line.unitPriceInclTax })) }, limits);
}

/**
 * Throws a business error (the order waits for a person) when a line of the ERP order breaks a
 * limit. Called while the draft is built, so it holds before the intent is recorded or anything is sent.
 */
export function checkOrderDraft(draft: OrderLines, limits: Limits): void {
  for (const [index, line] of draft.lines.entries()) {
    const what = line.textOnly ? `line ${index + 1} ("${line.name ?? ''}")` : `line ${index + 1} (SKU ${line.sku})`;
    const checks: Check[] = [
      { field: 'quantity', value: line.quantity, max: limits.maxLineQuantity, maxFrom: 'limits.maxLineQuantity', negative: 'refuse', negativeWhy: 'an order line cannot take stock back' },
      priceCheck('unit price', line.unitPrice, limits),
    ];
    for (const check of checks) {
      const clause = broken(check);
      if (clause === undefined) continue;
      throw businessError({
        record: { kind: 'order', key: draft.reference, field: `lines[${index}].${check.field === 'unit price' ? 'unitPrice' : check.field}` },
        sentence: `Order ${draft.reference}: ${what} ${clause}, so nothing was entered in the ERP. Correct the order in the shop, or change the limit if the order is right, then retry.`,
      });
    }
  }
}
