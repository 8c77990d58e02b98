/** A Config for the pure mapping tests, written out by hand (no connector settings needed). */
import type { Config } from '../../src/config/schema.js';
import type { Decimal } from '../../src/core/decimal.js';

export function pureConfig(patch: { mappings?: Partial<Config['mappings']>; orders?: Partial<Config['flows']['orders']> } = {}): Config {
  const every = (ms: number) => ({ every: ms });
  return {
    mappings: {
      warehouses: { '0000001': 'default', '0000002': 'ljubljana' },
      orderWarehouse: '0000001',
      orderBook: 'VNK',
      vatRates: { '22': '02', '9.5': '01' },
      taxClasses: { '02': 2, '01': 5 },
      paymentMethods: { checkmo: 'G', banktransfer: 'T' },
      shippingMethods: {},
      countries: { XK: 'RKS' },
      currency: 'EUR',
      homeCountry: 'SI',
      vatByBuyer: { countries: {} },
      ...patch.mappings,
    },
    flows: {
      products: { enabled: true, schedule: every(3_600_000), createNew: true, includeInactive: true, priceList: 'MPC', shopPricesIncludeVat: false, attributeSetId: 4, websiteIds: [1], fieldMap: { description: 'description', ean: 'ean', item_group: 'GeneralData.ItemGroup' }, batchSize: 50 },
      stock: { enabled: true, schedule: every(300_000), subtractPendingOrders: true, batchSize: 500 },
      subjects: { enabled: true, schedule: every(300_000), createMissing: true },
      orders: { enabled: true, schedule: every(120_000), statuses: ['pending', 'processing'], totalsTolerance: '0.05' as Decimal, commentOnShopOrder: true, shopTax: { discountIncludesTax: false, taxAfterDiscount: true }, onShopCancel: 'cancel', ...patch.orders },
      invoices: { enabled: true, schedule: every(600_000), sendEmail: true, attachPdf: true },
    },
    worker: { leaseDuration: 120_000, maxAttempts: 3, backoffBase: 10, backoffMax: 50, concurrency: 2, pollInterval: 50 },
    limits: { maxPrice: '1000000' as Decimal, maxLineQuantity: '100000' as Decimal, maxStockQuantity: '10000000' as Decimal, allowNegativePrices: false },
  } as unknown as Config;
}
