/**
 * Issued invoices and their PDF (docs/contracts/icenter.md#issued-invoices and docs/contracts/icenter.md#invoice-pdf): GetInvoiceStatus (paged, delta),
 * GetInvoice/{y}/{b}/{n}, GetInvoices (no paging), PrintInvoiceToPDF → CreateResult with a document
 * key, and api/Document/GetDocument/{apiClientID}/{id}/{attachments} → DocumentData with base64 `Data`
 * [INF: the flow is inferred from the swagger].
 */
import { toLocalDate, toLocalText } from './clock.js';
import { aspNetError, badRequest, conflict, createResult, listReply, modifiedSince, paginate, readRoot, xmlReply } from './http.js';
import type { Ctx, Reply } from './http.js';
import { docKey } from './model.js';
import type { DocLine, InvoiceRecord } from './model.js';
import type { EmulatorSettings } from './settings.js';
import { renderInvoicePdf, invoiceNumberText } from './pdf.js';
import { fixed } from './routes-lookups.js';
import { documentRef } from './routes-orders.js';
import { el, group, textOf, xmlDocument } from './xml.js';
import type { XNode } from './xml.js';

type ViewSettings = Pick<EmulatorSettings, 'user' | 'linkToDocument' | 'timeZone' | 'documentReferenceFormat'>;

/**
 * S4 shows the keys as elements; OrdersStatus has them as attributes [CODE S5], and whether
 * InvoiceStatus does too is open (docs/contracts/icenter.md#open-questions (question 3)): the `invoiceStatusKeys` setting.
 */
function statusNode(inv: InvoiceRecord, settings: ViewSettings & Pick<EmulatorSettings, 'invoiceStatusKeys'>): XNode {
  const { user, timeZone: zone } = settings;
  const keys = { InvoiceYear: String(inv.year), InvoiceBook: inv.book, InvoiceNumber: String(inv.number) };
  const asAttributes = settings.invoiceStatusKeys === 'attributes';
  return group('InvoiceStatus', [
    ...(asAttributes ? [] : Object.entries(keys).map(([k, v]) => el(k, v))), el('InvoiceID', documentRef(inv, settings.documentReferenceFormat)),
    el('Status', inv.status), el('StatusDescription', inv.status), el('DocumentState', '1'), el('DocumentStateDescription', 'Zaključen'),
    el('PotrjevanjeDokumenta', '0'), el('StatusPotrjevanja', '0'), el('StatusPotrjevanjaDescription', ''),
    el('CustomerID', inv.customerId), el('CustomerPayerID', inv.customerId), el('InvoiceDate', toLocalDate(inv.invoiceDate, zone)),
    el('DeliveryDateFrom', toLocalDate(inv.invoiceDate, zone)), el('DeliveryDateTo', toLocalDate(inv.invoiceDate, zone)),
    el('DueDate', toLocalDate(inv.dueDate, zone)), el('InsertedBy', user), el('InsertedTime', toLocalText(inv.created, zone)),
    el('ModifiedBy', user), el('ModifiedTime', toLocalText(inv.modified, zone)),
  ], asAttributes ? keys : undefined);
}

export function getInvoiceStatus(ctx: Ctx): Reply {
  const book = ctx.query('invoiceBook');
  if (!book) return badRequest('The request is invalid.');
  const year = ctx.query('invoiceYear');
  const number = ctx.query('invoiceNumber');
  const since = modifiedSince(ctx);
  const rows = [...ctx.org.invoices.values()].filter((i) =>
    i.book.toUpperCase() === book.toUpperCase() && (!year || i.year === Number(year)) &&
    (!number || i.number === Number(number)) && since(i.modified));
  return listReply('InvoiceStatus', paginate(ctx, rows).map((i) => statusNode(i, ctx.settings)));
}

function invoiceLineNode(l: DocLine): XNode {
  return group('InvoiceLine', [
    el('LineNumber', l.lineNo), el('ItemID', l.itemId), el('ItemIDType', 'S'), el('ItemCode', l.itemId), el('ItemEAN', l.ean ?? ''),
    el('ItemTitle1', l.title1), el('ItemTitle2', l.title2 ?? ''), el('UnitOfMeasurement', l.unit), el('VATRateID', l.vatRateId),
    el('VATRatePercent', fixed(l.vatPercent, 2)), el('Quantity', fixed(l.qty, 3)), el('Price', fixed(l.price, 4)),
    el('PriceWithVAT', fixed(l.priceWithVat, 4)), el('UnitsForprice', '1'), el('DiscountPercentage', fixed(l.discountPercent, 2)),
    el('DiscountAmount', fixed(l.discountAmount, 2)), el('VATAmount', fixed(l.vatAmount, 2)), el('GrossAmout', fixed(l.grossAmount, 2)),
    el('NetAmount', fixed(l.netAmount, 2)), el('Reference', ''), el('TextLine', 'false'), el('PriceIncludeVAT', String(l.priceIncludeVat)),
  ]);
}

function invoiceChildren(inv: InvoiceRecord, settings: ViewSettings): XNode[] {
  const { user, timeZone: zone, documentReferenceFormat: refFormat } = settings;
  const p = inv.payer;
  const party = (prefix: string): XNode[] => [
    el(`${prefix}Title1`, p.Name ?? ''), el(`${prefix}Address`, p.Address ?? ''), el(`${prefix}PostalCode`, p.PostalCode ?? ''),
    el(`${prefix}City`, p.City ?? ''), el(`${prefix}Country`, p.Country ?? ''),
  ];
  return [
    el('InvoiceYear', inv.year), el('InvoiceBook', inv.book), el('InvoiceNumber', inv.number),
    el('CustomerPayerID', inv.customerId), ...party('Payer'), el('PayerTaxNumber', p.TaxNumber ?? ''),
    el('CustomerID', inv.customerId), ...party('Recipient'), el('RecipientTaxNumber', p.TaxNumber ?? ''),
    el('InvoiceDate', toLocalDate(inv.invoiceDate, zone)), el('DeliveryDateFrom', toLocalDate(inv.invoiceDate, zone)),
    el('DeliveryDateTo', toLocalDate(inv.invoiceDate, zone)), el('DueDate', toLocalDate(inv.dueDate, zone)),
    el('PaymentReference', `SI00 ${inv.year}-${inv.number}`), el('CurrencyID', '978'), el('ExchangeRate', '1.000000'),
    el('Document', inv.document ?? ''), el('Comment', ''), el('Status', inv.status), el('StatusDate', toLocalDate(inv.modified, zone)),
    el('GrossAmout', fixed(inv.totals.grossAmount, 2)), el('DiscountAmount', fixed(inv.totals.discountAmount, 2)), el('RebateAmount', '0.00'),
    el('NetAmount', fixed(inv.totals.netAmount, 2)), el('VATAmount', fixed(inv.totals.vatAmount, 2)), el('RoundingAmount', '0.00'),
    el('PaymentAmount', fixed(inv.totals.paymentAmount, 2)), el('InsertedBy', user), el('InsertedTime', toLocalText(inv.created, zone)),
    el('ModifiedBy', user), el('ModifiedTime', toLocalText(inv.modified, zone)), el('ApplicationName', 'VNK'),
    el('LinkToDocument', inv.order && settings.linkToDocument === 'order' ? documentRef(inv.order, refFormat) : ''), el('AttachmentID', inv.attachmentId ?? ''),
    el('eInvoiceAttachmentID', ''), el('PaymentReferenceExternal', inv.paymentReferenceExternal ?? ''), el('InvoiceID', documentRef(inv, refFormat)),
    group('InvoiceLines', inv.lines.map(invoiceLineNode)), group('InvoiceInstallments', []), group('InvoiceAdvancePayments', []),
    group('InvoicePayments', []),
  ];
}

export function getInvoice(ctx: Ctx): Reply {
  const inv = ctx.org.invoices.get(docKey({ year: Number(ctx.params.year), book: ctx.params.book ?? '', number: Number(ctx.params.number) }));
  if (!inv) return aspNetError(404, 'Dokument ne obstaja!');
  return xmlReply(xmlDocument(group(ctx.settings.invoiceRoot, invoiceChildren(inv, ctx.settings))));
}

/** GetInvoices → `Invoices/Invoice[]`, full header + lines, no paging (docs/contracts/icenter.md#issued-invoices [CODE]). */
export function getInvoices(ctx: Ctx): Reply {
  const year = ctx.query('invoiceYear');
  const book = ctx.query('invoiceBook');
  const number = ctx.query('invoiceNumber');
  const customer = ctx.query('customerID');
  const since = modifiedSince(ctx);
  const rows = [...ctx.org.invoices.values()].filter((i) =>
    (!year || i.year === Number(year)) && (!book || i.book.toUpperCase() === book.toUpperCase()) &&
    (!number || i.number === Number(number)) && (!customer || i.customerId === customer) && since(i.modified));
  return xmlReply(xmlDocument(group('Invoices', rows.map((i) => group('Invoice', invoiceChildren(i, ctx.settings))))));
}

export async function printInvoiceToPdf(ctx: Ctx): Promise<Reply> {
  const read = readRoot(ctx, ['PrintInvoiceToPDF']);
  if ('error' in read) return read.error;
  const r = read.root;
  const key = { year: Number(textOf(r.InvoiceYear)), book: textOf(r.InvoiceBook) ?? '', number: Number(textOf(r.InvoiceNumber)) };
  const inv = ctx.org.invoices.get(docKey(key));
  if (!inv) return conflict([`Račun  ${key.year}-${key.book}-${key.number} ne obstaja!`]);
  const pdf = await renderInvoicePdf(inv, ctx.settings.pdfFontPath, ctx.settings.timeZone);
  const id = String(ctx.org.nextDocumentId++);
  const stamp = ctx.state.stamp();
  ctx.org.documents.set(id, { id, name: `Racun_${invoiceNumberText(inv)}.pdf`, pdf, created: stamp });
  inv.attachmentId = id;
  // Nothing shows that printing changes the invoice's ModifiedTime [INF]; bumping it would put every
  // printed invoice back into the next delta, so it is a setting and off by default.
  if (ctx.settings.pdfBumpsModified) inv.modified = stamp;
  return createResult([{ name: ctx.settings.keyNames.document, value: id }], ctx.settings.keyElements.document);
}

export function getDocument(ctx: Ctx): Reply {
  const clientId = ctx.params.apiClientID ?? '';
  if (ctx.settings.apiClientIds && !ctx.settings.apiClientIds.includes(clientId)) return aspNetError(401, 'Authorization has been denied for this request.');
  const doc = ctx.org.documents.get(ctx.params.documentID ?? '');
  if (!doc) return aspNetError(404, 'Dokument ne obstaja!');
  return xmlReply(xmlDocument(group('DocumentData', [
    el('apiClientID', clientId), el('DocumentID', doc.id), el('DocumentName', doc.name), el('Data', doc.pdf.toString('base64')),
    // Invoice PDFs have no attachments; the flag only matters for DMS documents that do.
    group('Attachments', []),
  ])));
}
