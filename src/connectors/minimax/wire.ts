/** The Minimax JSON shapes the connector reads (only the fields it uses; the API sends more). */
export interface Fk { ID: number; Name?: string | null; ResourceUrl?: string | null }
export interface Page<T> { Rows?: T[]; TotalRows?: number; CurrentPageNumber?: number; PageSize?: number }
export interface SyncCandidate { ID: number; RecordDtModified?: string; RowVersion?: string }
export interface ItemSearchRow { ItemId: number; Title?: string | null; Code?: string | null; UnitOfMeasurement?: string | null; MassPerUnit?: number | null; ItemType?: string | null; VatRate?: Fk | null; Price?: number | null; Currency?: Fk | null }
export interface ItemJson extends ItemSearchRow { Name?: string | null; EANCode?: string | null; Description?: string | null; Usage?: string | null; RecordDtModified?: string | null; RowVersion?: string | null }
export interface StockRow { Item?: Fk | null; ItemCode?: string | null; Quantity?: number | null }
export interface WarehouseJson { WarehouseId: number; Code?: string | null; Name?: string | null; Usage?: string | null }
export interface VatRateJson { VatRateId: number; Code: string; Percent?: number | null }
export interface CountryJson { CountryId: number; Code: string; Name?: string | null }
export interface CurrencyJson { CurrencyId: number; Code: string; Name?: string | null }
export interface CustomerJson {
  CustomerId: number; Code?: string | null; Name?: string | null; Address?: string | null; PostalCode?: string | null; City?: string | null; Country?: Fk | null;
  TaxNumber?: string | null; VATIdentificationNumber?: string | null; SubjectToVAT?: string | null;
}
export interface ContactJson { ContactId: number; Customer?: Fk | null; Email?: string | null; FullName?: string | null }
export interface OrderRowJson { Item?: Fk | null; ItemCode?: string | null; Quantity?: number | null; Price?: number | null; DiscountPercent?: number | null }
export interface OrderJson { OrderId: number; Year?: number | null; Number?: number | null; Date?: string | null; Reference?: string | null; Customer?: Fk | null; Status?: string | null; OrderRows?: OrderRowJson[] | null; RowVersion?: string | null }
export interface InvoiceRowJson { ItemCode?: string | null; ItemName?: string | null; Quantity?: number | null; Price?: number | null; PriceWithVAT?: number | null; VATPercent?: number | null; Value?: number | null }
export interface InvoiceJson {
  IssuedInvoiceId: number; Year?: number | null; InvoiceNumber?: number | null; InvoiceType?: string | null; Status?: string | null; Customer?: Fk | null;
  DateIssued?: string | null; DocumentReference?: string | null; Currency?: Fk | null; InvoiceValue?: number | null; PricesOnInvoice?: string | null;
  Document?: Fk | null; InvoiceAttachment?: Fk | null; IssuedInvoiceRows?: InvoiceRowJson[] | null; RecordDtModified?: string | null; RowVersion?: string | null;
}
export interface AttachmentJson { AttachmentData?: string | null; FileName?: string | null; MimeType?: string | null }
