/**
 * Settings of the SAOP Minimax connector (`erp.minimax` in icsync.yaml). What the public
 * sources leave open (tagged INF in docs/contracts/minimax.md) is a setting here, with the
 * contract's best guess as default; each such setting says so.
 */
import { z } from 'zod';
import { duration, httpUrl, positiveWholeNumber, secret, wholeNumber } from '../../core/settings.js';

const share = (fallback: number, why: string) => z.number().min(0).max(1).default(fallback).describe(why);

const budgetSchema = z
  .object({
    limit: positiveWholeNumber().default(1000).describe('Calls Minimax allows per organisation in the window (vendor: 1,000 per rolling 24 h; the web UI and other integrations draw on the same budget).'),
    window: duration().default(24 * 3_600_000).describe('The rolling window of the limit.'),
    share: share(0.9, 'Share of the limit icsync plans within; the rest is left to people and other integrations.'),
    keepForOrders: share(0.2, 'Share of the usable budget kept for orders and invoices: partner creation waits below it.'),
    keepForPartners: share(0.4, 'Share of the usable budget kept for orders, invoices and partners: products and stock wait below it.'),
  })
  .strict();

const retrySchema = z
  .object({
    attempts: positiveWholeNumber().default(3).describe('Tries of a read on a transient failure, the first included (each try counts against the budget). Creates are never repeated; the token request is never repeated.'),
    baseDelay: duration().default(500),
    maxDelay: duration().default(30_000),
    pauseAfterFailures: positiveWholeNumber().default(5).describe('Failed requests in a row after which calls pause (circuit breaker).'),
    pauseFor: duration().default(30_000),
  })
  .strict();

export const minimaxSettingsSchema = z
  .object({
    baseUrl: httpUrl().default('https://moj.minimax.si/SI/API/').describe('API base: https://moj.minimax.si/SI/API/ (also .hr/HR, .rs/RS). Paths api/orgs/… are appended.'),
    tokenUrl: httpUrl().optional().describe('OAuth2 token endpoint; default: the base URL with /API/ replaced by /AUT/oauth20/token.'),
    scope: z.string().optional().describe('OAuth2 scope; default minimax.si / minimax.rs from the base URL (for HR unknown: INF, set it if the token request says so).'),
    clientId: z.string({ error: 'expected the client id Minimax support gave you' }).min(1).describe('client_id from Minimax support.'),
    clientSecret: secret('the client secret Minimax support gave you').describe('client_secret. Use ${ENV_VAR} or ${file:/path}.'),
    username: z.string({ error: 'expected the user name of the external-application password' }).min(1).describe('User name of the password for external applications (profile → external applications).'),
    password: secret('the external-application password').describe('That password. A wrong one is never retried: a few wrong tries lock the application in Minimax for good.'),
    organisationId: wholeNumber('the Minimax organisation id (a number)').describe('The organisation (api/orgs/{id}); `icsync doctor` lists the ones the user may reach.'),
    timeouts: z.object({ connect: duration().default(10_000), request: duration().default(60_000) }).strict().default({ connect: 10_000, request: 60_000 }),
    maxConcurrent: positiveWholeNumber().default(2).describe('Requests in flight at once.'),
    retry: retrySchema.default(retrySchema.parse({})),
    pageSize: positiveWholeNumber().default(300).describe('PageSize of list reads (default 100 on the server; 300 is honoured; the maximum is unknown, INF).'),
    tokenRenewBefore: duration().default(120_000).describe('Ask for a new token this long before the current one expires (tokens last 3600 s).'),
    timeZone: z.string().default('Europe/Ljubljana').describe('INF: zone of the date-times Minimax writes without an offset.'),
    deltaOverlap: duration().default(300_000).describe('INF: how far before the cursor synccandidates reads start (zone and resolution unsure).'),
    fullScanAbove: wholeNumber().pipe(z.number().min(0)).default(0).describe('Changed items above which a delta reads the whole list instead of one item at a time; 0 = when that is cheaper (pages of the list < changed items).'),
    cacheFor: duration().default(120_000).describe('The longest item reads are reused: the prices and the items of one products run share them (the items read ends the sharing), and an invoice read by the delta is not read again for its PDF.'),
    customerCodePrefix: z.string().max(2).default('W').describe('New customers get this prefix and 9 characters derived from their VAT ID or e-mail (Code holds at most 10 characters); the same buyer always gets the same code, so a lost answer is found again.'),
    partnerDefaults: z
      .object({
        expirationDays: wholeNumber().default(8).describe('ExpirationDays (payment days) of new customers.'),
        eInvoiceIssuing: z.string().default('SeNePripravlja').describe('EInvoiceIssuing of new customers (DOC: SeNePripravlja, RocniIzvoz, Ponudnik, EPosta).'),
      })
      .strict()
      .default({ expirationDays: 8, eInvoiceIssuing: 'SeNePripravlja' }),
    orderPrices: z
      .enum(['items-setting', 'gross', 'net'])
      .default('items-setting')
      .describe('INF (open question): whether an order row Price includes VAT. items-setting follows items/settings PricesIncludeVAT; gross or net force it.'),
    budget: budgetSchema.default(budgetSchema.parse({})),
  })
  .strict();

export type MinimaxSettings = z.infer<typeof minimaxSettingsSchema>;
export type MinimaxSettingsInput = z.input<typeof minimaxSettingsSchema>;

export const TARGET = 'minimax';
export const LABEL = 'Minimax';

export function tokenUrlOf(settings: MinimaxSettings): string {
  return settings.tokenUrl ?? settings.baseUrl.replace(/\/API\/?$/i, '/AUT/oauth20/token');
}

export function scopeOf(settings: MinimaxSettings): string | undefined {
  if (settings.scope !== undefined) return settings.scope || undefined;
  const m = /minimax\.(si|rs|hr)\b/i.exec(settings.baseUrl) ?? /\/(SI|RS|HR)\/API/i.exec(settings.baseUrl);
  const cc = m?.[1]?.toLowerCase();
  return cc === 'si' || cc === 'rs' ? `minimax.${cc}` : cc === 'hr' ? undefined : 'minimax.si';
}
