/**
 * The connectors icsync knows, by the name used in the config (`erp.type: icenter`,
 * `shop.type: magento`). Adding an ERP means adding one folder under connectors/ and
 * one entry here; nothing else changes.
 */
import { z } from 'zod';
import type { Logger } from 'pino';
import type { CallCounter, ErpPort, RemoteCallInfo, ShopPort } from '../core/ports.js';
import { icenterSettingsSchema } from './icenter/config.js';
import { createIcenterErp } from './icenter/index.js';
import { minimaxSettingsSchema } from './minimax/config.js';
import { createMinimaxErp } from './minimax/index.js';
import { magentoSettingsSchema } from './magento/config.js';
import { createMagentoShop } from './magento/index.js';

export interface ConnectorDeps {
  logger: Logger;
  /** Called after every remote call, for metrics. */
  onRemoteCall?: (info: RemoteCallInfo) => void;
  /** Where connectors with a call budget (Minimax) count their calls: the store, seen by every process. */
  callCounter?: CallCounter;
}

export const erpConnectorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('icenter'), icenter: icenterSettingsSchema }).strict(),
  z.object({ type: z.literal('minimax'), minimax: minimaxSettingsSchema }).strict(),
], { error: 'expected erp.type to be one of: icenter, minimax' });

export const shopConnectorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('magento'), magento: magentoSettingsSchema }).strict(),
], { error: 'expected shop.type to be one of: magento' });

export type ErpConnectorConfig = z.infer<typeof erpConnectorSchema>;
export type ShopConnectorConfig = z.infer<typeof shopConnectorSchema>;

export function createErp(config: ErpConnectorConfig, deps: ConnectorDeps): ErpPort {
  switch (config.type) {
    case 'icenter':
      return createIcenterErp(config.icenter, deps);
    case 'minimax':
      return createMinimaxErp(config.minimax, deps);
  }
}

export function createShop(config: ShopConnectorConfig, deps: ConnectorDeps): ShopPort {
  switch (config.type) {
    case 'magento':
      return createMagentoShop(config.magento, deps);
  }
}
