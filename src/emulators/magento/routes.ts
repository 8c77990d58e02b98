/** The REST route table: path, ACL resource (docs/contracts/magento.md#acl-resources), body schema and handler. */
import { addAttachment, ATTACHMENT_BODY_SCHEMA, listAttachments } from './attachments.js';
import { deleteProduct, findProduct, productField, renderProduct, renderStockItem, requireProduct, saveProduct, updateStockItem } from './catalog.js';
import { badRequest, entityNotFound, internalError, MagentoHttpError, noSuchEntityField } from './errors.js';
import { allSourceItems, deleteSourceItems, renderSourceItem, salableQuantity, saveSourceItems } from './inventory.js';
import { sendDocumentEmail } from './mail.js';
import type { ResolvedSettings } from './options.js';
import type { PhpValue } from './query.js';
import { addInvoiceComment, addOrderComment, cancelOrder, createInvoice, createShipment, holdOrder, renderInvoice, renderOrder, requireOrder } from './sales.js';
import { parseSearchCriteria, runSearch, type SearchSource } from './search-criteria.js';
import type { EmulatorState, Json, StoreScope } from './state.js';

export interface RouteContext {
  state: EmulatorState;
  settings: ResolvedSettings;
  scope: StoreScope;
  params: Record<string, string>;
  query: Record<string, PhpValue>;
  body: Record<string, unknown>;
  issueAdminToken(username: string, password: string): string;
  /** Columns of `sales_order`: the scalar fields of the schema's order interface. */
  orderColumns(): ReadonlySet<string>;
  bulkStatus(uuid: string, detailed: boolean): Json;
  bulkOperationCount(uuid: string, status: number): number;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  acl: string;
  /** Service name for async topics (`async.<service>.<method>`). */
  service?: string;
  /** Body schema for routes absent from the official schema (icsync module). */
  customBody?: { required?: string[]; properties: Record<string, unknown> };
  handler(ctx: RouteContext): unknown;
}

const int = (value: string | undefined, field: string): number => {
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new MagentoHttpError(400, {
      message: 'Error occurred during "%fieldName" processing. The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.',
      parameters: { fieldName: field, value: String(value), type: 'int' },
    });
  }
  return Number(value);
};

/** Stores answer reads in the request's store view; `all` reads admin (global) values. */
const readStoreId = (ctx: RouteContext): number => {
  const fromQuery = ctx.query.storeId;
  return typeof fromQuery === 'string' && /^\d+$/.test(fromQuery) ? Number(fromQuery) : ctx.scope.storeId;
};

function mapSource<T extends Json>(map: Map<number, T>, field = (item: T, name: string) => item[name]): SearchSource<T> {
  return { all: () => map.values(), field };
}

function search<T, R>(ctx: RouteContext, source: SearchSource<T>, render: (item: T) => R): unknown {
  return runSearch(source, parseSearchCriteria(ctx.query), ctx.settings.paging, render);
}

const products: RouteDef[] = [
  {
    method: 'GET', path: '/V1/products', acl: 'Magento_Catalog::products',
    handler: (ctx) => {
      const storeId = readStoreId(ctx);
      return search(ctx, {
        all: () => ctx.state.products.values(),
        field: (p, f) => productField(p, f, storeId),
        lookup: (field, values) => (field === 'sku' ? values.map((v) => findProduct(ctx.state, v)).filter((p) => p !== undefined) : undefined),
      }, (p) => renderProduct(ctx.state, p, storeId, ctx.settings.productListStockItem));
    },
  },
  { method: 'GET', path: '/V1/products/:sku', acl: 'Magento_Catalog::products', handler: (ctx) => renderProduct(ctx.state, requireProduct(ctx.state, ctx.params.sku as string), readStoreId(ctx)) },
  {
    method: 'POST', path: '/V1/products', acl: 'Magento_Catalog::products', service: 'magento.catalog.api.productrepositoryinterface.save',
    handler: (ctx) => renderProduct(ctx.state, saveProduct(ctx.state, ctx.body.product as Json, ctx.scope, ctx.settings.storeViews), ctx.scope.storeId),
  },
  {
    method: 'PUT', path: '/V1/products/:sku', acl: 'Magento_Catalog::products', service: 'magento.catalog.api.productrepositoryinterface.save',
    handler: (ctx) => renderProduct(ctx.state, saveProduct(ctx.state, ctx.body.product as Json, ctx.scope, ctx.settings.storeViews, ctx.params.sku), ctx.scope.storeId),
  },
  {
    method: 'DELETE', path: '/V1/products/:sku', acl: 'Magento_Catalog::products', service: 'magento.catalog.api.productrepositoryinterface.deletebyid',
    handler: (ctx) => { deleteProduct(ctx.state, ctx.params.sku as string); return true; },
  },
  { method: 'GET', path: '/V1/stockItems/:productSku', acl: 'Magento_Catalog::catalog_inventory', handler: (ctx) => renderStockItem(ctx.state, requireProduct(ctx.state, ctx.params.productSku as string)) },
  {
    method: 'PUT', path: '/V1/products/:productSku/stockItems/:itemId', acl: 'Magento_Catalog::catalog_inventory', service: 'magento.cataloginventory.api.stockregistryinterface.updatestockitembysku',
    handler: (ctx) => {
      const product = requireProduct(ctx.state, ctx.params.productSku as string);
      updateStockItem(ctx.state, product, ctx.body.stockItem as Json);
      return product.id;
    },
  },
];

const inventory: RouteDef[] = [
  {
    method: 'GET', path: '/V1/inventory/source-items', acl: 'Magento_InventoryApi::source',
    handler: (ctx) => search(ctx, {
      all: () => allSourceItems(ctx.state),
      field: (item, f) => (f === 'sku' ? item.sku : f === 'source_code' ? item.sourceCode : f === 'quantity' ? Number(item.quantity) : f === 'status' ? item.status : undefined),
      lookup: (field, values) => (field === 'sku' ? values.flatMap((v) => [...(ctx.state.sourceItems.get(v.toLowerCase())?.values() ?? [])]) : undefined),
    }, renderSourceItem),
  },
  {
    method: 'POST', path: '/V1/inventory/source-items', acl: 'Magento_InventoryApi::stock_source_item_assign', service: 'magento.inventoryapi.api.sourceitemssaveinterface.execute',
    handler: (ctx) => {
      const items = ctx.body.sourceItems as Json[];
      saveSourceItems(ctx.state, items, ctx.settings.unknownSkuSourceItems, (sku) => findProduct(ctx.state, sku) !== undefined);
      return [];
    },
  },
  {
    method: 'POST', path: '/V1/inventory/source-items-delete', acl: 'Magento_InventoryApi::stock_source_item_assign', service: 'magento.inventoryapi.api.sourceitemsdeleteinterface.execute',
    handler: (ctx) => { deleteSourceItems(ctx.state, ctx.body.sourceItems as Json[]); return []; },
  },
  {
    method: 'GET', path: '/V1/inventory/sources', acl: 'Magento_InventoryApi::source',
    handler: (ctx) => search(ctx, { all: () => ctx.state.sources.values(), field: (s, f) => s[f] }, (s) => s),
  },
  {
    method: 'GET', path: '/V1/inventory/get-product-salable-quantity/:sku/:stockId', acl: 'Magento_InventoryApi::stock',
    handler: (ctx) => {
      if (int(ctx.params.stockId, 'stockId') !== 1) throw badRequest('The requested stock does not exist.');
      return Number(salableQuantity(ctx.state, ctx.params.sku as string));
    },
  },
  {
    method: 'GET', path: '/V1/inventory/is-product-salable/:sku/:stockId', acl: 'Magento_InventoryApi::stock',
    handler: (ctx) => Number(salableQuantity(ctx.state, ctx.params.sku as string)) > 0,
  },
];

const sendEmail = (ctx: RouteContext) => (kind: 'invoice' | 'shipment', id: number): void => { sendDocumentEmail(ctx.state, kind, id); };

const sales: RouteDef[] = [
  {
    method: 'GET', path: '/V1/orders', acl: 'Magento_Sales::actions_view',
    handler: (ctx) => {
      const criteria = parseSearchCriteria(ctx.query);
      // sales_order is a flat table: a filter on a missing column is an SQL error, shown as the
      // production 500 (docs/contracts/magento.md#searchcriteria-and-paging [L], inferred): the unknownOrderFilterField setting.
      if (ctx.settings.unknownOrderFilterField === 'error') {
        const columns = ctx.orderColumns();
        if (criteria.filterGroups.some((group) => group.some((f) => !columns.has(f.field)))) throw internalError();
      }
      return runSearch(mapSource(new Map([...ctx.state.orders].map(([id, o]) => [id, o.data]))), criteria, ctx.settings.paging, (o) => o);
    },
  },
  { method: 'GET', path: '/V1/orders/:id', acl: 'Magento_Sales::actions_view', handler: (ctx) => renderOrder(requireOrder(ctx.state, int(ctx.params.id, 'id'))) },
  {
    method: 'GET', path: '/V1/orders/:id/comments', acl: 'Magento_Sales::actions_view',
    handler: (ctx) => {
      const list = requireOrder(ctx.state, int(ctx.params.id, 'id')).data.status_histories as Json[];
      return { items: list, search_criteria: { filter_groups: [] }, total_count: list.length };
    },
  },
  {
    method: 'POST', path: '/V1/orders/:id/comments', acl: 'Magento_Sales::comment', service: 'magento.sales.api.orderstatushistoryrepositoryinterface.save',
    handler: (ctx) => {
      const history = ctx.body.statusHistory as Json;
      const orderId = int(ctx.params.id, 'id');
      const result = addOrderComment(ctx.state, orderId, history);
      if (history.is_customer_notified) sendDocumentEmail(ctx.state, 'order_comment', orderId);
      return result;
    },
  },
  { method: 'POST', path: '/V1/orders/:id/hold', acl: 'Magento_Sales::hold', handler: (ctx) => holdOrder(ctx.state, int(ctx.params.id, 'id'), true) },
  { method: 'POST', path: '/V1/orders/:id/unhold', acl: 'Magento_Sales::unhold', handler: (ctx) => holdOrder(ctx.state, int(ctx.params.id, 'id'), false) },
  { method: 'POST', path: '/V1/orders/:id/cancel', acl: 'Magento_Sales::cancel', handler: (ctx) => cancelOrder(ctx.state, int(ctx.params.id, 'id')) },
  {
    method: 'POST', path: '/V1/order/:orderId/invoice', acl: 'Magento_Sales::invoice', service: 'magento.sales.api.invoiceorderinterface.execute',
    handler: (ctx) => createInvoice(ctx.state, int(ctx.params.orderId, 'orderId'), ctx.body, sendEmail(ctx)),
  },
  {
    method: 'POST', path: '/V1/order/:orderId/ship', acl: 'Magento_Sales::ship', service: 'magento.sales.api.shiporderinterface.execute',
    handler: (ctx) => createShipment(ctx.state, int(ctx.params.orderId, 'orderId'), ctx.body as Json, sendEmail(ctx)),
  },
  { method: 'GET', path: '/V1/invoices', acl: 'Magento_Sales::sales_invoice', handler: (ctx) => search(ctx, mapSource(ctx.state.invoices), (i) => renderInvoice(ctx.state, i.entity_id as number)) },
  { method: 'GET', path: '/V1/invoices/:id', acl: 'Magento_Sales::sales_invoice', handler: (ctx) => renderInvoice(ctx.state, int(ctx.params.id, 'id')) },
  {
    method: 'POST', path: '/V1/invoices/:id/emails', acl: 'Magento_Sales::sales_invoice',
    handler: (ctx) => { sendDocumentEmail(ctx.state, 'invoice', int(ctx.params.id, 'id')); return true; },
  },
  {
    method: 'GET', path: '/V1/invoices/:id/comments', acl: 'Magento_Sales::sales_invoice',
    handler: (ctx) => {
      const id = int(ctx.params.id, 'id');
      if (!ctx.state.invoices.has(id)) throw entityNotFound();
      const list = ctx.state.invoiceComments.get(id) ?? [];
      return { items: list, search_criteria: { filter_groups: [] }, total_count: list.length };
    },
  },
  {
    method: 'POST', path: '/V1/invoices/comments', acl: 'Magento_Sales::sales_invoice', service: 'magento.sales.api.invoicecommentrepositoryinterface.save',
    handler: (ctx) => {
      const entity = ctx.body.entity as Json;
      return addInvoiceComment(ctx.state, Number(entity.parent_id), entity);
    },
  },
  { method: 'GET', path: '/V1/shipments', acl: 'Magento_Sales::shipment', handler: (ctx) => search(ctx, mapSource(ctx.state.shipments), (s) => s) },
  {
    method: 'GET', path: '/V1/shipment/:id', acl: 'Magento_Sales::shipment',
    handler: (ctx) => {
      const shipment = ctx.state.shipments.get(int(ctx.params.id, 'id'));
      if (!shipment) throw entityNotFound();
      return shipment;
    },
  },
];

const customers: RouteDef[] = [
  { method: 'GET', path: '/V1/customers/search', acl: 'Magento_Customer::customer', handler: (ctx) => search(ctx, mapSource(ctx.state.customers), (c) => c) },
  {
    method: 'GET', path: '/V1/customers/:customerId', acl: 'Magento_Customer::customer',
    handler: (ctx) => {
      const id = int(ctx.params.customerId, 'customerId');
      const customer = ctx.state.customers.get(id);
      if (!customer) throw noSuchEntityField('customerId', id);
      return customer;
    },
  },
];

const BULK_ACL = 'Magento_Logging::system_magento_logging_bulk_operations';
const platform: RouteDef[] = [
  {
    method: 'POST', path: '/V1/integration/admin/token', acl: 'anonymous',
    handler: (ctx) => ctx.issueAdminToken(String(ctx.body.username ?? ''), String(ctx.body.password ?? '')),
  },
  { method: 'GET', path: '/V1/bulk/:bulkUuid/status', acl: BULK_ACL, handler: (ctx) => ctx.bulkStatus(ctx.params.bulkUuid as string, false) },
  { method: 'GET', path: '/V1/bulk/:bulkUuid/detailed-status', acl: BULK_ACL, handler: (ctx) => ctx.bulkStatus(ctx.params.bulkUuid as string, true) },
  {
    method: 'GET', path: '/V1/bulk/:bulkUuid/operation-status/:status', acl: BULK_ACL,
    handler: (ctx) => ctx.bulkOperationCount(ctx.params.bulkUuid as string, int(ctx.params.status, 'status')),
  },
];

const icsyncModule: RouteDef[] = [
  {
    method: 'POST', path: '/V1/icsync/invoices/:invoiceId/attachments', acl: 'Magento_Sales::sales_invoice', customBody: ATTACHMENT_BODY_SCHEMA,
    handler: (ctx) => addAttachment(ctx.state, int(ctx.params.invoiceId, 'invoiceId'), ctx.body.attachment as Json, ctx.settings.attachmentMaxBytes),
  },
  { method: 'GET', path: '/V1/icsync/invoices/:invoiceId/attachments', acl: 'Magento_Sales::sales_invoice', handler: (ctx) => listAttachments(ctx.state, int(ctx.params.invoiceId, 'invoiceId')) },
];

export const ROUTES: RouteDef[] = [...products, ...inventory, ...sales, ...customers, ...platform, ...icsyncModule];

export interface CompiledRoute {
  def: RouteDef;
  regex: RegExp;
  paramNames: string[];
  /** `/V1/products/{sku}`: key into the official schema. */
  schemaPath: string;
  literalSegments: number;
}

export function compileRoutes(defs: RouteDef[], bulkStyle = false): CompiledRoute[] {
  return defs.map((def) => {
    const paramNames: string[] = [];
    const source = def.path.split('/').map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const name = segment.slice(1);
      paramNames.push(name);
      // Bulk routes name path parameters `by<Param>` and take their values from each body item.
      return bulkStyle ? `by${name.charAt(0).toUpperCase()}${name.slice(1)}` : '([^/]+)';
    }).join('/');
    return {
      def, regex: new RegExp(`^${source}$`), paramNames: bulkStyle ? [] : paramNames,
      schemaPath: def.path.replace(/:(\w+)/g, '{$1}'),
      literalSegments: def.path.split('/').filter((s) => s !== '' && !s.startsWith(':')).length,
    };
  }).sort((a, b) => b.literalSegments - a.literalSegments);
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.def.method !== method) continue;
    const match = route.regex.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => { params[name] = decodeURIComponent(match[i + 1] as string); });
    return { route, params };
  }
  return undefined;
}

