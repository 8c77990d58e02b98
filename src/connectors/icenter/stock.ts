/** GetStocks (docs/contracts/icenter.md#stock) → StockLevel. One call per warehouse: StockItem has no warehouse field. */
import { ZERO } from '../../core/decimal.js';
import { asSku, type StockLevel, type WarehouseCode } from '../../core/model.js';
import { decimalOr, UnreadableRow } from './values.js';
import { list, text, type XmlNode } from './xml.js';

export const STOCK_PATH = 'api/Stock/GetStocks';

export type StockPage = { kind: 'rows'; rows: StockLevel[]; rawCount: number; unreadable: UnreadableRow[] } | { kind: 'unknown-warehouse' };

/**
 * CAP: an unpadded warehouse code (`3` instead of `0000003`) answers HTTP 200 with one empty
 * row (`<Item>` on the wire). That is told apart from real rows so the caller can name the setting.
 */
export function mapStockPage(root: XmlNode, warehouse: WarehouseCode): StockPage {
  const rows = list(root, 'StockItem');
  const strays = list(root, 'Item');
  const withId = rows.filter((r) => text(r, 'ItemID') !== undefined);
  if (withId.length === 0 && (strays.length > 0 || rows.length > 0)) return { kind: 'unknown-warehouse' };
  const levels: StockLevel[] = [];
  const unreadable: UnreadableRow[] = [];
  for (const row of withId) {
    const sku = asSku(text(row, 'ItemID')!);
    try {
      levels.push({ sku, warehouse, quantity: decimalOr(row, 'Qty', ZERO, { kind: 'stock', key: `${sku}@${warehouse}`, label: `stock row of item ${sku} in warehouse ${warehouse}` }) });
    } catch (error) {
      if (!(error instanceof UnreadableRow)) throw error;
      unreadable.push(error);
    }
  }
  return { kind: 'rows', rawCount: rows.length, rows: levels, unreadable };
}

/** iCenter warehouse codes are seven digits with zero padding (CAP `0000003`). */
export const looksUnpadded = (code: string): boolean => /^\d{1,6}$/.test(code);
