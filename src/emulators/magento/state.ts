/** The emulator's in-memory shop: one object so reset/seed can swap it whole. */
import type { Decimal } from '../../core/decimal.js';

export type Json = Record<string, unknown>;

/** Store scope a request runs in (docs/contracts/magento.md#base-paths-store-codes-and-scope). storeId 0 = admin scope (`all`). */
export interface StoreScope {
  storeId: number;
  websiteId: number;
  /** The request named a store code (`/rest/<code>/V1`); false for `/rest/V1`. */
  explicit: boolean;
  isAll: boolean;
}

export interface ProductRecord {
  id: number;
  sku: string;
  typeId: string;
  attributeSetId: number;
  /** Attribute values by store id; 0 = global ("All Store Views"). */
  values: Map<number, Json>;
  websiteIds: number[];
  categoryLinks: Json[] | undefined;
  mediaGallery: Json[];
  productLinks: Json[];
  options: Json[];
  tierPrices: Json[];
  stockConfig: Json;
  createdAt: string;
  updatedAt: string;
}

export interface SourceItem {
  sku: string;
  sourceCode: string;
  quantity: Decimal;
  status: number;
}

export interface OrderRecord {
  /** The order as `GET /V1/orders/{id}` returns it (Magento field names, JSON numbers). */
  data: Json;
  shipments: number[];
  invoices: number[];
}

export interface BulkOperation {
  id: number;
  status: 1 | 2 | 3 | 4 | 5;
  resultMessage: string | null;
  errorCode: number | null;
  topicName: string;
  serializedData: string;
  resultSerializedData: string | null;
  run: (() => Promise<unknown>) | null;
}

export interface BulkRecord {
  uuid: string;
  description: string;
  startTime: string;
  userType: number;
  userId: number;
  operations: BulkOperation[];
}

export interface SentEmail {
  id: number;
  kind: 'invoice' | 'order_comment' | 'shipment' | 'invoice_comment';
  to: string;
  subject: string;
  entityId: number;
  orderId: number;
  sentAt: string;
  attachments: Array<{ attachment_id: number; file_name: string; mime_type: string; size: number }>;
}

export interface Attachment {
  attachmentId: number;
  invoiceId: number;
  fileName: string;
  mimeType: string;
  content: Buffer;
  sha256: string;
  createdAt: string;
}

export interface EmulatorState {
  products: Map<number, ProductRecord>;
  /** Lower-cased SKU → product id (MySQL compares SKUs case-insensitively). */
  productBySku: Map<string, number>;
  sources: Map<string, Json>;
  /** sku → source code → item */
  sourceItems: Map<string, Map<string, SourceItem>>;
  /** sku → sum of reservations (negative while orders wait for shipment). */
  reservations: Map<string, Decimal>;
  orders: Map<number, OrderRecord>;
  invoices: Map<number, Json>;
  invoiceComments: Map<number, Json[]>;
  shipments: Map<number, Json>;
  customers: Map<number, Json>;
  bulks: Map<string, BulkRecord>;
  emails: SentEmail[];
  attachments: Map<number, Attachment[]>;
  adminTokens: Map<string, number>;
  nonces: Set<string>;
  seq: Record<'product' | 'order' | 'orderItem' | 'address' | 'payment' | 'invoice' | 'invoiceItem' | 'shipment' | 'shipmentItem' | 'comment' | 'customer' | 'operation' | 'email' | 'attachment' | 'track', number>;
}

export function emptyState(sourceCodes: string[]): EmulatorState {
  const sources = new Map<string, Json>();
  for (const code of sourceCodes) {
    sources.set(code, { source_code: code, name: code === 'default' ? 'Default Source' : code, enabled: true, country_id: 'SI', postcode: '1000' });
  }
  return {
    products: new Map(),
    productBySku: new Map(),
    sources,
    sourceItems: new Map(),
    reservations: new Map(),
    orders: new Map(),
    invoices: new Map(),
    invoiceComments: new Map(),
    shipments: new Map(),
    customers: new Map(),
    bulks: new Map(),
    emails: [],
    attachments: new Map(),
    adminTokens: new Map(),
    nonces: new Set(),
    seq: { product: 0, order: 0, orderItem: 0, address: 0, payment: 0, invoice: 0, invoiceItem: 0, shipment: 0, shipmentItem: 0, comment: 0, customer: 0, operation: 0, email: 0, attachment: 0, track: 0 },
  };
}

export function nextId(state: EmulatorState, kind: keyof EmulatorState['seq']): number {
  state.seq[kind] += 1;
  return state.seq[kind];
}
