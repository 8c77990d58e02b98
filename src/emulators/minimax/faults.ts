/**
 * Injected faults (`PUT /__admin/faults`): latency, an error status, a held request (timeout),
 * a reset connection, an HTML proxy page, and a lost answer (the request is carried out, then
 * the socket is dropped: a create that happened although the client never heard of it).
 * A rule fires with probability `rate` from a seeded RNG, and at most `times` times.
 */
import { makeRng } from './seed.js';

export type FaultKind = 'latency' | 'status' | 'timeout' | 'reset' | 'htmlProxyError' | 'lostAnswer';
const KINDS: readonly FaultKind[] = ['latency', 'status', 'timeout', 'reset', 'htmlProxyError', 'lostAnswer'];

export interface FaultRule {
  /** Case-insensitive substring of the path after `/API/` (e.g. `orgs/1/orders`), or of `AUT/oauth20/token`; omitted or `*` = every route. */
  route?: string;
  method?: string;
  kind: FaultKind;
  /** For `status` (default 500) and `htmlProxyError` (default 502). */
  status?: number;
  message?: string;
  latencyMs?: number;
  timeoutMs?: number;
  rate?: number;
  times?: number;
}

export interface FaultConfig {
  seed?: number;
  rules: FaultRule[];
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private rng = makeRng(1);

  configure(config: FaultConfig | FaultRule[]): void {
    const c = Array.isArray(config) ? { rules: config } : config;
    for (const r of c.rules) if (!KINDS.includes(r.kind)) throw new Error(`unknown fault kind ${String(r.kind)}; known: ${KINDS.join(', ')}`);
    this.rules = c.rules.map((r) => ({ ...r }));
    this.rng = makeRng(c.seed ?? 1);
  }

  current(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  decide(method: string, route: string): { delayMs: number; fault?: FaultRule } {
    let delayMs = 0;
    const lower = route.toLowerCase();
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.route && rule.route !== '*' && !lower.includes(rule.route.toLowerCase())) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      if (this.rng() >= (rule.rate ?? 1)) continue;
      if (rule.times !== undefined) rule.times -= 1;
      if (rule.kind === 'latency') {
        delayMs += rule.latencyMs ?? 0;
        continue;
      }
      return { delayMs, fault: rule };
    }
    return { delayMs };
  }
}

export const HTML_PROXY_ERROR = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>`;
