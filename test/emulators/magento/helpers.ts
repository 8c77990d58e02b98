/** Test-only HTTP + OAuth 1.0a client for the Magento emulator (deliberately not the connector's). */
import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';
import { startMagentoEmulator, type MagentoEmulator, type MagentoEmulatorOptions } from '../../../src/emulators/magento/index.js';

const enc = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** RFC 5849 HMAC-SHA256 signature over method, base URL and oauth + query parameters. */
export function rfcSignature(method: string, url: string, oauth: Record<string, string>, consumerSecret: string, tokenSecret: string, hash: 'sha256' | 'sha1' = 'sha256'): string {
  const u = new URL(url);
  const pairs: Array<[string, string]> = Object.entries(oauth);
  for (const part of u.search.slice(1).split('&').filter(Boolean)) {
    const at = part.indexOf('=');
    const k = at < 0 ? part : part.slice(0, at);
    const v = at < 0 ? '' : part.slice(at + 1);
    pairs.push([decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))]);
  }
  const params = pairs.map(([k, v]) => [enc(k), enc(v)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
  const port = u.port && !((u.protocol === 'https:' && u.port === '443') || (u.protocol === 'http:' && u.port === '80')) ? `:${u.port}` : '';
  const base = `${method.toUpperCase()}&${enc(`${u.protocol}//${u.hostname}${port}${u.pathname}`)}&${enc(params)}`;
  return createHmac(hash, `${enc(consumerSecret)}&${enc(tokenSecret)}`).update(base).digest('base64');
}

export interface SignOptions {
  tamper?: boolean;
  nonce?: string;
  method?: 'HMAC-SHA256' | 'HMAC-SHA1';
  timestamp?: number;
}

export function oauthHeader(em: MagentoEmulator, method: string, url: string, options: SignOptions = {}): string {
  const c = em.credentials;
  const params: Record<string, string> = {
    oauth_consumer_key: c.consumerKey, oauth_token: c.accessToken, oauth_signature_method: options.method ?? 'HMAC-SHA256',
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)), oauth_nonce: options.nonce ?? randomBytes(12).toString('hex'), oauth_version: '1.0',
  };
  let signature = rfcSignature(method, url, params, c.consumerSecret, c.accessTokenSecret, options.method === 'HMAC-SHA1' ? 'sha1' : 'sha256');
  if (options.tamper) signature = `A${signature.slice(1)}` === signature ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
  return `OAuth ${Object.entries({ ...params, oauth_signature: signature }).map(([k, v]) => `${k}="${enc(v)}"`).join(', ')}`;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

export type AuthMode = 'oauth' | 'none' | { bearer: string } | { oauth: SignOptions };

/** Calls `${baseUrl}${path}`; `path` includes `/rest/...` and the raw query string. */
export async function call(em: MagentoEmulator, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, auth: AuthMode = 'oauth'): Promise<Reply> {
  const url = `${em.baseUrl}${path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (auth === 'oauth') headers.authorization = oauthHeader(em, method, url);
  else if (typeof auth === 'object' && 'bearer' in auth) headers.authorization = `Bearer ${auth.bearer}`;
  else if (typeof auth === 'object' && 'oauth' in auth) headers.authorization = oauthHeader(em, method, url, auth.oauth);
  const res = await request(url, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  const text = await res.body.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // HTML fault pages stay text.
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, text };
}

export async function admin(em: MagentoEmulator, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<Reply> {
  return call(em, method, `/__admin${path}`, body, 'none');
}

export function start(options: MagentoEmulatorOptions = {}): Promise<MagentoEmulator> {
  return startMagentoEmulator({ port: 0, ...options });
}

/** searchCriteria query string with RFC 3986 encoding (brackets encoded). */
export function criteria(groups: Array<Array<[string, string, string]>>, extra: Record<string, string | number> = {}): string {
  const parts: string[] = [];
  groups.forEach((filters, g) => filters.forEach(([field, value, condition], f) => {
    const base = `searchCriteria[filter_groups][${g}][filters][${f}]`;
    parts.push(`${enc(`${base}[field]`)}=${enc(field)}`, `${enc(`${base}[value]`)}=${enc(value)}`, `${enc(`${base}[condition_type]`)}=${enc(condition)}`);
  }));
  for (const [k, v] of Object.entries(extra)) parts.push(`${enc(`searchCriteria[${k}]`)}=${enc(String(v))}`);
  return parts.length === 0 ? 'searchCriteria=' : parts.join('&');
}
