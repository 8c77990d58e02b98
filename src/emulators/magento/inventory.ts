/**
 * MSI: source items per (sku, source), reservations, salable quantity; and the legacy
 * CatalogInventory stock item, which under MSI reads and writes the `default` source only.
 */
import { add, cmp, dec, decFromJson, sub, ZERO, type Decimal } from '../../core/decimal.js';
import { MagentoHttpError, badRequest } from './errors.js';
import type { EmulatorState, Json, SourceItem } from './state.js';

export const DEFAULT_SOURCE = 'default';
export const SOURCE_ITEM_TYPE = '\\Magento\\InventoryApi\\Api\\Data\\SourceItemInterface';

export function getSourceItem(state: EmulatorState, sku: string, sourceCode: string): SourceItem | undefined {
  return state.sourceItems.get(sku.toLowerCase())?.get(sourceCode);
}

export function putSourceItem(state: EmulatorState, item: SourceItem): void {
  const key = item.sku.toLowerCase();
  let bySource = state.sourceItems.get(key);
  if (!bySource) {
    bySource = new Map();
    state.sourceItems.set(key, bySource);
  }
  bySource.set(item.sourceCode, item);
}

export function* allSourceItems(state: EmulatorState): Iterable<SourceItem> {
  for (const bySource of state.sourceItems.values()) yield* bySource.values();
}

export const renderSourceItem = (item: SourceItem): Json => ({ sku: item.sku, source_code: item.sourceCode, quantity: Number(item.quantity), status: item.status });

interface ItemError {
  message: string;
  parameters: Record<string, unknown>;
}

/** MSI SourceItemsSave validators (ValidationTest): every problem collected, first one on top. */
function validateSourceItem(state: EmulatorState, raw: Json, withQuantity: boolean): ItemError[] {
  const errors: ItemError[] = [];
  const sku = typeof raw.sku === 'string' ? raw.sku.trim() : '';
  const source = typeof raw.source_code === 'string' ? raw.source_code : '';
  if (sku === '') errors.push({ message: '"%field" can not be empty.', parameters: { field: 'sku' } });
  if (source.trim() === '') errors.push({ message: '"%field" can not be empty.', parameters: { field: 'source_code' } });
  else if (/\s/.test(source)) errors.push({ message: '"%field" can not contain whitespaces.', parameters: { field: 'source_code' } });
  if (withQuantity) {
    if (typeof raw.quantity !== 'number' || !Number.isFinite(raw.quantity)) errors.push({ message: '"%field" should be numeric.', parameters: { field: 'quantity' } });
    if (raw.status !== 0 && raw.status !== 1) errors.push({ message: '"%field" should a known status.', parameters: { field: 'status' } });
  }
  return errors;
}

function validationFailed(errors: ItemError[]): MagentoHttpError {
  const first = errors[0] as ItemError;
  const rendered = first.message.replace(/%(\w+)/g, (_m, name: string) => String(first.parameters[name]));
  return new MagentoHttpError(400, { message: `Validation Failed: ${rendered}`, errors });
}

export function checkBatchLimit(count: number, limit: number | null): void {
  if (limit !== null && count > limit) {
    throw badRequest('Maximum items of type "%type" is %max', { type: SOURCE_ITEM_TYPE, max: limit });
  }
}

export function saveSourceItems(state: EmulatorState, items: Json[], unknownSku: 'reject' | 'accept', productExists: (sku: string) => boolean): void {
  if (items.length === 0) throw badRequest('Input data is empty');
  const errors = items.flatMap((item) => validateSourceItem(state, item, true));
  if (errors.length > 0) throw validationFailed(errors);
  for (const item of items) {
    if (!state.sources.has(item.source_code as string)) throw badRequest('Could not save Source Item');
    // [L]: the contract is silent on a SKU without product; setting unknownSkuSourceItems.
    if (unknownSku === 'reject' && !productExists((item.sku as string).trim())) throw badRequest('Could not save Source Item');
  }
  // One transaction in Magento: all or nothing, so write only after every check passed.
  for (const item of items) {
    const sku = (item.sku as string).trim();
    const existing = getSourceItem(state, sku, item.source_code as string);
    putSourceItem(state, { sku: existing?.sku ?? sku, sourceCode: item.source_code as string, quantity: decFromJson(item.quantity), status: item.status as number });
  }
}

export function deleteSourceItems(state: EmulatorState, items: Json[]): void {
  if (items.length === 0) throw badRequest('Input data is empty');
  const errors = items.flatMap((item) => validateSourceItem(state, item, false));
  if (errors.length > 0) throw validationFailed(errors);
  for (const item of items) state.sourceItems.get((item.sku as string).toLowerCase())?.delete(item.source_code as string);
}

export function reserve(state: EmulatorState, sku: string, quantity: Decimal): void {
  const key = sku.toLowerCase();
  state.reservations.set(key, add(state.reservations.get(key) ?? ZERO, quantity));
}

/** Σ quantity of in-stock items on enabled sources of stock 1, plus (negative) reservations. */
export function salableQuantity(state: EmulatorState, sku: string): Decimal {
  let total = ZERO;
  for (const item of state.sourceItems.get(sku.toLowerCase())?.values() ?? []) {
    if (item.status === 1 && state.sources.get(item.sourceCode)?.enabled !== false) total = add(total, item.quantity);
  }
  const salable = add(total, state.reservations.get(sku.toLowerCase()) ?? ZERO);
  return cmp(salable, ZERO) < 0 ? ZERO : salable;
}

/** Shipment: source quantity goes down and the order's reservation is compensated. */
export function deductForShipment(state: EmulatorState, sku: string, quantity: Decimal, sourceCode: string): void {
  const item = getSourceItem(state, sku, sourceCode);
  if (item) item.quantity = sub(item.quantity, quantity);
  reserve(state, sku, quantity);
}

export function releaseReservation(state: EmulatorState, sku: string, quantity: Decimal): void {
  reserve(state, sku, quantity);
}

export function defaultStockQty(state: EmulatorState, sku: string): { qty: Decimal; inStock: boolean } {
  const item = getSourceItem(state, sku, DEFAULT_SOURCE);
  return { qty: item?.quantity ?? ZERO, inStock: item ? item.status === 1 : false };
}

/** Legacy stock item write: lands on the default source (status follows is_in_stock) — docs/contracts/magento.md#stock [M] for the MSI effect. */
export function writeDefaultStock(state: EmulatorState, sku: string, stockItem: Json): void {
  const current = getSourceItem(state, sku, DEFAULT_SOURCE);
  const qty = stockItem.qty !== undefined && stockItem.qty !== null ? dec(String(stockItem.qty)) : current?.quantity ?? ZERO;
  let status = current?.status ?? 1;
  if (typeof stockItem.is_in_stock === 'boolean') status = stockItem.is_in_stock ? 1 : 0;
  putSourceItem(state, { sku: current?.sku ?? sku, sourceCode: DEFAULT_SOURCE, quantity: qty, status });
}

