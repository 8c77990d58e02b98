/**
 * The Magento 2 connector: `ShopPort` over Magento's Admin REST API. See README.md beside
 * this file for coverage, settings, version switches and what it does not cover.
 */
import type { Logger } from '../../core/log.js';
import type { ShopPort } from '../../core/ports.js';
import { createMagentoClient, type RemoteCallInfo } from './client.js';
import type { MagentoSettings } from './config.js';
import { createInvoicePort } from './invoices.js';
import { createOrderPort } from './order-port.js';
import { createBulkWriter } from './bulk.js';
import { createProductPort } from './products.js';
import { createStockPort } from './stock.js';

export { magentoSettingsSchema, type MagentoSettings, type MagentoSettingsInput } from './config.js';
export type { RemoteCallInfo } from './client.js';
export { normaliseOrder } from './orders.js';

export interface MagentoDeps {
  logger: Logger;
  onRemoteCall?: (info: RemoteCallInfo) => void;
}

/** A ShopPort with one extra read-only counter: HTTP requests sent so far (benchmarks). */
export type MagentoShop = ShopPort & { readonly requestsSent: number };

export function createMagentoShop(settings: MagentoSettings, deps: MagentoDeps): MagentoShop {
  const logger = deps.logger.child({ connector: 'magento' });
  const client = createMagentoClient(settings, { logger, ...(deps.onRemoteCall && { onRemoteCall: deps.onRemoteCall }) });
  const bulk = createBulkWriter(client, settings);
  const products = createProductPort(client, settings, bulk);
  const stock = createStockPort(client, settings, bulk);
  const orders = createOrderPort(client, settings);
  const invoices = createInvoicePort(client, settings);
  // Closing twice (a flow and the engine both cleaning up) must be harmless.
  let closing: Promise<void> | undefined;

  return {
    name: 'magento',
    get requestsSent() {
      return client.requestsSent;
    },
    async checkConnection() {
      const total = await orders.countOrders();
      const details: Record<string, string> = { baseUrl: settings.baseUrl, auth: settings.auth.kind, storeCode: settings.storeCode, stock: settings.stock.mode };
      if (total !== undefined) details.orders = String(total);
      if (settings.stock.mode === 'msi') details.sources = (await stock.listSources()).map((s) => s.code).join(', ');
      return { target: 'magento', details };
    },
    listSources: stock.listSources,
    findProducts: products.findProducts,
    upsertProducts: products.upsertProducts,
    writeStock: stock.writeStock,
    orders: orders.orders,
    getOrder: orders.getOrder,
    findOrderByNumber: orders.findOrderByNumber,
    addOrderComment: orders.addOrderComment,
    listInvoices: invoices.listInvoices,
    createInvoice: invoices.createInvoice,
    attachInvoicePdf: invoices.attachInvoicePdf,
    listInvoiceAttachments: invoices.listInvoiceAttachments,
    sendInvoiceEmail: invoices.sendInvoiceEmail,
    attachmentSupport: invoices.attachmentSupport,
    close: () => (closing ??= client.close()),
  };
}
