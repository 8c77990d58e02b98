/**
 * Records as the API writes them: every model field, nulls included (docs/contracts/minimax.md#conventions), Fk fields
 * as `{ID, Name, ResourceUrl}`, decimals as JSON numbers (DOC swg), date-times without a zone.
 */
import type { Decimal } from '../../core/decimal.js';
import type { Contact, Customer, Fk, Invoice, Item, Order, OrgState, Warehouse } from './model.js';
import { toWireDate, toWireTime } from './time.js';

/** A decimal as a JSON number: the API writes numbers, not strings. Exact for the amounts used here. */
export const num = (value: Decimal | null): number | null => (value === null ? null : Number(value));

export function fk(org: OrgState, resource: string, id: number | null, name?: string | null): Fk | null {
  if (id === null) return null;
  return { ID: id, Name: name ?? null, ResourceUrl: `/api/orgs/${org.id}/${resource}/${id}` };
}

const wt = (ms: number | null, zone: string): string | null => (ms === null ? null : toWireTime(ms, zone));
const wd = (ms: number | null, zone: string): string | null => (ms === null ? null : toWireDate(ms, zone));

function vatFk(org: OrgState, id: number | null): Fk | null {
  const rate = org.vatRates.find((r) => r.VatRateId === id);
  return fk(org, 'vatrates', id, rate?.Code ?? null);
}
const currencyFk = (org: OrgState, id: number | null): Fk | null => fk(org, 'currencies', id, org.currencies.find((c) => c.CurrencyId === id)?.Code ?? null);
const countryFk = (org: OrgState, id: number | null): Fk | null => fk(org, 'countries', id, org.countries.find((c) => c.CountryId === id)?.Name ?? null);

export function itemView(org: OrgState, i: Item, zone: string): Record<string, unknown> {
  return {
    ItemId: i.ItemId, Name: i.Name, Code: i.Code, EANCode: i.EANCode, Description: i.Description, ItemType: i.ItemType, StocksManagedOnlyByQuantity: 'N',
    UnitOfMeasurement: i.UnitOfMeasurement, MassPerUnit: num(i.MassPerUnit), ProductGroup: null, VatRate: vatFk(org, i.VatRateId), Price: num(i.Price),
    RebatePercent: 0, Usage: i.Usage, Currency: currencyFk(org, i.CurrencyId), SerialNumbers: 'N', BatchNumbers: 'N', Composite: [],
    RecordDtModified: wt(i.modified, zone), RowVersion: i.rowVersion,
  };
}

/** ItemSearch (list rows): `Title`, not `Name`; no RowVersion, no EANCode (DOC swg). */
export function itemSearchView(org: OrgState, i: Item): Record<string, unknown> {
  return {
    ItemId: i.ItemId, Title: i.Name, Code: i.Code, UnitOfMeasurement: i.UnitOfMeasurement, MassPerUnit: num(i.MassPerUnit), ItemType: i.ItemType,
    VatRate: vatFk(org, i.VatRateId), Price: num(i.Price), Currency: currencyFk(org, i.CurrencyId), Composite: [], ProductGroup: null,
  };
}

export function warehouseView(w: Warehouse, zone: string): Record<string, unknown> {
  return { WarehouseId: w.WarehouseId, Code: w.Code, Name: w.Name, Location: null, InventoryManagement: 'Nabavna', Usage: w.Usage, RecordDtModified: wt(w.modified, zone), RowVersion: w.rowVersion };
}

export function customerView(org: OrgState, c: Customer, zone: string): Record<string, unknown> {
  return {
    CustomerId: c.CustomerId, Code: c.Code, Name: c.Name, Address: c.Address, PostalCode: c.PostalCode, City: c.City, Country: countryFk(org, c.CountryId),
    CountryName: c.CountryName, TaxNumber: c.TaxNumber, RegistrationNumber: c.RegistrationNumber, VATIdentificationNumber: c.VATIdentificationNumber,
    SubjectToVAT: c.SubjectToVAT, ConsiderCountryForBookkeeping: 'N', Currency: currencyFk(org, c.CurrencyId), ExpirationDays: c.ExpirationDays,
    RebatePercent: num(c.RebatePercent), WebSiteURL: null, EInvoiceIssuing: c.EInvoiceIssuing, InternalCustomerNumber: null, Usage: c.Usage,
    RecordDtModified: wt(c.modified, zone), RowVersion: c.rowVersion,
  };
}

export function customerSearchView(org: OrgState, c: Customer): Record<string, unknown> {
  return { CustomerId: c.CustomerId, Code: c.Code, Name: c.Name, Address: c.Address, PostalCode: c.PostalCode, City: c.City, Country: countryFk(org, c.CountryId), TaxNumber: c.TaxNumber, Usage: c.Usage };
}

export function contactView(org: OrgState, c: Contact, zone: string): Record<string, unknown> {
  const customer = org.customers.get(c.CustomerId);
  return {
    ContactId: c.ContactId, Customer: fk(org, 'customers', c.CustomerId, customer?.Name ?? null), FullName: c.FullName, PhoneNumber: c.PhoneNumber, Fax: null,
    MobilePhone: null, Email: c.Email, Notes: null, Default: c.Default, RecordDtModified: wt(c.modified, zone), RowVersion: c.rowVersion,
  };
}

export function orderView(org: OrgState, o: Order, zone: string): Record<string, unknown> {
  return {
    OrderId: o.OrderId, ReceivedIssued: o.ReceivedIssued, Year: o.Year, Number: o.Number, Date: wd(o.Date, zone),
    Customer: fk(org, 'customers', o.CustomerId, o.CustomerName), CustomerName: o.CustomerName, CustomerAddress: o.CustomerAddress,
    CustomerPostalCode: o.CustomerPostalCode, CustomerCity: o.CustomerCity, CustomerCountry: countryFk(org, o.CustomerCountryId), CustomerCountryName: null,
    RecipientName: null, RecipientAddress: null, RecipientPostalCode: null, RecipientCity: null, RecipientCountry: null, RecipientCountryName: null,
    Analytic: null, DueDate: null, Reference: o.Reference, Currency: currencyFk(org, o.CurrencyId), Notes: o.Notes, DateConfirmed: wd(o.DateConfirmed, zone),
    DateCompleted: wd(o.DateCompleted, zone), DateCanceled: null, Status: o.Status, DescriptionAbove: null, DescriptionBelow: null, ReportTemplate: null,
    OrderRows: o.Rows.map((r) => ({
      OrderRowId: r.OrderRowId, Order: fk(org, 'orders', o.OrderId), Item: fk(org, 'items', r.ItemId, r.ItemName), Warehouse: fk(org, 'warehouses', r.WarehouseId),
      ItemName: r.ItemName, ItemCode: r.ItemCode, Description: r.Description, Quantity: num(r.Quantity), DiscountPercent: num(r.DiscountPercent),
      Price: num(r.Price), UnitOfMeasurement: r.UnitOfMeasurement, RecordDtModified: wt(o.modified, zone), RowVersion: o.rowVersion,
    })),
    RecordDtModified: wt(o.modified, zone), RowVersion: o.rowVersion,
  };
}

/** OrderSearch: no Reference in the row (DOC swg), so a client filters on it and then reads the order. */
export function orderSearchView(org: OrgState, o: Order, zone: string): Record<string, unknown> {
  return { OrderId: o.OrderId, ReceivedIssued: o.ReceivedIssued, Year: o.Year, Number: o.Number, Date: wd(o.Date, zone), Customer: fk(org, 'customers', o.CustomerId, o.CustomerName), Analytic: null, Currency: currencyFk(org, o.CurrencyId), Status: o.Status };
}

export function invoiceView(org: OrgState, inv: Invoice, zone: string): Record<string, unknown> {
  const customer = org.customers.get(inv.CustomerId);
  return {
    IssuedInvoiceId: inv.IssuedInvoiceId, Year: inv.Year, InvoiceNumber: inv.InvoiceNumber, DocumentNumbering: null,
    Customer: fk(org, 'customers', inv.CustomerId, customer?.Name ?? null), DateIssued: wd(inv.DateIssued, zone), DateTransaction: wd(inv.DateTransaction, zone),
    DateTransactionFrom: null, DateDue: wd(inv.DateDue, zone), AddresseeName: customer?.Name ?? null, AddresseeAddress: customer?.Address ?? null,
    AddresseePostalCode: customer?.PostalCode ?? null, AddresseeCity: customer?.City ?? null, AddresseeCountry: countryFk(org, customer?.CountryId ?? null),
    Rabate: 0, ExchangeRate: 1, DocumentReference: inv.DocumentReference, PaymentReference: inv.InvoiceNumber === null ? null : `SI00 ${inv.Year}-${inv.InvoiceNumber}`,
    Currency: currencyFk(org, inv.CurrencyId), Analytic: null, Document: fk(org, 'documents', inv.DocumentId), IssuedInvoiceReportTemplate: null,
    Status: inv.Status, Notes: null, PricesOnInvoice: inv.PricesOnInvoice, InvoiceAttachment: fk(org, `documents/${inv.DocumentId ?? 0}/attachments`, inv.AttachmentId),
    EInvoiceAttachment: null, InvoiceType: inv.InvoiceType, PaymentStatus: inv.Status === 'O' ? 'Osnutek' : 'NeplacanNezapadel', InvoiceValue: num(inv.InvoiceValue),
    PaidValue: 0, AssociationWithStock: 'N',
    IssuedInvoiceRows: inv.Rows.map((r) => ({
      IssuedInvoiceRowId: r.IssuedInvoiceRowId, Item: fk(org, 'items', r.ItemId, r.ItemName), ItemName: r.ItemName, RowNumber: r.RowNumber, ItemCode: r.ItemCode,
      Description: null, Quantity: num(r.Quantity), UnitOfMeasurement: r.UnitOfMeasurement, Price: num(r.Price), PriceWithVAT: num(r.PriceWithVAT),
      VATPercent: num(r.VATPercent), Discount: 0, DiscountPercent: num(r.DiscountPercent), Value: num(r.Value), VatRate: vatFk(org, r.VatRateId),
      Warehouse: fk(org, 'warehouses', r.WarehouseId), RecordDtModified: wt(inv.modified, zone), RowVersion: inv.rowVersion,
    })),
    IssuedInvoicePaymentMethods: [], IssuedInvoiceAdditionalSourceDocument: [],
    RecordDtModified: wt(inv.modified, zone), RowVersion: inv.rowVersion,
  };
}

/** IssuedInvoiceSearch: no DocumentReference (DOC swg). */
export function invoiceSearchView(org: OrgState, inv: Invoice, zone: string): Record<string, unknown> {
  return {
    IssuedInvoiceId: inv.IssuedInvoiceId, InvoiceType: inv.InvoiceType, Year: inv.Year, InvoiceNumber: inv.InvoiceNumber, Numbering: null, DocumentNumbering: null,
    Customer: fk(org, 'customers', inv.CustomerId), DateIssued: wd(inv.DateIssued, zone), DateTransaction: wd(inv.DateTransaction, zone), DateDue: wd(inv.DateDue, zone),
    Currency: currencyFk(org, inv.CurrencyId), Analytics: null, Status: inv.Status, PaymentStatus: inv.Status === 'O' ? 'Osnutek' : 'NeplacanNezapadel',
    InvoiceValue: num(inv.InvoiceValue), PaidValue: 0, RecordDtModified: wt(inv.modified, zone), RowVersion: inv.rowVersion,
  };
}
