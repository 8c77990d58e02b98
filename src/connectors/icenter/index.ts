/**
 * The SAOP iCenter connector: `ErpPort` over iCenter's XML web API. See README.md beside
 * this file for what is covered, every setting, and every assumption.
 */
import type { Logger } from '../../core/log.js';
import type { ErpPort } from '../../core/ports.js';
import { createCatalogReader } from './catalog.js';
import { createIcenterClient } from './client.js';
import type { IcenterSettings } from './config.js';
import { createInvoicePort } from './invoice-port.js';
import { createOrderPort } from './order-port.js';
import { orderArithmetic } from './orders.js';
import { createPartnerPort } from './partner-port.js';
import { createIcenterTransport, type RemoteCallInfo } from './transport.js';

export { icenterSettingsSchema, type IcenterSettings, type IcenterSettingsInput } from './config.js';

export interface IcenterDeps {
  logger: Logger;
  onRemoteCall?: (info: RemoteCallInfo) => void;
}

export function createIcenterErp(settings: IcenterSettings, deps: IcenterDeps): ErpPort {
  const logger = deps.logger.child({ connector: 'icenter' });
  const transport = createIcenterTransport(settings, { logger, ...(deps.onRemoteCall ? { onRemoteCall: deps.onRemoteCall } : {}) });
  const client = createIcenterClient(settings, transport);
  const catalog = createCatalogReader(client, settings, logger);
  const partners = createPartnerPort(client, settings, logger);
  const orders = createOrderPort(client, settings, { existingSkus: catalog.existingSkus });
  const invoices = createInvoicePort(client, settings);
  // Closing twice (a flow and the engine both cleaning up) must be harmless.
  let closing: Promise<void> | undefined;

  return {
    name: 'icenter',
    checkConnection: catalog.checkConnection,
    listCodes: catalog.listCodes,
    items: catalog.items,
    prices: catalog.prices,
    stock: catalog.stock,
    existingSkus: catalog.existingSkus,
    findPartner: partners.findPartner,
    createPartner: partners.createPartner,
    findCreatedPartner: partners.findCreatedPartner,
    ensurePartnerContact: partners.ensurePartnerContact,
    createOrder: orders.createOrder,
    findOrderByReference: orders.findOrderByReference,
    getOrder: orders.getOrder,
    cancelOrder: orders.cancelOrder,
    replaceOrder: orders.replaceOrder,
    orderArithmetic: orderArithmetic(settings),
    invoices: invoices.invoices,
    invoicesForOrder: invoices.invoicesForOrder,
    invoicePdf: invoices.invoicePdf,
    close: () => (closing ??= client.close()),
  };
}
