/**
 * Which settings are secret. A connector marks a field secret by building it with `secret()`
 * (src/core/settings.ts), which records the schema in `secretSettings`; this module walks the
 * config schema alongside a value and finds every such field, so that adding a secret to a
 * connector needs no list kept here.
 */
import type { z } from 'zod';
import { secretSettings } from '../core/settings.js';
import { configSchema, type Config } from './schema.js';

export type SettingPath = (string | number)[];

type AnySchema = z.core.$ZodType;

/** The final value of every secret field of a loaded configuration, whatever its source (inline, ${ENV}, ${file:}). */
export function secretValues(config: Config): string[] {
  const values = secretFields(configSchema, config).map((field) => field.value);
  // store.url is not secret as a whole (a SQLite path is worth logging), but the password of a
  // postgres://user:password@host URL is.
  values.push(urlPassword(config.store.url));
  return [...new Set(values.filter((value): value is string => typeof value === 'string' && value !== ''))];
}

function urlPassword(text: string): string | undefined {
  try {
    const password = new URL(text).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** Every field of `value` whose schema is a secret, with its path; `value` may be unvalidated input. */
export function secretFields(schema: AnySchema, value: unknown): { path: SettingPath; value: unknown }[] {
  const found: { path: SettingPath; value: unknown }[] = [];
  const seen = new Set<string>();
  const visit = (node: AnySchema, at: unknown, path: SettingPath, depth: number): void => {
    if (depth > 64 || at === undefined) return;
    // `get` rather than `has`: a secret later given a description (.describe clones the schema)
    // inherits the mark through its parent.
    if (secretSettings.get(node) !== undefined) {
      const key = JSON.stringify(path);
      if (!seen.has(key)) {
        seen.add(key);
        found.push({ path, value: at });
      }
      return;
    }
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    const next = (child: unknown, childAt: unknown, childPath: SettingPath) => visit(child as AnySchema, childAt, childPath, depth + 1);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        return next(def.innerType, at, path);
      case 'pipe':
        next(def.in, at, path);
        return next(def.out, at, path);
      case 'lazy':
        return next((def.getter as () => unknown)(), at, path);
      case 'intersection':
        next(def.left, at, path);
        return next(def.right, at, path);
      case 'object': {
        if (!isRecord(at)) return;
        const shape = def.shape as Record<string, unknown>;
        for (const [key, child] of Object.entries(shape)) next(child, at[key], [...path, key]);
        return;
      }
      case 'record': {
        if (!isRecord(at)) return;
        for (const [key, item] of Object.entries(at)) next(def.valueType, item, [...path, key]);
        return;
      }
      case 'array': {
        if (!Array.isArray(at)) return;
        at.forEach((item, index) => next(def.element, item, [...path, index]));
        return;
      }
      case 'union': {
        const options = def.options as AnySchema[];
        const discriminator = def.discriminator as string | undefined;
        // A discriminated union: only the branch the value names, so a field that is secret in
        // one branch does not make the same name secret in another. A plain union: every branch
        // (erring towards secret).
        // A value that names no branch (a misspelt kind) gets every branch too.
        const named =
          discriminator !== undefined && isRecord(at)
            ? options.filter((option) => option._zod.propValues?.[discriminator]?.has(at[discriminator] as never))
            : [];
        for (const option of named.length > 0 ? named : options) next(option, at, path);
        return;
      }
      default:
        return;
    }
  };
  visit(schema, value, [], 0);
  return found;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
