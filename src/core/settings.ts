/**
 * Building blocks for settings schemas (zod), shared by the config layer and by each
 * connector's own settings section. Each one accepts the forms a person writes in YAML or
 * an environment variable delivers (always text) and says what it expects in plain words.
 */
import { z } from 'zod';
import { dec, type Decimal } from './decimal.js';

/** A whole number; accepts "42" as text too, because `${ENV}` values are always text. */
export const wholeNumber = (what = 'a whole number') =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }),
  );

export const positiveWholeNumber = (what = 'a whole number above 0') => wholeNumber(what).pipe(z.number().min(1, { error: `expected ${what}` }));

/** A decimal amount written as text or a number (`0.05`), kept exact. */
export const decimalText = (what = 'a decimal number such as 0.05') =>
  z.union([z.string(), z.number()], { error: `expected ${what}` }).transform((value, ctx): Decimal => {
    try {
      return dec(typeof value === 'number' ? String(value) : value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected ${what}` });
      return z.NEVER;
    }
  });

/** true/false, also as text ("true", "yes", "1"). */
export const flag = () =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(text)) return true;
    if (['false', 'no', 'off', '0'].includes(text)) return false;
    return value;
  }, z.boolean({ error: 'expected true or false' }));

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration written as `500ms`, `30s`, `15m`, `2h`, `1d` (or a number of milliseconds); parsed to milliseconds. */
export const duration = () =>
  z.union([z.string(), z.number()], { error: 'expected a duration such as 30s, 15m or 2h' }).transform((value, ctx) => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    const match = typeof value === 'string' ? DURATION.exec(value) : null;
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 15m or 2h' });
      return z.NEVER;
    }
    return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  });

/** A URL with http or https. */
export const httpUrl = () =>
  z.string({ error: 'expected a URL such as https://host:8383/iCenterAPI' }).refine((value) => /^https?:\/\/[^\s/]+/.test(value), {
    error: 'expected a URL starting with http:// or https://',
  });

/**
 * Settings built with `secret()`. The config layer finds secret fields through it (to keep
 * their values out of logs and error messages), so a connector needs no separate list.
 */
export const secretSettings = z.registry<{ what: string }>();

/** A secret: required to be non-empty; use ${ENV_VAR} or ${file:/path} rather than writing it inline. */
export const secret = (what = 'a secret') => {
  const schema = z.string({ error: `expected ${what} (use \${ENV_VAR} or \${file:/path})` }).min(1, { error: `expected ${what}, got an empty value` });
  secretSettings.add(schema, { what });
  return schema;
};
