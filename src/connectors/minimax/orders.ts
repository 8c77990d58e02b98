/**
 * Shop orders become Minimax received orders (`ReceivedIssued: P`) with the shop order number
 * in `Reference`, which the order list can be filtered on: the exactly-once look-up
 * (`orders?ReceivedIssued=P&Reference=…`, then the order itself, since list rows carry no
 * Reference). Creating is not idempotent and is never repeated by the connector.
 *
 * Minimax has no order books; `mappings.orderBook` must be `P`. Order rows carry no VAT and
 * whether `Price` includes VAT is not documented (INF, open question): the `orderPrices`
 * setting decides, by default as `items/settings PricesIncludeVAT` says.
 */
import { add, div, isZero, mul, round, sub, tryDec, type Decimal } from '../../core/decimal.js';
import { businessError, configurationError } from '../../core/errors.js';
import { asErpKey, type ErpDocumentKey, type ErpOrder, type ErpOrderDraft, type ErpOrderLineDraft, type PartnerCode } from '../../core/model.js';
import type { ErpOrderArithmetic, PortWarning } from '../../core/ports.js';
import type { Catalog } from './catalog.js';
import type { MinimaxClient } from './client.js';
import { TARGET, type MinimaxSettings } from './config.js';
import type { Lookups } from './lookups.js';
import { toMinimaxDate } from './time.js';
import type { CustomerJson, OrderJson, Page } from './wire.js';

const HUNDRED = '100' as Decimal;
const ONE = '1' as Decimal;

const jsonNumber = (value: Decimal): number => Number(value);

export function displayOrder(o: Pick<OrderJson, 'OrderId' | 'Year' | 'Number'>): string {
  // PN: a received order (prejeto naročilo), as Minimax's report template for it is named.
  return o.Year && o.Number ? `PN ${o.Year}-${o.Number}` : `order id ${o.OrderId}`;
}

/**
 * What a Minimax order line priced with VAT comes to, as the flows must predict it before the
 * create: the row Price is kept as sent (the API's precision is not documented, open question;
 * 4 decimals are sent, as Minimax prints them on invoices) and qty × price × (1 − discount)
 * is rounded half up to cents [INF].
 */
export const minimaxOrderArithmetic: ErpOrderArithmetic = {
  priceDecimals: 4,
  discountDecimals: 2,
  linePayable(line) {
    const price = round(line.unitPrice, 4);
    const keep = sub(ONE, div(round(line.discountPercent, 2), HUNDRED, 12));
    return round(mul(mul(line.quantity, price), keep), 2);
  },
};

export function createOrders(client: MinimaxClient, settings: MinimaxSettings, lookups: Lookups, catalog: Catalog, customerIds: Map<string, number>) {

  async function customerId(code: PartnerCode, reference: string): Promise<number> {
    const known = customerIds.get(code);
    if (known !== undefined) return known;
    const c = await client.get<CustomerJson>(`customers/code(${encodeURIComponent(code)})`, undefined, { doing: `looking up customer ${code}`, record: { kind: 'order', key: reference } }, [404]);
    if (!c) throw businessError({ target: TARGET, record: { kind: 'order', key: reference, field: 'partner' }, sentence: `Order ${reference}: customer ${code} is not in Minimax. Create it there (or let the subjects flow do it), then retry.` });
    customerIds.set(code, c.CustomerId);
    return c.CustomerId;
  }

  /** The row price as Minimax expects it, from the draft's price and its VAT rate. */
  async function rowPrice(line: ErpOrderLineDraft, gross: boolean, reference: string): Promise<Decimal> {
    if (line.priceIncludesVat === gross) return line.unitPrice;
    const rate = await lookups.vatByCode(line.vatRate);
    const percent = rate ? tryDec(String(rate.Percent ?? '')) : undefined;
    if (percent === undefined) {
      throw businessError({ target: TARGET, record: { kind: 'order', key: reference, field: 'vatRate' }, sentence: `Order ${reference}: Minimax has no VAT rate "${line.vatRate}" for SKU ${line.sku}; fix mappings.vatRates.` });
    }
    const factor = add(ONE, div(percent, HUNDRED));
    return gross ? round(mul(line.unitPrice, factor), 4) : round(div(line.unitPrice, factor, 10), 4);
  }

  function toOrder(o: OrderJson, gross: boolean, partner?: PartnerCode): ErpOrder {
    let total: Decimal | undefined = gross ? ('0' as Decimal) : undefined;
    if (total !== undefined) {
      for (const r of o.OrderRows ?? []) {
        const qty = tryDec(String(r.Quantity ?? '0')) ?? ('0' as Decimal);
        const price = tryDec(String(r.Price ?? '0')) ?? ('0' as Decimal);
        const keep = sub(ONE, div(tryDec(String(r.DiscountPercent ?? '0')) ?? ('0' as Decimal), HUNDRED, 12));
        total = add(total, round(mul(mul(qty, price), keep), 2));
      }
    }
    return {
      key: asErpKey(String(o.OrderId)),
      displayNumber: displayOrder(o),
      ...(o.Reference && { reference: o.Reference }),
      ...(partner && { partner }),
      // Minimax orders have no totals; with gross row prices the sum of the rows is the gross total.
      ...(total !== undefined && { grossTotal: total }),
      ...(o.Status && { status: o.Status }),
    };
  }

  const readOrder = (id: string | number, doing: string): Promise<OrderJson | undefined> => client.get<OrderJson>(`orders/${id}`, undefined, { doing }, [404]);

  return {
    async createOrder(draft: ErpOrderDraft): Promise<{ order: ErpOrder; warnings: PortWarning[] }> {
      const reference = draft.reference;
      const record = { kind: 'order', key: reference };
      if (draft.book !== 'P') {
        throw configurationError({ target: TARGET, record: { kind: 'setting', key: 'mappings.orderBook' }, sentence: `Minimax has no order books: shop orders are received orders, so mappings.orderBook must be P (it is "${draft.book}").` });
      }
      const warnings: PortWarning[] = [];
      const itemLines = draft.lines.filter((l) => !l.textOnly);
      const ids = await Promise.all(itemLines.map((l) => catalog.itemId(l.sku)));
      const unknown = itemLines.filter((_, i) => ids[i] === undefined).map((l) => l.sku);
      if (unknown.length > 0) {
        throw businessError({ target: TARGET, record: { ...record, field: 'sku' }, sentence: `Order ${reference}: SKU ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in Minimax. Create the item in Minimax (or fix the SKU in the shop), then retry.` });
      }
      const gross = await lookups.pricesIncludeVat();
      const rows = [];
      for (const [i, line] of itemLines.entries()) {
        const warehouse = line.warehouse ?? draft.warehouse;
        rows.push({
          Item: { ID: ids[i]! },
          ...(line.name && { ItemName: line.name.slice(0, 250) }),
          Quantity: jsonNumber(line.quantity),
          Price: jsonNumber(await rowPrice(line, gross, reference)),
          DiscountPercent: jsonNumber(line.discountPercent),
          Warehouse: { ID: await lookups.warehouseId(warehouse) },
        });
      }
      const text = draft.lines.filter((l) => l.textOnly);
      for (const line of text) warnings.push({ record: { ...record, field: 'lines' }, message: `Minimax order rows need an item; the text line "${line.name ?? line.sku}" went into the order notes instead.` });
      const notes = [draft.comment, ...text.map((l) => `${l.name ?? l.sku}: ${l.quantity} × ${l.unitPrice}${isZero(l.discountPercent) ? '' : ` −${l.discountPercent} %`}`)].filter(Boolean).join('\n');
      const body = {
        ReceivedIssued: 'P',
        Date: toMinimaxDate(new Date(draft.orderDate), settings.timeZone),
        Customer: { ID: await customerId(draft.partner, reference) },
        Currency: { ID: await lookups.currencyId(draft.currency) },
        Reference: reference,
        ...(notes && { Notes: notes.slice(0, 1000) }),
        OrderRows: rows,
      };
      const id = await client.create('orders', body, { doing: `entering order ${reference}`, record });
      const created = await readOrder(id, `reading order ${reference} back`);
      if (!created) throw businessError({ target: TARGET, record, sentence: `Order ${reference}: Minimax created order id ${id} but cannot read it back; check Minimax before retrying.` });
      return { order: toOrder(created, gross, draft.partner), warnings };
    },

    async findOrderByReference(reference: string): Promise<ErpOrder | undefined> {
      const rows = (await client.get<Page<OrderJson>>('orders', { ReceivedIssued: 'P', Reference: reference, PageSize: 10 }, { doing: `looking up order ${reference}`, record: { kind: 'order', key: reference } }))?.Rows ?? [];
      const gross = rows.length > 0 ? await lookups.pricesIncludeVat() : true;
      for (const row of rows.sort((a, b) => a.OrderId - b.OrderId)) {
        const order = await readOrder(row.OrderId, `reading order ${reference}`);
        // List rows carry no Reference: the order itself must carry ours (an ignored filter would list every order).
        if (order?.Reference === reference) return toOrder(order, gross);
      }
      return undefined;
    },

    async getOrder(key: ErpDocumentKey): Promise<ErpOrder | undefined> {
      if (!/^\d+$/.test(key)) return undefined;
      const order = await readOrder(key, `reading order id ${key}`);
      return order ? toOrder(order, await lookups.pricesIncludeVat()) : undefined;
    },

    readOrder,
  };
}
