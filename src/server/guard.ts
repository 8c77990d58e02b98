/**
 * The door of the HTTP server: who may talk to the dashboard and its actions at all.
 *
 * The dashboard can retry and skip records and shows buyers' e-mails and VAT IDs, so a page the
 * operator happens to visit must not reach it:
 * - Host: a DNS-rebinding page reaches 127.0.0.1 under its own name (`evil.example`), which the
 *   browser then treats as that page's own origin. Only IP literals, `localhost` and the names
 *   in `server.allowedHosts` are answered; any other Host gets 421.
 * - Origin: a request a browser sends from another site carries that site's Origin (or
 *   `Sec-Fetch-Site: cross-site`); it gets 403 whatever its method. An Origin is the server's own
 *   when its host is the request's Host or one of `server.allowedHosts` (a proxy in front may
 *   rewrite Host to this server's address).
 * - Token: whenever the server listens beyond loopback (or a token is set), every request needs
 *   `Authorization: Bearer <server.token>` or Basic with the token as password (any user name).
 *   Without a token such a server does not start: `assertExposureAllowed` says so in a sentence.
 * - Headers: a Content-Security-Policy built from the page's own inline script and style (their
 *   hashes, so nothing injected runs), `frame-ancestors 'none'` (no clickjacking), nosniff and
 *   no referrer.
 *
 * Routes exempt from the token: `/healthz` and `/readyz` (probes of an orchestrator; they show no
 * record data), and any prefix passed in `tokenExempt` or added later with
 * `app.icsyncGuard.exemptFromToken('/webhooks/')`, for routes that prove the caller in another
 * way (an HMAC signature over the body). Exempt routes still pass the Host and Origin checks and
 * the server's body limit: only the token is waived.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export interface GuardOptions {
  /** The address the server will listen on (server.host or --host). */
  listenHost: string;
  /** server.token: required when listenHost is beyond loopback. */
  token?: string | undefined;
  /** server.allowedHosts: host names (besides IP literals and localhost) the server answers to. */
  allowedHosts?: readonly string[];
  /** Path prefixes that need no token (they must prove the caller themselves). */
  tokenExempt?: readonly string[];
}

export interface GuardHandle {
  /** From now on, paths starting with `prefix` need no token; Host, Origin and size checks still apply. */
  exemptFromToken(prefix: string): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    icsyncGuard: GuardHandle;
  }
}

/** Probes answer without a token: an orchestrator's liveness check rarely carries one, and they show no record data. */
export const DEFAULT_TOKEN_EXEMPT = ['/healthz', '/readyz'] as const;

export class ExposureRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExposureRefusedError';
  }
}

/** True for addresses only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (bare.startsWith('::ffff:')) return isLoopbackHost(bare.slice(7));
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** Refuses a server reachable from other machines with no token: anyone on the network could retry and skip records and read buyers' data. */
export function assertExposureAllowed(listenHost: string, token: string | undefined): void {
  if (isLoopbackHost(listenHost) || (token !== undefined && token !== '')) return;
  throw new ExposureRefusedError(
    `The dashboard would listen on ${listenHost}, which other machines can reach, without a token: set server.token (for example server.token: \${ICSYNC_DASHBOARD_TOKEN}), or keep server.host on 127.0.0.1 and put a proxy with authentication in front.`,
  );
}

/** The host name of a Host header or an Origin, lower-case, without port and brackets. */
function hostName(value: string): string | undefined {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * A policy that lets the page's own script and style files (same origin) and exactly its own
 * inline script and style (by hash) run, nothing from elsewhere.
 */
export function contentSecurityPolicy(html: string): string {
  // Inline bodies only: a `<script src>` loads a file, which 'self' covers.
  const hashes = (tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}(?![^>]*\\ssrc=)(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'gi'))].filter((m) => (m[1] ?? '') !== '').map((m) => sha256(m[1] ?? ''));
  const scripts = hashes('script');
  const styles = hashes('style');
  return [
    "default-src 'none'",
    ["script-src 'self'", ...scripts].join(' '),
    ["style-src 'self'", ...styles].join(' '),
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameSecret(given: string, token: string): boolean {
  // Hash both so that the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** The token a request carries: Bearer, or the password of Basic (the user name is not checked). */
function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

const guard: FastifyPluginAsync<GuardOptions> = async (app: FastifyInstance, options: GuardOptions) => {
  assertExposureAllowed(options.listenHost, options.token);
  const token = options.token !== undefined && options.token !== '' ? options.token : undefined;
  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const exempt = [...DEFAULT_TOKEN_EXEMPT, ...(options.tokenExempt ?? [])];
  app.decorate('icsyncGuard', { exemptFromToken: (prefix: string) => void exempt.push(prefix) } satisfies GuardHandle);

  // An IP literal cannot be rebound to another address; a name can, so names must be listed.
  const hostAllowed = (name: string) => isIP(name) !== 0 || name === 'localhost' || allowedHosts.has(name);

  const refuse = (reply: FastifyReply, code: number, error: string) => reply.code(code).header('cache-control', 'no-store').send({ error });

  app.addHook('onRequest', async (request, reply) => {
    const host = hostName(request.headers.host ?? '');
    if (host === undefined || !hostAllowed(host)) {
      return refuse(reply, 421, `this server does not answer to the host name ${JSON.stringify(request.headers.host ?? '')}; add it to server.allowedHosts if it is yours`);
    }
    const origin = request.headers.origin;
    // Behind a proxy that rewrites Host to this server's address, the page's own Origin is one of the listed names.
    const originHost = origin === undefined || origin === 'null' ? undefined : hostName(origin);
    if (origin !== undefined && origin !== 'null' && originHost !== host && !(originHost !== undefined && allowedHosts.has(originHost))) {
      return refuse(reply, 403, 'requests from another site are refused');
    }
    if (origin === 'null' || request.headers['sec-fetch-site'] === 'cross-site') return refuse(reply, 403, 'requests from another site are refused');
    const path = request.url.split('?', 1)[0] ?? '';
    if (token !== undefined && !exempt.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))) {
      const given = presentedToken(request);
      if (given === undefined || !sameSecret(given, token)) {
        // Basic lets a browser ask the operator for the token (password field; any user name).
        return reply.code(401).header('www-authenticate', 'Basic realm="icsync", charset="UTF-8"').header('cache-control', 'no-store').send({ error: 'this server needs its token (server.token): Authorization: Bearer <token>, or Basic with the token as password' });
      }
    }
    return undefined;
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    const type = String(reply.getHeader('content-type') ?? '');
    reply.header('content-security-policy', type.startsWith('text/html') && typeof payload === 'string' ? contentSecurityPolicy(payload) : "default-src 'none'; frame-ancestors 'none'");
    return payload;
  });
};

/**
 * Registered with `app.register(serverGuard, options)`. Marked to skip Fastify's encapsulation
 * (what the fastify-plugin package does), so its hooks cover every route of the server.
 */
export const serverGuard = Object.assign(guard, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'icsync-guard' });
