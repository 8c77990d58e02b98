/**
 * Orders: creation with the shop's order number in OrderReference, and look-up by that
 * reference, which is what makes the exactly-once protocol work (ARCHITECTURE.md).
 *
 * Look-up by reference [docs/contracts/icenter.md#sales-orders]: GetOrderStatus?orderBook&orderReference first; CAP,
 * in some installations it returns nothing for VNK, so the fallback (orderLookup.mode) reads
 * GetOrder/{year}/{book}/{n} from the newest number downwards. The newest number is found
 * by probing upwards in doubling steps, then halving the gap, then stepping over up to
 * `sweepMissLimit` missing numbers (numbers run from 1 per year and book [CAP]; a gap wider
 * than the miss limit hides what lies beyond it [INF]).
 */
import { businessError } from '../../core/errors.js';
import type { ErpDocumentKey, ErpOrder, ErpOrderDraft, Sku } from '../../core/model.js';
import type { PortWarning } from '../../core/ports.js';
import type { IcenterClient } from './client.js';
import type { IcenterSettings } from './config.js';
import { displayNumber, docPath, formatDocKey, parseDocKey, type DocKey } from './documents.js';
import { createTextSanitizer } from './encoding.js';
import { settingProblem, TARGET } from './errors.js';
import { ADD_ORDER_PATH, CANCEL_ORDER_PATH, GET_ORDER_PATH, MODIFY_ORDER_PATH, mapOrder, ORDER_STATUS_PATH, orderBody, orderKeyFromResult, orderYearFor, statusRows } from './orders.js';
import { localYear } from './time.js';
import { isSyncError } from '../../core/errors.js';
import { EXPECT } from './answers.js';

/** Statuses GetOrder answers for a number that does not exist [CAP]. */
const MISSING_ORDER = [204, 400, 404, 500] as const;

export function createOrderPort(client: IcenterClient, settings: IcenterSettings, deps: { existingSkus(skus: Sku[]): Promise<Set<Sku>> }) {
  async function readOrder(key: DocKey, probe: boolean): Promise<ErpOrder | undefined> {
    const answer = await client.get(`${GET_ORDER_PATH}/${docPath(key)}`, undefined, { doing: `reading order ${formatDocKey(key)}` }, { acceptMissing: MISSING_ORDER, probe, expect: EXPECT.order });
    return answer ? mapOrder(answer.node) : undefined;
  }

  async function getOrder(key: ErpDocumentKey): Promise<ErpOrder | undefined> {
    const parsed = parseDocKey(key);
    if (!parsed) throw businessError({ target: TARGET, record: { kind: 'order', key }, sentence: `"${key}" is not an iCenter order key (expected year/book/number, e.g. 2026/VNK/3495).` });
    return readOrder(parsed, true);
  }

  /** Names the SKUs of the draft that iCenter does not know, when AddOrder was refused. */
  async function unknownSkusOf(draft: ErpOrderDraft): Promise<Sku[]> {
    const skus = [...new Set(draft.lines.filter((l) => !l.textOnly).map((l) => l.sku))];
    try {
      const known = await deps.existingSkus(skus);
      return skus.filter((s) => !known.has(s));
    } catch {
      return [];
    }
  }

  async function createOrder(draft: ErpOrderDraft): Promise<{ order: ErpOrder; warnings: PortWarning[] }> {
    const record = { kind: 'order', key: draft.reference };
    const currencyId = settings.currencyIds[draft.currency];
    if (!currencyId) throw settingProblem(`No iCenter currency id for ${draft.currency}: add it to erp.icenter.currencyIds (e.g. ${draft.currency}: "978").`);
    const year = orderYearFor(draft, settings, new Date());
    const clean = createTextSanitizer(record);
    let result;
    try {
      result = await client.write('POST', ADD_ORDER_PATH, 'OrderHeader', orderBody(draft, year, currencyId, settings, clean), {
        doing: `creating the order for shop order ${draft.reference}`,
        record,
      });
    } catch (error) {
      if (isSyncError(error) && error.errorClass === 'business') {
        const unknown = await unknownSkusOf(draft);
        if (unknown.length > 0) {
          throw businessError({
            target: TARGET,
            record: { ...record, field: 'sku' },
            ...(error.status !== undefined ? { status: error.status } : {}),
            ...(error.remoteMessage ? { remoteMessage: error.remoteMessage } : {}),
            sentence: `iCenter refused shop order ${draft.reference}: item${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'do' : 'does'} not exist in iCenter. Create the item in iCenter or correct the SKU in the shop, then retry.`,
            cause: error,
          });
        }
      }
      throw error;
    }
    const key = orderKeyFromResult(result.keys, { year, book: draft.book }, settings);
    if (!key) {
      throw businessError({
        target: TARGET,
        record,
        sentence: `iCenter accepted shop order ${draft.reference} but returned no order number the connector can read (keys: ${[...result.keys].map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}). Set erp.icenter.keyNames.order; the order exists, so do not enter it again.`,
      });
    }
    const warnings: PortWarning[] = [...clean.warnings, ...result.errors.map((e) => ({ record, message: `iCenter: ${e.message}` }))];
    const order = (await readOrder(key, false)) ?? { key: formatDocKey(key), displayNumber: displayNumber(key), reference: draft.reference };
    return { order, warnings };
  }

  async function byStatus(reference: string, book: string): Promise<ErpOrder | undefined> {
    const answer = await client.get(ORDER_STATUS_PATH, { 'searchQuery.orderBook': book, 'searchQuery.orderReference': reference }, { doing: `looking up the order with reference ${reference}`, record: { kind: 'order', key: reference } }, { expect: EXPECT.orderStatus });
    // The filter is checked here too: an installation that ignores it would return every order.
    const rows = statusRows(answer?.node ?? {}).filter((r) => r.reference === undefined || r.reference === reference);
    rows.sort((a, b) => a.key.year - b.key.year || a.key.number - b.key.number);
    for (const row of rows) {
      const order = await readOrder(row.key, true);
      if (order && (order.reference === undefined || order.reference === reference)) return order;
    }
    return undefined;
  }

  /** The newest existing order number of a year and book, or 0. */
  async function newestNumber(year: number, book: string): Promise<number> {
    const exists = async (n: number) => (await readOrder({ year, book, number: n }, true)) !== undefined;
    let low = 0;
    let high = 1;
    while (await exists(high)) {
      low = high;
      high *= 2;
    }
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (await exists(mid)) low = mid;
      else high = mid;
    }
    // Step over a short run of missing numbers (a cancelled or deleted document).
    for (let n = low + 1, misses = 0; misses < settings.orderLookup.sweepMissLimit; n += 1) {
      if (await exists(n)) {
        low = n;
        misses = 0;
      } else misses += 1;
    }
    return low;
  }

  async function bySweep(reference: string, book: string, years: number[]): Promise<ErpOrder | undefined> {
    for (const year of years) {
      const newest = await newestNumber(year, book);
      const oldest = Math.max(1, newest - settings.orderLookup.sweepWindow + 1);
      let found: ErpOrder | undefined;
      // Newest first, but keep going so the first order with the reference (the lowest number) wins.
      for (let n = newest; n >= oldest; n -= 1) {
        const order = await readOrder({ year, book, number: n }, true);
        if (order?.reference === reference) found = order;
      }
      if (found) return found;
    }
    return undefined;
  }

  async function findOrderByReference(reference: string, hint?: { orderDate?: Date; book?: string }): Promise<ErpOrder | undefined> {
    const book = hint?.book ?? settings.books.order;
    const mode = settings.orderLookup.mode;
    if (mode !== 'sweep') {
      const found = await byStatus(reference, book);
      if (found || mode === 'status') return found;
    }
    const now = new Date();
    const years = [...new Set([hint?.orderDate ? localYear(hint.orderDate, settings.timeZone) : localYear(now, settings.timeZone), localYear(now, settings.timeZone)])];
    return bySweep(reference, book, years);
  }

  function requireKey(key: ErpDocumentKey): DocKey {
    const parsed = parseDocKey(key);
    if (!parsed) throw businessError({ target: TARGET, record: { kind: 'order', key }, sentence: `"${key}" is not an iCenter order key (expected year/book/number, e.g. 2026/VNK/3495).` });
    return parsed;
  }

  /** PostOrderCancellation with the key in the query (docs/contracts/icenter.md#sales-orders [CODE]); the request body is an empty element [INF]. */
  async function cancelOrder(key: ErpDocumentKey): Promise<void> {
    const k = requireKey(key);
    await client.write('POST', CANCEL_ORDER_PATH, 'Order', [], { doing: `canceling order ${formatDocKey(k)}`, record: { kind: 'order', key } }, {
      query: { 'order.orderYear': k.year, 'order.orderBook': k.book, 'order.orderNumber': k.number },
    });
  }

  /**
   * ModifyOrder (docs/contracts/icenter.md#sales-orders [CODE]; wire root `<OrderHeader>` [INF]) with the order's key and the
   * draft's header and lines: the lines sent replace the order's lines [INF]. Sending the same draft
   * again gives the same order, so a retry after a lost answer is safe.
   */
  async function replaceOrder(key: ErpDocumentKey, draft: ErpOrderDraft): Promise<{ order: ErpOrder; warnings: PortWarning[] }> {
    const k = requireKey(key);
    const record = { kind: 'order', key: draft.reference };
    const currencyId = settings.currencyIds[draft.currency];
    if (!currencyId) throw settingProblem(`No iCenter currency id for ${draft.currency}: add it to erp.icenter.currencyIds (e.g. ${draft.currency}: "978").`);
    const clean = createTextSanitizer(record);
    const body = orderBody({ ...draft, book: k.book }, k.year, currencyId, settings, clean);
    const result = await client.write('POST', MODIFY_ORDER_PATH, 'OrderHeader', [['OrderNumber', k.number], ...body], { doing: `replacing order ${formatDocKey(k)} with shop order ${draft.reference}`, record });
    const warnings: PortWarning[] = [...clean.warnings, ...result.errors.map((e) => ({ record, message: `iCenter: ${e.message}` }))];
    const order = (await readOrder(k, false)) ?? { key: formatDocKey(k), displayNumber: `${k.book} ${k.year}/${k.number}`, reference: draft.reference };
    return { order, warnings };
  }

  return { createOrder, findOrderByReference, getOrder, readOrder, cancelOrder, replaceOrder };
}
