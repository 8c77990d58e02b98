/**
 * `${ENV_VAR}` and `${file:/path}` in configuration values, so secrets never have to be
 * written into the YAML file. `${ENV_VAR:-default}` gives a default. `$${...}` is a literal.
 * A relative `${file:…}` path is read from the configuration file's folder, so the same file
 * works whatever folder icsync is started from.
 * Interpolation runs on parsed string values (not on raw YAML text), so a secret full of
 * quotes or colons cannot break the document.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SettingPath } from './secrets.js';

export interface InterpolationProblem {
  /** Printable, e.g. `flows.orders.statuses[0]`. */
  path: string;
  at: SettingPath;
  message: string;
}

/** A value that holds text from the environment or a file: error messages name the source instead of showing it. */
export interface InterpolatedValue {
  at: SettingPath;
  /** What the value was built from, as written: `${ICENTER_PASSWORD}`, `${file:/run/secrets/x}`. */
  sources: string[];
}

export interface InterpolationResult {
  value: unknown;
  problems: InterpolationProblem[];
  interpolated: InterpolatedValue[];
}

const PATTERN = /\$(\$)?\{([^}]*)\}/g;

/** `baseDir`: where relative `${file:…}` paths start (the configuration file's folder). */
export function interpolate(input: unknown, env: NodeJS.ProcessEnv = process.env, baseDir: string = process.cwd()): InterpolationResult {
  const problems: InterpolationProblem[] = [];
  const interpolated: InterpolatedValue[] = [];

  const replaceIn = (text: string, at: SettingPath): string => {
    const path = printable(at);
    const sources: string[] = [];
    const result = text.replace(PATTERN, (whole, escaped: string | undefined, body: string) => {
      if (escaped) return whole.slice(1);
      if (body.startsWith('file:')) {
        const file = body.slice('file:'.length).trim();
        try {
          const content = readFileSync(resolve(baseDir, file), 'utf8').replace(/\r?\n$/, '');
          sources.push(whole);
          return content;
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : `it cannot be read (${(error as Error).message})`;
          const where = resolve(baseDir, file) === file ? '' : ` (${resolve(baseDir, file)})`;
          problems.push({ path, at, message: `refers to \${file:${file}}${where}, but ${reason}` });
          return '';
        }
      }
      const [name, fallback] = splitDefault(body);
      const value = env[name];
      if (value !== undefined && value !== '') {
        sources.push(whole);
        return value;
      }
      if (fallback !== undefined) return fallback;
      problems.push({ path, at, message: `refers to the environment variable ${name}, which is not set` });
      return '';
    });
    if (sources.length > 0) interpolated.push({ at, sources });
    return result;
  };

  const walk = (node: unknown, at: SettingPath): unknown => {
    if (typeof node === 'string') return replaceIn(node, at);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...at, index]));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, [...at, key])]));
    }
    return node;
  };

  return { value: walk(input, []), problems, interpolated };
}

function printable(at: SettingPath): string {
  return at.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

function splitDefault(body: string): [string, string | undefined] {
  const at = body.indexOf(':-');
  return at === -1 ? [body.trim(), undefined] : [body.slice(0, at).trim(), body.slice(at + 2)];
}
