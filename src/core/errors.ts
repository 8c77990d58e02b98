/**
 * The three error classes of ARCHITECTURE.md, as one plain error type every connector returns.
 * An error is classified once, at the connector edge; the engine only reads `errorClass`:
 * - transient:      network, timeout, 408, 429, 5xx — retry later with backoff;
 * - business:       the data is wrong (unknown SKU, validation, 409) — waits for a person;
 * - configuration:  a setting is wrong (401/403, wrong organisation, CA file) — the flow stops.
 * `sentence` is what a person reads: what happened and what to do about it, with no secrets.
 */

export type ErrorClass = 'transient' | 'business' | 'configuration';

/** The record an error concerns, e.g. `{ kind: 'order', key: '000000123', field: 'sku' }`. */
export interface ErrorRecord {
  kind: string;
  key: string;
  field?: string;
}

export interface SyncErrorDetails {
  /** What a person should know or do, one or two plain sentences. */
  sentence: string;
  record?: ErrorRecord;
  /** The system the error came from: 'icenter', 'magento', … */
  target?: string;
  /** HTTP status of the answer, when there was one. */
  status?: number;
  /** The remote system's own message, short (never a whole HTML page). */
  remoteMessage?: string;
  /** How long the remote system asked us to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** The request surely never reached the remote system (e.g. calls to it were paused). */
  notSent?: boolean;
  cause?: unknown;
}

export class SyncError extends Error {
  readonly errorClass: ErrorClass;
  readonly sentence: string;
  readonly record?: ErrorRecord;
  readonly target?: string;
  readonly status?: number;
  readonly remoteMessage?: string;
  readonly retryAfterMs?: number;
  readonly notSent?: boolean;

  constructor(errorClass: ErrorClass, details: SyncErrorDetails) {
    super(details.sentence, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SyncError';
    this.errorClass = errorClass;
    this.sentence = details.sentence;
    if (details.record !== undefined) this.record = details.record;
    if (details.target !== undefined) this.target = details.target;
    if (details.status !== undefined) this.status = details.status;
    if (details.remoteMessage !== undefined) this.remoteMessage = details.remoteMessage;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.notSent !== undefined) this.notSent = details.notSent;
  }
}

export const transientError = (details: SyncErrorDetails): SyncError => new SyncError('transient', details);
export const businessError = (details: SyncErrorDetails): SyncError => new SyncError('business', details);
export const configurationError = (details: SyncErrorDetails): SyncError => new SyncError('configuration', details);

export const isSyncError = (value: unknown): value is SyncError => value instanceof SyncError;

/**
 * Which class an HTTP status belongs to. 401/403 mean our credentials or permissions are wrong
 * (a setting); 408/429/5xx pass with time; any other 4xx says the request itself is wrong.
 * Only meaningful for error statuses (>= 400).
 */
export function classifyHttpStatus(status: number): ErrorClass {
  if (status === 401 || status === 403) return 'configuration';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  return 'business';
}

/** Node/undici error codes that mean the network, not the data, failed. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** Codes of failures before a request was on its way: it cannot have taken effect. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Whether a failed write surely did not take effect, so it may be asked for again at once: the
 * target answered with its own error, or the request never left. A gateway that gave up (502,
 * 504) and a timeout or reset after sending leave it open: the target may still carry it out.
 */
export function surelyNotApplied(error: unknown): boolean {
  if (isSyncError(error)) {
    if (error.notSent === true) return true;
    if (error.status !== undefined) return error.status !== 502 && error.status !== 504;
  }
  const code = errorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** The `code` of an error or of any error in its cause chain. */
export function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface ToSyncErrorContext {
  target?: string;
  record?: ErrorRecord;
  /** What we were doing, e.g. "reading item X-1 from iCenter"; starts the sentence. */
  doing?: string;
  secrets?: readonly string[];
}

/**
 * Any throwable as a SyncError. A SyncError passes through unchanged; a network error becomes
 * transient; anything else (a bug, an unexpected shape) becomes business so that it waits for a
 * person instead of being retried for ever.
 */
export function toSyncError(error: unknown, context: ToSyncErrorContext = {}): SyncError {
  if (isSyncError(error)) return error;
  const message = redactSecrets(error instanceof Error ? error.message : String(error), context.secrets ?? []);
  const code = errorCode(error);
  const doing = context.doing ? `${context.doing}: ` : '';
  const base = { cause: error, ...(context.target && { target: context.target }), ...(context.record && { record: context.record }) };
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    return transientError({ ...base, sentence: `${doing}network error (${code}: ${message}). It will be retried.` });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return transientError({ ...base, sentence: `${doing}the request was aborted. It will be retried.` });
  }
  return businessError({ ...base, sentence: `${doing}unexpected error: ${message}` });
}

/** Replaces every occurrence of each known secret value in `text` with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    // The value itself, as it appears inside JSON (also JSON inside a JSON string, e.g. a
    // logged body) and as it appears in a URL query.
    const once = JSON.stringify(secret).slice(1, -1);
    const twice = JSON.stringify(once).slice(1, -1);
    // Longest form first, so replacing a shorter one cannot break a longer one apart.
    const forms = [...new Set([secret, once, twice, encodeURIComponent(secret)])].sort((a, b) => b.length - a.length);
    for (const form of forms) result = result.split(form).join('[REDACTED]');
  }
  return result;
}
