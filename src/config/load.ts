/**
 * Reading icsync.yaml: YAML → ${…} interpolation → validation. A bad file fails with
 * every problem listed, each naming its path and what is expected, e.g.
 * `erp.icenter.organisationId: expected a whole number, got "abc"`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { interpolate } from './interpolate.js';
import { configSchema, type Config } from './schema.js';
import { secretFields, secretValues, type SettingPath } from './secrets.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`The configuration in ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  file: string;
  config: Config;
  /** The value of every secret field (passwords, keys, tokens), wherever it came from: the logger scrubs them from every line. */
  secrets: string[];
}

/** Where the config file is: --config, then ICSYNC_CONFIG, then ./icsync.yaml. An empty one counts as not given. */
export function resolveConfigPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag || env.ICSYNC_CONFIG || 'icsync.yaml');
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (!existsSync(file)) {
    throw new ConfigError(file, [`the file does not exist (give its path with --config or ICSYNC_CONFIG; icsync.example.yaml shows every section)`]);
  }
  return parseConfigText(readFileSync(file, 'utf8'), file, env);
}

/** `file` names the file in messages; relative `${file:…}` paths start from its folder (the working folder for `<inline>`). */
export function parseConfigText(text: string, file = '<inline>', env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(file, document.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`));
  }
  const raw: unknown = document.toJS() ?? {};
  const baseDir = file === '<inline>' ? process.cwd() : dirname(resolve(file));
  const { value, problems, interpolated } = interpolate(raw, env, baseDir);
  const messages = problems.map((p) => `${p.path}: ${p.message}`);
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    // A value whose variable or file is missing is already reported above; its empty stand-in
    // failing validation too would say the same thing twice.
    const issues = parsed.error.issues.filter((issue) => !problems.some((p) => startsWith(issue.path, p.at)));
    const hidden: HiddenValues = new Map();
    for (const field of secretFields(configSchema, value)) hidden.set(key(field.path), 'a secret setting, not shown');
    for (const { at, sources } of interpolated) hidden.set(key(at), `the value of ${sources.join(' and ')}, not shown`);
    messages.push(...formatIssues(issues, value, hidden));
  }
  if (messages.length > 0) throw new ConfigError(file, messages);
  const config = parsed.data as Config;
  return { file, config, secrets: secretValues(config) };
}

/**
 * Values `formatIssues` must not print, by path (`key(path)`), with what to say instead. Values
 * from variables and files are never printed, secret or not: the audit case is a password
 * variable named in the wrong setting (`baseUrl: ${ICENTER_PASSWORD}`).
 */
export type HiddenValues = Map<string, string>;

const key = (path: readonly PropertyKey[]): string => JSON.stringify(path.map((part) => (typeof part === 'number' ? part : String(part))));

const startsWith = (path: readonly PropertyKey[], prefix: SettingPath): boolean =>
  prefix.length <= path.length && prefix.every((part, index) => String(path[index]) === String(part));

export function formatIssues(issues: z.core.$ZodIssue[], input: unknown, hidden: HiddenValues = new Map()): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0 && issue.message.startsWith('Invalid input')) {
      // Report the branch that got furthest rather than a bare "invalid input".
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      return formatIssues(best.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] })), input, hidden);
    }
    const path = issue.path.map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${path === '(top level)' ? key : `${path}.${key}`}: is not a setting icsync knows (misspelt?)`);
    }
    const got = valueAt(input, issue.path);
    const message = cleanMessage(issue.message);
    // A message that already says what it got ("got an empty value") is not given a second "got".
    const ending = message.includes('got') ? '' : got === undefined ? ', but it is missing' : `, got ${shown(got, issue.path, hidden)}`;
    return [`${path}: ${message}${ending}`];
  });
}

/** `got` as printed: hidden values (secret, or from a variable or file) replaced by what they are. */
function shown(got: unknown, path: readonly PropertyKey[], hidden: HiddenValues): string {
  const self = hidden.get(key(path));
  if (self !== undefined) return self;
  if (hidden.size === 0 || got === null || typeof got !== 'object') return JSON.stringify(got);
  const mask = (node: unknown, at: readonly PropertyKey[]): unknown => {
    const instead = hidden.get(key(at));
    if (instead !== undefined) return `[${instead}]`;
    if (Array.isArray(node)) return node.map((item, index) => mask(item, [...at, index]));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, child]) => [k, mask(child, [...at, k])]));
    return node;
  };
  return JSON.stringify(mask(got, path));
}

function depth(issues: z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function cleanMessage(message: string): string {
  return message
    .replace(/^Invalid input: /, '')
    .replace(/, received \w+$/, '')
    .replace(/^Invalid option: /, '');
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
