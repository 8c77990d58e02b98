/**
 * Settings of the Magento 2 connector (`shop.magento` in icsync.yaml).
 *
 * Facts that differ between Magento releases or installations (docs/contracts/magento.md#what-matters-most) are settings
 * here with defaults that are safe on every 2.4 release, so a real shop can be matched
 * without a code change.
 */
import { z } from 'zod';
import { duration, flag, httpUrl, positiveWholeNumber, secret, wholeNumber } from '../../core/settings.js';

const oauthAuthSchema = z
  .object({
    kind: z.literal('oauth'),
    consumerKey: secret('the integration consumer key').describe('Integration consumer key (System > Extensions > Integrations).'),
    consumerSecret: secret('the integration consumer secret').describe('Integration consumer secret.'),
    accessToken: secret('the integration access token').describe('Integration access token.'),
    accessTokenSecret: secret('the integration access token secret').describe('Integration access token secret.'),
  })
  .strict()
  .describe('OAuth 1.0a with HMAC-SHA256, the only integration method every 2.4 release accepts.');

const adminTokenAuthSchema = z
  .object({
    kind: z.literal('admin-token'),
    username: z.string().min(1).describe('Admin user name. Refused when Magento_TwoFactorAuth is on.'),
    password: secret('the admin password').describe('Admin password. Use ${ENV_VAR} or ${file:/path}.'),
    tokenLifetime: duration().default(3 * 3_600_000).describe('How long a fetched admin token is used before a new one is fetched (Magento default lifetime is 4 h). A 401 also fetches a new one once.'),
  })
  .strict()
  .describe('Admin token (POST /V1/integration/admin/token) sent as Bearer, renewed on expiry.');

const bearerAuthSchema = z
  .object({
    kind: z.literal('bearer'),
    token: secret('the bearer token').describe('Integration access token used as Bearer: needs oauth/consumer/enable_integration_as_bearer = 1 on 2.4.4+.'),
  })
  .strict()
  .describe('A fixed Bearer token (integration-as-bearer where the shop allows it).');

const authSchema = z.discriminatedUnion('kind', [oauthAuthSchema, adminTokenAuthSchema, bearerAuthSchema], {
  error: 'expected shop.magento.auth.kind to be one of: oauth, admin-token, bearer',
});

const tlsSchema = z
  .object({
    caFile: z.string().optional().describe('PEM file with the CA that signed the shop certificate (staging shops often use their own CA).'),
    insecureSkipVerify: flag().default(false).describe('Accept any certificate. Only for a test shop; prefer caFile.'),
  })
  .strict();

const timeoutsSchema = z
  .object({
    connect: duration().default(10_000).describe('Time to open a connection.'),
    request: duration().default(60_000).describe('Time for the response headers and for any pause in the body (a product save can take seconds).'),
  })
  .strict();

const retrySchema = z
  .object({
    attempts: positiveWholeNumber().default(4).describe('Tries of a repeatable request on a transient failure (429, 5xx, network), the first included. Invoice creation and comments are never repeated.'),
    baseDelay: duration().default(250).describe('First back-off delay; it doubles per try, with jitter. A Retry-After header wins.'),
    maxDelay: duration().default(10_000).describe('Longest back-off delay.'),
    maxRetryAfter: duration().default(30_000).describe('A Retry-After longer than this ends the tries at once; the error carries the wait for the engine.'),
    pauseAfterFailures: positiveWholeNumber().default(5).describe('Failed requests in a row after which calls to this system are paused (circuit breaker), so an outage is not hammered.'),
    pauseFor: duration().default(30_000).describe('How long calls stay paused before one trial request is let through.'),
  })
  .strict();

const stockSchema = z
  .object({
    mode: z.enum(['msi', 'legacy']).default('msi').describe('msi = POST /V1/inventory/source-items (2.3+); legacy = stockItems per product (writes the default source only).'),
    batchSize: positiveWholeNumber()
      .pipe(z.number().max(5000))
      .default(20)
      .describe('Source items per request. 20 is accepted by every release; 2.4.3 and shops with Input Limits refuse more (the connector then shrinks the batch to the limit Magento names).'),
  })
  .strict();

const attachmentsSchema = z
  .object({
    maxBytes: positiveWholeNumber().default(5 * 1024 * 1024).describe('Largest invoice PDF uploaded through the icsync module (its default limit is 5 MiB).'),
    requireBeforeEmail: flag().default(true).describe('Refuse to send the invoice e-mail while the invoice has no attachment, so customers always get the ERP PDF.'),
  })
  .strict();

const bulkSchema = z
  .object({
    enabled: flag()
      .default(false)
      .describe(
        "Write large batches of products and stock through Magento's asynchronous bulk API (/rest/<store>/async/bulk/V1/...): one request per up to maxOperations records instead of one per product. Needs Magento's async.operations.all consumer running (cron consumers_runner or bin/magento queue:consumers:start).",
      ),
    minRecords: positiveWholeNumber().default(100).describe('Smallest batch sent through the bulk API; smaller ones (a daily delta) use the ordinary synchronous calls, whose errors come back at once.'),
    maxOperations: positiveWholeNumber()
      .pipe(z.number().max(5000, { error: "expected at most 5000 (Magento's default async input array limit)" }))
      .default(1000)
      .describe('Request bodies per bulk request (Magento refuses more than webapi/async/default_input_array_size_limit, 5000 by default).'),
    pollInterval: duration().default(250).describe('First wait before reading a bulk status; it grows by half per read, up to 5 s.'),
    waitFor: duration().default(10 * 60_000).describe('How long to wait for the consumer to carry out a bulk; records still open then fail for this run and are written again on the next.'),
  })
  .strict();

const productDefaultsSchema = z
  .object({
    attributeSetId: positiveWholeNumber().default(4).describe('attribute_set_id of new products (4 = Default in stock installs).'),
    websiteIds: z.array(wholeNumber()).min(1).default([1]).describe('Websites new products are assigned to (sent explicitly: Magento otherwise assigns every website through /rest/all).'),
    typeId: z.string().default('simple').describe('type_id of new products.'),
    visibility: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(4).describe('visibility of new products: 1 not visible, 2 catalog, 3 search, 4 catalog and search.'),
  })
  .strict();

export const magentoSettingsSchema = z
  .object({
    baseUrl: httpUrl().describe('Shop address without /rest, e.g. https://shop.example.com (a path prefix is kept).'),
    auth: authSchema,
    storeCode: z.string().min(1).default('default').describe('Store code in the path of reads (/rest/<code>/V1). Must be an existing store view code: an unknown code is a 404.'),
    productWriteScope: z
      .string()
      .min(1)
      .default('all')
      .describe('Store code of product and stock writes. "all" writes global values; a store view code writes store-view overrides for every field sent (docs/contracts/magento.md#base-paths-store-codes-and-scope).'),
    tls: tlsSchema.default(tlsSchema.parse({})),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    maxResponseBytes: positiveWholeNumber()
      .default(64 * 1024 * 1024)
      .describe('Largest answer read from Magento, in bytes (default 64 MiB). A larger answer is cut off while it streams in and the read fails (retried later), so a runaway or hostile answer cannot exhaust the memory.'),
    maxConcurrent: positiveWholeNumber().default(4).describe('Requests in flight at once. Hosted shops start refusing (429) beyond a handful.'),
    retry: retrySchema.default(retrySchema.parse({})),
    pageSize: positiveWholeNumber().pipe(z.number().max(300, { error: 'expected at most 300 (Magento refuses larger pages)' })).default(100).describe('searchCriteria[pageSize] of list reads (Magento caps it at 300).'),
    orderOverlapMinutes: wholeNumber().pipe(z.number().min(0)).default(10).describe('Order delta reads start this many minutes before the cursor, since updated_at has second precision and rows commit late.'),
    bundles: z
      .enum(['parent', 'children'])
      .default('parent')
      .describe('How a bundle becomes order lines: parent = one line with the bundle SKU and price; children = one line per component with its own price (a fixed-price bundle falls back to the parent line).'),
    stock: stockSchema.default(stockSchema.parse({})),
    attachments: attachmentsSchema.default(attachmentsSchema.parse({})),
    productDefaults: productDefaultsSchema.default(productDefaultsSchema.parse({})),
    bulk: bulkSchema.default(bulkSchema.parse({})),
  })
  .strict();

export type MagentoSettings = z.infer<typeof magentoSettingsSchema>;
export type MagentoSettingsInput = z.input<typeof magentoSettingsSchema>;
export type MagentoAuth = MagentoSettings['auth'];
