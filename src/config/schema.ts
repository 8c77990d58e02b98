/**
 * The shape of icsync.yaml. Every key has a default where one is sensible, so a
 * minimal file names only the two connections. `icsync config schema` prints this as
 * JSON Schema for editors; docs/CONFIGURATION.md explains every key.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { decimalText, duration, flag, positiveWholeNumber, secret, wholeNumber } from '../core/settings.js';
import { erpConnectorSchema, shopConnectorSchema } from '../connectors/registry.js';
import { alertsSchema } from '../alerts/config.js';
import { EVENTS_DEFAULTS, eventsSchema } from '../bus/config.js';

/** When a flow runs: every N (`every: 15m`) or on a cron expression (`cron: "*\/5 * * * *"`). */
function isValidCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

const scheduleSchema = z
  .object({
    every: duration().optional(),
    cron: z
      .string({ error: 'expected a cron expression such as "*/5 * * * *"' })
      .refine(isValidCron, { error: 'expected a cron expression such as "*/5 * * * *"' })
      .optional(),
  })
  .strict()
  .refine((schedule) => (schedule.every === undefined) !== (schedule.cron === undefined), {
    error: 'expected either every (such as 15m) or cron (such as "*/5 * * * *"), not both or neither',
  })
  .transform((schedule): { every: number } | { cron: string } => (schedule.cron !== undefined ? { cron: schedule.cron } : { every: schedule.every ?? 0 }))
  .describe('When the flow runs on its own under `icsync run`.');

const flowBase = (every: string) => ({
  enabled: flag().default(true).describe('Whether `icsync run` runs this flow.'),
  schedule: scheduleSchema.default({ every: duration().parse(every) }),
});

const productsSchema = z
  .object({
    ...flowBase('1h'),
    createNew: flag().default(false).describe('true: create items missing in the shop; false: only update products a person created, report the others as "only in ERP".'),
    webPublish: z
      .enum(['honour', 'ignore'])
      .default('honour')
      .describe(
        'honour: an item the ERP marks as not for the web (iCenter GeneralData.WebPublish N, e.g. the shipping service item) is never created in the shop, ' +
          'and a shop product linked to it is disabled (never deleted); ignore: every active item is for the shop.',
      ),
    includeInactive: flag().default(true).describe('Read inactive ERP items too, so their shop products get disabled (never deleted).'),
    priceList: z.string().optional().describe('ERP price list whose price becomes the shop price. Without it, prices are not written.'),
    shopPricesIncludeVat: flag().default(false).describe('Whether the shop catalogue prices include VAT (Magento: Stores > Configuration > Tax > Catalog Prices).'),
    fieldMap: z
      .record(z.string(), z.string())
      .default({ description: 'description', ean: 'ean' })
      .describe('Shop attribute code ← ERP field: `description`, `shortName`, `ean`, `unit`, or any flattened ERP field such as `GeneralData.ItemGroup`.'),
    batchSize: positiveWholeNumber().default(50).describe('Products written per round of concurrent writes.'),
  })
  .strict();

const stockSchema = z
  .object({
    ...flowBase('5m'),
    subtractPendingOrders: flag()
      .default(false)
      .describe(
        'Subtract quantities of shop orders not yet entered in the ERP from what is written, so the shop never sells what is already promised. ' +
          'Turn it on with legacy stock items (no reservations). With MSI leave it off: Magento already holds unshipped orders back as reservations, and both would count them twice.',
      ),
    batchSize: positiveWholeNumber().default(500).describe('Stock rows handed to the shop connector at a time (it batches further as the shop allows).'),
  })
  .strict();

const subjectsSchema = z
  .object({
    ...flowBase('5m'),
    createMissing: flag().default(true).describe('Create the buyer in the ERP when neither VAT ID nor e-mail matches.'),
  })
  .strict();

const ordersSchema = z
  .object({
    ...flowBase('2m'),
    statuses: z.array(z.string()).default(['pending', 'processing']).describe('Shop order statuses that are entered into the ERP.'),
    paymentMethods: z
      .array(z.string())
      .optional()
      .describe('Only orders paid with these shop payment methods are entered (all when absent). The ERP code comes from mappings.paymentMethods.'),
    since: z.string().optional().describe('ISO date: orders created before it are never entered (for a go-live on a shop with history).'),
    totalsTolerance: decimalText()
      .default('0.05' as never)
      .describe('Largest rounding difference between the ERP total and the shop grand total that a rounding line (roundingItem) may cover. Any other difference holds the order before it is entered.'),
    roundingItem: z
      .string()
      .optional()
      .describe('ERP item (SKU) for a rounding line that makes the ERP total equal the shop grand total when the ERP rounds prices differently (up to totalsTolerance). Without it such an order waits for a person.'),
    shopTax: z
      .object({
        discountIncludesTax: flag().default(false).describe('The shop applies discounts on prices including tax (Magento: Apply Discount On Prices = Including Tax). Magento default: false.'),
        taxAfterDiscount: flag().default(true).describe('The shop applies tax after the discount (Magento: Apply Customer Tax = After Discount). Magento default: true.'),
      })
      .strict()
      .default({ discountIncludesTax: false, taxAfterDiscount: true })
      .describe("The shop's tax calculation settings, as set in Stores › Configuration › Sales › Tax › Calculation Settings: they say what a discount takes off a line."),
    onShopCancel: z
      .enum(['cancel', 'flag'])
      .default('cancel')
      .describe('An order canceled in the shop after it reached the ERP: cancel the ERP order (cancel; an ERP order already invoiced always goes to a person), or only put it in front of a person (flag).'),
    commentOnShopOrder: flag().default(true).describe('Add a comment with the ERP document number to the shop order.'),
    shippingItem: z.string().optional().describe('ERP item (SKU) used for the shipping fee line; without it, shipping is a text line.'),
  })
  .strict();

const invoicesSchema = z
  .object({
    ...flowBase('10m'),
    sendEmail: flag().default(true).describe('Send the shop invoice e-mail (with the PDF attached) to the buyer.'),
    attachPdf: flag().default(true).describe('Attach the ERP invoice PDF to the shop invoice.'),
    emailSettle: duration()
      .default(duration().parse('5m'))
      .describe('After an invoice e-mail request with no clear answer, how long icsync waits for the shop to finish it before trusting its "not sent" flag and asking again (the shop marks an invoice e-mailed only once the mail is out).'),
    orderLookup: z
      .enum(['unlinked', 'every-run', 'off'])
      .default('unlinked')
      .describe(
        'When an ERP invoice names no shop order, ask the open orders (in the ERP, not invoiced) of its buyer for their invoices, one request per order (unlinked); ask every open order on every run (every-run: for an ERP that never writes the link on the invoice and whose invoices name no buyer); or never (off). A --full run asks every open order.',
      ),
  })
  .strict();

const mappingsSchema = z
  .object({
    warehouses: z
      .record(z.string(), z.string())
      .default({})
      .describe('ERP warehouse code → shop stock source code (MSI). Example: "0000001": default.'),
    orderWarehouse: z.string().optional().describe('ERP warehouse orders are entered against (defaults to the first mapped warehouse).'),
    orderBook: z.string().optional().describe('ERP order book for shop orders (iCenter: a VNK-type book).'),
    vatRates: z
      .record(z.string(), z.string())
      .default({})
      .describe('Shop tax percent → ERP VAT rate code. Example: "22": "02", "9.5": "01".'),
    taxClasses: z
      .record(z.string(), wholeNumber())
      .default({})
      .describe('ERP VAT rate code → shop tax class id for products. Example: "02": 2.'),
    paymentMethods: z.record(z.string(), z.string()).default({}).describe('Shop payment method code → ERP payment method code.'),
    shippingMethods: z.record(z.string(), z.string()).default({}).describe('Shop shipping method code → ERP shipping method code.'),
    countries: z
      .record(z.string(), z.string())
      .default({})
      .describe('Shop country (ISO 2) → ERP country code, where they differ.'),
    currency: z.string().default('EUR').describe('Currency of the shop orders entered into the ERP.'),
    homeCountry: z.string().default('SI').describe('Country (ISO 2) of the company: buyers there are domestic, other EU buyers intra-EU, the rest exports.'),
    vatByBuyer: z
      .object({
        euBusiness: z.string().optional().describe('ERP VAT code for a line the shop taxed at 0 % sold to a company with a VAT ID in another EU country (reverse charge).'),
        export: z.string().optional().describe('ERP VAT code for a line the shop taxed at 0 % sold to a buyer outside the EU (export).'),
        countries: z.record(z.string(), z.string()).default({}).describe('Country (ISO 2) → ERP VAT code for 0 % lines to that country, where it differs from euBusiness/export.'),
      })
      .strict()
      .default({ countries: {} })
      .describe('ERP VAT codes chosen by the buyer\'s status and country, not by percent: a 0 % line is reverse charge for an EU business and an export outside the EU, each with its own ERP code.'),
  })
  .strict();

const limitsSchema = z
  .object({
    maxPrice: decimalText().default('1000000' as never).describe('Largest unit price that crosses (a product price to the shop, an order line price to the ERP). A larger one holds the record for a person before anything is written.'),
    maxLineQuantity: decimalText().default('100000' as never).describe('Largest quantity of one shop order line entered in the ERP. A larger one holds the order for a person before anything is written.'),
    maxStockQuantity: decimalText().default('10000000' as never).describe('Largest stock quantity written to the shop for one SKU at one source. A larger one holds that stock row for a person.'),
    allowNegativePrices: flag().default(false).describe('Let negative prices cross (product prices, order line prices). Off: such a record waits for a person.'),
  })
  .strict()
  .describe('Business limits every value is checked against before it is written; see docs/OPERATIONS.md, "Limits".');

const workerSchema = z
  .object({
    leaseDuration: duration().default(duration().parse('2m')).describe('How long a claimed record stays with one process before another may take it.'),
    maxAttempts: positiveWholeNumber().default(8).describe('Transient failures retried this many times, then the record waits for a person.'),
    backoffBase: duration().default(duration().parse('5s')),
    backoffMax: duration().default(duration().parse('30m')),
    concurrency: positiveWholeNumber().default(2).describe('Records worked on at once by one process.'),
    pollInterval: duration().default(duration().parse('2s')).describe('How often the worker looks for due records.'),
  })
  .strict();

export const configSchema = z
  .object({
    store: z
      .object({
        url: z.string().default('sqlite:./data/icsync.db').describe('sqlite:./path.db (default) or postgres://user@host:5432/db.'),
      })
      .strict()
      .default({ url: 'sqlite:./data/icsync.db' }),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        pretty: z.union([flag(), z.literal('auto')]).default('auto').describe('Readable lines instead of JSON; auto = when writing to a terminal.'),
      })
      .strict()
      .default({ level: 'info', pretty: 'auto' }),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: wholeNumber().default(8090).describe('Port of /healthz, /readyz, /metrics and the dashboard under `icsync run`.'),
        token: secret('the dashboard token')
          .optional()
          .describe('Token every request needs (Bearer, or Basic with it as password); required when server.host is not a loopback address. Example: ${ICSYNC_DASHBOARD_TOKEN}.'),
        allowedHosts: z
          .array(z.string())
          .default([])
          .describe('Host names the server answers to besides IP addresses and localhost (DNS-rebinding guard). Example: [icsync.example.com].'),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8090, allowedHosts: [] }),
    shop: shopConnectorSchema,
    erp: erpConnectorSchema,
    mappings: mappingsSchema.default(mappingsSchema.parse({})),
    flows: z
      .object({
        products: productsSchema.default(productsSchema.parse({})),
        stock: stockSchema.default(stockSchema.parse({})),
        subjects: subjectsSchema.default(subjectsSchema.parse({})),
        orders: ordersSchema.default(ordersSchema.parse({})),
        invoices: invoicesSchema.default(invoicesSchema.parse({})),
      })
      .strict()
      .default({
        products: productsSchema.parse({}),
        stock: stockSchema.parse({}),
        subjects: subjectsSchema.parse({}),
        orders: ordersSchema.parse({}),
        invoices: invoicesSchema.parse({}),
      }),
    worker: workerSchema.default(workerSchema.parse({})),
    alerts: alertsSchema.optional().describe('E-mail and webhook alerts (docs/OPERATIONS.md, "Alerts"). Absent: none are sent.'),
    limits: limitsSchema.default(limitsSchema.parse({})),
    events: eventsSchema.default(EVENTS_DEFAULTS).describe('Event-driven mode (docs/EVENTS.md): off unless events.intake names a transport.'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type FlowName = keyof Config['flows'];
export const FLOW_NAMES: readonly FlowName[] = ['products', 'stock', 'subjects', 'orders', 'invoices'];
