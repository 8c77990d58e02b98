/**
 * The two ports flows talk to. A connector (src/connectors/<name>/) implements one of
 * them; flows never see HTTP, XML or JSON shapes.
 *
 * Every method either resolves or throws a `SyncError` (src/core/errors.ts) of one of
 * the three classes: transient (retry later), business (a person must fix data), or
 * configuration (a setting is wrong; stop this flow).
 *
 * Listing methods stream pages as async iterables: a flow holds one page at a time,
 * so memory stays flat whatever the catalogue size.
 */
import type { Decimal } from './decimal.js';
import type {
  CurrencyCode,
  ErpDocumentKey,
  ErpInvoice,
  ErpItem,
  ErpOrder,
  ErpOrderDraft,
  ErpPartner,
  ErpPrice,
  PartnerCode,
  PartnerDraft,
  ShopInvoice,
  ShopInvoiceId,
  ShopOrder,
  ShopOrderId,
  ShopProductDraft,
  ShopStockDraft,
  Sku,
  StockLevel,
  WarehouseCode,
} from './model.js';
import type { SyncError } from './errors.js';

/** One remote call a connector made, reported for metrics (ConnectorDeps.onRemoteCall). */
export interface RemoteCallInfo {
  target: string;
  method: string;
  route: string;
  status: number | 'error';
  durationMs: number;
}

/** A warning that did not stop the call (for example a character the ERP's code page cannot hold). */
export interface PortWarning {
  record?: { kind: string; key: string; field?: string };
  message: string;
}

/**
 * A row a connector could not read (a value that is not a number, say): the record it names and a
 * business error whose sentence names the record, the field and the value. List reads given such
 * a callback leave the row out and read on; without one, the first unreadable row fails the read.
 */
export type OnUnreadableRow = (row: { kind: string; key: string; field?: string }, error: SyncError) => void | Promise<void>;

/** What a connection check found: shown by `icsync doctor`. */
export interface ConnectionInfo {
  target: string;
  version?: string;
  details: Record<string, string>;
}

/** One code of an ERP code list (warehouses, VAT rates, books, ...), for doctor and mapping checks. */
export interface CodeEntry {
  code: string;
  description?: string;
  /** VAT percent for VAT rates; invoice book for order books; and the like. */
  attributes?: Record<string, string>;
  active?: boolean;
}

/**
 * Calls to a remote system, counted where every process sees them (the store), for APIs with a
 * call budget (Minimax: 1,000 calls per organisation per rolling 24 h). The engine provides it;
 * a connector records each call it makes and reads the count before planning.
 */
export interface CallCounter {
  record(target: string, at: Date, count: number): Promise<void>;
  /** Calls recorded at or after `since`, and when the oldest of them was made. */
  countSince(target: string, since: Date): Promise<{ count: number; oldest?: Date }>;
}

/** Where a connector's call budget stands, for status, the dashboard and /metrics. */
export interface CallBudgetStatus {
  target: string;
  /** Calls the remote system allows per window. */
  limit: number;
  /** The share of the limit icsync plans within (the rest is left to people and other integrations). */
  usable: number;
  used: number;
  windowMs: number;
  /** When the oldest counted call leaves the window (a call frees up then). */
  nextFreeAt?: Date;
}

/** Whether a flow may start now on a budget, and if not, why and until when. */
export type BudgetAdmission = { ok: true } | { ok: false; sentence: string; retryAt: Date };

/**
 * A connector whose API has a call budget declares it (a capability: connectors without one
 * leave `ErpPort.callBudget` undefined and nothing changes). Flows never look at it; the
 * engine asks it before starting a flow, so lower-priority flows wait when calls run short.
 */
export interface CallBudget {
  status(): Promise<CallBudgetStatus>;
  /** `estimate`: calls the flow's last run used, when known. */
  admit(flow: string, estimate?: number): Promise<BudgetAdmission>;
}

export type ErpCodeList = 'warehouses' | 'vatRates' | 'orderBooks' | 'invoiceBooks' | 'paymentMethods' | 'shippingMethods' | 'priceLists' | 'currencies';

/**
 * How an ERP turns order lines priced with VAT into amounts: the decimals it keeps of what it is
 * sent and its rounding. The orders flow uses it to know a draft's payable total before the order
 * is created, so a difference from the shop's grand total holds the order before any ERP write.
 */
export interface ErpOrderArithmetic {
  /** Decimals of a line's unit price the ERP keeps. */
  priceDecimals: number;
  /** Decimals of a line's discount percent the ERP keeps. */
  discountDecimals: number;
  /** What one line priced with VAT included comes to in the ERP (with VAT, after discount, rounded as the ERP rounds). */
  linePayable(line: { quantity: Decimal; unitPrice: Decimal; discountPercent: Decimal }): Decimal;
}

export interface ErpPort {
  readonly name: string;
  /** The ERP's order arithmetic; absent = cents for prices and percents, one rounding per line. */
  readonly orderArithmetic?: ErpOrderArithmetic;
  /** How a person calls this ERP in a sentence ("SKU X is not in iCenter"); `name` when absent. */
  readonly label?: string;
  /** Present when the ERP's API limits calls per window (Minimax); see CallBudget. */
  readonly callBudget?: CallBudget;

  /** Checks the connection, the credentials and the organisation/company selection. */
  checkConnection(): Promise<ConnectionInfo>;
  /** Lists one of the ERP's code lists. */
  listCodes(list: ErpCodeList): Promise<CodeEntry[]>;

  /** Items changed since `changedSince` (all when absent), page by page. */
  items(options: { changedSince?: Date; includeInactive?: boolean; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncIterable<ErpItem[]>;
  /** Prices of one price list, page by page. */
  prices(options: { priceList: string; date?: Date; changedSince?: Date; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncIterable<ErpPrice[]>;
  /** On-hand stock per warehouse, page by page. Rows of one warehouse carry its code. */
  stock(options: { warehouses: WarehouseCode[]; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncIterable<StockLevel[]>;
  /** Which of these SKUs exist in the ERP (active or not). */
  existingSkus(skus: Sku[]): Promise<Set<Sku>>;

  /** Finds a partner by VAT ID first, then by e-mail. Undefined when neither matches. */
  findPartner(query: { vatId?: string; email?: string }): Promise<{ partner: ErpPartner; matchedBy: 'vatId' | 'email' } | undefined>;
  /**
   * Creates a partner. Where that takes more than one call (iCenter: the customer, then its e-mail
   * contact), a later call that fails does not fail the create: `contactAdded: false` says the
   * e-mail contact is still missing, and the caller adds it with ensurePartnerContact.
   */
  createPartner(draft: PartnerDraft): Promise<{ code: PartnerCode; warnings: PortWarning[]; contactAdded: boolean }>;
  /**
   * A partner an interrupted create may have left, found by what the create itself wrote (name
   * and address, and the VAT ID when the draft has one), among those changed since `since` (the
   * recorded intent). For the exactly-once protocol: a create whose answer was lost, or whose
   * e-mail contact was never added, is not found by findPartner's e-mail look-up.
   */
  findCreatedPartner(draft: PartnerDraft, since: Date): Promise<ErpPartner | undefined>;
  /** Adds the draft's e-mail as the partner's contact unless it has it already (the second call of a create, finished later). */
  ensurePartnerContact(code: PartnerCode, draft: PartnerDraft): Promise<{ warnings: PortWarning[] }>;

  /**
   * Creates an order. Not idempotent on any ERP we know: callers must follow the
   * exactly-once protocol (record intent, then call, then record the key; on doubt,
   * findOrderByReference before calling again).
   */
  createOrder(draft: ErpOrderDraft): Promise<{ order: ErpOrder; warnings: PortWarning[] }>;
  /** Looks an order up by the shop's order number carried in its reference field. */
  findOrderByReference(reference: string, hint?: { orderDate?: Date; book?: string }): Promise<ErpOrder | undefined>;
  getOrder(key: ErpDocumentKey): Promise<ErpOrder | undefined>;
  /** Cancels an order (the shop canceled it). Absent when the ERP offers no such call. */
  cancelOrder?(key: ErpDocumentKey): Promise<void>;
  /**
   * Replaces an order's lines, reference and amounts with those of the draft (the shop edited the
   * order into a new number), so the ERP keeps one document. Repeating it is harmless. Absent when
   * the ERP cannot change an order.
   */
  replaceOrder?(key: ErpDocumentKey, draft: ErpOrderDraft): Promise<{ order: ErpOrder; warnings: PortWarning[] }>;

  /** Invoices issued or changed since `changedSince`, page by page. */
  invoices(options: { changedSince?: Date; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncIterable<ErpInvoice[]>;
  /** The invoices issued from one ERP order (the order → invoice link). */
  invoicesForOrder(orderKey: ErpDocumentKey): Promise<ErpInvoice[]>;
  /** The invoice as a PDF document. */
  invoicePdf(key: ErpDocumentKey): Promise<{ fileName: string; bytes: Uint8Array }>;

  close(): Promise<void>;
}

/** The outcome of one record in a batch write: a failed record does not fail the batch. */
export type RecordOutcome<K = string> =
  | { key: K; ok: true; created?: boolean }
  | { key: K; ok: false; error: Error };

export interface ShopProductState {
  sku: Sku;
  id?: string;
  name?: string;
  enabled?: boolean;
  typeId?: string;
}

export interface ShopPort {
  readonly name: string;

  checkConnection(): Promise<ConnectionInfo>;
  /** Stock locations the shop has (MSI source codes), for doctor and mapping checks. */
  listSources(): Promise<CodeEntry[]>;
  /** Payment and shipping method codes seen by the shop, when it can tell (otherwise empty). */
  listMethods?(kind: 'payment' | 'shipping'): Promise<CodeEntry[]>;

  /** Which of these SKUs exist in the shop, with a little state. */
  findProducts(skus: Sku[]): Promise<Map<Sku, ShopProductState>>;
  /**
   * Creates or updates products. `mode: 'update'` must never create: a SKU that is
   * not in the shop comes back as a failed outcome.
   */
  upsertProducts(drafts: ShopProductDraft[], options: { mode: 'create-or-update' | 'update'; currency?: CurrencyCode }): Promise<RecordOutcome<Sku>[]>;
  /** Writes stock rows, batched as the shop allows. Key of an outcome: `${sku}@${source}`. */
  writeStock(rows: ShopStockDraft[]): Promise<RecordOutcome[]>;

  /**
   * Orders updated since `updatedSince`, page by page, oldest first. An order that cannot be
   * read into the model is left out of its page and handed to `onUnreadable` (with a business
   * error naming it), so one bad order never stops the others.
   */
  orders(options: {
    updatedSince?: Date;
    statuses?: string[];
    pageSize?: number;
    onUnreadable?: (order: { id: ShopOrderId; number?: string }, error: Error) => void | Promise<void>;
  }): AsyncIterable<ShopOrder[]>;
  getOrder(id: ShopOrderId): Promise<ShopOrder>;
  /** Finds an order by its customer-facing number. */
  findOrderByNumber(number: string): Promise<ShopOrder | undefined>;
  addOrderComment(id: ShopOrderId, comment: string, options?: { notifyCustomer?: boolean; visibleOnFront?: boolean }): Promise<void>;

  listInvoices(orderId: ShopOrderId): Promise<ShopInvoice[]>;
  /** Creates an offline invoice for the whole order; `comment` is stored on the invoice (icsync writes the ERP number there). */
  createInvoice(orderId: ShopOrderId, options: { comment: string; notifyCustomer: false }): Promise<ShopInvoiceId>;
  attachInvoicePdf(invoiceId: ShopInvoiceId, file: { fileName: string; bytes: Uint8Array }): Promise<{ attachmentId: string }>;
  listInvoiceAttachments(invoiceId: ShopInvoiceId): Promise<{ attachmentId: string; fileName: string; size: number }[]>;
  sendInvoiceEmail(invoiceId: ShopInvoiceId): Promise<void>;
  /**
   * Whether the shop has what attachInvoicePdf needs, when that is an add-on (Magento: the icsync
   * module). Asked once per invoices run and by `icsync doctor`; absent = nothing to install.
   */
  attachmentSupport?(): Promise<AttachmentSupport>;

  close(): Promise<void>;
}

/** The answer of ShopPort.attachmentSupport: installed, or the sentence that says what to install and how. */
export type AttachmentSupport = { installed: true } | { installed: false; sentence: string };
