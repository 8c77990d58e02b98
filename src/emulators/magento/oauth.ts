/**
 * OAuth 1.0a verification of integration requests, as Magento's server does it.
 * - 2.4.8 (`Oauth/Helper/Signature/Hmac`): query parsed like parse_str, flat bracket keys kept,
 *   pairs sorted by byte order — i.e. RFC 5849.
 * - 2.3 … 2.4.7 (laminas-oauth AbstractSignature): query split on `&` then `=`; a pair that does
 *   not split into exactly two parts is dropped; keys sorted with PHP strnatcmp.
 * The JSON body is never part of the signature.
 */
import { createHmac } from 'node:crypto';
import { MagentoHttpError, aggregatedInputErrors, fieldRequired } from './errors.js';
import { splitQuery } from './query.js';
import { byteCompare, rawUrlDecode, rawUrlEncode, strnatcmp, urlDecode } from './util.js';

export type OauthAlgorithm = 'rfc5849' | 'laminas';

export interface SignatureInput {
  method: string;
  /** Full URL as the server sees it: scheme://host[:port]/path?query */
  url: string;
  /** oauth_* parameters from the header, without oauth_signature. */
  oauthParams: Record<string, string>;
  consumerSecret: string;
  tokenSecret: string;
  algorithm: OauthAlgorithm;
  signatureMethod?: 'HMAC-SHA256' | 'HMAC-SHA1';
}

function normalizedBaseUrl(url: URL): string {
  const scheme = url.protocol.replace(':', '').toLowerCase();
  const defaultPort = (scheme === 'http' && url.port === '80') || (scheme === 'https' && url.port === '443');
  const port = url.port === '' || defaultPort ? '' : `:${url.port}`;
  return `${scheme}://${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

function queryPairs(search: string, algorithm: OauthAlgorithm): Array<[string, string]> {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (algorithm === 'laminas') {
    const pairs: Array<[string, string]> = [];
    for (const part of query.split('&')) {
      const pieces = part.split('=');
      if (pieces.length !== 2) continue;
      pairs.push([urlDecode(pieces[0] as string), urlDecode(pieces[1] as string)]);
    }
    return pairs;
  }
  // parse_str semantics for flat keys: a later duplicate replaces an earlier one.
  const byKey = new Map<string, string>();
  for (const { rawKey, rawValue } of splitQuery(query)) byKey.set(urlDecode(rawKey), rawValue === undefined ? '' : urlDecode(rawValue));
  return [...byKey.entries()];
}

export function signatureBaseString(input: Omit<SignatureInput, 'consumerSecret' | 'tokenSecret'>): string {
  const url = new URL(input.url);
  const pairs = [...Object.entries(input.oauthParams).filter(([k]) => k !== 'oauth_signature'), ...queryPairs(url.search, input.algorithm)]
    .map(([k, v]) => [rawUrlEncode(k), rawUrlEncode(v)] as [string, string]);
  const keyCompare = input.algorithm === 'laminas' ? strnatcmp : byteCompare;
  pairs.sort((a, b) => keyCompare(a[0], b[0]) || byteCompare(a[1], b[1]));
  const params = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return [input.method.toUpperCase(), rawUrlEncode(normalizedBaseUrl(url)), rawUrlEncode(params)].join('&');
}

export function computeSignature(input: SignatureInput): string {
  const key = `${rawUrlEncode(input.consumerSecret)}&${rawUrlEncode(input.tokenSecret)}`;
  const hash = input.signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  return createHmac(hash, key).update(signatureBaseString(input)).digest('base64');
}

/** Parses `Authorization: OAuth k="v", …` like Magento: names and values rawurldecoded. */
export function parseOauthHeader(header: string): Record<string, string> | undefined {
  const at = header.toLowerCase().indexOf('oauth ');
  if (at < 0) return undefined;
  const params: Record<string, string> = {};
  for (const part of header.slice(at + 6).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    // rawurldecode never fails: a malformed escape stays as it is and the request fails its checks (401/400), not the server.
    const name = rawUrlDecode(part.slice(0, eq).trim());
    const value = rawUrlDecode(part.slice(eq + 1).trim().replace(/^"|"$/g, ''));
    if (name.startsWith('oauth_')) params[name] = value;
  }
  return params;
}

export interface OauthCredentialsLookup {
  consumerSecret(consumerKey: string): string | undefined;
  tokenSecret(consumerKey: string, token: string): string | undefined;
}

export interface OauthVerifyOptions {
  algorithm: OauthAlgorithm;
  supportedMethods: ReadonlyArray<string>;
  nowSeconds: number;
  /** Returns false when the nonce was already used by this consumer (and records it otherwise). */
  useNonce(consumerKey: string, nonce: string): boolean;
}

const REQUIRED = ['oauth_consumer_key', 'oauth_signature', 'oauth_signature_method', 'oauth_nonce', 'oauth_timestamp', 'oauth_token'];

const unauthorized = (message: string, parameters?: unknown[]): MagentoHttpError =>
  new MagentoHttpError(401, parameters ? { message, parameters } : { message });

/** Verifies a request and returns the consumer key; throws Magento's 400/401 otherwise. */
export function verifyOauth(
  method: string,
  url: string,
  params: Record<string, string>,
  lookup: OauthCredentialsLookup,
  options: OauthVerifyOptions,
): string {
  const missing = REQUIRED.filter((name) => !params[name]);
  if (missing.length > 0) throw aggregatedInputErrors(missing.map(fieldRequired));
  if (params.oauth_version !== undefined && params.oauth_version !== '1.0') {
    throw new MagentoHttpError(400, { message: 'OAuth version %1 is not supported', parameters: [params.oauth_version] });
  }
  const signatureMethod = params.oauth_signature_method as string;
  if (!options.supportedMethods.includes(signatureMethod)) {
    throw new MagentoHttpError(400, { message: 'Signature method %1 is not supported', parameters: [signatureMethod] });
  }
  const consumerKey = params.oauth_consumer_key as string;
  const consumerSecret = lookup.consumerSecret(consumerKey);
  if (consumerSecret === undefined) throw unauthorized('A consumer having the specified key does not exist');
  const timestamp = Number(params.oauth_timestamp);
  if (!Number.isInteger(timestamp) || timestamp <= 0 || timestamp > options.nowSeconds + 600) {
    throw unauthorized('Incorrect timestamp value in the oauth_timestamp parameter');
  }
  // Nonce and timestamp are checked with the protocol parameters, before the signature
  // (Nonce/Generator::validateNonce): even a wrongly signed request uses up its nonce.
  if (!options.useNonce(consumerKey, params.oauth_nonce as string)) {
    throw unauthorized('The nonce is already being used by the consumer with ID %1', [1]);
  }
  const tokenSecret = lookup.tokenSecret(consumerKey, params.oauth_token as string);
  if (tokenSecret === undefined) throw unauthorized('The specified token is invalid');
  const expected = computeSignature({
    method,
    url,
    oauthParams: params,
    consumerSecret,
    tokenSecret,
    algorithm: options.algorithm,
    signatureMethod: signatureMethod as 'HMAC-SHA256' | 'HMAC-SHA1',
  });
  if (expected !== params.oauth_signature) throw unauthorized('The signature is invalid. Verify and try again.');
  return consumerKey;
}
