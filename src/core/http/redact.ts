/**
 * What a request looks like in a log line: headers and query parameters that carry
 * credentials are censored by name; known secret values are scrubbed wherever they are.
 */
import { redactSecrets } from '../errors.js';

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token']);
const SECRET_QUERY = /pass|secret|token|signature|key|auth|session/i;
const CENSOR = '[REDACTED]';

export function redactHeaders(headers: Record<string, string | string[] | undefined>, secrets: readonly string[] = []): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    result[name] = SECRET_HEADERS.has(name.toLowerCase()) ? CENSOR : redactSecrets(text, secrets);
  }
  return result;
}

/** A path with query (`/V1/orders?searchCriteria…&token=…`) with secret-looking parameters censored. */
export function redactPathAndQuery(pathAndQuery: string, secrets: readonly string[] = []): string {
  const at = pathAndQuery.indexOf('?');
  if (at < 0) return redactSecrets(pathAndQuery, secrets);
  const params = pathAndQuery
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && SECRET_QUERY.test(decodeURIComponentSafe(name)) ? `${name}=${CENSOR}` : pair;
    });
  return redactSecrets(`${pathAndQuery.slice(0, at)}?${params.join('&')}`, secrets);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
