/**
 * Issued invoices (docs/contracts/icenter.md#issued-invoices): GetInvoiceStatus rows → keys, GetInvoice → ErpInvoice.
 * No public working code reads invoices, so the root name is not assumed (InvoiceHeader or
 * InvoiceHeaderDetail both read) and totals are derived when a field is missing.
 */
import { add, ZERO } from '../../core/decimal.js';
import { asPartnerCode, asSku, asUtc, type CurrencyCode, type ErpInvoice, type ErpInvoiceLine } from '../../core/model.js';
import { displayNumber, formatDocKey, positiveNumber, type DocKey } from './documents.js';
import { parseIcenterTime } from './time.js';
import { decimalOr, optionalDecimal, type RowRecord } from './values.js';
import { child, field, list, text, type XmlNode } from './xml.js';

export const INVOICE_STATUS_PATH = 'api/Invoice/GetInvoiceStatus';
export const GET_INVOICE_PATH = 'api/Invoice/GetInvoice';

export function invoiceKeyOf(node: XmlNode): DocKey | undefined {
  const year = positiveNumber(field(node, 'InvoiceYear') ?? undefined);
  const book = field(node, 'InvoiceBook')?.trim();
  const number = positiveNumber(field(node, 'InvoiceNumber') ?? undefined);
  if (year === undefined || !book || number === undefined) return undefined;
  return { year, book, number };
}

export interface InvoiceStatusRow {
  key: DocKey;
  modifiedAt?: Date;
}

export function invoiceStatusRows(root: XmlNode, timeZone: string): InvoiceStatusRow[] {
  const out: InvoiceStatusRow[] = [];
  for (const row of list(root, 'InvoiceStatus')) {
    const key = invoiceKeyOf(row);
    if (!key) continue;
    const modifiedAt = parseIcenterTime(text(row, 'ModifiedTime') ?? text(row, 'InsertedTime'), timeZone);
    out.push(modifiedAt ? { key, modifiedAt } : { key });
  }
  return out;
}

function mapLine(row: XmlNode, index: number, record: RowRecord): ErpInvoiceLine {
  const at = (name: string) => `InvoiceLines[${index + 1}].${name}`;
  const net = decimalOr(row, 'NetAmount', ZERO, record, at('NetAmount'));
  const vat = decimalOr(row, 'VATAmount', ZERO, record, at('VATAmount'));
  const quantityField = text(row, 'Quantity') !== undefined ? 'Quantity' : 'Qty';
  const line: ErpInvoiceLine = {
    quantity: decimalOr(row, quantityField, ZERO, record, at(quantityField)),
    unitPrice: decimalOr(row, 'Price', ZERO, record, at('Price')),
    netAmount: net,
    vatAmount: vat,
    // iCenter's line GrossAmout (sic) is the amount before discount; the model wants net + VAT.
    grossAmount: add(net, vat),
  };
  const sku = text(row, 'ItemID') ?? text(row, 'ItemCode');
  if (sku) line.sku = asSku(sku);
  const name = text(row, 'ItemTitle1');
  if (name) line.name = name;
  const vatPercent = optionalDecimal(row, 'VATRatePercent', record, at('VATRatePercent'));
  if (vatPercent !== undefined) line.vatPercent = vatPercent;
  return line;
}

export interface InvoiceMappingOptions {
  timeZone: string;
  /** iCenter numeric currency id → alphabetic code (inverse of settings.currencyIds). */
  currencies: Map<string, string>;
}

export function mapInvoice(node: XmlNode, options: InvoiceMappingOptions, fallbackKey?: DocKey): ErpInvoice | undefined {
  const key = invoiceKeyOf(node) ?? fallbackKey;
  if (!key) return undefined;
  const record: RowRecord = { kind: 'invoice', key: formatDocKey(key), label: `invoice ${displayNumber(key)}` };
  const lines = list(child(node, 'InvoiceLines'), 'InvoiceLine').map((row, index) => mapLine(row, index, record));
  const net = optionalDecimal(node, 'NetAmount', record) ?? add(ZERO, ...lines.map((l) => l.netAmount));
  const vat = optionalDecimal(node, 'VATAmount', record) ?? add(ZERO, ...lines.map((l) => l.vatAmount));
  const invoice: ErpInvoice = {
    key: formatDocKey(key),
    displayNumber: displayNumber(key),
    netTotal: net,
    vatTotal: vat,
    grossTotal: optionalDecimal(node, 'PaymentAmount', record) ?? add(net, vat),
    lines,
  };
  const issued = parseIcenterTime(text(node, 'InvoiceDate'), options.timeZone);
  if (issued) invoice.issuedAt = asUtc(issued);
  const modified = parseIcenterTime(text(node, 'ModifiedTime') ?? text(node, 'InsertedTime'), options.timeZone);
  if (modified) invoice.modifiedAt = asUtc(modified);
  const partner = text(node, 'CustomerID') ?? text(node, 'CustomerPayerID');
  if (partner) invoice.partner = asPartnerCode(partner);
  const currencyId = text(node, 'CurrencyID');
  if (currencyId) invoice.currency = (options.currencies.get(currencyId) ?? currencyId) as CurrencyCode;
  // INF: whether iCenter carries the order's OrderReference onto the invoice is not confirmed;
  // these two fields are where it would be.
  const reference = text(node, 'PaymentReferenceExternal') ?? text(node, 'Document');
  if (reference) invoice.orderReference = reference;
  return invoice;
}

/** AttachmentID of a GetInvoice answer (for pdf.mode attachment-id). */
export const invoiceAttachmentId = (node: XmlNode): string | undefined => text(node, 'AttachmentID') ?? text(node, 'eInvoiceAttachmentID');
