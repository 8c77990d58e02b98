/**
 * Issuing an invoice from an order, as an accountant would in iCenter (order → invoice; the
 * dispatch-advice step is folded in). The invoice is numbered per (year, invoice book), the book
 * coming from the order book's InvoiceBookID; it keeps a link to the order and the order to it.
 */
import { toLocalText } from './clock.js';
import { docKey } from './model.js';
import type { DocKey, EmulatorState, InvoiceRecord, OrgState, Row } from './model.js';
import type { EmulatorSettings } from './settings.js';

export const INVOICE_STATUS = 'Knjižen';

export class InvoiceIssueError extends Error {}

export function issueInvoice(state: EmulatorState, org: OrgState, settings: EmulatorSettings, orderKey: DocKey): InvoiceRecord {
  const order = org.orders.get(docKey(orderKey));
  if (!order) throw new InvoiceIssueError(`order ${docKey(orderKey)} does not exist`);
  if (order.invoices.length > 0) throw new InvoiceIssueError(`order ${docKey(orderKey)} is already invoiced`);
  if (order.status === settings.orderStatusCanceled) throw new InvoiceIssueError(`order ${docKey(orderKey)} is canceled`);
  const bookRow = org.lookups.orderBooks.find((b) => b.OrderBookID === order.book);
  const book = order.header.InvoiceBook || bookRow?.InvoiceBookID || org.lookups.invoiceBooks[0]?.InvoiceBookID || 'IR';
  const stamp = state.stamp();
  const year = Number(toLocalText(stamp, settings.timeZone).slice(0, 4));
  const counterKey = `${year}/${book.toUpperCase()}`;
  const number = (org.invoiceCounters.get(counterKey) ?? 0) + 1;
  org.invoiceCounters.set(counterKey, number);
  const customer: Row = org.customerIndex.get(order.customerId.toUpperCase())?.fields ?? {};
  const days = Number(customer.ExpirationDays ?? '30') || 30;
  const ref = order.orderReference;
  const invoice: InvoiceRecord = {
    year, book, number,
    order: { year: order.year, book: order.book, number: order.number },
    customerId: order.customerId,
    payer: customer,
    invoiceDate: stamp,
    dueDate: stamp + days * 86_400_000,
    lines: order.lines.map((l) => ({ ...l })),
    totals: { ...order.totals },
    status: INVOICE_STATUS,
    document: settings.orderReferenceOnInvoice === 'Document' ? ref : null,
    paymentReferenceExternal: settings.orderReferenceOnInvoice === 'PaymentReferenceExternal' ? ref : null,
    attachmentId: null,
    created: stamp,
    modified: stamp,
  };
  org.invoices.set(docKey(invoice), invoice);
  order.invoices.push({ year, book, number });
  order.status = settings.orderStatusInvoiced;
  order.modified = state.stamp();
  return invoice;
}
