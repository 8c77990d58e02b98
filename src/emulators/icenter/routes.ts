/**
 * The route table under `/iCenterAPI` (matched case-insensitively, as IIS does [INF]).
 * Literal segments win over `{param}` segments, so `api/Customers/GetCustomers` is not a customer code.
 */
import type { Ctx, Reply } from './http.js';
import { addCustomer, addCustomerContacts, getCustomer, getCustomerContacts, getCustomers, updateCustomer } from './routes-customers.js';
import { getDocument, getInvoice, getInvoices, getInvoiceStatus, printInvoiceToPdf } from './routes-invoices.js';
import { addItemsGeneralData, getItemsDescriptions, getItemsGeneralData, updateItemsGeneralData } from './routes-items.js';
import { apiVersion, getPrices, getStocks, LOOKUPS, lookupRoutes } from './routes-lookups.js';
import { addOrder, cancelOrder, getOrder, getOrderProcessOverview, getOrderStatus, modifyOrder } from './routes-orders.js';

export type Handler = (ctx: Ctx) => Reply | Promise<Reply>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

const table: [string, string, Handler][] = [
  ['GET', 'api/V2/ApiVersion', apiVersion],
  ['GET', 'api/Item/GetItemsGeneralData', getItemsGeneralData],
  ['POST', 'api/Item/AddItemsGeneralData', addItemsGeneralData],
  ['PATCH', 'api/Item/UpdateItemsGeneralData', updateItemsGeneralData],
  ['GET', 'api/Item/GetItemsDescriptions', getItemsDescriptions],
  ['GET', 'api/Stock/GetStocks', getStocks],
  ['GET', 'api/Price/GetPrices', getPrices],
  ['GET', 'api/Customers/GetCustomers', getCustomers],
  ['GET', 'api/Customers/GetCustomerContacts', getCustomerContacts],
  ['POST', 'api/Customers/AddCustomer', addCustomer],
  ['POST', 'api/Customers/AddCustomerContacts', addCustomerContacts],
  ['GET', 'api/Customers/{code}', getCustomer],
  ['PATCH', 'api/V2/Customers/UpdateCustomer', updateCustomer],
  ['POST', 'api/Order/AddOrder', addOrder],
  ['GET', 'api/Order/GetOrder/{year}/{book}/{number}', getOrder],
  ['GET', 'api/Order/GetOrderStatus', getOrderStatus],
  ['GET', 'api/Order/GetOrderProcessOverview', getOrderProcessOverview],
  ['POST', 'api/Order/ModifyOrder', modifyOrder],
  ['POST', 'api/Order/PostOrderCancellation', cancelOrder],
  ['GET', 'api/Invoice/GetInvoiceStatus', getInvoiceStatus],
  ['GET', 'api/Invoice/GetInvoice/{year}/{book}/{number}', getInvoice],
  ['GET', 'api/Invoice/GetInvoices', getInvoices],
  ['POST', 'api/Invoice/PrintInvoiceToPDF', printInvoiceToPdf],
  ['GET', 'api/Document/GetDocument/{apiClientID}/{documentID}/{attachments}', getDocument],
];
for (const [name, spec] of Object.entries(LOOKUPS)) {
  const r = lookupRoutes(spec);
  table.push(['GET', `api/${name}`, r.list], ['GET', `api/${name}/{id}`, r.one]);
}

const routes: Route[] = table.map(([method, path, handler]) => ({ method, segments: path.split('/'), handler }));

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
}

/** `path` is the part after `/iCenterAPI/`. Returns 'method' when the path exists under another method. */
export function matchRoute(method: string, path: string): RouteMatch | 'method' | undefined {
  const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  let otherMethod = false;
  for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const ok = route.segments.every((seg, i) => {
      const part = parts[i] ?? '';
      if (seg.startsWith('{')) {
        params[seg.slice(1, -1)] = part;
        return true;
      }
      literals++;
      return seg.toLowerCase() === part.toLowerCase();
    });
    if (!ok) continue;
    if (route.method !== method) {
      otherMethod = true;
      continue;
    }
    if (!best || literals > best.literals) best = { route, params, literals };
  }
  if (best) return { handler: best.route.handler, params: best.params };
  return otherMethod ? 'method' : undefined;
}
