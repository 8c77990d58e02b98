/**
 * Sales orders (docs/contracts/icenter.md#sales-orders): AddOrder (root `OrderHeader`), GetOrder/{y}/{b}/{n} (root `OrderHeader`,
 * line number as an attribute [CAP]), GetOrderStatus (keys as attributes [CODE S5]) and
 * GetOrderProcessOverview (with invoices). No idempotency: two AddOrder calls make two orders,
 * as in iCenter; the connector must prevent duplicates.
 */
import { cmp, dec, round, tryDec, ZERO } from '../../core/decimal.js';
import type { Decimal } from '../../core/decimal.js';
import { parseIcenterTime, toLocalDate, toLocalText } from './clock.js';
import { lineAmounts, totalsOf } from './amounts.js';
import { aspNetError, badRequest, boolQuery, conflict, createResult, listReply, modifiedSince, paginate, readRoot, xmlReply } from './http.js';
import type { Ctx, Reply } from './http.js';
import { docKey } from './model.js';
import type { DocKey, DocLine, OrderRecord, OrgState, Row } from './model.js';
import { findItem } from './routes-items.js';
import { fixed } from './routes-lookups.js';
import type { DocumentReferenceFormat } from './settings.js';
import { childNames, el, group, listOf, objOf, textOf, xmlDocument } from './xml.js';
import type { XmlObject, XNode } from './xml.js';

const str = (o: XmlObject, name: string): string => (textOf(o[name]) ?? '').trim();
const bool = (o: XmlObject, name: string): boolean | undefined => {
  const v = str(o, name).toLowerCase();
  return v === '' ? undefined : v === 'true' || v === '1';
};
const pct = (o: XmlObject, name: string): Decimal => tryDec(str(o, name)) ?? ZERO;

/** A document named in text, in the `documentReferenceFormat` setting (docs/contracts/icenter.md#open-questions (question 8): the real format is unknown [INF]). */
export function documentRef(k: DocKey, format: DocumentReferenceFormat): string {
  if (format === 'year/book/number') return `${k.year}/${k.book}/${k.number}`;
  if (format === 'book year/number') return `${k.book} ${k.year}/${k.number}`;
  return `${k.year}-${k.book}-${k.number}`;
}

function vatPercentOf(org: OrgState, id: string): Decimal | undefined {
  const row = org.lookups.vatRates.find((v) => v.VATRateId === id);
  return row ? dec(row.VATRatePercent ?? '0') : undefined;
}

const hasWarehouse = (org: OrgState, id: string): boolean => org.lookups.warehouses.some((w) => w.WarehouseId === id);

interface ParsedOrder {
  errors: string[];
  order?: Omit<OrderRecord, 'number' | 'created' | 'modified' | 'status' | 'invoices'>;
}

function parseOrder(ctx: Ctx, root: XmlObject): ParsedOrder {
  const org = ctx.org;
  const errors: string[] = [];
  const header: Row = {};
  for (const n of childNames(root)) if (n !== 'OrderLines' && n !== 'OrderPaymentLines') header[n] = textOf(root[n]) ?? null;
  const book = str(root, 'OrderBook');
  const bookRow = org.lookups.orderBooks.find((b) => (b.OrderBookID ?? '').toUpperCase() === book.toUpperCase());
  // Validation messages follow iCenter's style (double space before the code); the texts are [INF].
  if (!bookRow) errors.push(`Knjiga naročil  ${book} ne obstaja!`);
  const customerId = str(root, 'CustomerId');
  if (!org.customerIndex.has(customerId.toUpperCase())) errors.push(`Kupec  ${customerId} ne obstaja v šifrantu partnerjev!`);
  const warehouseId = str(root, 'WarehouseId') || bookRow?.WarehouseID || '';
  if (!hasWarehouse(org, warehouseId)) errors.push(`Skladišče  ${warehouseId} ne obstaja!`);
  const zone = ctx.settings.timeZone;
  const orderDate = parseIcenterTime(str(root, 'OrderDate'), zone) ?? Date.now();
  const year = Number(str(root, 'OrderYear')) || Number(toLocalText(orderDate, zone).slice(0, 4));
  const priceListId = str(root, 'PriceListId') || bookRow?.PriceListID || '';
  const priceList = org.lookups.priceLists.find((p) => p.PriceListId === priceListId);
  const lineRows = listOf(objOf(root.OrderLines)?.OrderLine);
  if (lineRows.length === 0) errors.push('Naročilo nima postavk!');
  const lines: DocLine[] = [];
  lineRows.forEach((l, index) => {
    const lineNo = Number(textOf(l['@_OrderLineNo']) ?? str(l, 'OrderLineNo')) || index + 1;
    const itemId = str(l, 'ItemID');
    const item = findItem(org, itemId);
    if (!item) {
      errors.push(`šifra artikla  ${itemId} ne obstaja!`);
      return;
    }
    const qty = tryDec(str(l, 'Qty'));
    if (!qty || cmp(qty, ZERO) <= 0) errors.push(`Postavka ${lineNo}: količina mora biti večja od 0!`);
    const vatRateId = str(l, 'VATRateId') || item.sections.GeneralData.VATRateID || '';
    const vatPercent = vatPercentOf(org, vatRateId);
    if (vatPercent === undefined) errors.push(`Stopnja DDV  ${vatRateId} ne obstaja!`);
    const lineWarehouse = str(l, 'WareHouseId') || warehouseId;
    if (lineWarehouse !== warehouseId && !hasWarehouse(org, lineWarehouse)) errors.push(`Skladišče  ${lineWarehouse} ne obstaja!`);
    // Whether a line may leave out Price, and what iCenter then charges, is open (docs/contracts/icenter.md#open-questions (question 6) [INF]): a setting.
    const sentPrice = tryDec(str(l, 'Price'));
    const missingPrice = ctx.settings.missingLinePrice;
    if (sentPrice === undefined && missingPrice === 'reject') errors.push(`Postavka ${lineNo}: cena artikla  ${item.ItemID} ni vpisana!`);
    const listPrice = missingPrice === 'price-list' ? org.prices.get(priceListId)?.get(item.ItemID)?.price : undefined;
    const price = round(sentPrice ?? listPrice ?? ZERO, ctx.settings.priceDecimals);
    const includeVat = bool(l, 'PriceIncludeVAT') ?? (sentPrice === undefined ? priceList?.VatIncluded === 'true' : false);
    if (!qty || vatPercent === undefined) return;
    const discounts = ['DiscountPercentage', 'DiscountPercentage2', 'DiscountPercentage3', 'DiscountPercentage4', 'DiscountPercentage5'].map((n) => round(pct(l, n), ctx.settings.discountDecimals));
    lines.push({
      lineNo, itemId: item.ItemID, title1: str(l, 'ItemTitle1') || item.ItemTitle1 || '', title2: str(l, 'ItemTitle2') || item.ItemTitle2,
      unit: str(l, 'UnitOfMeasure') || item.sections.GeneralData.ItemUnitOfMeas || 'kom', ean: item.sections.GeneralData.ItemEANCode ?? null,
      warehouseId: lineWarehouse, qty, priceIncludeVat: includeVat, vatRateId, vatPercent, comment: textOf(l.Comment) ?? null,
      ...lineAmounts({ qty, price, priceIncludeVat: includeVat, discounts: discounts.filter((d) => cmp(d, ZERO) !== 0), vatPercent }),
    });
  });
  if (errors.length > 0) return { errors };
  return {
    errors,
    order: {
      year, book: bookRow?.OrderBookID ?? book, header, customerId: org.customerIndex.get(customerId.toUpperCase())?.fields.Code ?? customerId,
      warehouseId, orderReference: str(root, 'OrderReference') || null, orderDate, lines, totals: totalsOf(lines),
    },
  };
}

export function addOrder(ctx: Ctx): Reply {
  const read = readRoot(ctx, ['OrderHeader', 'Order']);
  if ('error' in read) return read.error;
  const parsed = parseOrder(ctx, read.root);
  if (!parsed.order) return conflict(parsed.errors);
  const counterKey = `${parsed.order.year}/${parsed.order.book.toUpperCase()}`;
  const number = (ctx.org.orderCounters.get(counterKey) ?? 0) + 1;
  ctx.org.orderCounters.set(counterKey, number);
  const stamp = ctx.state.stamp();
  const order: OrderRecord = { ...parsed.order, number, status: ctx.settings.orderStatusOpen, created: stamp, modified: stamp, invoices: [] };
  ctx.org.orders.set(docKey(order), order);
  ctx.events.orderCreated(ctx.org, docKey(order));
  const k = ctx.settings.keyNames.order;
  return createResult([
    { name: k.year, value: String(order.year) }, { name: k.book, value: order.book }, { name: k.number, value: String(order.number) },
  ], ctx.settings.keyElements.order);
}

function orderLineNode(l: DocLine, closed: boolean): XNode {
  return group('OrderLine', [
    el('ItemID', l.itemId), el('ItemIDType', 'S'), el('ItemTitle1', l.title1), el('ItemTitle2', l.title2 ?? ''),
    el('Qty', fixed(l.qty, 3)), el('ItemBarCode', l.ean ?? ''), el('ShippedQTY', fixed(closed ? l.qty : ZERO, 3)),
    el('WareHouseId', l.warehouseId), el('Price', fixed(l.price, 4)), el('PriceWithVAT', fixed(l.priceWithVat, 4)),
    el('DiscountPercentage', fixed(l.discountPercent, 2)), el('VATRateId', l.vatRateId), el('VATRatePercent', fixed(l.vatPercent, 2)),
    el('PriceIncludeVAT', String(l.priceIncludeVat)), el('Comment', l.comment ?? ''), el('TextLine', 'false'),
    el('UnitOfMeasure', l.unit), el('Status', closed ? 'Z' : 'O'), el('ClosedLine', String(closed)),
    el('GrossAmout', fixed(l.grossAmount, 2)), el('NetAmount', fixed(l.netAmount, 2)), el('VATAmount', fixed(l.vatAmount, 2)),
    el('DiscountAmount', fixed(l.discountAmount, 2)),
  ], { OrderLineNo: String(l.lineNo) });
}

/**
 * ModifyOrder (docs/contracts/icenter.md#sales-orders [CODE], root `OrderHeader` [INF]): the order named by OrderYear,
 * OrderBook and OrderNumber takes the header fields and lines sent; the lines replace the old ones
 * [INF]. Refused for an invoiced or canceled order.
 */
export function modifyOrder(ctx: Ctx): Reply {
  const read = readRoot(ctx, ['OrderHeader', 'Order']);
  if ('error' in read) return read.error;
  const key = { year: Number(str(read.root, 'OrderYear')), book: str(read.root, 'OrderBook'), number: Number(str(read.root, 'OrderNumber')) };
  const existing = findOrder(ctx.org, key);
  if (!existing) return conflict([`Naročilo  ${key.year}-${key.book}-${key.number} ne obstaja!`]);
  if (existing.invoices.length > 0 || existing.status === ctx.settings.orderStatusCanceled) return conflict([`Naročilo  ${key.year}-${key.book}-${key.number} je zaključeno ali preklicano in ga ni mogoče spremeniti!`]);
  const parsed = parseOrder(ctx, read.root);
  if (!parsed.order) return conflict(parsed.errors);
  const { year: _y, book: _b, ...changes } = parsed.order;
  Object.assign(existing, changes, { modified: ctx.state.stamp() });
  const k = ctx.settings.keyNames.order;
  return createResult([
    { name: k.year, value: String(existing.year) }, { name: k.book, value: existing.book }, { name: k.number, value: String(existing.number) },
  ], ctx.settings.keyElements.order, 'Ok');
}

/** PostOrderCancellation?order.orderYear&order.orderBook&order.orderNumber (docs/contracts/icenter.md#sales-orders [CODE]): refused once invoiced. */
export function cancelOrder(ctx: Ctx): Reply {
  const key = { year: Number(ctx.query('order.orderYear')), book: ctx.query('order.orderBook') ?? '', number: Number(ctx.query('order.orderNumber')) };
  const existing = findOrder(ctx.org, key);
  if (!existing) return conflict([`Naročilo  ${key.year}-${key.book}-${key.number} ne obstaja!`]);
  if (existing.invoices.length > 0) return conflict([`Naročilo  ${key.year}-${key.book}-${key.number} je že fakturirano!`]);
  existing.status = ctx.settings.orderStatusCanceled;
  existing.modified = ctx.state.stamp();
  return createResult([], ctx.settings.keyElements.order, 'Ok');
}

export function findOrder(org: OrgState, key: DocKey): OrderRecord | undefined {
  return org.orders.get(docKey(key));
}

export function getOrder(ctx: Ctx): Reply {
  const key = { year: Number(ctx.params.year), book: ctx.params.book ?? '', number: Number(ctx.params.number) };
  const o = findOrder(ctx.org, key);
  if (!o) {
    const status = ctx.settings.getOrderMissingStatus;
    if (status === 204) return { status: 204 };
    if (status === 200) return xmlReply(xmlDocument(group('OrderHeader', [el('OrderYear', key.year), el('OrderBook', key.book), el('OrderNumber', '0')])));
    return aspNetError(status, 'Dokument ne obstaja!');
  }
  const customer = ctx.org.customerIndex.get(o.customerId.toUpperCase())?.fields ?? {};
  const h = o.header;
  const closed = o.invoices.length > 0;
  const lastInvoice = o.invoices[o.invoices.length - 1];
  const zone = ctx.settings.timeZone;
  return xmlReply(xmlDocument(group('OrderHeader', [
    el('OrderYear', o.year), el('OrderBook', o.book), el('OrderNumber', o.number), el('InvoiceBook', h.InvoiceBook ?? ''),
    el('WarehouseId', o.warehouseId), el('CustomerId', o.customerId), el('CustomerTitle1', customer.Name ?? ''),
    el('CustomerAddress', customer.Address ?? ''), el('CustomerPostalCode', customer.PostalCode ?? ''), el('CustomerCity', customer.City ?? ''),
    el('CustomerCountry', customer.Country ?? ''), el('CustomerTaxNumber', customer.TaxNumber ?? ''),
    el('CustomerPayerId', h.CustomerPayerId ?? o.customerId), el('OrderDate', toLocalDate(o.orderDate, zone)),
    el('OrderReference', o.orderReference ?? ''), el('DeliveryMethod', h.DeliveryMethod ?? ''), el('CurrencyId', h.CurrencyId ?? '978'),
    el('PriceListId', h.PriceListId ?? ''), el('Comment', h.Comment ?? ''), el('DeliveryDate', h.DeliveryDate ?? toLocalDate(o.orderDate, zone)),
    el('OrderStatus', o.status), el('OrderDetailsStatus', closed ? 'Zaključeno' : 'Odprto'),
    el('GrossAmount', fixed(o.totals.grossAmount, 2)), el('DiscountAmount', fixed(o.totals.discountAmount, 2)), el('RebateAmount', '0.00'),
    el('NetAmount', fixed(o.totals.netAmount, 2)), el('VATAmount', fixed(o.totals.vatAmount, 2)), el('PaymentAmount', fixed(o.totals.paymentAmount, 2)),
    el('ReferenceInvoice', lastInvoice ? documentRef(lastInvoice, ctx.settings.documentReferenceFormat) : ''), el('PaymentMethod', h.PaymentMethod ?? ''),
    el('PaymentReferenceExternal', h.PaymentReferenceExternal ?? ''), el('DocumentDeliveryTitle1', h.DocumentDeliveryTitle1 ?? ''),
    el('DocumentDeliveryAddress', h.DocumentDeliveryAddress ?? ''), el('DocumentDeliveryPostalCode', h.DocumentDeliveryPostalCode ?? ''),
    el('DocumentDeliveryCity', h.DocumentDeliveryCity ?? ''), el('DocumentDeliveryCountry', h.DocumentDeliveryCountry ?? ''),
    el('InsertedBy', ctx.settings.user), el('InsertedTime', toLocalText(o.created, zone)),
    el('ModifiedBy', ctx.settings.user), el('ModifiedTime', toLocalText(o.modified, zone)),
    group('OrderLines', o.lines.map((l) => orderLineNode(l, closed))),
  ])));
}

function statusNode(ctx: Ctx, o: OrderRecord): XNode {
  const inv = o.invoices[o.invoices.length - 1];
  const invoice = inv ? ctx.org.invoices.get(docKey(inv)) : undefined;
  return group('OrdersStatus', [
    el('OrderStatus', o.status), el('OrderStatusDescription', o.status), el('OrderConfirmDate', null), el('OrderCustomerConfirmDate', null),
    el('Ref2Dispatch', ''), el('DispatchStatus', ''), el('DispatchStatusDescription', ''), el('DispatchInsUpdTimestamp', null),
    el('Ref2Invoice', inv ? documentRef(inv, ctx.settings.documentReferenceFormat) : ''), el('InvoiceStatus', invoice?.status ?? ''), el('InvoiceStatusDescription', invoice?.status ?? ''),
    el('InvoiceInsUpdTimestamp', invoice ? toLocalText(invoice.modified, ctx.settings.timeZone) : null), el('OrderReference', o.orderReference ?? ''),
    el('TrackingNumber', ''), el('AttachmentIDDeliveryNote', ''), el('AttachmentIDInvoice', invoice?.attachmentId ?? ''),
    el('WorkOrderId', ''), el('ReadyForPickup', 'false'), el('ReadyForPickupDateTime', null), el('ProformaInvoicePaymentStatus', ''),
    el('CancelledDate', null),
  ], { OrderYear: String(o.year), OrderBook: o.book, OrderNumber: String(o.number) });
}

export function getOrderStatus(ctx: Ctx): Reply {
  const book = ctx.query('orderBook');
  if (!book) return badRequest('The request is invalid.');
  if (ctx.settings.getOrderStatusEmpty) return listReply('OrdersStatus', []);
  const year = ctx.query('orderYear');
  const number = ctx.query('orderNumber');
  const ref = ctx.query('orderReference');
  const statuses = (ctx.query('orderStatusList') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const since = modifiedSince(ctx);
  const rows = [...ctx.org.orders.values()].filter((o) =>
    o.book.toUpperCase() === book.toUpperCase() &&
    (!year || o.year === Number(year)) && (!number || o.number === Number(number)) &&
    (!ref || o.orderReference === ref) && (statuses.length === 0 || statuses.includes(o.status)) &&
    since(o.modified));
  return listReply('OrdersStatus', paginate(ctx, rows).map((o) => statusNode(ctx, o)));
}

export function getOrderProcessOverview(ctx: Ctx): Reply {
  const year = ctx.query('orderYear');
  const book = ctx.query('orderBook');
  const number = ctx.query('orderNumber');
  if (!year || !book || !number) return badRequest('The request is invalid.');
  const o = findOrder(ctx.org, { year: Number(year), book, number: Number(number) });
  if (!o) return listReply('OrderProcessOverview', []);
  const children: XNode[] = [
    el('OrderYear', o.year), el('OrderBook', o.book), el('OrderNumber', o.number), el('OrderStatusDescription', o.status),
    el('AttachmentID', ''), el('CancelledDate', null),
  ];
  if (boolQuery(ctx, 'includeProformaInvoices')) children.push(group('Order_ProformaInvoices', []));
  if (boolQuery(ctx, 'includeDispatches')) children.push(group('Order_Dispatches', []));
  if (boolQuery(ctx, 'includeInvoices')) {
    children.push(group('Order_Invoices', o.invoices.map((k) => {
      const inv = ctx.org.invoices.get(docKey(k));
      return group('Order_Invoice', [
        el('InvoiceYear', k.year), el('InvoiceBook', k.book), el('InvoiceNumber', k.number),
        el('InvoiceStatusDescription', inv?.status ?? ''), el('AttachmentIDInvoice', inv?.attachmentId ?? ''), el('IDInvoiceNumber', documentRef(k, ctx.settings.documentReferenceFormat)),
      ]);
    })));
  }
  return listReply('OrderProcessOverview', [group('OrderProcessOverview', children)]);
}
