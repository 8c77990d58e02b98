/**
 * Settings of the Minimax emulator. Every behaviour the public sources leave open (tagged INF
 * in docs/contracts/minimax.md) is a setting here, defaulting to the contract's best guess, so a
 * test can show the connector copes either way. Runtime change: `PATCH /__admin/settings`.
 */
import { checkZone } from './time.js';

export interface MinimaxEmulatorSettings {
  /** Instance path segment: `/SI/API`, `/SI/AUT` (SI, HR or RS). */
  instance: 'SI' | 'HR' | 'RS';
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  /** OAuth scope required, or null to accept any (DOC: `minimax.si` for SI; HR unknown). */
  scope: string | null;
  /** `expires_in` of a token (DOC/CODE: 3600 observed). */
  tokenLifetimeSec: number;
  /**
   * Wrong passwords after which the application is locked for good (DOC warns that "a few"
   * lock it; the number is INF). 0 = never lock.
   */
  lockoutAfter: number;
  /** Calls per organisation in the rolling window (DOC: 1,000 per 24 h). */
  callLimit: number;
  callWindowMs: number;
  /** Status past the limit (INF, Q1: unverified; 429 is the guess). */
  overLimitStatus: number;
  /** Send `Retry-After` (seconds until the oldest call leaves the window) past the limit (INF). */
  overLimitRetryAfter: boolean;
  /** Status of a stale or missing RowVersion (INF, Q2: 400 with "Concurrency error" is the guess; 409/412 possible). */
  concurrencyStatus: number;
  /** POST answers 201 with an empty body (CODE C3), or with the created entity (`entity`, as some clients assume). */
  createBody: 'empty' | 'entity';
  /** Default and largest PageSize (CODE: default 100; 300 is honoured; the maximum is unknown, INF). */
  defaultPageSize: number;
  maxPageSize: number;
  /** Status for an organisation the user has no API access to (INF). */
  unknownOrganisationStatus: number;
  /** Fields `SearchString` matches on customers (INF, Q6). */
  customerSearchFields: string[];
  /** `items/settings` PricesIncludeVAT: item and order-row prices include VAT (D) or not (N). */
  pricesIncludeVat: 'D' | 'N';
  /** What `createissuedinvoice` carries from the order onto the invoice (INF, Q7). */
  orderReferenceOnInvoice: 'DocumentReference' | 'none';
  /** Zone of the offset-less date-times the API writes and reads (INF, Q11). */
  timeZone: string;
  /** Added to every API request. */
  latencyMs: number;
  requestLogLimit: number;
  /** Issue an invoice (and its PDF) for each new order after this many ms; null = only through the admin API. */
  autoInvoiceDelayMs: number | null;
}

export const DEFAULT_SETTINGS: MinimaxEmulatorSettings = {
  instance: 'SI',
  clientId: 'icsync-client',
  clientSecret: 'minimax-emulator-secret',
  username: 'icsync',
  password: 'minimax-emulator',
  scope: 'minimax.si',
  tokenLifetimeSec: 3600,
  lockoutAfter: 3,
  callLimit: 1000,
  callWindowMs: 24 * 3_600_000,
  overLimitStatus: 429,
  overLimitRetryAfter: true,
  concurrencyStatus: 400,
  createBody: 'empty',
  defaultPageSize: 100,
  maxPageSize: 1000,
  unknownOrganisationStatus: 403,
  customerSearchFields: ['Code', 'Name', 'TaxNumber', 'VATIdentificationNumber'],
  pricesIncludeVat: 'D',
  orderReferenceOnInvoice: 'DocumentReference',
  timeZone: 'Europe/Ljubljana',
  latencyMs: 0,
  requestLogLimit: 5000,
  autoInvoiceDelayMs: null,
};

export type MinimaxSettingsPatch = Partial<MinimaxEmulatorSettings>;

export function mergeSettings(base: MinimaxEmulatorSettings, patch: MinimaxSettingsPatch): MinimaxEmulatorSettings {
  if (patch.timeZone !== undefined) checkZone(patch.timeZone);
  for (const key of Object.keys(patch)) {
    if (!(key in DEFAULT_SETTINGS)) throw new Error(`unknown setting ${key}; known: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`);
  }
  return { ...base, ...patch };
}
