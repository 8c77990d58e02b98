/**
 * Settings of the SAOP iCenter connector (`erp.icenter` in icsync.yaml).
 *
 * Facts the public sources only show in code or infer (tagged CODE / INF in
 * docs/contracts/icenter.md) are settings here, so a real installation can be
 * matched without a code change. Each such setting says so in its description.
 */
import { z } from 'zod';
import { duration, flag, httpUrl, positiveWholeNumber, secret, wholeNumber } from '../../core/settings.js';

const keyName = (fallback: string, why: string) => z.string().min(1).default(fallback).describe(why);

const tlsSchema = z
  .object({
    caFile: z.string().optional().describe('PEM file with the CA that signed the iCenter certificate (installations often use their own CA).'),
    insecureSkipVerify: flag().default(false).describe('Accept any certificate. Only for a test installation; prefer caFile.'),
  })
  .strict();

const timeoutsSchema = z
  .object({
    connect: duration().default(10_000).describe('Time to open a connection.'),
    request: duration().default(120_000).describe('Time for one whole request and response (iCenter lists can be slow).'),
  })
  .strict();

const retrySchema = z
  .object({
    attempts: positiveWholeNumber().default(4).describe('Tries of a safe (read) request on a transient failure, the first included. Writes are never retried by the connector.'),
    baseDelay: duration().default(500).describe('First back-off delay; it doubles per try, with jitter, and honours Retry-After.'),
    maxDelay: duration().default(30_000).describe('Longest back-off delay.'),
    pauseAfterFailures: positiveWholeNumber().default(5).describe('Failed requests in a row after which calls to this system are paused (circuit breaker), so an outage is not hammered.'),
    pauseFor: duration().default(30_000).describe('How long calls stay paused before one trial request is let through.'),
  })
  .strict();

const orderKeyNamesSchema = z
  .object({
    year: keyName('OrderYear', 'INF: CreateResult key name of the order year from AddOrder (not public).'),
    book: keyName('OrderBook', 'INF: CreateResult key name of the order book from AddOrder (not public).'),
    number: keyName('OrderNumber', 'INF: CreateResult key name of the order number from AddOrder (not public). A single key whose value reads like "2026-VNK-12" or "2026/VNK/12" is accepted too, and a lone number is combined with the year and book sent.'),
  })
  .strict();

const keyNamesSchema = z
  .object({
    order: orderKeyNamesSchema.default(orderKeyNamesSchema.parse({})),
    customer: keyName('SifraKupca', 'INF: CreateResult key name of the new customer code from AddCustomer. S2 shows only the Value; key names are Slovene column names (SifraArtikla for items, CAP), hence SifraKupca. When absent, the single key value is taken.'),
    document: keyName('DocumentID', 'INF: CreateResult key name of the document id returned by PrintInvoiceToPDF. When absent, the single key value is taken.'),
  })
  .strict();

const orderLookupSchema = z
  .object({
    mode: z
      .enum(['status', 'sweep', 'status-then-sweep'])
      .default('status-then-sweep')
      .describe('How an order is found by its reference. CAP: GetOrderStatus returns nothing for VNK in some installations, so the default falls back to reading GetOrder by number.'),
    sweepWindow: positiveWholeNumber().default(200).describe('How many of the newest order numbers of the year and book the sweep reads (INF: the shop order is among the recent ones).'),
    sweepMissLimit: positiveWholeNumber().default(5).describe('Consecutive missing numbers after which the search for the newest number stops.'),
  })
  .strict();

const pdfSchema = z
  .object({
    mode: z
      .enum(['print-then-get', 'attachment-id', 'unsupported'])
      .default('print-then-get')
      .describe('INF: print-then-get = PrintInvoiceToPDF, then GetDocument with the returned id; attachment-id = GetDocument with the invoice AttachmentID; unsupported = fail with a clear message (DMS not licensed).'),
    templateId: z.string().default('1').describe('INF: TemplateID for PrintInvoiceToPDF (installation-specific).'),
    apiClientId: z.string().default('1').describe('INF: apiClientID for GetDocument, the caller allowed to use eRegistrator (installation-specific).'),
  })
  .strict();

const customerDefaultsSchema = z
  .object({
    customerType: z.string().default('O').describe('CODE: CustomerType of new customers (S2 sends "O").'),
    entityTypeCompany: z.string().default('P').describe('INF: EntityType of a company ("P", pravna oseba).'),
    entityTypePerson: z.string().default('F').describe('INF: EntityType of a person ("F", fizična oseba).'),
    currency: z.string().default('978').describe('CODE: Currency of new customers (numeric ISO code, "978" = EUR).'),
  })
  .strict();

export const icenterSettingsSchema = z
  .object({
    baseUrl: httpUrl().describe('iCenter API root, e.g. https://host:8383/iCenterAPI (the path part varies by installation).'),
    user: z.string({ error: 'expected the iCenter user name' }).min(1).describe('iCenter user (HTTP Basic).'),
    password: secret('the iCenter password').describe('iCenter password (HTTP Basic). Use ${ENV_VAR} or ${file:/path}.'),
    organisationId: wholeNumber().describe('OrganisationId header: selects the company. Without the right one iCenter answers 401 or another company.'),
    tls: tlsSchema.default(tlsSchema.parse({})),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    maxConcurrent: positiveWholeNumber().default(2).describe('Requests in flight at once. The SAOP team asked integrations to run one job at a time.'),
    retry: retrySchema.default(retrySchema.parse({})),
    pageSize: positiveWholeNumber().default(1000).describe('searchQuery.pageSize of list reads.'),
    maxResponseBytes: positiveWholeNumber()
      .default(64 * 1024 * 1024)
      .describe('Largest answer read from iCenter, in bytes (default 64 MiB). A larger answer is cut off while it streams in and the read fails (retried later), so a runaway or hostile answer cannot exhaust the memory.'),
    requestEncoding: z
      .object({ bom: flag().default(false).describe('Prepend a UTF-8 byte order mark to request bodies. S3 (official page) asks for it; S1 works without.') })
      .strict()
      .default({ bom: false }),
    books: z
      .object({
        order: z.string().default('VNK').describe('CODE: sales order book used for lookups when the order itself names none (S1: a VNK-type book). Discover with api/orderbooks.'),
        invoice: z.array(z.string()).default(['IR']).describe('INF: issued-invoice books read by the invoices flow. Discover with api/invoicebooks.'),
      })
      .strict()
      .default({ order: 'VNK', invoice: ['IR'] }),
    orderYear: z
      .enum(['order-date', 'current'])
      .default('order-date')
      .describe('INF: OrderYear of a new order: the year of its order date in the iCenter time zone, or the current year.'),
    orderPrecision: z
      .object({
        price: wholeNumber().default(4).describe('INF: decimals of an order line Price iCenter keeps (GetOrder shows 4: "12.5000").'),
        discountPercent: wholeNumber().default(2).describe('INF: decimals of an order line DiscountPercentage iCenter keeps (GetOrder shows 2).'),
      })
      .strict()
      .default({ price: 4, discountPercent: 2 })
      .describe('What iCenter keeps of line prices and discounts: icsync rounds to it before sending and computes the order total the same way, so a difference from the shop total shows before the order is created.'),
    keyNames: keyNamesSchema.default(keyNamesSchema.parse({})),
    orderLookup: orderLookupSchema.default(orderLookupSchema.parse({})),
    invoiceLink: z
      .array(z.enum(['process-overview', 'order-status', 'reference-invoice']))
      .default(['process-overview', 'reference-invoice'])
      .describe('INF: sources tried, in order, to link an invoice to its order: GetOrderProcessOverview (Order_Invoices), GetOrderStatus (Ref2Invoice), GetOrder ReferenceInvoice.'),
    linkToDocument: z
      .enum(['order', 'ignore'])
      .default('order')
      .describe('INF: read an invoice\'s LinkToDocument as the key of its source order when it parses as one ("2026-VNK-12"), or ignore it. Either way the invoices flow asks the order side (invoiceLink) for invoices it cannot link.'),
    pdf: pdfSchema.default(pdfSchema.parse({})),
    customerDefaults: customerDefaultsSchema.default(customerDefaultsSchema.parse({})),
    currencyIds: z
      .record(z.string(), z.string())
      .default({ EUR: '978' })
      .describe('CAP: iCenter writes currencies as numeric codes. Alphabetic shop currency → iCenter CurrencyId.'),
    deltaOverlap: duration().default(300_000).describe('INF: how far before the cursor delta reads start, because the zone and inclusivity of recordDtModifiedFrom are unknown.'),
    timeZone: z.string().default('Europe/Ljubljana').describe('INF: zone of date-times iCenter writes without an offset.'),
    // CAP (docs/contracts/icenter.md#write-results and docs/contracts/icenter.md#errors, S1): success is Ok/Created AND no Error elements, warnings included; S1 rejects
    // such answers. So the default fails them. The cost: a record stored with a warning is reported as
    // failed, and the error sentence says it may exist (the exactly-once look-up finds orders again).
    warningsAreSuccess: flag()
      .default(false)
      .describe('Count a write answered Ok/Created with only Warning-level errors as done (the warnings become warnings of the run). CAP: S1 treats any Error element as a rejection, so the default is false.'),
    stockIncludeZero: flag().default(true).describe('Send searchQuery.includeZeroQuantities=true, so items that went to zero are reported.'),
  })
  .strict();

export type IcenterSettings = z.infer<typeof icenterSettingsSchema>;
export type IcenterSettingsInput = z.input<typeof icenterSettingsSchema>;
