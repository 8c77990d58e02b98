/**
 * The HTTP client every connector uses: one keep-alive pool per target, timeouts, a bound on
 * concurrent requests, retries with backoff that respect idempotency, a circuit breaker, TLS
 * with a custom CA, and debug logs without secrets. It speaks bytes; connectors do the mapping.
 *
 * What it throws (always a SyncError): network failures and timeouts after the retries,
 * 408/429/5xx after the retries, an open circuit, and untrusted certificates. Any other answer,
 * 4xx included, is returned; `expectOk` (or `throwOnHttpError`) turns it into an error.
 */
import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { BrokenCircuitError, ConsecutiveBreaker, CircuitState, bulkhead, circuitBreaker, handleWhen } from 'cockatiel';
import type { BulkheadPolicy, CircuitBreakerPolicy } from 'cockatiel';
import {
  SyncError, classifyHttpStatus, errorCode, isSyncError, redactSecrets, toSyncError, transientError, type ErrorRecord, type SyncErrorDetails,
} from '../errors.js';
import type { Logger } from '../log.js';
import { redactHeaders, redactPathAndQuery } from './redact.js';
import { remoteMessage } from './remote-message.js';
import { currentFence, FenceRefusedError, type WriteFence } from './fence.js';
import { backoffDelayMs, failedBeforeSending, isIdempotentMethod, isRetryableStatus, parseRetryAfter, type RetryOptions } from './retry.js';
import { certificateError, isCertificateError, tlsConnectOptions, warnFunction, type TlsOptions } from './tls.js';

export interface HttpClientOptions {
  /** Target name used in errors, logs and metrics: 'icenter', 'magento', … */
  name: string;
  /** Origin plus an optional path prefix, e.g. `https://erp.local:8383/iCenterAPI`. */
  baseUrl: string;
  timeouts?: Partial<{ connectMs: number; headersMs: number; bodyMs: number }>;
  /** Requests in flight at once to this target (also the pool's connection count). */
  maxConcurrent?: number;
  retry?: Partial<RetryOptions>;
  circuitBreaker?: Partial<{ failureThreshold: number; halfOpenAfterMs: number }>;
  tls?: TlsOptions;
  defaultHeaders?: Record<string, string>;
  logger?: Logger;
  /** Called once per attempt, for metrics. */
  onRequest?: (event: RequestEvent) => void;
  /** Secret values to scrub from log lines and error messages. */
  secrets?: readonly string[];
  /** How long an idle connection is kept open. */
  keepAliveMs?: number;
  /**
   * Largest answer body read, in bytes. The body is read as a stream and the read is aborted as
   * soon as it passes this (or at once when Content-Length announces more), so a runaway answer
   * can never fill the memory. Default 64 MiB.
   */
  maxResponseBytes?: number;
  /** The setting that holds `maxResponseBytes`, named in the error, e.g. `erp.icenter.maxResponseBytes`. */
  maxResponseSetting?: string;
}

export interface RequestEvent {
  target: string;
  method: string;
  route: string;
  /** Absent when no answer arrived (network error, timeout). */
  status?: number;
  durationMs: number;
  attempt: number;
  /** `ok` for any answer the caller gets, `retry` when another attempt follows, `error` otherwise. */
  outcome: 'ok' | 'retry' | 'error';
}

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface HttpRequest {
  method: string;
  /** Path below baseUrl, starting with `/`. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Default: true for GET/HEAD/PUT/DELETE/OPTIONS, false for POST/PATCH. */
  idempotent?: boolean;
  /** The caller knows a repeat is harmless (e.g. a POST that is a pure search). */
  retrySafe?: boolean;
  signal?: AbortSignal;
  /** Low-cardinality name for metrics, e.g. `GET /V1/orders`; default method + path without query. */
  routeLabel?: string;
  /** Throw a business/configuration SyncError for a non-2xx answer instead of returning it. */
  throwOnHttpError?: boolean;
  /** The record this request concerns, carried into errors. */
  record?: ErrorRecord;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(encoding?: BufferEncoding): string;
  json<T = unknown>(): T;
}

export interface HttpClient {
  readonly name: string;
  request(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export const HTTP_DEFAULTS = {
  timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 },
  maxConcurrent: 4,
  retry: { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 30_000 },
  circuitBreaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
  keepAliveMs: 30_000,
  maxResponseBytes: 64 * 1024 * 1024,
} as const;

/** An answer with a status that passes with time; thrown inside one attempt so the breaker counts it. */
class RetryableAnswer extends Error {
  constructor(readonly response: HttpResponse) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * A failure that passes with time: a retryable status, or a network error with a known code
 * (reset, refused, timeout, …; the list is toSyncError's). Anything else thrown by an attempt is a
 * mistake on our side (undici's InvalidArgumentError for a bad header, a bug): repeating it
 * cannot help, and counting it would pause a healthy target for every caller.
 */
function passesWithTime(error: unknown): boolean {
  if (error instanceof RetryableAnswer) return true;
  if (isSyncError(error) || isCertificateError(error) || isAbort(error)) return false;
  return toSyncError(error).errorClass === 'transient';
}

/** An abort the caller did not ask for (its signal is not aborted): retried as before, not counted by the breaker. */
const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const name = options.name;
  const secrets = options.secrets ?? [];
  const timeouts = { ...HTTP_DEFAULTS.timeouts, ...options.timeouts };
  const retry: RetryOptions = { ...HTTP_DEFAULTS.retry, ...options.retry };
  const breakerOptions = { ...HTTP_DEFAULTS.circuitBreaker, ...options.circuitBreaker };
  const maxConcurrent = options.maxConcurrent ?? HTTP_DEFAULTS.maxConcurrent;
  const tls = options.tls ?? {};
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const origin = base.origin;
  const log = options.logger?.child({ target: name });

  const connect = base.protocol === 'https:' ? tlsConnectOptions(name, tls, warnFunction(options.logger)) : {};
  const pool = new Pool(origin, {
    connections: maxConcurrent,
    connect: { timeout: timeouts.connectMs, ...connect },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    keepAliveTimeout: options.keepAliveMs ?? HTTP_DEFAULTS.keepAliveMs,
  });

  const limiter: BulkheadPolicy = bulkhead(maxConcurrent, Number.POSITIVE_INFINITY);
  const breaker: CircuitBreakerPolicy = circuitBreaker(
    handleWhen(passesWithTime),
    { halfOpenAfter: breakerOptions.halfOpenAfterMs, breaker: new ConsecutiveBreaker(breakerOptions.failureThreshold) },
  );
  let openedAt = 0;
  // What went wrong last, so a paused call can say why the target is paused.
  let lastFailure = '';
  breaker.onFailure(({ reason }) => {
    const error = 'error' in reason ? reason.error : undefined;
    lastFailure = error instanceof RetryableAnswer ? `HTTP ${error.response.status}` : redactSecrets(describe(error), secrets);
  });
  breaker.onBreak(() => {
    openedAt = Date.now();
    log?.warn({ failures: breakerOptions.failureThreshold }, `circuit opened for ${name}: calls paused for ${breakerOptions.halfOpenAfterMs} ms`);
  });
  breaker.onReset(() => log?.info(`circuit closed for ${name}: calls resumed`));

  const maxResponseBytes = options.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes;
  const maxResponseSetting = options.maxResponseSetting ?? `${name}.maxResponseBytes`;

  /** The body, read chunk by chunk; past the cap the stream is destroyed (the socket with it) and nothing more is held. */
  async function readCapped(answer: Dispatcher.ResponseData, method: string, shownPath: string, record: ErrorRecord | undefined): Promise<Buffer> {
    const tooLarge = (seen: string) => {
      // undici reports the abort of the request as an error on the body: it is ours, so swallowed.
      answer.body.on('error', () => undefined);
      answer.body.destroy();
      return transientError({
        target: name,
        ...(record && { record }),
        sentence:
          `${name}'s answer to ${method} ${shownPath} is larger than ${maxResponseSetting} (${formatBytes(maxResponseBytes)}; ${seen}), so it was not read. ` +
          `A proxy or a broken server may be answering; if the answer is genuine, raise ${maxResponseSetting}. It will be retried later.`,
      });
    };
    const announced = Number(answer.headers['content-length']);
    if (Number.isFinite(announced) && announced > maxResponseBytes) throw tooLarge(`Content-Length ${announced}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxResponseBytes) throw tooLarge(`more than ${size} bytes arrived`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  }

  async function sendOnce(method: string, req: HttpRequest, pathAndQuery: string, headers: Record<string, string>, shownPath: string, fence: WriteFence | undefined): Promise<HttpResponse> {
    if (fence) {
      // Inside the connection slot, so a write that queued behind others is checked when it really leaves.
      try {
        await fence();
      } catch (refusal) {
        throw new FenceRefusedError(refusal);
      }
    }
    const answer = await pool.request({ method: method as Dispatcher.HttpMethod, path: pathAndQuery, headers, body: req.body ?? null, signal: req.signal ?? null });
    const body = await readCapped(answer, method, shownPath, req.record);
    const response = makeResponse(answer.statusCode, answer.headers, body);
    if (isRetryableStatus(response.status)) throw new RetryableAnswer(response);
    return response;
  }

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method.toUpperCase();
    const pathAndQuery = basePath + req.path + queryString(req.query);
    const shownPath = redactPathAndQuery(pathAndQuery, secrets);
    const route = req.routeLabel ?? `${method} ${basePath}${req.path}`;
    const headers = { ...options.defaultHeaders, ...req.headers };
    const repeatable = req.retrySafe === true || (req.idempotent ?? isIdempotentMethod(method));
    const context: FailureContext = { name, method, shownPath, routePath: basePath + req.path, secrets, record: req.record };
    const fence = isReadMethod(method) || req.retrySafe === true ? undefined : currentFence();

    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      let response: HttpResponse | undefined;
      let failure: unknown;
      try {
        response = await breaker.execute(() => limiter.execute(() => sendOnce(method, req, pathAndQuery, headers, shownPath, fence)));
      } catch (error) {
        failure = error;
      }
      // Nothing was sent, so it may be asked for again; the step that lost its lease learns it from the ledger.
      if (failure instanceof FenceRefusedError) {
        const why = failure.refusal instanceof Error ? failure.refusal.message : String(failure.refusal);
        throw transientError({ target: name, sentence: `${method} ${shownPath} to ${name} was not sent: ${redactSecrets(why, secrets)}`, notSent: true, cause: failure.refusal, ...(req.record && { record: req.record }) });
      }
      if (response) {
        report(attempt, started, response.status, 'ok');
        return req.throwOnHttpError ? expectOk(response, { target: name, doing: `${method} ${shownPath}`, record: req.record, secrets }) : response;
      }

      if (failure instanceof BrokenCircuitError) throw circuitOpenError(context, openedAt, breaker, breakerOptions.halfOpenAfterMs, lastFailure);
      const status = failure instanceof RetryableAnswer ? failure.response.status : undefined;
      if (isCertificateError(failure)) {
        report(attempt, started, status, 'error');
        throw certificateError(name, origin, tls, failure);
      }
      if (isSyncError(failure) || req.signal?.aborted || !(passesWithTime(failure) || isAbort(failure))) {
        report(attempt, started, status, 'error', failure);
        throw toSyncError(failure, { target: name, doing: `${method} ${shownPath} to ${name}`, secrets });
      }
      const retryAfterMs = failure instanceof RetryableAnswer ? parseRetryAfter(failure.response.headers['retry-after']) : undefined;
      const mayRepeat = repeatable || failedBeforeSending(failure);
      const waitMs = retryAfterMs ?? backoffDelayMs(attempt, retry);
      const another = mayRepeat && attempt < retry.maxAttempts && (retryAfterMs === undefined || retryAfterMs <= retry.maxRetryAfterMs);
      report(attempt, started, status, another ? 'retry' : 'error', failure);
      if (!another) throw finalError(context, failure, attempt, { mayRepeat, retryAfterMs });
      await sleep(waitMs, undefined, req.signal ? { signal: req.signal } : undefined).catch((error: unknown) => {
        throw toSyncError(error, { target: name, doing: `${method} ${shownPath} to ${name}` });
      });
    }

    function report(attempt: number, started: number, status: number | undefined, outcome: RequestEvent['outcome'], error?: unknown) {
      const durationMs = Math.round(performance.now() - started);
      options.onRequest?.({ target: name, method, route, status, durationMs, attempt, outcome });
      if (log?.isLevelEnabled('debug')) {
        log.debug(
          {
            method, path: shownPath, status, durationMs, attempt, outcome,
            headers: redactHeaders(headers, secrets),
            ...(error !== undefined && !(error instanceof RetryableAnswer) && { error: redactSecrets(describe(error), secrets) }),
          },
          `${method} ${shownPath} -> ${status ?? 'no answer'} in ${durationMs} ms (attempt ${attempt})`,
        );
      }
    }
  }

  return {
    name,
    request,
    close: () => pool.close(),
  };
}

const isReadMethod = (method: string): boolean => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function makeResponse(status: number, headers: HttpResponse['headers'], body: Buffer): HttpResponse {
  return {
    status,
    headers,
    body,
    text: (encoding: BufferEncoding = 'utf8') => body.toString(encoding),
    json: <T>() => JSON.parse(body.toString('utf8')) as T,
  };
}

function queryString(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

interface FailureContext {
  name: string;
  method: string;
  shownPath: string;
  /** The path without its query: short enough for a sentence a person reads. */
  routePath: string;
  secrets: readonly string[];
  record: ErrorRecord | undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'no response headers arrived in time (headers timeout)';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'the response body stalled (body timeout)';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'could not connect in time (connect timeout)';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the connection was closed or reset (${message})`;
    default:
      return code ? `${message} (${code})` : message;
  }
}

/** The error after the last attempt: what failed, how often, and what happens next. */
function finalError(context: FailureContext, failure: unknown, attempts: number, how: { mayRepeat: boolean; retryAfterMs: number | undefined }): SyncError {
  const { name, method, shownPath, secrets } = context;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const details: Omit<SyncErrorDetails, 'sentence'> = { target: name, cause: failure, ...(context.record && { record: context.record }) };
  const notRepeated = how.mayRepeat
    ? ''
    : ` It was not repeated automatically because ${method} is not idempotent and the request may have reached ${name}; check in ${name} whether it took effect before retrying.`;
  if (failure instanceof RetryableAnswer) {
    const { status, body, headers } = failure.response;
    const said = remoteMessage(body, String(headers['content-type'] ?? ''));
    const remote = said === undefined ? undefined : redactSecrets(said, secrets);
    const waitNote = how.retryAfterMs !== undefined ? ` ${name} asked to wait ${Math.ceil(how.retryAfterMs / 1000)} s before trying again.` : '';
    const sentence =
      `${name} answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() +
      `${remote ? ` ("${remote}")` : ''} to ${method} ${shownPath} after ${tries}.${waitNote}${notRepeated || ' It will be retried later.'}`;
    return transientError({ ...details, sentence, status, ...(remote && { remoteMessage: remote }), ...(how.retryAfterMs !== undefined && { retryAfterMs: how.retryAfterMs }) });
  }
  const sentence = `${method} ${shownPath} to ${name} failed after ${tries}: ${redactSecrets(describe(failure), secrets)}.${notRepeated || ' It will be retried later.'}`;
  return transientError({ ...details, sentence });
}

function circuitOpenError(context: FailureContext, openedAt: number, breaker: CircuitBreakerPolicy, halfOpenAfterMs: number, lastFailure: string): SyncError {
  const { name, method, routePath } = context;
  const details = { target: name, ...(context.record && { record: context.record }) };
  const why = lastFailure ? ` (last failure: ${lastFailure})` : '';
  if (breaker.state === CircuitState.HalfOpen) {
    return transientError({ ...details, retryAfterMs: 0, notSent: true, sentence: `${name} failed several requests in a row${why}; a trial request is under way, so ${method} ${routePath} was not sent. It will be retried.` });
  }
  const nextTry = Math.max(openedAt + halfOpenAfterMs, Date.now());
  const waitMs = nextTry - Date.now();
  return transientError({
    ...details,
    retryAfterMs: waitMs,
    notSent: true,
    sentence:
      `${name} failed several requests in a row${why}, so calls to it are paused (circuit open) and ${method} ${routePath} was not sent. ` +
      `The next trial request goes out at ${new Date(nextTry).toISOString()} (in ${Math.ceil(waitMs / 1000)} s).`,
  });
}

export interface ExpectOkContext {
  target?: string;
  /** What the request did, e.g. `adding order 000000123 to iCenter`; starts the sentence. */
  doing?: string;
  record?: ErrorRecord;
  secrets?: readonly string[];
  /** The setting to name for 401/403, e.g. `erp.username / erp.password`. */
  credentialsSetting?: string;
}

/**
 * Returns a 2xx answer; otherwise throws a SyncError classified by status (401/403 configuration,
 * 408/429/5xx transient, other 4xx business; a redirect means a wrong base URL, a setting)
 * carrying the remote system's own message.
 */
export function expectOk(response: HttpResponse, context: ExpectOkContext = {}): HttpResponse {
  const { status } = response;
  if (status >= 200 && status < 300) return response;
  const said = remoteMessage(response.body, String(response.headers['content-type'] ?? ''));
  const remote = said === undefined ? undefined : redactSecrets(said, context.secrets ?? []);
  const who = context.target ?? 'the remote system';
  const doing = context.doing ? `${context.doing}: ` : '';
  const answered = `${who} answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + (remote ? ` ("${remote}")` : '');
  const errorClass = status < 400 ? 'configuration' : classifyHttpStatus(status);
  const advice =
    status < 400
      ? ` The base URL is probably wrong (redirected to ${String(response.headers.location ?? 'another address')}); use the final address.`
      : status === 401 || status === 403
        ? ` Check ${context.credentialsSetting ?? 'the credentials and permissions configured'} for ${who}.`
        : errorClass === 'transient'
          ? ' It will be retried later.'
          : ' Fix the data named above and retry.';
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  throw new SyncError(errorClass, {
    sentence: `${doing}${answered}.${advice}`,
    status,
    ...(context.target && { target: context.target }),
    ...(context.record && { record: context.record }),
    ...(remote && { remoteMessage: remote }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}
