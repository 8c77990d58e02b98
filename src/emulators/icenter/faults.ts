/**
 * Injected faults (`PUT /__admin/faults`): per-route latency, 500/503 answers, timeouts (the
 * request is held, then the socket dropped), connection resets, an HTML proxy error page,
 * malformed XML, a lost answer (the request is carried out, then the socket dropped, as when a
 * connection breaks after the server wrote the record) and a write result with a Warning-level
 * error. A rule fires with probability `rate` drawn from a seeded RNG (reproducible), and at most
 * `times` times.
 */
import { makeRng } from './seed-generator.js';

import type { ServerResponse } from 'node:http';
import { once } from 'node:events';

export type FaultKind = 'latency' | 'status' | 'timeout' | 'reset' | 'htmlProxyError' | 'malformedXml' | 'lostAnswer' | 'warning' | 'answer';

const KINDS: readonly FaultKind[] = ['latency', 'status', 'timeout', 'reset', 'htmlProxyError', 'malformedXml', 'lostAnswer', 'warning', 'answer'];

/**
 * For `answer`: what a proxy, a login page or a broken server answers instead of iCenter
 * (before the request is handled). `text` is sent as is; `repeat` streams `head`, then `row`
 * `times` times, then `tail`, without holding the body in memory (a 200 MB answer costs nothing here).
 */
export interface FaultAnswer {
  /** Default 200. */
  status?: number;
  /** Default `application/xml; charset=utf-8`; '' sends no Content-Type. */
  contentType?: string;
  text?: string;
  repeat?: { head: string; row: string; times: number; tail: string };
}

export interface FaultRule {
  /** Case-insensitive substring of the path after `/iCenterAPI/` (e.g. `Order/AddOrder`); omitted or `*` = every route. */
  route?: string;
  method?: string;
  kind: FaultKind;
  /** For `status` (default 500) and `htmlProxyError` (default 502). */
  status?: number;
  /**
   * For `status`: the text of `x-icenter-message` and of the `<Error><Message>` body (default
   * "An error has occurred.", no header). For `warning`: the warning's message.
   */
  message?: string;
  /** For `status`: `none` answers with headers only (503 always does). Default `error`. */
  body?: 'error' | 'none';
  /** For `latency`: added delay. */
  latencyMs?: number;
  /** For `timeout`: how long the request is held before the socket is dropped (default 120 s). */
  timeoutMs?: number;
  /** For `answer`: the answer sent instead of iCenter's. */
  answer?: FaultAnswer;
  /** 0..1, default 1. */
  rate?: number;
  /** Fire at most this many more times; omitted = unlimited. */
  times?: number;
}

export interface FaultConfig {
  /** RNG seed for `rate`; default 1. */
  seed?: number;
  rules: FaultRule[];
}

export interface FaultDecision {
  delayMs: number;
  fault?: FaultRule;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private rng = makeRng(1);

  configure(config: FaultConfig | FaultRule[]): void {
    const c = Array.isArray(config) ? { rules: config } : config;
    for (const r of c.rules) {
      if (!KINDS.includes(r.kind)) throw new Error(`unknown fault kind ${String(r.kind)}; known: ${KINDS.join(', ')}`);
    }
    this.rules = c.rules.map((r) => ({ ...r }));
    this.rng = makeRng(c.seed ?? 1);
  }

  current(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  decide(method: string, route: string): FaultDecision {
    let delayMs = 0;
    const lowerRoute = route.toLowerCase();
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.route && rule.route !== '*' && !lowerRoute.includes(rule.route.toLowerCase())) continue;
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

export const HTML_PROXY_ERROR = `<!DOCTYPE html>
<html><head><title>502 - Web server received an invalid response while acting as a gateway or proxy server.</title></head>
<body><div id="header"><h1>Server Error</h1></div>
<div id="content"><fieldset><h2>502 - Web server received an invalid response while acting as a gateway or proxy server.</h2>
<h3>There is a problem with the page you are looking for, and it cannot be displayed. When the Web server (while acting as a gateway or proxy) contacted the upstream content server, it received an invalid response from the content server.</h3>
</fieldset></div></body></html>`;

/** Sends a fault `answer`, streaming a repeated body chunk by chunk with backpressure; stops when the client goes away. */
export async function sendFaultAnswer(res: ServerResponse, answer: FaultAnswer): Promise<number> {
  const status = answer.status ?? 200;
  const contentType = answer.contentType ?? 'application/xml; charset=utf-8';
  const headers: Record<string, string> = contentType === '' ? {} : { 'content-type': contentType };
  if (!answer.repeat) {
    const bytes = Buffer.from(answer.text ?? '', 'utf8');
    res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
    res.end(bytes);
    return status;
  }
  const { head, row, times, tail } = answer.repeat;
  res.writeHead(status, headers);
  // Rows go out in chunks of about 64 KiB.
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

/** Cuts a well-formed document in the middle of an element, as a dropped proxy stream would. */
export function malform(xml: string): string {
  return xml.slice(0, Math.max(40, Math.floor(xml.length / 2))) + '<Broken';
}
