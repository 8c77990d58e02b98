/**
 * Products: upsert on POST and PUT (ProductRepository::save), store-view scoped values,
 * website assignment, `media_gallery_entries: []` wiping images, stock through the default source.
 */
import { badRequest, productNotFound } from './errors.js';
import { defaultStockQty, writeDefaultStock } from './inventory.js';
import type { StoreView } from './options.js';
import { nextId, type EmulatorState, type Json, type ProductRecord, type StoreScope } from './state.js';
import { magentoDate } from './util.js';

/** EAV attributes that come as top-level product fields; the rest travel as custom_attributes. */
const TOP_LEVEL = ['name', 'price', 'status', 'visibility', 'weight'] as const;
/** Attributes with global scope in a stock install (catalog price scope "Global" by default). */
const GLOBAL_ATTRIBUTES = new Set(['price', 'weight', 'category_ids', 'tax_class_id']);
const TYPES = new Set(['simple', 'virtual', 'configurable', 'bundle', 'downloadable', 'grouped']);
const ATTRIBUTE_SETS = new Set([4, 9, 10, 11, 12, 13, 14, 15, 16]);
const PRICE_REQUIRED = new Set(['simple', 'virtual', 'downloadable']);

const STOCK_DEFAULTS: Json = {
  stock_id: 1, is_qty_decimal: false, show_default_notification_message: false, use_config_min_qty: true, min_qty: 0,
  use_config_min_sale_qty: 1, min_sale_qty: 1, use_config_max_sale_qty: true, max_sale_qty: 10000, use_config_backorders: true,
  backorders: 0, use_config_notify_stock_qty: true, notify_stock_qty: 1, use_config_qty_increments: true, qty_increments: 0,
  use_config_enable_qty_inc: true, enable_qty_increments: false, use_config_manage_stock: true, manage_stock: true,
  low_stock_date: null, is_decimal_divided: false, stock_status_changed_auto: 0,
};

export function findProduct(state: EmulatorState, sku: string): ProductRecord | undefined {
  const id = state.productBySku.get(sku.toLowerCase());
  return id === undefined ? undefined : state.products.get(id);
}

export function requireProduct(state: EmulatorState, sku: string): ProductRecord {
  const product = findProduct(state, sku);
  if (!product) throw productNotFound();
  return product;
}

/** Values seen from a store view: store override, else the global value. */
export function attributeValues(product: ProductRecord, storeId: number): Json {
  const global = product.values.get(0) ?? {};
  return storeId === 0 ? { ...global } : { ...global, ...(product.values.get(storeId) ?? {}) };
}

export function renderStockItem(state: EmulatorState, product: ProductRecord): Json {
  const { qty, inStock } = defaultStockQty(state, product.sku);
  return { item_id: product.id, product_id: product.id, ...STOCK_DEFAULTS, ...product.stockConfig, qty: Number(qty), is_in_stock: inStock };
}

/** `withStockItem` false: a list item without `stock_item` (docs/contracts/magento.md#products [L], setting productListStockItem). */
export function renderProduct(state: EmulatorState, product: ProductRecord, storeId: number, withStockItem = true): Json {
  const values = attributeValues(product, storeId);
  const out: Json = { id: product.id, sku: product.sku };
  if (values.name !== undefined) out.name = values.name;
  out.attribute_set_id = product.attributeSetId;
  for (const key of ['price', 'status', 'visibility'] as const) if (values[key] !== undefined && values[key] !== null) out[key] = values[key];
  out.type_id = product.typeId;
  out.created_at = product.createdAt;
  out.updated_at = product.updatedAt;
  if (values.weight !== undefined && values.weight !== null) out.weight = values.weight;
  out.extension_attributes = {
    website_ids: product.websiteIds,
    ...(product.categoryLinks ? { category_links: product.categoryLinks } : {}),
    ...(withStockItem ? { stock_item: renderStockItem(state, product) } : {}),
  };
  out.product_links = product.productLinks;
  out.options = product.options;
  out.media_gallery_entries = product.mediaGallery;
  out.tier_prices = product.tierPrices;
  out.custom_attributes = Object.entries(values)
    .filter(([code, value]) => !(TOP_LEVEL as readonly string[]).includes(code) && value !== null && value !== undefined)
    .map(([attribute_code, value]) => ({ attribute_code, value }));
  return out;
}

/** Field used by searchCriteria on products (top-level fields, then attributes in the store view). */
export function productField(product: ProductRecord, field: string, storeId: number): unknown {
  switch (field) {
    case 'entity_id':
    case 'id':
      return product.id;
    case 'sku':
      return product.sku;
    case 'type_id':
      return product.typeId;
    case 'attribute_set_id':
      return product.attributeSetId;
    case 'created_at':
      return product.createdAt;
    case 'updated_at':
      return product.updatedAt;
    case 'website_id':
      return product.websiteIds;
    default:
      return attributeValues(product, storeId)[field];
  }
}

function incomingAttributes(input: Json): Json {
  const attrs: Json = {};
  for (const key of TOP_LEVEL) if (key in input) attrs[key] = input[key];
  for (const entry of (input.custom_attributes as Json[] | null | undefined) ?? []) {
    if (entry && typeof entry.attribute_code === 'string') attrs[entry.attribute_code] = entry.value;
  }
  return attrs;
}

/**
 * ProductRepository::save. `skuFromPath` is PUT /V1/products/{sku}'s path parameter, which wins
 * over the body. Scope (docs/contracts/magento.md#base-paths-store-codes-and-scope): new product → global values (plus the named store view);
 * update → `all` writes global, otherwise the store view (default view for `/rest/V1`), and a
 * store-view value equal to the global one goes back to "use default" (m2#31083 fix).
 */
export function saveProduct(state: EmulatorState, input: Json, scope: StoreScope, storeViews: StoreView[], skuFromPath?: string, now = new Date()): ProductRecord {
  const sku = (skuFromPath ?? (typeof input.sku === 'string' ? input.sku : '')).trim();
  if (sku === '') throw badRequest('The "%1" attribute value is empty. Set the attribute and try again.', ['sku']);
  const existing = findProduct(state, sku);
  const attrs = incomingAttributes(input);
  const typeId = typeof input.type_id === 'string' ? input.type_id : existing?.typeId ?? 'simple';
  if (!TYPES.has(typeId)) throw badRequest('Invalid product data: %1', [`Invalid type ${typeId}`]);
  const attributeSetId = typeof input.attribute_set_id === 'number' ? input.attribute_set_id : existing?.attributeSetId ?? 4;
  if (!ATTRIBUTE_SETS.has(attributeSetId)) throw badRequest('Invalid product data: %1', ['Invalid attribute set entity type']);
  const extension = (input.extension_attributes as Json | null | undefined) ?? {};
  const stamp = magentoDate(now);

  let product = existing;
  if (!product) {
    if (typeof attrs.name !== 'string' || attrs.name.trim() === '') throw badRequest('The "%1" attribute value is empty. Set the attribute and try again.', ['Product Name']);
    if (PRICE_REQUIRED.has(typeId) && (attrs.price === undefined || attrs.price === null)) {
      throw badRequest('The "%1" attribute value is empty. Set the attribute and try again.', ['Price']);
    }
    const allWebsites = [...new Set(storeViews.map((s) => s.websiteId))].sort((a, b) => a - b);
    product = {
      id: nextId(state, 'product'), sku, typeId, attributeSetId,
      values: new Map([[0, { status: 1, visibility: 4, tax_class_id: '2', url_key: urlKey(String(attrs.name)) }]]),
      websiteIds: Array.isArray(extension.website_ids) ? (extension.website_ids as number[]) : scope.isAll ? allWebsites : [scope.websiteId],
      categoryLinks: undefined, mediaGallery: [], productLinks: [], options: [], tierPrices: [], stockConfig: {},
      createdAt: stamp, updatedAt: stamp,
    };
    state.products.set(product.id, product);
    state.productBySku.set(sku.toLowerCase(), product.id);
    Object.assign(product.values.get(0) as Json, attrs);
    if (scope.explicit && !scope.isAll) writeStoreValues(product, scope.storeId, attrs);
  } else {
    const before = JSON.stringify(renderProduct(state, product, scope.storeId));
    product.typeId = typeId;
    product.attributeSetId = attributeSetId;
    if (scope.isAll) Object.assign(product.values.get(0) as Json, attrs);
    else writeStoreValues(product, scope.storeId, attrs);
    if (Array.isArray(extension.website_ids)) product.websiteIds = extension.website_ids as number[];
    applyCollections(state, product, input, extension);
    if (JSON.stringify(renderProduct(state, product, scope.storeId)) !== before) product.updatedAt = stamp;
    return product;
  }
  applyCollections(state, product, input, extension);
  return product;
}

function writeStoreValues(product: ProductRecord, storeId: number, attrs: Json): void {
  const global = product.values.get(0) as Json;
  let store = product.values.get(storeId);
  if (!store) {
    store = {};
    product.values.set(storeId, store);
  }
  for (const [code, value] of Object.entries(attrs)) {
    if (GLOBAL_ATTRIBUTES.has(code)) global[code] = value;
    else if (JSON.stringify(global[code]) === JSON.stringify(value)) delete store[code];
    else store[code] = value;
  }
}

function applyCollections(state: EmulatorState, product: ProductRecord, input: Json, extension: Json): void {
  if (Array.isArray(extension.category_links)) product.categoryLinks = extension.category_links as Json[];
  // [] deletes every image in every store view; absent or null keeps them (docs/contracts/magento.md#products).
  if (Array.isArray(input.media_gallery_entries)) product.mediaGallery = (input.media_gallery_entries as Json[]).map((entry, i) => ({ id: i + 1, ...entry }));
  if (Array.isArray(input.product_links)) product.productLinks = input.product_links as Json[];
  if (Array.isArray(input.tier_prices)) product.tierPrices = input.tier_prices as Json[];
  const stockItem = extension.stock_item as Json | null | undefined;
  if (stockItem) updateStockItem(state, product, stockItem);
}

export function updateStockItem(state: EmulatorState, product: ProductRecord, stockItem: Json): void {
  for (const [key, value] of Object.entries(stockItem)) {
    if (key in STOCK_DEFAULTS && value !== null && key !== 'stock_id') product.stockConfig[key] = value;
  }
  writeDefaultStock(state, product.sku, stockItem);
}

export function deleteProduct(state: EmulatorState, sku: string): void {
  const product = requireProduct(state, sku);
  state.products.delete(product.id);
  state.productBySku.delete(product.sku.toLowerCase());
}

function urlKey(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
