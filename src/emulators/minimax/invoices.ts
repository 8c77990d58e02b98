/**
 * What the bookkeeper does in Minimax: make an issued invoice from a received order
 * (`createissuedinvoice`), issue it (number and year given out), and render its PDF into a
 * document attachment (`generatepdf`). Amounts: row Value = net after discount, rounded
 * half up to cents; InvoiceValue = gross total (INF, Q9).
 */
import { add, div, mul, round, sub, type Decimal } from '../../core/decimal.js';
import type { EmulatorState, Invoice, InvoiceRow, Order, OrgState } from './model.js';
import { newId, touch } from './model.js';
import { renderInvoicePdf } from './pdf.js';
import type { MinimaxEmulatorSettings } from './settings.js';

const HUNDRED = '100' as Decimal;

export class EmulatorActionError extends Error {}

function vatPercent(org: OrgState, vatRateId: number): Decimal {
  return org.vatRates.find((r) => r.VatRateId === vatRateId)?.Percent ?? ('0' as Decimal);
}

export function invoiceFromOrder(state: EmulatorState, org: OrgState, order: Order, settings: MinimaxEmulatorSettings): Invoice {
  if (order.ReceivedIssued !== 'P') throw new EmulatorActionError('Iz izdanega naročila ni mogoče izdati računa.');
  if (order.Status === 'R') throw new EmulatorActionError('Naročilo je razveljavljeno.');
  const gross = settings.pricesIncludeVat === 'D';
  let total = '0' as Decimal;
  const rows: InvoiceRow[] = order.Rows.map((r, index) => {
    const item = org.items.get(r.ItemId);
    const vatRateId = item?.VatRateId ?? null;
    const percent = vatRateId === null ? ('0' as Decimal) : vatPercent(org, vatRateId);
    const factor = add('1' as Decimal, div(percent, HUNDRED));
    const price = gross ? div(r.Price, factor, 6) : r.Price;
    const priceWithVat = gross ? r.Price : round(mul(r.Price, factor), 6);
    const keep = sub('1' as Decimal, div(r.DiscountPercent, HUNDRED, 12));
    const grossValue = round(mul(mul(priceWithVat, r.Quantity), keep), 2);
    const net = gross ? round(div(grossValue, factor, 10), 2) : round(mul(mul(price, r.Quantity), keep), 2);
    total = add(total, gross ? grossValue : round(mul(net, factor), 2));
    return {
      IssuedInvoiceRowId: newId(org), RowNumber: index + 1, ItemId: r.ItemId, ItemName: r.ItemName, ItemCode: r.ItemCode, Quantity: r.Quantity,
      UnitOfMeasurement: r.UnitOfMeasurement, Price: round(price, 4), PriceWithVAT: round(priceWithVat, 4), VATPercent: percent, DiscountPercent: r.DiscountPercent,
      Value: net, VatRateId: vatRateId, WarehouseId: r.WarehouseId,
    };
  });
  const now = Date.now();
  const invoice: Invoice = {
    IssuedInvoiceId: newId(org), Year: new Date(now).getUTCFullYear(), InvoiceNumber: null, InvoiceType: 'R', CustomerId: order.CustomerId,
    DateIssued: now, DateTransaction: now, DateDue: now + 8 * 86_400_000,
    DocumentReference: settings.orderReferenceOnInvoice === 'DocumentReference' ? order.Reference : null,
    CurrencyId: order.CurrencyId, Status: 'O', PricesOnInvoice: settings.pricesIncludeVat, DocumentId: null, AttachmentId: null,
    InvoiceValue: total, Rows: rows, sourceOrderId: order.OrderId, modified: 0, rowVersion: '',
  };
  touch(state, invoice);
  org.invoices.set(invoice.IssuedInvoiceId, invoice);
  order.Status = 'Z';
  order.DateCompleted ??= now;
  touch(state, order);
  return invoice;
}

export function issue(state: EmulatorState, org: OrgState, invoice: Invoice): void {
  if (invoice.Status === 'I') throw new EmulatorActionError('Račun je že izdan.');
  const issued = [...org.invoices.values()].filter((i) => i.Year === invoice.Year && i.InvoiceNumber !== null && i.InvoiceType === invoice.InvoiceType);
  invoice.InvoiceNumber = issued.reduce((m, i) => Math.max(m, i.InvoiceNumber ?? 0), 0) + 1;
  invoice.Status = 'I';
  touch(state, invoice);
}

export async function generatePdf(state: EmulatorState, org: OrgState, invoice: Invoice, settings: MinimaxEmulatorSettings): Promise<void> {
  if (invoice.Status !== 'I') throw new EmulatorActionError('PDF je mogoče pripraviti le za izdan račun.');
  const customer = org.customers.get(invoice.CustomerId);
  const bytes = await renderInvoicePdf(invoice, customer?.Name ?? String(invoice.CustomerId), settings.timeZone);
  const documentId = invoice.DocumentId ?? newId(org);
  let doc = org.documents.get(documentId);
  if (!doc) {
    doc = { DocumentId: documentId, Attachments: [], modified: 0, rowVersion: '' };
    org.documents.set(documentId, doc);
  }
  const attachmentId = newId(org);
  doc.Attachments.push({
    DocumentAttachmentId: attachmentId, FileName: `Racun_${invoice.Year}-${invoice.InvoiceNumber}.pdf`, MimeType: 'application/pdf',
    Description: `Račun ${invoice.Year}-${invoice.InvoiceNumber}`, data: bytes, modified: state.stamp(), rowVersion: state.rowVersion(),
  });
  touch(state, doc);
  invoice.DocumentId = documentId;
  invoice.AttachmentId = attachmentId;
  touch(state, invoice);
}

/** The bookkeeper's whole step, as the admin API does it: invoice from the order, issue, PDF. */
export async function issueInvoiceForOrder(state: EmulatorState, org: OrgState, orderId: number, settings: MinimaxEmulatorSettings, withPdf = true): Promise<Invoice> {
  const order = org.orders.get(orderId);
  if (!order) throw new EmulatorActionError(`order ${orderId} does not exist`);
  if ([...org.invoices.values()].some((i) => i.sourceOrderId === orderId)) throw new EmulatorActionError(`order ${orderId} is already invoiced`);
  const invoice = invoiceFromOrder(state, org, order, settings);
  issue(state, org, invoice);
  if (withPdf) await generatePdf(state, org, invoice, settings);
  return invoice;
}
