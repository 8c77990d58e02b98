/**
 * Sales orders (docs/contracts/icenter.md#sales-orders): ErpOrderDraft → AddOrder `<OrderHeader>` body, GetOrder and
 * GetOrderStatus rows → ErpOrder, and the AddOrder CreateResult keys → the new order's key.
 */
import { add, div, mul, round, sub, type Decimal, tryDec } from '../../core/decimal.js';
import type { ErpOrderArithmetic } from '../../core/ports.js';
import { asPartnerCode, type ErpOrder, type ErpOrderDraft, type PostalAddress } from '../../core/model.js';
import type { IcenterSettings } from './config.js';
import { displayNumber, formatDocKey, parseDocReference, positiveNumber, type DocKey } from './documents.js';
import type { TextSanitizer } from './encoding.js';
import { keyValue } from './results.js';
import { localYear, toLocalText } from './time.js';
import { child, field, list, text, type XmlNode, type XmlOut } from './xml.js';

export const ADD_ORDER_PATH = 'api/Order/AddOrder';
export const GET_ORDER_PATH = 'api/Order/GetOrder';
export const ORDER_STATUS_PATH = 'api/Order/GetOrderStatus';
export const PROCESS_OVERVIEW_PATH = 'api/Order/GetOrderProcessOverview';
export const MODIFY_ORDER_PATH = 'api/Order/ModifyOrder';
export const CANCEL_ORDER_PATH = 'api/Order/PostOrderCancellation';

/**
 * iCenter's arithmetic for a line priced with VAT (PriceIncludeVAT true): Price and
 * DiscountPercentage kept to erp.icenter.orderPrecision, then qty × price × (1 − discount)
 * rounded half up to cents is what the line costs [INF from GetOrder's line amounts; the
 * GrossAmount − DiscountAmount = NetAmount, + VATAmount = PaymentAmount header set].
 */
export function orderArithmetic(settings: IcenterSettings): ErpOrderArithmetic {
  const { price: priceDecimals, discountPercent: discountDecimals } = settings.orderPrecision;
  return {
    priceDecimals,
    discountDecimals,
    linePayable(line) {
      const price = round(line.unitPrice, priceDecimals);
      const discount = round(line.discountPercent, discountDecimals);
      const factor = sub('1' as Decimal, div(discount, '100' as Decimal, 12));
      return round(mul(mul(line.quantity, price), factor), 2);
    },
  };
}

export function orderYearFor(draft: ErpOrderDraft, settings: IcenterSettings, now: Date): number {
  return settings.orderYear === 'current' ? localYear(now, settings.timeZone) : localYear(new Date(draft.orderDate), settings.timeZone);
}

function deliveryFields(address: PostalAddress | undefined, clean: TextSanitizer): XmlOut[] {
  if (!address) return [];
  const person = [address.firstName, address.lastName].filter(Boolean).join(' ');
  return [
    ['DocumentDeliveryTitle1', clean.text(address.company || person || undefined, 'deliveryAddress.name')],
    ['DocumentDeliveryTitle2', clean.text(address.company && person ? person : undefined, 'deliveryAddress.person')],
    ['DocumentDeliveryAddress', clean.text(address.street.join(', '), 'deliveryAddress.street')],
    ['DocumentDeliveryPostalCode', clean.text(address.postcode, 'deliveryAddress.postcode')],
    ['DocumentDeliveryCity', clean.text(address.city, 'deliveryAddress.city')],
    ['DocumentDeliveryCountry', address.country],
    ['DeliveryContactPhoneNo', clean.text(address.telephone, 'deliveryAddress.telephone')],
  ];
}

/**
 * INF: the request shape is built from confirmed field names (S4 + swagger) but never seen
 * accepted live. The line number goes as an element (S4); prices are sent, not left to the price list.
 */
export function orderBody(draft: ErpOrderDraft, year: number, currencyId: string, settings: IcenterSettings, clean: TextSanitizer): XmlOut[] {
  const lines: XmlOut[] = draft.lines.map((line, index) => [
    'OrderLine',
    [
      ['OrderLineNo', index + 1],
      ['ItemID', line.textOnly ? undefined : line.sku],
      ['ItemTitle1', clean.text(line.name, `lines[${index}].name`)],
      ['Qty', line.quantity],
      ['WareHouseId', line.warehouse],
      // Rounded here to what iCenter keeps, so that what it computes is what orderArithmetic said.
      ['Price', round(line.unitPrice, settings.orderPrecision.price)],
      ['DiscountPercentage', round(line.discountPercent, settings.orderPrecision.discountPercent)],
      ['VATRateId', line.vatRate],
      ['PriceIncludeVAT', line.priceIncludesVat],
      ['TextLine', line.textOnly ? true : undefined],
    ],
  ]);
  return [
    ['OrderYear', year],
    ['OrderBook', draft.book],
    ['WarehouseId', draft.warehouse],
    ['CustomerId', draft.partner],
    ['OrderDate', toLocalText(new Date(draft.orderDate), settings.timeZone)],
    ['OrderReference', clean.text(draft.reference, 'reference')],
    ['CurrencyId', currencyId],
    ['PaymentMethod', draft.paymentMethod],
    ['DeliveryMethod', draft.shippingMethod],
    ...deliveryFields(draft.deliveryAddress, clean),
    ['Comment', clean.text(draft.comment, 'comment')],
    ['OrderLines', lines],
  ];
}

/**
 * The new order's key from AddOrder's CreateResult (names are settings, INF). Accepted:
 * three named keys; one key whose value is a full reference (`2026-VNK-12`); or a lone
 * number, completed with the year and book that were sent.
 */
export function orderKeyFromResult(keys: Map<string, string>, sent: { year: number; book: string }, settings: IcenterSettings): DocKey | undefined {
  const names = settings.keyNames.order;
  const number = positiveNumber(keys.get(names.number));
  if (number !== undefined) {
    return { year: positiveNumber(keys.get(names.year)) ?? sent.year, book: keys.get(names.book) ?? sent.book, number };
  }
  const single = keys.size === 1 ? keyValue(keys, names.number) : undefined;
  const asReference = parseDocReference(single);
  if (asReference) return asReference;
  const lone = positiveNumber(single);
  return lone === undefined ? undefined : { year: sent.year, book: sent.book, number: lone };
}

/** Key of a GetOrder header or an OrdersStatus row (element or attribute); undefined for "no document". */
export function orderKeyOf(node: XmlNode): DocKey | undefined {
  const year = positiveNumber(field(node, 'OrderYear') ?? undefined);
  const book = field(node, 'OrderBook')?.trim();
  const number = positiveNumber(field(node, 'OrderNumber') ?? undefined);
  if (year === undefined || !book || number === undefined) return undefined;
  return { year, book, number };
}

export function mapOrder(node: XmlNode, fallbackKey?: DocKey): ErpOrder | undefined {
  const key = orderKeyOf(node) ?? (text(node, 'OrderNumber') === undefined ? undefined : fallbackKey);
  if (!key) return undefined;
  const order: ErpOrder = { key: formatDocKey(key), displayNumber: displayNumber(key) };
  const reference = text(node, 'OrderReference');
  if (reference) order.reference = reference;
  const partner = text(node, 'CustomerId');
  if (partner) order.partner = asPartnerCode(partner);
  const net = tryDec(text(node, 'NetAmount'));
  const vat = tryDec(text(node, 'VATAmount'));
  if (net !== undefined) order.netTotal = net;
  if (vat !== undefined) order.vatTotal = vat;
  // GrossAmount on an iCenter order is the amount before discount, not the total with VAT.
  const payable: Decimal | undefined = tryDec(text(node, 'PaymentAmount')) ?? (net !== undefined && vat !== undefined ? add(net, vat) : undefined);
  if (payable !== undefined) order.grossTotal = payable;
  const status = text(node, 'OrderStatus');
  if (status) order.status = status;
  return order;
}

/** OrdersStatus rows of a GetOrderStatus answer, with their reference. */
export function statusRows(root: XmlNode): { key: DocKey; reference?: string; ref2Invoice?: string }[] {
  const out: { key: DocKey; reference?: string; ref2Invoice?: string }[] = [];
  for (const row of list(root, 'OrdersStatus')) {
    const key = orderKeyOf(row);
    if (!key) continue;
    const entry: { key: DocKey; reference?: string; ref2Invoice?: string } = { key };
    const reference = text(row, 'OrderReference');
    if (reference) entry.reference = reference;
    const ref2 = text(row, 'Ref2Invoice');
    if (ref2) entry.ref2Invoice = ref2;
    out.push(entry);
  }
  return out;
}

/**
 * Order_Invoices of a GetOrderProcessOverview answer. The swagger declares an array
 * (`ArrayOfOrderProcessOverview/OrderProcessOverview`) [CODE]; a single `OrderProcessOverview`
 * root is read too.
 */
export function overviewInvoices(root: XmlNode): DocKey[] {
  const overviews = list(root, 'OrderProcessOverview');
  const out: DocKey[] = [];
  const invoiceRows = (overviews.length > 0 ? overviews : [root]).flatMap((o) => list(child(o, 'Order_Invoices'), 'Order_Invoice'));
  for (const row of invoiceRows) {
    const year = positiveNumber(field(row, 'InvoiceYear') ?? undefined);
    const book = text(row, 'InvoiceBook');
    const number = positiveNumber(field(row, 'InvoiceNumber') ?? undefined);
    if (year !== undefined && book && number !== undefined) out.push({ year, book, number });
  }
  return out;
}
