/**
 * When to try again and how long to wait. Exponential backoff with FULL jitter (a random wait
 * between 0 and the exponential cap) spreads many clients apart after an outage; a server's
 * `Retry-After` wins over our own guess, because it knows when it will be back.
 */
import { errorCode } from '../errors.js';

export interface RetryOptions {
  /** Total attempts including the first; 1 means no retry. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest Retry-After we wait in-process; a longer one ends the attempts and is reported. */
  maxRetryAfterMs: number;
}

/** Statuses that pass with time. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);
export const isIdempotentMethod = (method: string): boolean => IDEMPOTENT_METHODS.has(method.toUpperCase());

/**
 * Errors raised before a single byte of the request left this machine: the server cannot have
 * acted on the request, so repeating it is safe for any method, even a POST.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);
export const failedBeforeSending = (error: unknown): boolean => {
  const code = errorCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
};

/** Full jitter: uniform in [0, min(max, base * 2^(attempt-1))]; `attempt` counts from 1. */
export function backoffDelayMs(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as milliseconds from `now`: either delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
