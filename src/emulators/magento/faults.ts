/**
 * Fault injection for /rest requests: latency, 429 (+Retry-After, JSON or HTML), 503 maintenance
 * page, 500 with a report id, connection resets, and a fixed-window rate limit. Rates use a
 * seeded RNG so a test run repeats exactly.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { seededRng } from './util.js';

/**
 * What a proxy, a login page or a broken server answers instead of Magento (before the request
 * is handled). `body` is sent as is; `repeat` streams `head`, then `row` `times` times, then
 * `tail`, without holding the body in memory.
 */
export interface FaultAnswer {
  /** Default 200. */
  status?: number;
  /** Default `application/json; charset=utf-8`; '' sends no Content-Type. */
  contentType?: string;
  body?: string;
  repeat?: { head: string; row: string; times: number; tail: string };
}

export interface FaultRule {
  /** Glob on the API path after the store code, e.g. `/V1/orders*`; `*` = any. */
  path?: string;
  method?: string;
  latencyMs?: number;
  status?: 429 | 500 | 502 | 503 | 504;
  retryAfterSeconds?: number;
  /** HTML body instead of Magento's JSON (proxies, maintenance mode). */
  html?: boolean;
  /** Destroy the socket without an answer. */
  reset?: boolean;
  /** Answer this instead (any status, any body, a streamed huge one): see FaultAnswer. */
  answer?: FaultAnswer;
  /**
   * With `reset` or `status`: run the request first, so it takes effect, then lose its answer
   * (reset) or answer with the fault instead — the timeout or proxy error after Magento did the
   * work, which a client without idempotency keys must survive. Without it faults answer before
   * the request is handled.
   */
  afterHandler?: boolean;
  /** Apply to this many matching requests, then stop. */
  times?: number;
  /** Skip this many matching requests first. */
  after?: number;
  /** Probability 0..1 per matching request (seeded RNG). */
  rate?: number;
}

export interface RateLimit {
  limit: number;
  windowMs: number;
  retryAfterSeconds?: number;
}

export interface FaultConfig {
  rules?: FaultRule[];
  rateLimit?: RateLimit | null;
  seed?: number;
}

export type FaultAction =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'reset'; latencyMs: number; afterHandler: boolean }
  | { kind: 'answer'; latencyMs: number; afterHandler: false; answer: FaultAnswer }
  | { kind: 'respond'; latencyMs: number; afterHandler: boolean; status: number; headers: Record<string, string>; body: string; contentType: string };

interface LiveRule extends FaultRule {
  regex: RegExp;
  seen: number;
  applied: number;
}

// Maintenance mode and proxies answer HTML pages (docs/contracts/magento.md#errors [L/M]); their exact text is ours.
const MAINTENANCE_HTML = '<!doctype html><html><head><title>Service Temporarily Unavailable</title></head><body><h1>Service Temporarily Unavailable</h1><p>The server is temporarily unable to service your request due to maintenance downtime.</p></body></html>';
const TOO_MANY_HTML = '<!doctype html><html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>';

export class FaultInjector {
  private rules: LiveRule[] = [];
  private rateLimit: RateLimit | null = null;
  private windowStart = 0;
  private windowCount = 0;
  private rng = seededRng(1);
  private config: FaultConfig = {};

  set(config: FaultConfig): void {
    this.config = config;
    this.rules = (config.rules ?? []).map((rule) => ({
      ...rule,
      regex: new RegExp(`^${(rule.path ?? '*').split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`),
      seen: 0,
      applied: 0,
    }));
    this.rateLimit = config.rateLimit ?? null;
    this.windowStart = 0;
    this.windowCount = 0;
    this.rng = seededRng(config.seed ?? 1);
  }

  current(): FaultConfig {
    return { ...this.config, rules: this.rules.map(({ regex: _r, seen, applied, ...rule }) => ({ ...rule, seen, applied }) as FaultRule) };
  }

  decide(method: string, path: string, nowMs: number): FaultAction {
    let latencyMs = 0;
    if (this.rateLimit) {
      if (nowMs - this.windowStart >= this.rateLimit.windowMs) {
        this.windowStart = nowMs;
        this.windowCount = 0;
      }
      this.windowCount += 1;
      if (this.windowCount > this.rateLimit.limit) {
        const retry = this.rateLimit.retryAfterSeconds ?? Math.max(1, Math.ceil((this.windowStart + this.rateLimit.windowMs - nowMs) / 1000));
        return { kind: 'respond', latencyMs, afterHandler: false, status: 429, headers: { 'retry-after': String(retry) }, body: JSON.stringify({ message: 'Too Many Requests' }), contentType: 'application/json; charset=utf-8' };
      }
    }
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (!rule.regex.test(path)) continue;
      rule.seen += 1;
      if (rule.after !== undefined && rule.seen <= rule.after) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      if (rule.rate !== undefined && this.rng() >= rule.rate) continue;
      rule.applied += 1;
      latencyMs += rule.latencyMs ?? 0;
      const afterHandler = rule.afterHandler === true;
      if (rule.reset) return { kind: 'reset', latencyMs, afterHandler };
      if (rule.answer) return { kind: 'answer', latencyMs, afterHandler: false, answer: rule.answer };
      if (rule.status !== undefined) return { latencyMs, afterHandler, ...respond(rule) };
    }
    return { kind: 'none', latencyMs };
  }
}

/** Sends a fault answer, streaming a repeated body with backpressure; stops when the client goes away. */
export async function sendFaultAnswer(res: ServerResponse, answer: FaultAnswer): Promise<number> {
  const status = answer.status ?? 200;
  const contentType = answer.contentType ?? 'application/json; charset=utf-8';
  const headers: Record<string, string> = contentType === '' ? {} : { 'content-type': contentType };
  if (!answer.repeat) {
    const bytes = Buffer.from(answer.body ?? '', 'utf8');
    res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
    res.end(bytes);
    return status;
  }
  const { head, row, times, tail } = answer.repeat;
  res.writeHead(status, headers);
  const perChunk = Math.max(1, Math.floor(65_536 / Math.max(1, Buffer.byteLength(row))));
  const chunk = row.repeat(perChunk);
  if (!res.write(head) && !res.destroyed) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  for (let sent = 0; sent < times && !res.destroyed; sent += perChunk) {
    const part = sent + perChunk <= times ? chunk : row.repeat(times - sent);
    if (!res.write(part) && !res.destroyed) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  if (!res.destroyed) res.end(tail);
  return status;
}

function respond(rule: FaultRule): Omit<Extract<FaultAction, { kind: 'respond' }>, 'latencyMs' | 'afterHandler'> {
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
  const status = rule.status as number;
  if (rule.html || status === 503 || status === 502 || status === 504) {
    return { kind: 'respond', status, headers, body: status === 429 ? TOO_MANY_HTML : MAINTENANCE_HTML, contentType: 'text/html; charset=utf-8' };
  }
  const message = status === 429 ? 'Too Many Requests' : `Internal Error. Details are available in Magento log file. Report ID: webapi-${Math.floor(Math.random() * 1e12).toString(16)}`;
  return { kind: 'respond', status, headers, body: JSON.stringify({ message }), contentType: 'application/json; charset=utf-8' };
}
