/** The five flows by name, in the order a full sync runs them. */
import type { FlowName } from '../config/schema.js';
import { createInvoicesFlow } from './invoices.js';
import { createOrdersFlow } from './orders.js';
import { createProductsFlow } from './products.js';
import { createStockFlow } from './stock.js';
import { createSubjectsFlow } from './subjects.js';
import type { Flow } from './types.js';

export function createFlows(): Record<FlowName, Flow> {
  return {
    products: createProductsFlow(),
    stock: createStockFlow(),
    subjects: createSubjectsFlow(),
    orders: createOrdersFlow(),
    invoices: createInvoicesFlow(),
  };
}

export type * from './types.js';
export { contentHash } from './hash.js';
export { invoiceMarker } from './invoices.js';
