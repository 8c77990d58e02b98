/**
 * The SAOP Minimax connector: `ErpPort` over Minimax's REST JSON API with OAuth2. See
 * README.md beside this file for what is covered, every setting, and every assumption.
 */
import type { Logger } from '../../core/log.js';
import type { CallCounter, ErpPort, RemoteCallInfo } from '../../core/ports.js';
import { createCallMeter, memoryCallCounter } from './budget.js';
import { createCatalog } from './catalog.js';
import { createMinimaxClient } from './client.js';
import { LABEL, type MinimaxSettings } from './config.js';
import { createInvoices } from './invoices.js';
import { createLookups } from './lookups.js';
import { createOrders, minimaxOrderArithmetic } from './orders.js';
import { createPartners } from './partners.js';

export { minimaxSettingsSchema, type MinimaxSettings, type MinimaxSettingsInput } from './config.js';

export interface MinimaxDeps {
  logger: Logger;
  onRemoteCall?: (info: RemoteCallInfo) => void;
  /** Where calls are counted (the store, shared by every process); in memory when absent. */
  callCounter?: CallCounter;
}

export function createMinimaxErp(settings: MinimaxSettings, deps: MinimaxDeps): ErpPort {
  const logger = deps.logger.child({ connector: 'minimax' });
  const meter = createCallMeter(settings, deps.callCounter ?? memoryCallCounter(), logger);
  const client = createMinimaxClient(settings, meter, { logger, ...(deps.onRemoteCall && { onRemoteCall: deps.onRemoteCall }) });
  const lookups = createLookups(client, settings);
  const catalog = createCatalog(client, settings, lookups, logger);
  const customerIds = new Map<string, number>();
  const partners = createPartners(client, settings, lookups, customerIds);
  const orders = createOrders(client, settings, lookups, catalog, customerIds);
  const invoices = createInvoices(client, settings, orders);
  let closing: Promise<void> | undefined;

  return {
    name: 'minimax',
    label: LABEL,
    orderArithmetic: minimaxOrderArithmetic,
    callBudget: { status: meter.status, admit: meter.admit },
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
    invoices: invoices.invoices,
    invoicesForOrder: invoices.invoicesForOrder,
    invoicePdf: invoices.invoicePdf,
    close: () => (closing ??= (async () => {
      await meter.flush();
      await client.close();
    })()),
  };
}
