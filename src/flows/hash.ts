/**
 * Content hashes for change detection: a record is written only when the hash of what the
 * target should hold differs from the hash last written. Keys are sorted so that the same
 * content always gives the same hash, whatever order a mapper built the object in.
 */
import { createHash } from 'node:crypto';

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = stable(v);
    }
    return out;
  }
  return value;
}

export function contentHash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(stable(value))).digest('base64url');
}
