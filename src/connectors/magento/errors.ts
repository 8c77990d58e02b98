/**
 * Magento's error answers as SyncErrors, classified once here (docs/contracts/magento.md#errors).
 * Magento sends `message` with `%1` / `%name` placeholders unfilled and the values in
 * `parameters` (array: 1-based positions; object: names), plus `errors[]` for aggregated
 * input errors; a person must read the filled-in text.
 */
import { STATUS_CODES } from 'node:http';
import { SyncError, redactSecrets, type ErrorClass, type ErrorRecord } from '../../core/errors.js';
import { parseRetryAfter, remoteMessage, type HttpResponse } from '../../core/http/index.js';

export const TARGET = 'magento';
export const AUTH_SETTING = 'shop.magento.auth';

/** Fills `%1`, `%2`… (1-based into an array) and `%name` (from an object); unknown placeholders stay. */
export function fillPlaceholders(message: string, parameters: unknown): string {
  if (typeof parameters !== 'object' || parameters === null) return message;
  return message.replace(/%(\w+)/g, (placeholder, name: string) => {
    const value = Array.isArray(parameters)
      ? /^\d+$/.test(name) ? parameters[Number(name) - 1] : undefined
      : (parameters as Record<string, unknown>)[name];
    if (value === undefined || value === null) return placeholder;
    return typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
  });
}

interface MagentoErrorBody {
  message?: unknown;
  parameters?: unknown;
  errors?: unknown;
}

/** The filled-in message of a Magento JSON error body, with aggregated `errors[]` appended; undefined if the body is not one. */
export function magentoMessage(body: Buffer | string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as MagentoErrorBody).message !== 'string') return undefined;
  const { message, parameters, errors } = parsed as MagentoErrorBody;
  const main = fillPlaceholders(message as string, parameters);
  const details = Array.isArray(errors)
    ? errors
        .filter((e): e is MagentoErrorBody => typeof e === 'object' && e !== null && typeof (e as MagentoErrorBody).message === 'string')
        .map((e) => fillPlaceholders(e.message as string, e.parameters))
        .filter((text) => !main.includes(text))
    : [];
  return [main, ...details].join(' ').replace(/\s+/g, ' ').trim();
}

export interface ErrorContext {
  /** What the call did, e.g. `creating the invoice of order 000000012`; starts the sentence. */
  doing: string;
  record?: ErrorRecord;
  secrets: readonly string[];
  /** A hint for 401/403 beyond naming the auth setting (e.g. the integration-as-bearer switch). */
  authHint?: string;
}

/**
 * A non-2xx answer as a SyncError:
 * 401/403 configuration (names shop.magento.auth); 404 "Request does not match any route" configuration
 * (wrong base URL or store code, or the icsync module missing); other 4xx with a Magento body business;
 * 408/429/5xx and any non-JSON error page (proxy, maintenance mode) transient.
 */
export function errorFromResponse(response: HttpResponse, context: ErrorContext): SyncError {
  const { status } = response;
  const json = magentoMessage(response.body);
  const said = json ?? remoteMessage(response.body, String(response.headers['content-type'] ?? ''));
  const remote = said === undefined ? undefined : redactSecrets(said, context.secrets);
  const answered = `Magento answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + (remote ? ` ("${remote}")` : '');
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);

  let errorClass: ErrorClass;
  let advice: string;
  if (status === 401 || status === 403) {
    errorClass = 'configuration';
    advice = ` Check ${AUTH_SETTING}: the credentials, and that the integration or admin role is granted the resource named.${context.authHint ? ` ${context.authHint}` : ''}`;
  } else if (status === 404 && remote?.startsWith('Request does not match any route')) {
    errorClass = 'configuration';
    advice = ' Check shop.magento.baseUrl and the store codes (shop.magento.storeCode, productWriteScope); for /V1/icsync routes the icsync Magento module must be installed.';
  } else if (status === 408 || status === 429 || status >= 500 || json === undefined) {
    errorClass = 'transient';
    advice = retryAfterMs !== undefined ? ` Magento asked to wait ${Math.ceil(retryAfterMs / 1000)} s. It will be retried later.` : ' It will be retried later.';
  } else {
    errorClass = 'business';
    advice = context.record ? ` Fix ${context.record.kind} ${context.record.key} (or the data it refers to) and retry.` : ' Fix the data named above and retry.';
  }
  return new SyncError(errorClass, {
    sentence: `${context.doing}: ${answered}.${advice}`,
    target: TARGET,
    status,
    ...(context.record && { record: context.record }),
    ...(remote && { remoteMessage: remote }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/** An answer with a shape the connector cannot read (a proxy page with status 200, a changed API). */
export function unexpectedAnswer(doing: string, what: string, record?: ErrorRecord, detail?: string): SyncError {
  return new SyncError('transient', {
    sentence: `${doing}: Magento's answer was not ${what}${detail ? ` (${detail})` : ''}. A proxy, a login or a maintenance page may have answered; nothing was read from it and it will be retried later.`,
    target: TARGET,
    ...(record && { record }),
  });
}
