/**
 * The emulated Minimax's data: one state per organisation, records kept in their wire shape
 * (PascalCase, as the API writes them) plus the bookkeeping every record has: when it was
 * last modified (UTC ms) and its RowVersion (a fresh opaque base64 value on every write).
 * Ids come from one counter per organisation that starts at a different base, so ids of
 * the same code differ between organisations, as on the real service.
 */
import type { Decimal } from '../../core/decimal.js';

export interface Fk {
  ID: number;
  Name?: string | null;
  ResourceUrl?: string | null;
}

export interface Meta {
  modified: number;
  rowVersion: string;
}

export interface Country { CountryId: number; Code: string; Name: string; CurrencyId: number }
export interface Currency { CurrencyId: number; Code: string; Name: string }
export interface VatRate { VatRateId: number; Code: string; Percent: Decimal; VatRatePercentageId: number; CountryId: number; validFrom: string; validTo: string | null }
export interface PaymentMethod { PaymentMethodId: number; Name: string; Type: string; Usage: string; Default: string }
export interface ReportTemplate { ReportTemplateId: number; Name: string; DisplayType: string; Default: string }
export interface DocumentNumbering { DocumentNumberingId: number; Document: string; Code: string; Name: string; Default: string }

export interface Warehouse extends Meta { WarehouseId: number; Code: string; Name: string; Usage: string }

export interface Item extends Meta {
  ItemId: number;
  Name: string;
  Code: string;
  EANCode: string | null;
  Description: string | null;
  ItemType: string;
  UnitOfMeasurement: string;
  MassPerUnit: Decimal | null;
  VatRateId: number;
  Price: Decimal;
  CurrencyId: number;
  Usage: string;
}

export interface Customer extends Meta {
  CustomerId: number;
  Code: string;
  Name: string;
  Address: string | null;
  PostalCode: string | null;
  City: string | null;
  CountryId: number | null;
  CountryName: string | null;
  TaxNumber: string | null;
  VATIdentificationNumber: string | null;
  RegistrationNumber: string | null;
  SubjectToVAT: string;
  CurrencyId: number | null;
  ExpirationDays: number;
  RebatePercent: Decimal;
  EInvoiceIssuing: string;
  Usage: string;
}

export interface Contact extends Meta { ContactId: number; CustomerId: number; FullName: string | null; Email: string | null; PhoneNumber: string | null; Default: string }

export interface OrderRow { OrderRowId: number; ItemId: number; WarehouseId: number | null; ItemName: string; ItemCode: string; Description: string | null; Quantity: Decimal; DiscountPercent: Decimal; Price: Decimal; UnitOfMeasurement: string }

export interface Order extends Meta {
  OrderId: number;
  ReceivedIssued: string;
  Year: number;
  Number: number;
  Date: number;
  CustomerId: number;
  CustomerName: string;
  CustomerAddress: string | null;
  CustomerPostalCode: string | null;
  CustomerCity: string | null;
  CustomerCountryId: number | null;
  Reference: string | null;
  CurrencyId: number;
  Notes: string | null;
  Status: 'O' | 'P' | 'Z' | 'R';
  DateConfirmed: number | null;
  DateCompleted: number | null;
  Rows: OrderRow[];
}

export interface InvoiceRow {
  IssuedInvoiceRowId: number;
  RowNumber: number;
  ItemId: number | null;
  ItemName: string;
  ItemCode: string | null;
  Quantity: Decimal;
  UnitOfMeasurement: string;
  Price: Decimal;
  PriceWithVAT: Decimal;
  VATPercent: Decimal;
  DiscountPercent: Decimal;
  /** Net amount of the row after discount. */
  Value: Decimal;
  VatRateId: number | null;
  WarehouseId: number | null;
}

export interface Invoice extends Meta {
  IssuedInvoiceId: number;
  Year: number;
  InvoiceNumber: number | null;
  InvoiceType: 'R' | 'P';
  CustomerId: number;
  DateIssued: number;
  DateTransaction: number;
  DateDue: number;
  DocumentReference: string | null;
  CurrencyId: number;
  Status: 'O' | 'I';
  PricesOnInvoice: string;
  DocumentId: number | null;
  AttachmentId: number | null;
  /** Gross total in the domestic currency. */
  InvoiceValue: Decimal;
  Rows: InvoiceRow[];
  /** The order it was made from (the emulator knows; the API shows it only as described in the settings). */
  sourceOrderId: number | null;
}

export interface DocumentAttachment { DocumentAttachmentId: number; FileName: string; MimeType: string; Description: string; data: Buffer; modified: number; rowVersion: string }
export interface DocumentRecord extends Meta { DocumentId: number; Attachments: DocumentAttachment[] }

export interface OrgState {
  id: number;
  title: string;
  taxNumber: string;
  homeCountryId: number;
  nextId: number;
  countries: Country[];
  currencies: Currency[];
  vatRates: VatRate[];
  paymentMethods: PaymentMethod[];
  reportTemplates: ReportTemplate[];
  documentNumbering: DocumentNumbering[];
  warehouses: Map<number, Warehouse>;
  items: Map<number, Item>;
  /** warehouse id → item id → quantity. */
  stock: Map<number, Map<number, Decimal>>;
  customers: Map<number, Customer>;
  contacts: Map<number, Contact>;
  orders: Map<number, Order>;
  invoices: Map<number, Invoice>;
  documents: Map<number, DocumentRecord>;
  /** Times (UTC ms) of the calls counted against the organisation's budget. */
  calls: number[];
}

export interface EmulatorState {
  orgs: Map<number, OrgState>;
  /** Strictly increasing modification stamps. */
  stamp(): number;
  rowVersion(): string;
}

export function newId(org: OrgState): number {
  org.nextId += 1;
  return org.nextId;
}

export function touch(state: EmulatorState, record: Meta): void {
  record.modified = state.stamp();
  record.rowVersion = state.rowVersion();
}

/** RowVersion as SQL Server's rowversion looks in JSON: 8 bytes, base64 (`AAAAAAB3xk4=`). */
export function makeRowVersions(start = 0x77c000n): () => string {
  let counter = start;
  return () => {
    counter += 1n;
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(counter);
    return bytes.toString('base64');
  };
}

export function makeStampClock(now: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    const t = Math.max(now(), last + 1);
    last = t;
    return t;
  };
}
