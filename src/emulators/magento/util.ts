/** Small helpers shared by the Magento emulator modules (PHP-compatible encodings, dates, RNG). */
import { randomBytes } from 'node:crypto';

/** Magento prints dates as `YYYY-MM-DD HH:MM:SS` in UTC, without a zone marker. */
export function magentoDate(at: Date = new Date()): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** PHP rawurlencode: RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
export function rawUrlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** PHP urldecode: `+` is a space, invalid escapes are kept as they are. */
export function urlDecode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** PHP rawurldecode: `%XX` escapes decoded, `+` kept, invalid escapes kept as they are (never throws). */
export function rawUrlDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** PHP strnatcmp: digit runs compare as numbers ("[2]" before "[10]"). */
export function strnatcmp(a: string, b: string): number {
  const chunk = /(\d+|\D+)/g;
  const ca = a.match(chunk) ?? [];
  const cb = b.match(chunk) ?? [];
  for (let i = 0; i < Math.min(ca.length, cb.length); i += 1) {
    const x = ca[i] as string;
    const y = cb[i] as string;
    if (x === y) continue;
    const xd = /^\d/.test(x);
    const yd = /^\d/.test(y);
    if (xd && yd) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff < 0 ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return ca.length - cb.length;
}

export const byteCompare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** snake_case for Magento input keys given in camelCase (`conditionType` → `condition_type`). */
export function toSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Magento names unknown fields in CamelCase in its error (`foo_bar` → `FooBar`). */
export function toCamelUpper(key: string): string {
  return key.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** Deterministic RNG (mulberry32) so seeds and fault rates repeat run after run. */
export function seededRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomToken(length = 32): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}
