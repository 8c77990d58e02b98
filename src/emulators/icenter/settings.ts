/**
 * The behaviours the public sources leave open that a client could meet either way are settings
 * here, with the default docs/contracts/icenter.md suggests (README lists the few fixed choices). Tags: [CAP]
 * captured, [CODE] code/swagger only, [INF] inferred. Settings can change at runtime through
 * `PATCH /__admin/settings`.
 */
import { checkZone } from './clock.js';

export type ResponseEncoding = 'utf-8' | 'windows-1250';
export type KeyElement = 'Key' | 'EntityKeyField';
/** How a document names another in text (Ref2Invoice, ReferenceInvoice, LinkToDocument): `2026-IR-12`, `2026/IR/12`, `IR 2026/12`. */
export type DocumentReferenceFormat = 'year-book-number' | 'year/book/number' | 'book year/number';

export interface EmulatorSettings {
  user: string;
  password: string;
  /** Response bytes. windows-1250 is what some installations send (docs/contracts/icenter.md#encodings [CAP]). */
  encoding: ResponseEncoding;
  /** Whether Content-Type carries `; charset=…` (docs/contracts/icenter.md#open-questions (question 10): unknown). */
  charsetInContentType: boolean;
  /** GetOrderStatus returns an empty list, as in S1's installation (docs/contracts/icenter.md#sales-orders [CAP]). */
  getOrderStatusEmpty: boolean;
  /** CreateResult key names. Items: `SifraArtikla` [CAP]; the others are unknown [INF]. */
  keyNames: {
    item: string;
    order: { year: string; book: string; number: string };
    /** null = a key with only `<Value>`, as S2's comment shows for AddCustomer [CODE]. */
    customer: string | null;
    document: string;
  };
  /** CreateResult key element: `Key` [CAP for items]; `EntityKeyField` for customers per S2's comment [CODE]. */
  keyElements: { item: KeyElement; order: KeyElement; customer: KeyElement; document: KeyElement };
  /** Issue the invoice this long after AddOrder; null = only via `POST /__admin/invoices`. */
  autoInvoiceDelayMs: number | null;
  /** Extra latency on every iCenterAPI request. */
  latencyMs: number;
  /** Carry the order's OrderReference onto the invoice (docs/contracts/icenter.md#issued-invoices: not confirmed) [INF]. */
  orderReferenceOnInvoice: 'none' | 'Document' | 'PaymentReferenceExternal';
  /**
   * What an invoice's `LinkToDocument` holds: the source order's key (`2026-VNK-12`), or nothing.
   * docs/contracts/icenter.md#issued-invoices lists the field but not its content and does not name it as an order link [INF];
   * `empty` is the installation where only the order side (GetOrderProcessOverview) links them.
   */
  linkToDocument: 'order' | 'empty';
  /** GetOrder for a missing number: 404/400/500/204, or 200 with OrderNumber 0 (docs/contracts/icenter.md#sales-orders [CAP]). */
  getOrderMissingStatus: 200 | 204 | 400 | 404 | 500;
  /** The one empty row GetStocks returns for an unpadded warehouse code (docs/contracts/icenter.md#stock [CAP] says `<Item>`). */
  unpaddedWarehouseRowElement: 'Item' | 'StockItem';
  /** GetInvoice root: by analogy with GetOrder `InvoiceHeader` [INF]. */
  invoiceRoot: 'InvoiceHeader' | 'InvoiceHeaderDetail';
  /** Accepted `apiClientID`s in GetDocument; null accepts any. */
  apiClientIds: string[] | null;
  /** Order status texts [INF; `Zaključeno` is CAP]. */
  orderStatusOpen: string;
  orderStatusInvoiced: string;
  /** Request log ring size. */
  requestLogLimit: number;
  /** TTF font for the invoice PDF; default: DejaVuSans if installed, else Helvetica (ASCII-folded). */
  pdfFontPath: string | null;
  /** Zone of every offset-less time on the wire and in `recordDtModifiedFrom` (docs/contracts/icenter.md#dates-times-and-numbers and #open-questions, question 4 [INF]). */
  timeZone: string;
  /** `recordDtModifiedFrom` keeps rows modified exactly at that instant (`>=`) or only after it (`>`) (docs/contracts/icenter.md#open-questions (question 4) [INF]). */
  modifiedFromInclusive: boolean;
  /**
   * GetCustomerContacts answer: the swagger's single `CustomerContacts` object (the first match;
   * a self-closing root when none) [CODE], or an `ArrayOfCustomerContacts` list [INF].
   */
  customerContactsShape: 'object' | 'array';
  /** Text of Ref2Invoice, ReferenceInvoice, IDInvoiceNumber and LinkToDocument (docs/contracts/icenter.md#open-questions (question 8) [INF]). */
  documentReferenceFormat: DocumentReferenceFormat;
  /** GetInvoiceStatus keys as elements (S4) or as attributes like OrdersStatus (docs/contracts/icenter.md#issued-invoices and docs/contracts/icenter.md#open-questions (question 3) [INF]). */
  invoiceStatusKeys: 'elements' | 'attributes';
  /**
   * An AddOrder line without `Price` (docs/contracts/icenter.md#open-questions (question 6) [INF]): priced from the order's price list,
   * refused with 409, or priced 0.
   */
  missingLinePrice: 'price-list' | 'reject' | 'zero';
  /** PrintInvoiceToPDF bumps the invoice's ModifiedTime (so it reappears in the next delta). Not seen anywhere [INF]. */
  pdfBumpsModified: boolean;
  /**
   * Decimals of an order line's Price and DiscountPercentage iCenter keeps of what it is sent; the rest
   * is rounded half up before the line is computed. GetOrder prints 4 and 2 (docs/contracts/icenter.md#dates-times-and-numbers "fixed
   * scale"); what AddOrder does with more is not public [INF].
   */
  priceDecimals: number;
  discountDecimals: number;
  /** Status text of an order after PostOrderCancellation (docs/contracts/icenter.md#sales-orders lists `Stornirano`, `Preklicano` [CAP]; which one a cancellation gives [INF]). */
  orderStatusCanceled: string;
}

export const DEFAULT_SETTINGS: EmulatorSettings = {
  user: 'icsync',
  password: 'icenter-emulator',
  encoding: 'utf-8',
  charsetInContentType: true,
  getOrderStatusEmpty: false,
  keyNames: {
    item: 'SifraArtikla',
    order: { year: 'OrderYear', book: 'OrderBook', number: 'OrderNumber' },
    customer: 'SifraKupca',
    document: 'DocumentID',
  },
  keyElements: { item: 'Key', order: 'Key', customer: 'EntityKeyField', document: 'Key' },
  autoInvoiceDelayMs: null,
  latencyMs: 0,
  orderReferenceOnInvoice: 'none',
  linkToDocument: 'order',
  getOrderMissingStatus: 404,
  unpaddedWarehouseRowElement: 'Item',
  invoiceRoot: 'InvoiceHeader',
  apiClientIds: null,
  orderStatusOpen: 'Odprto',
  orderStatusInvoiced: 'Zaključeno',
  requestLogLimit: 5000,
  pdfFontPath: null,
  timeZone: 'Europe/Ljubljana',
  modifiedFromInclusive: true,
  customerContactsShape: 'object',
  documentReferenceFormat: 'year-book-number',
  invoiceStatusKeys: 'elements',
  missingLinePrice: 'price-list',
  pdfBumpsModified: false,
  priceDecimals: 4,
  discountDecimals: 2,
  orderStatusCanceled: 'Preklicano',
};

export type SettingsPatch = Partial<Omit<EmulatorSettings, 'keyNames' | 'keyElements'>> & {
  keyNames?: Partial<Omit<EmulatorSettings['keyNames'], 'order'>> & { order?: Partial<EmulatorSettings['keyNames']['order']> };
  keyElements?: Partial<EmulatorSettings['keyElements']>;
};

/** Throws a sentence for a setting the emulator cannot work with. */
export function mergeSettings(base: EmulatorSettings, patch: SettingsPatch): EmulatorSettings {
  if (patch.timeZone !== undefined) checkZone(patch.timeZone);
  return {
    ...base,
    ...patch,
    keyNames: {
      ...base.keyNames,
      ...patch.keyNames,
      order: { ...base.keyNames.order, ...patch.keyNames?.order },
    },
    keyElements: { ...base.keyElements, ...patch.keyElements },
  } as EmulatorSettings;
}
