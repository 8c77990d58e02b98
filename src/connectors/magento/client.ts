/**
 * Magento REST calls: URL per store scope, authentication (OAuth 1.0a signed afresh on every
 * attempt, since Magento refuses a reused nonce; admin token fetched and renewed; fixed
 * bearer), retries of repeatable requests with backoff and Retry-After, JSON in and out, and
 * every failure as a SyncError of one of the three classes.
 *
 * The shared HTTP client (src/core/http) runs with one attempt: retries happen here, because
 * each attempt needs a new signature.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { configurationError, isSyncError, SyncError, toSyncError, type ErrorRecord } from '../../core/errors.js';
import { backoffDelayMs, createHttpClient, type HttpClient, type HttpResponse } from '../../core/http/index.js';
import type { Logger } from '../../core/log.js';
import type { MagentoSettings } from './config.js';
import type { Expected } from './answers.js';
import { AUTH_SETTING, errorFromResponse, TARGET, unexpectedAnswer } from './errors.js';
import { toJsonBody } from './json.js';
import { oauthAuthorization } from './oauth.js';
import type { RemoteCallInfo } from '../../core/ports.js';

export type { RemoteCallInfo };

export interface MagentoCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below `/V1`, ids already encoded: `/orders/3`. */
  path: string;
  /** `async-bulk` sends to `/rest/<store>/async/bulk/V1<path>` (Magento's asynchronous bulk API, answered 202). */
  api?: 'sync' | 'async-bulk';
  /** Encoded query string without `?` (see search-criteria.ts). */
  query?: string;
  body?: unknown;
  /** `read` = shop.magento.storeCode, `write` = productWriteScope; or an explicit store code. */
  scope?: 'read' | 'write' | { storeCode: string };
  /** Sending it twice does no harm (reads, upserts, idempotent uploads). */
  repeatable: boolean;
  /** What the call does, for error sentences: `reading order 12`. */
  doing: string;
  record?: ErrorRecord;
  /** Low-cardinality metrics label: `GET /V1/orders/{id}`. */
  route: string;
  /** The JSON a read expects (answers.ts); a 2xx answer of another shape is a transient error. */
  expect?: Expected;
}

export interface MagentoClient {
  call<T>(call: MagentoCall): Promise<T>;
  /** How many HTTP requests were sent (benchmarks, tests). */
  readonly requestsSent: number;
  close(): Promise<void>;
}

export interface ClientDeps {
  logger: Logger;
  onRemoteCall?: (info: RemoteCallInfo) => void;
}

export function secretsOf(settings: MagentoSettings): string[] {
  const auth = settings.auth;
  switch (auth.kind) {
    case 'oauth':
      return [auth.consumerKey, auth.consumerSecret, auth.accessToken, auth.accessTokenSecret];
    case 'admin-token':
      return [auth.password];
    case 'bearer':
      return [auth.token];
  }
}

export function createMagentoClient(settings: MagentoSettings, deps: ClientDeps): MagentoClient {
  const base = settings.baseUrl.replace(/\/+$/, '');
  const secrets = secretsOf(settings);
  const retry = settings.retry;
  let requestsSent = 0;
  const http = createHttpClient({
    name: TARGET,
    baseUrl: base,
    timeouts: { connectMs: settings.timeouts.connect, headersMs: settings.timeouts.request, bodyMs: settings.timeouts.request },
    maxConcurrent: settings.maxConcurrent,
    retry: { maxAttempts: 1 },
    circuitBreaker: { failureThreshold: retry.pauseAfterFailures, halfOpenAfterMs: retry.pauseFor },
    tls: { ...(settings.tls.caFile ? { caFile: settings.tls.caFile } : {}), insecureSkipVerify: settings.tls.insecureSkipVerify, settingPath: 'shop.magento.tls' },
    defaultHeaders: { accept: 'application/json' },
    secrets,
    maxResponseBytes: settings.maxResponseBytes,
    maxResponseSetting: 'shop.magento.maxResponseBytes',
    logger: deps.logger,
    onRequest: (event) => {
      requestsSent += 1;
      deps.onRemoteCall?.({ target: event.target, method: event.method, route: event.route, status: event.status ?? 'error', durationMs: event.durationMs });
    },
  });

  const admin = settings.auth.kind === 'admin-token' ? adminTokens(settings.auth, http) : undefined;

  const storeOf = (scope: MagentoCall['scope']): string =>
    scope === undefined || scope === 'read' ? settings.storeCode : scope === 'write' ? settings.productWriteScope : scope.storeCode;

  async function authorization(method: string, url: string, renew: boolean): Promise<string> {
    const auth = settings.auth;
    switch (auth.kind) {
      case 'oauth':
        return oauthAuthorization(method, url, auth);
      case 'bearer':
        return `Bearer ${auth.token}`;
      case 'admin-token':
        return `Bearer ${await admin!.token(renew)}`;
    }
  }

  async function call<T>(c: MagentoCall): Promise<T> {
    const path = `/rest/${encodeURIComponent(storeOf(c.scope))}${c.api === 'async-bulk' ? '/async/bulk' : ''}/V1${c.path}${c.query ? `?${c.query}` : ''}`;
    const body = c.body === undefined ? undefined : toJsonBody(c.body);
    const context = { doing: c.doing, secrets, ...(c.record && { record: c.record }), ...(authHint(settings) && { authHint: authHint(settings) }) };
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      let failure: SyncError;
      try {
        const response = await http.request({
          method: c.method,
          path,
          headers: { authorization: await authorization(c.method, `${base}${path}`, false), ...(body !== undefined && { 'content-type': 'application/json' }) },
          ...(body !== undefined && { body }),
          retrySafe: c.repeatable,
          routeLabel: c.route,
          ...(c.record && { record: c.record }),
        });
        if (response.status >= 200 && response.status < 300) return parseJson<T>(response, c);
        // An admin token past its lifetime reads as the ACL 401: fetch a new one once.
        if (response.status === 401 && admin && !renewed) {
          renewed = true;
          await admin.token(true);
          attempt -= 1;
          continue;
        }
        failure = errorFromResponse(response, context);
      } catch (error) {
        failure = isSyncError(error) ? rephrase(error, c) : toSyncError(error, { target: TARGET, doing: c.doing, secrets, ...(c.record && { record: c.record }) });
      }
      const waitMs = failure.retryAfterMs ?? backoffDelayMs(attempt, { baseDelayMs: retry.baseDelay, maxDelayMs: retry.maxDelay });
      const again = failure.errorClass === 'transient' && c.repeatable && attempt < retry.attempts && waitMs <= retry.maxRetryAfter;
      if (!again) throw failure;
      deps.logger.debug({ route: c.route, attempt, waitMs, status: failure.status }, `retrying ${c.route} after a transient failure`);
      await sleep(waitMs);
    }
  }

  return {
    call,
    get requestsSent() {
      return requestsSent;
    },
    close: () => http.close(),
  };
}

/** The core client's sentence for a 429/5xx names the path; say what the call was doing instead, with Magento's message. */
function rephrase(error: SyncError, c: MagentoCall): SyncError {
  if (error.status === undefined || error.errorClass !== 'transient') return error;
  const remote = error.remoteMessage ? ` ("${error.remoteMessage}")` : '';
  const wait = error.retryAfterMs !== undefined ? ` Magento asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s.` : '';
  const repeat = c.repeatable ? ' It will be retried later.' : ' It was not repeated because the request may have taken effect; check the shop before retrying.';
  return new SyncError('transient', {
    sentence: `${c.doing}: Magento answered ${error.status}${remote}.${wait}${repeat}`,
    target: TARGET,
    status: error.status,
    ...(c.record && { record: c.record }),
    ...(error.remoteMessage && { remoteMessage: error.remoteMessage }),
    ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    cause: error,
  });
}

/**
 * A 2xx answer as JSON of the shape the call expects. Magento labels every answer
 * application/json; an answer labelled otherwise (a login or maintenance page) is not read.
 */
function parseJson<T>(response: HttpResponse, c: MagentoCall): T {
  const request = `${c.method} /V1${c.path}`;
  const type = response.headers['content-type'];
  const contentType = Array.isArray(type) ? type[0] : type;
  if (contentType !== undefined && !/json/i.test(contentType)) {
    throw unexpectedAnswer(c.doing, c.expect?.what ?? 'JSON', c.record, `${request} answered content of type ${contentType.split(';')[0]!.trim()}`);
  }
  if (response.body.length === 0) throw unexpectedAnswer(c.doing, c.expect?.what ?? 'JSON', c.record, `${request} answered an empty body`);
  let value: unknown;
  try {
    value = response.json<unknown>();
  } catch {
    throw unexpectedAnswer(c.doing, c.expect?.what ?? 'JSON', c.record, `${request} answered text that is not JSON`);
  }
  if (c.expect && !c.expect.schema.safeParse(value).success) {
    throw unexpectedAnswer(c.doing, c.expect.what, c.record, `${request} answered JSON of another shape`);
  }
  return value as T;
}

function authHint(settings: MagentoSettings): string | undefined {
  if (settings.auth.kind === 'bearer') {
    return 'An integration token used as Bearer is refused on Magento 2.4.4+ unless oauth/consumer/enable_integration_as_bearer = 1; prefer auth.kind: oauth.';
  }
  return undefined;
}

type AdminAuth = Extract<MagentoSettings['auth'], { kind: 'admin-token' }>;

/** Admin tokens: fetched on first use, reused for `tokenLifetime`, renewed on demand; one fetch at a time. */
function adminTokens(auth: AdminAuth, http: HttpClient) {
  let current: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;
  const doing = 'fetching a Magento admin token';

  async function fetchToken(): Promise<string> {
    const response = await http.request({
      method: 'POST',
      path: '/rest/all/V1/integration/admin/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: auth.username, password: auth.password }),
      retrySafe: true,
      routeLabel: 'POST /V1/integration/admin/token',
    });
    if (response.status >= 200 && response.status < 300) {
      const token = response.json<unknown>();
      if (typeof token !== 'string' || token.length === 0) throw unexpectedAnswer(doing, 'a token string');
      current = { token, until: Date.now() + auth.tokenLifetime };
      return token;
    }
    const error = errorFromResponse(response, { doing, secrets: [auth.password] });
    // Wrong password, a locked user or 2FA (a 400 on 2.4.8) are all settings a person must change.
    if (response.status === 400 || response.status === 401) {
      throw configurationError({
        sentence: `${error.sentence.replace(/ Fix .*$/, '')} Check ${AUTH_SETTING}.username and password; with two-factor authentication on, use auth.kind: oauth.`,
        target: TARGET,
        status: response.status,
        ...(error.remoteMessage && { remoteMessage: error.remoteMessage }),
      });
    }
    throw error;
  }

  return {
    async token(renew: boolean): Promise<string> {
      if (!renew && current && current.until > Date.now()) return current.token;
      if (renew) current = undefined;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
  };
}
