/**
 * OAuth 1.0a request signing as Magento 2.4.4+ verifies it (docs/contracts/magento.md#oauth-10a-signing): HMAC-SHA256,
 * RFC 5849 base string with RFC 3986 encoding, query parameters signed, JSON body never.
 * Callers keep filter indexes below 10 and always send `searchCriteria=` or a real criterion:
 * then the same signature verifies on 2.4.4–2.4.7 (natural sort) and 2.4.8 (byte sort).
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface OauthCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

/** RFC 3986 percent-encoding: everything but unreserved characters (`A-Z a-z 0-9 - . _ ~`). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes one query component the way PHP does (`+` is a space). */
function decodeComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** scheme://host[:port]/path, the port only when it is not the scheme's default. */
export function signatureBaseUrl(url: URL): string {
  const defaultPort = (url.protocol === 'https:' && url.port === '443') || (url.protocol === 'http:' && url.port === '80');
  const port = url.port && !defaultPort ? `:${url.port}` : '';
  return `${url.protocol}//${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

export function signatureBaseString(method: string, url: string, oauthParams: Record<string, string>): string {
  const parsed = new URL(url);
  const pairs: [string, string][] = Object.entries(oauthParams).filter(([key]) => key !== 'oauth_signature');
  for (const part of parsed.search.slice(1).split('&')) {
    if (part === '') continue;
    const at = part.indexOf('=');
    pairs.push(at < 0 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, at)), decodeComponent(part.slice(at + 1))]);
  }
  const normalized = pairs
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort((a, b) => (a[0] === b[0] ? compareBytes(a[1], b[1]) : compareBytes(a[0], b[0])))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  return `${method.toUpperCase()}&${rfc3986(signatureBaseUrl(parsed))}&${rfc3986(normalized)}`;
}

const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function hmacSha256Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha256', `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`).update(baseString).digest('base64');
}

export interface SignOptions {
  /** Fixed values for golden-vector tests; fresh ones otherwise (Magento refuses a reused nonce). */
  nonce?: string;
  timestamp?: number;
}

/** The oauth_* parameters of one request, signature included. */
export function oauthParameters(method: string, url: string, credentials: OauthCredentials, options: SignOptions = {}): Record<string, string> {
  const params: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_token: credentials.accessToken,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_nonce: options.nonce ?? randomBytes(16).toString('hex'),
    oauth_version: '1.0',
  };
  params.oauth_signature = hmacSha256Signature(signatureBaseString(method, url, params), credentials.consumerSecret, credentials.accessTokenSecret);
  return params;
}

/** The `Authorization: OAuth …` header value for one request. */
export function oauthAuthorization(method: string, url: string, credentials: OauthCredentials, options: SignOptions = {}): string {
  const params = oauthParameters(method, url, credentials, options);
  return `OAuth ${Object.entries(params)
    .map(([key, value]) => `${rfc3986(key)}="${rfc3986(value)}"`)
    .join(', ')}`;
}
