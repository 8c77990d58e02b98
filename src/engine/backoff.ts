/**
 * Exponential backoff with full jitter (a random delay between 0 and the exponential cap),
 * so that many records failing at once do not come back at once. A server's Retry-After is
 * a floor: asking again sooner would only be refused again.
 */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(attempt: number, settings: BackoffSettings, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const cap = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  const jittered = Math.floor(random() * cap);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, settings.maxMs));
}
