/** JSON views of the state for `GET /__admin/*` (times as UTC ISO strings). */
import type { CustomerRecord, DocLine, EmulatorState, InvoiceRecord, OrderRecord, OrgState } from './model.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function orgsOf(state: EmulatorState, orgId: number | undefined): OrgState[] {
  return [...state.orgs.values()].filter((o) => orgId === undefined || o.id === orgId);
}

const lineView = (l: DocLine): Record<string, unknown> => ({ ...l });

export function orderView(org: OrgState, o: OrderRecord): Record<string, unknown> {
  return {
    organisation: org.id, year: o.year, book: o.book, number: o.number, orderReference: o.orderReference,
    customerId: o.customerId, warehouseId: o.warehouseId, status: o.status, orderDate: iso(o.orderDate),
    totals: o.totals, lines: o.lines.map(lineView), invoices: o.invoices, header: o.header,
    created: iso(o.created), modified: iso(o.modified),
  };
}

export function invoiceView(org: OrgState, i: InvoiceRecord): Record<string, unknown> {
  return {
    organisation: org.id, year: i.year, book: i.book, number: i.number, order: i.order, customerId: i.customerId,
    status: i.status, invoiceDate: iso(i.invoiceDate), dueDate: iso(i.dueDate), totals: i.totals, lines: i.lines.map(lineView),
    document: i.document, paymentReferenceExternal: i.paymentReferenceExternal, attachmentId: i.attachmentId,
    created: iso(i.created), modified: iso(i.modified),
  };
}

function customerView(org: OrgState, c: CustomerRecord): Record<string, unknown> {
  const code = (c.fields.Code ?? '').toUpperCase();
  return {
    organisation: org.id, ...c.fields, created: iso(c.created), modified: iso(c.modified),
    contacts: org.contacts.filter((k) => (k.fields.CustomerID ?? '').toUpperCase() === code).map((k) => k.fields),
  };
}

export const ordersView = (s: EmulatorState, org?: number): unknown[] => orgsOf(s, org).flatMap((o) => [...o.orders.values()].map((r) => orderView(o, r)));
export const invoicesView = (s: EmulatorState, org?: number): unknown[] => orgsOf(s, org).flatMap((o) => [...o.invoices.values()].map((r) => invoiceView(o, r)));
export const customersView = (s: EmulatorState, org?: number): unknown[] => orgsOf(s, org).flatMap((o) => o.customers.map((c) => customerView(o, c)));
