/** Emulator options and the per-release behaviour profile (defaults = Magento 2.4.8). */
import { fileURLToPath } from 'node:url';
import type { OauthAlgorithm } from './oauth.js';
import type { PagingSettings } from './search-criteria.js';
import type { SeedInput } from './seed.js';

export type MagentoVersion = '2.4.8' | '2.4.3' | '2.3';
export const MAGENTO_VERSIONS: readonly MagentoVersion[] = ['2.4.8', '2.4.3', '2.3'];

export interface StoreView {
  code: string;
  storeId: number;
  websiteId: number;
  name: string;
}

export interface IntegrationCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
  adminUser: string;
  adminPassword: string;
}

export interface MagentoEmulatorOptions {
  /** 0 = ephemeral port (tests). */
  port?: number;
  host?: string;
  version?: MagentoVersion;
  /** 'demo' (generator), 'samples' (Adobe's real sample JSON), a JSON file path, or data. */
  seed?: SeedInput;
  /** `oauth/consumer/enable_integration_as_bearer`; off by default on 2.4.4+, always on before. */
  enableIntegrationAsBearer?: boolean;
  /** Whether the `async.operations.all` consumer runs; off = bulk operations stay open (4). */
  asyncConsumer?: boolean;
  /** icsync module: largest accepted attachment (decoded bytes). */
  attachmentMaxBytes?: number;
  /**
   * Bodies one async bulk request may carry (`webapi/async/default_input_array_size_limit`,
   * 5000 by default per the contract; how Magento words the refusal is not documented, so the
   * sync limit's message is used).
   */
  asyncBulkArrayLimit?: number;
  /** Whether the icsync Magento module is installed; false = its routes answer Magento's "Request does not match any route." 404. Default true. */
  icsyncModule?: boolean;
  /** Max `sourceItems` per request; null = no limit. Default: 20 on 2.4.3, none on 2.4.8/2.3. */
  sourceItemsBatchLimit?: number | null;
  /** `webapi/validation/input_limit_enabled` (2.4.4+): max pageSize 300. */
  inputLimitEnabled?: boolean;
  /** Page size used when the client sends none (2.4.3 always 20). */
  defaultPageSize?: number;
  maxPageSize?: number;
  /** currentPage past the end repeats the last page (≤2.3). */
  repeatLastPage?: boolean;
  /** Server-side OAuth algorithm: 'rfc5849' (2.4.8) or 'laminas' (2.3–2.4.7). */
  oauthAlgorithm?: OauthAlgorithm;
  /** Magento_TwoFactorAuth on: admin token route refuses with the 2FA message. */
  twoFactorAuth?: boolean;
  /**
   * HTTP status of that refusal. Default per version: 400 on 2.4.8 (LocalizedException,
   * docs/contracts/magento.md#authentication [H]); 401 on 2.4.3 and 2.3, where the contract only has "older builds threw 401" [M].
   */
  twoFactorRefusalStatus?: 400 | 401;
  /**
   * A `GET /V1/orders` filter on a field that is no `sales_order` column: `'error'` answers the
   * production 500 of the SQL error (docs/contracts/magento.md#searchcriteria-and-paging [L], inferred, never observed), `'empty'` matches
   * nothing (200, no items). Default `'error'`.
   */
  unknownOrderFilterField?: 'error' | 'empty';
  /**
   * Whether `GET /V1/products` list items carry `extension_attributes.stock_item` as the single
   * product does. docs/contracts/magento.md#products [L] says not to rely on it; default true, false = a shop without it.
   */
  productListStockItem?: boolean;
  /** ACL resources granted to the integration; default all. */
  integrationResources?: string[] | 'all';
  credentials?: Partial<IntegrationCredentials>;
  storeViews?: StoreView[];
  /** MSI source codes (besides they all belong to stock 1). Default ['default']. */
  sourceCodes?: string[];
  /** What `POST /V1/inventory/source-items` does with a SKU that has no product ([L]: the contract is silent; 'reject' = 400 `Could not save Source Item`). */
  unknownSkuSourceItems?: 'reject' | 'accept';
  schemaPath?: string;
  /** Base URL the shop believes it has (for OAuth base strings behind a proxy). */
  publicBaseUrl?: string;
  requestLogLimit?: number;
  adminTokenLifetimeSeconds?: number;
}

export interface ResolvedSettings {
  version: MagentoVersion;
  enableIntegrationAsBearer: boolean;
  asyncConsumer: boolean;
  attachmentMaxBytes: number;
  icsyncModule: boolean;
  sourceItemsBatchLimit: number | null;
  asyncBulkArrayLimit: number;
  paging: PagingSettings;
  oauthAlgorithm: OauthAlgorithm;
  oauthMethods: string[];
  unknownFieldStatus: 400 | 500;
  twoFactorAuth: boolean;
  twoFactorRefusalStatus: 400 | 401;
  unknownOrderFilterField: 'error' | 'empty';
  productListStockItem: boolean;
  integrationResources: Set<string> | 'all';
  storeViews: StoreView[];
  sourceCodes: string[];
  unknownSkuSourceItems: 'reject' | 'accept';
  schemaPath: string;
  publicBaseUrl: string | undefined;
  requestLogLimit: number;
  adminTokenLifetimeSeconds: number;
}

export const DEFAULT_STORE_VIEWS: StoreView[] = [
  { code: 'default', storeId: 1, websiteId: 1, name: 'Default Store View' },
  { code: 'en', storeId: 2, websiteId: 1, name: 'English' },
];

export const DEFAULT_SCHEMA_PATH = fileURLToPath(new URL('./data/admin-rest-schema.json', import.meta.url));

export function resolveSettings(options: MagentoEmulatorOptions): ResolvedSettings {
  const version = options.version ?? '2.4.8';
  if (!MAGENTO_VERSIONS.includes(version)) throw new Error(`unsupported Magento version ${String(version)} (use ${MAGENTO_VERSIONS.join(', ')})`);
  const is248 = version === '2.4.8';
  const is243 = version === '2.4.3';
  const inputLimits = is243 || options.inputLimitEnabled === true;
  return {
    version,
    enableIntegrationAsBearer: options.enableIntegrationAsBearer ?? !is248,
    asyncConsumer: options.asyncConsumer ?? false,
    attachmentMaxBytes: options.attachmentMaxBytes ?? 5 * 1024 * 1024,
    asyncBulkArrayLimit: options.asyncBulkArrayLimit ?? 5000,
    icsyncModule: options.icsyncModule ?? true,
    sourceItemsBatchLimit: options.sourceItemsBatchLimit !== undefined ? options.sourceItemsBatchLimit : is243 ? 20 : null,
    paging: {
      repeatLastPage: options.repeatLastPage ?? version === '2.3',
      ...(options.defaultPageSize !== undefined ? { defaultPageSize: options.defaultPageSize } : is243 ? { defaultPageSize: 20 } : {}),
      ...(options.maxPageSize !== undefined ? { maxPageSize: options.maxPageSize } : inputLimits ? { maxPageSize: 300 } : {}),
    },
    oauthAlgorithm: options.oauthAlgorithm ?? (is248 ? 'rfc5849' : 'laminas'),
    oauthMethods: is248 ? ['HMAC-SHA256'] : ['HMAC-SHA1', 'HMAC-SHA256'],
    unknownFieldStatus: is248 ? 400 : 500,
    twoFactorAuth: options.twoFactorAuth ?? false,
    twoFactorRefusalStatus: options.twoFactorRefusalStatus ?? (is248 ? 400 : 401),
    unknownOrderFilterField: options.unknownOrderFilterField ?? 'error',
    productListStockItem: options.productListStockItem ?? true,
    integrationResources: options.integrationResources === undefined || options.integrationResources === 'all' ? 'all' : new Set(options.integrationResources),
    storeViews: options.storeViews ?? DEFAULT_STORE_VIEWS,
    sourceCodes: options.sourceCodes ?? ['default'],
    unknownSkuSourceItems: options.unknownSkuSourceItems ?? 'reject',
    schemaPath: options.schemaPath ?? DEFAULT_SCHEMA_PATH,
    publicBaseUrl: options.publicBaseUrl,
    requestLogLimit: options.requestLogLimit ?? 5000,
    adminTokenLifetimeSeconds: options.adminTokenLifetimeSeconds ?? 4 * 3600,
  };
}
