/** The configuration icsync runs the demo with (also the base of the end-to-end tests). */
import { join } from 'node:path';
import type { IcenterEmulator } from '../emulators/icenter/index.js';
import type { MagentoEmulator } from '../emulators/magento/index.js';
import { ORGANISATION, SHIPPING_ITEM, WAREHOUSES, vatRateMapping } from './data.js';

/** The ERP's part of the demo config: its `erp` section, the mappings in its codes, its price list. */
export interface ErpConfigPart {
  config: Record<string, unknown>;
  mappings: Record<string, unknown>;
  flows: { priceList: string };
}

export function icenterConfigPart(icenter: Pick<IcenterEmulator, 'baseUrl' | 'credentials'>): ErpConfigPart {
  return {
    config: { type: 'icenter', icenter: { baseUrl: icenter.baseUrl, user: icenter.credentials.user, password: icenter.credentials.password, organisationId: ORGANISATION, maxConcurrent: 4 } },
    mappings: {
      orderBook: 'VNK',
      vatRates: vatRateMapping(),
      taxClasses: { '02': 2, '01': 5, '05': 6 },
      paymentMethods: { checkmo: '01', banktransfer: '01', cashondelivery: '03' },
      shippingMethods: { flatrate_flatrate: '01' },
    },
    flows: { priceList: 'MPC' },
  };
}

/** The raw configuration (as icsync.yaml holds it) for the two emulators and a SQLite file in `dir`. */
export function demoConfig(dir: string, icenter: IcenterEmulator, magento: MagentoEmulator): Record<string, unknown> {
  return demoConfigFor(dir, icenterConfigPart(icenter), magento);
}

export function demoConfigFor(dir: string, erp: ErpConfigPart, magento: MagentoEmulator): Record<string, unknown> {
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
    erp: erp.config,
    mappings: {
      warehouses: WAREHOUSES,
      orderWarehouse: '0000001',
      ...erp.mappings,
    },
    flows: {
      products: { createNew: true, priceList: erp.flows.priceList, shopPricesIncludeVat: false },
      orders: { shippingItem: SHIPPING_ITEM },
    },
    worker: { concurrency: 4 },
  };
  return config;
}
