/**
 * Minimax over HTTP: a bearer token from the OAuth2 password grant (cached, renewed before it
 * expires, asked again once when a call answers 401), every call counted against the
 * organisation's budget, JSON in and out, and every failure turned into one SyncError class
 * with Minimax's own message. Transport concerns (pool, timeouts, retries of reads, circuit
 * breaker) live in the shared HTTP client.
 *
 * A rejected password is a configuration error that is never retried, in this process, for
 * any flow: a few wrong tries lock the application in Minimax for good (vendor warning).
 */
import { createHttpClient, type HttpClient } from '../../core/http/client.js';
import { businessError, configurationError, isSyncError, toSyncError, transientError, type ErrorRecord, type SyncError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { RemoteCallInfo } from '../../core/ports.js';
import type { CallMeter } from './budget.js';
import { LABEL, TARGET, scopeOf, tokenUrlOf, type MinimaxSettings } from './config.js';

export interface CallContext {
  /** What we were doing, for the sentence: "reading item MM-1". */
  doing: string;
  record?: ErrorRecord;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below `api/orgs/{id}/`, e.g. `items/code(X)`; or absolute below the base when it starts with `api/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Statuses that mean "no such record": answered as undefined. */
  missing?: readonly number[];
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

const MAX_BODY = 32 * 1024 * 1024;

/** Minimax's error text: `Message` plus the `ValidationMessages` (CODE C3 reads Message, message, error_description, error). */
export function minimaxMessage(body: Buffer): string | undefined {
  try {
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const messages = Array.isArray(json.ValidationMessages)
      ? (json.ValidationMessages as { Message?: unknown }[]).map((m) => String(m.Message ?? '')).filter(Boolean)
      : [];
    const main = [json.Message, json.message, json.error_description, json.error].find((v) => typeof v === 'string' && v) as string | undefined;
    const all = messages.length > 0 ? messages.join(' ') : main;
    return all?.slice(0, 400);
  } catch {
    const text = body.toString('utf8').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    return text ? text.slice(0, 200) : undefined;
  }
}

export function createMinimaxClient(settings: MinimaxSettings, meter: CallMeter, deps: { logger: Logger; onRemoteCall?: (info: RemoteCallInfo) => void }) {
  const secrets = [settings.password, settings.clientSecret];
  const onRequest = (event: { target: string; method: string; route: string; status?: number; durationMs: number; outcome: string }): void => {
    // Every attempt that went out costs a call, retries included.
    meter.observed(1);
    if (event.outcome === 'retry') return;
    deps.onRemoteCall?.({ target: event.target, method: event.method, route: event.route, status: event.status ?? 'error', durationMs: event.durationMs });
  };
  const common = {
    name: TARGET,
    timeouts: { connectMs: settings.timeouts.connect, headersMs: settings.timeouts.request, bodyMs: settings.timeouts.request },
    maxConcurrent: settings.maxConcurrent,
    secrets,
    logger: deps.logger,
  };
  const api: HttpClient = createHttpClient({
    ...common,
    baseUrl: settings.baseUrl,
    retry: { maxAttempts: settings.retry.attempts, baseDelayMs: settings.retry.baseDelay, maxDelayMs: settings.retry.maxDelay },
    circuitBreaker: { failureThreshold: settings.retry.pauseAfterFailures, halfOpenAfterMs: settings.retry.pauseFor },
    onRequest,
  });
  const tokenUrl = new URL(tokenUrlOf(settings));
  // The token request is never repeated by the HTTP layer: a repeat of a wrong password is one step closer to the lockout.
  // Token requests are not counted: they name no organisation, and the budget is per organisation (INF).
  const auth: HttpClient = createHttpClient({ ...common, baseUrl: tokenUrl.origin, retry: { maxAttempts: 1 } });

  let token: { value: string; expiresAt: number } | undefined;
  let tokenRequest: Promise<string> | undefined;
  /** Latched: once Minimax refused the credentials, no further token request goes out from this process. */
  let refused: SyncError | undefined;

  const credentialError = (status: number, said: string | undefined): SyncError =>
    configurationError({
      target: TARGET,
      status,
      ...(said && { remoteMessage: said }),
      record: { kind: 'setting', key: 'erp.minimax.password' },
      sentence:
        `Minimax refused the sign-in of ${settings.username} (${status}${said ? `: "${said}"` : ''}). Check erp.minimax.clientId, clientSecret, username and password. ` +
        'icsync does not try again by itself, because a few wrong passwords lock the application in Minimax for good; fix the settings and restart icsync.',
    });

  async function fetchToken(): Promise<string> {
    if (refused) throw refused;
    const form = new URLSearchParams({ grant_type: 'password', client_id: settings.clientId, client_secret: settings.clientSecret, username: settings.username, password: settings.password });
    const scope = scopeOf(settings);
    if (scope) form.set('scope', scope);
    const response = await auth.request({
      method: 'POST',
      path: tokenUrl.pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      routeLabel: 'POST AUT/oauth20/token',
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      refused = credentialError(response.status, minimaxMessage(response.body));
      deps.logger.error({ status: response.status }, refused.sentence);
      throw refused;
    }
    if (response.status < 200 || response.status >= 300) {
      throw transientError({ target: TARGET, status: response.status, sentence: `The Minimax sign-in answered ${response.status}${minimaxMessage(response.body) ? ` ("${minimaxMessage(response.body)}")` : ''}. It will be retried later.` });
    }
    const json = parseJson(response.body, { doing: 'signing in' }) as { access_token?: unknown; expires_in?: unknown };
    if (typeof json.access_token !== 'string' || !json.access_token) throw transientError({ target: TARGET, sentence: 'The Minimax sign-in answered without an access_token. It will be retried later.' });
    const lifetime = Number(json.expires_in) > 0 ? Number(json.expires_in) * 1000 : 3_600_000;
    token = { value: json.access_token, expiresAt: Date.now() + lifetime };
    return json.access_token;
  }

  async function bearer(force: boolean): Promise<string> {
    if (!force && token && token.expiresAt - settings.tokenRenewBefore > Date.now()) return token.value;
    token = undefined;
    // One sign-in for all concurrent callers.
    tokenRequest ??= fetchToken().finally(() => {
      tokenRequest = undefined;
    });
    return tokenRequest;
  }

  function parseJson(body: Buffer, ctx: CallContext): unknown {
    if (body.length > MAX_BODY) throw transientError({ target: TARGET, sentence: `Minimax, ${ctx.doing}: the answer is larger than ${MAX_BODY} bytes; it was not read.` });
    if (body.length === 0) return undefined;
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (error) {
      // A proxy page or a cut-off body: the next try may get the real answer.
      throw transientError({ target: TARGET, cause: error, sentence: `Minimax, ${ctx.doing}: the answer is not JSON (${minimaxMessage(body) ?? 'empty'}). It will be retried later.` });
    }
  }

  function failure(status: number, headers: ApiAnswer['headers'], body: Buffer, ctx: CallContext): SyncError {
    const said = minimaxMessage(body);
    const base = { target: TARGET, status, ...(said && { remoteMessage: said }), ...(ctx.record && { record: ctx.record }) };
    const quoted = said ? ` ("${said}")` : '';
    if (status === 401) {
      return configurationError({ ...base, sentence: `Minimax, ${ctx.doing}: the API refused a fresh token (401${quoted}). Check that ${settings.username} has the API licence and API rights on the organisation.` });
    }
    if (status === 403 || (status === 404 && /orgs?\b|organi[sz]ation/i.test(said ?? '') && !ctx.record)) {
      return configurationError({ ...base, record: { kind: 'setting', key: 'erp.minimax.organisationId' }, sentence: `Minimax, ${ctx.doing}: organisation ${settings.organisationId} is not open to ${settings.username} (${status}${quoted}). Check erp.minimax.organisationId (\`icsync doctor\` lists the organisations this user may reach).` });
    }
    if (status === 429) {
      const retryAfter = Number(Array.isArray(headers['retry-after']) ? headers['retry-after'][0] : headers['retry-after']);
      const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
      return transientError({ ...base, ...(retryAfterMs !== undefined && { retryAfterMs }), sentence: `Minimax, ${ctx.doing}: the organisation's call budget is used up${quoted}. Calls resume ${retryAfterMs ? `at ${new Date(Date.now() + retryAfterMs).toISOString()}` : 'when the oldest calls of the last 24 h age out'}; nothing is lost.` });
    }
    if (/concurrency/i.test(said ?? '')) {
      return businessError({ ...base, sentence: `Minimax, ${ctx.doing}: someone changed the record meanwhile (stale RowVersion${quoted}). It is read again before the next try.` });
    }
    if (status === 408 || status >= 500) return transientError({ ...base, sentence: `Minimax, ${ctx.doing}: answered ${status}${quoted}. It will be retried later.` });
    return businessError({ ...base, sentence: `Minimax, ${ctx.doing}: answered ${status}${quoted}. Fix the data named and retry.` });
  }

  const orgPath = (path: string): string => (path.startsWith('api/') ? `/${path}` : `/api/orgs/${settings.organisationId}/${path}`.replace(/\/$/, ''));
  /** Metrics label without ids or codes. */
  const routeOf = (method: string, path: string): string => `${method} ${path.replace(/\d+/g, '{id}').replace(/\(([^)]*)\)/g, '({code})')}`;

  async function send(req: ApiRequest, ctx: CallContext, authorization: string) {
    await meter.beforeCall(ctx);
    try {
      return await api.request({
        method: req.method,
        path: orgPath(req.path),
        ...(req.query && { query: req.query }),
        headers: {
          authorization: `Bearer ${authorization}`,
          accept: 'application/json',
          ...(req.body !== undefined && { 'content-type': 'application/json; charset=utf-8' }),
        },
        ...(req.body !== undefined && { body: JSON.stringify(req.body) }),
        routeLabel: routeOf(req.method, req.path),
        ...(ctx.record && { record: ctx.record }),
      });
    } catch (error) {
      // The HTTP layer gave up on a 429 (its Retry-After is hours): say it as the budget it is.
      if (isSyncError(error) && error.status === 429) throw failure(429, { 'retry-after': error.retryAfterMs ? String(Math.ceil(error.retryAfterMs / 1000)) : undefined }, Buffer.from(JSON.stringify({ Message: error.remoteMessage ?? '' })), ctx);
      throw isSyncError(error) ? error : toSyncError(error, { target: TARGET, doing: `Minimax, ${ctx.doing}`, secrets });
    } finally {
      await meter.flush();
    }
  }

  return {
    /** One API call; a 401 (expired token) signs in once more and repeats the call once. */
    async call(req: ApiRequest, ctx: CallContext): Promise<ApiAnswer | undefined> {
      let response = await send(req, ctx, await bearer(false));
      if (response.status === 401) response = await send(req, ctx, await bearer(true));
      if (req.missing?.includes(response.status)) return undefined;
      if (response.status < 200 || response.status >= 300) throw failure(response.status, response.headers, response.body, ctx);
      return { status: response.status, headers: response.headers, json: parseJson(response.body, ctx) };
    },
    async get<T>(path: string, query: ApiRequest['query'], ctx: CallContext, missing?: readonly number[]): Promise<T | undefined> {
      const answer = await this.call({ method: 'GET', path, ...(query && { query }), ...(missing && { missing }) }, ctx);
      return answer?.json as T | undefined;
    },
    /** POST → 201 + Location: the id comes from `?id=` or the last path segment, never from the body (docs/contracts/minimax.md#conventions). */
    async create(path: string, body: unknown, ctx: CallContext): Promise<number> {
      const answer = await this.call({ method: 'POST', path, body }, ctx);
      const location = answer?.headers.location;
      const text = Array.isArray(location) ? location[0] : location;
      const id = text ? idFromLocation(text) : undefined;
      if (id === undefined) throw businessError({ target: TARGET, ...(ctx.record && { record: ctx.record }), sentence: `Minimax, ${ctx.doing}: the create answered ${answer?.status ?? '?'} without a Location naming the new record; check Minimax before retrying.` });
      return id;
    },
    /** Token and organisation: for doctor. */
    async signIn(): Promise<void> {
      await bearer(true);
    },
    close: async () => {
      await Promise.all([api.close(), auth.close()]);
    },
  };
}

export function idFromLocation(location: string): number | undefined {
  try {
    const url = new URL(location, 'http://x');
    const fromQuery = url.searchParams.get('id') ?? url.searchParams.get('ID');
    const text = fromQuery ?? url.pathname.split('/').filter(Boolean).pop() ?? '';
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export type MinimaxClient = ReturnType<typeof createMinimaxClient>;
export { LABEL };
