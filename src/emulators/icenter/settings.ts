/**
 * Every behaviour the public sources leave open is a setting here, with the default the
 * CONTRACT suggests. Tags: [CAP] captured, [CODE] code/swagger only, [INF] inferred.
 * Settings can change at runtime through `PATCH /__admin/settings`.
 */
export type ResponseEncoding = 'utf-8' | 'windows-1250';
export type KeyElement = 'Key' | 'EntityKeyField';

export interface EmulatorSettings {
  user: string;
  password: string;
  /** Response bytes. windows-1250 is what some installations send (CONTRACT §5 [CAP]). */
  encoding: ResponseEncoding;
  /** Whether Content-Type carries `; charset=…` (CONTRACT §7.10: unknown). */
  charsetInContentType: boolean;
  /** GetOrderStatus returns an empty list, as in S1's installation (CONTRACT §3.5 [CAP]). */
  getOrderStatusEmpty: boolean;
  /** CreateResult key names. Items: `SifraArtikla` [CAP]; the others are unknown [INF]. */
  keyNames: {
    item: string;
    order: { year: string; book: string; number: string };
    customer: string;
    document: string;
  };
  /** CreateResult key element: `Key` [CAP for items]; `EntityKeyField` for customers per S2's comment [CODE]. */
  keyElements: { item: KeyElement; order: KeyElement; customer: KeyElement; document: KeyElement };
  /** Issue the invoice this long after AddOrder; null = only via `POST /__admin/invoices`. */
  autoInvoiceDelayMs: number | null;
  /** Extra latency on every iCenterAPI request. */
  latencyMs: number;
  /** Carry the order's OrderReference onto the invoice (CONTRACT §3.6: not confirmed) [INF]. */
  orderReferenceOnInvoice: 'none' | 'Document' | 'PaymentReferenceExternal';
  /**
   * What an invoice's `LinkToDocument` holds: the source order's key (`2026-VNK-12`), or nothing.
   * CONTRACT §3.6 lists the field but not its content and does not name it as an order link [INF];
   * `empty` is the installation where only the order side (GetOrderProcessOverview) links them.
   */
  linkToDocument: 'order' | 'empty';
  /** GetOrder for a missing number: 404/400/500/204, or 200 with OrderNumber 0 (CONTRACT §3.5 [CAP]). */
  getOrderMissingStatus: 200 | 204 | 400 | 404 | 500;
  /** The one empty row GetStocks returns for an unpadded warehouse code (CONTRACT §3.2 [CAP] says `<Item>`). */
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
};

export type SettingsPatch = Partial<Omit<EmulatorSettings, 'keyNames' | 'keyElements'>> & {
  keyNames?: Partial<Omit<EmulatorSettings['keyNames'], 'order'>> & { order?: Partial<EmulatorSettings['keyNames']['order']> };
  keyElements?: Partial<EmulatorSettings['keyElements']>;
};

export function mergeSettings(base: EmulatorSettings, patch: SettingsPatch): EmulatorSettings {
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
