/** The configuration icsync runs the demo with (also the base of the end-to-end tests). */
import { join } from 'node:path';
import type { IcenterEmulator } from '../emulators/icenter/index.js';
import type { MagentoEmulator } from '../emulators/magento/index.js';
import { ORGANISATION, SHIPPING_ITEM, WAREHOUSES, vatRateMapping } from './data.js';

/** The raw configuration (as icsync.yaml holds it) for the two emulators and a SQLite file in `dir`. */
export function demoConfig(dir: string, icenter: IcenterEmulator, magento: MagentoEmulator): Record<string, unknown> {
  const { credentials: m } = magento;
  const config = {
    store: { url: `sqlite:${join(dir, 'icsync.db')}` },
    log: { level: 'warn', pretty: false },
    shop: {
      type: 'magento',
      magento: {
        baseUrl: magento.baseUrl,
        auth: { kind: 'oauth', consumerKey: m.consumerKey, consumerSecret: m.consumerSecret, accessToken: m.accessToken, accessTokenSecret: m.accessTokenSecret },
        // One ERP line per part of a bundle: the ERP knows the parts, not the gift box.
        bundles: 'children',
      },
    },
    erp: {
      type: 'icenter',
      icenter: { baseUrl: icenter.baseUrl, user: icenter.credentials.user, password: icenter.credentials.password, organisationId: ORGANISATION, maxConcurrent: 4 },
    },
    mappings: {
      warehouses: WAREHOUSES,
      orderWarehouse: '0000001',
      orderBook: 'VNK',
      vatRates: vatRateMapping(),
      taxClasses: { '02': 2, '01': 5, '05': 6 },
      paymentMethods: { checkmo: '01', banktransfer: '01', cashondelivery: '03' },
      shippingMethods: { flatrate_flatrate: '01' },
    },
    flows: {
      products: { createNew: true, priceList: 'MPC', shopPricesIncludeVat: false },
      orders: { shippingItem: SHIPPING_ITEM },
    },
    worker: { concurrency: 4 },
  };
  return config;
}
