/**
 * Reading icsync.yaml: YAML → ${…} interpolation → validation. A bad file fails with
 * every problem listed, each naming its path and what is expected, e.g.
 * `erp.icenter.organisationId: expected a whole number, got "abc"`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { interpolate } from './interpolate.js';
import { configSchema, type Config } from './schema.js';

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
  /** Values that came from ${ENV} or ${file:}: the logger scrubs them from every line. */
  secrets: string[];
}

/** Where the config file is: --config, then ICSYNC_CONFIG, then ./icsync.yaml. */
export function resolveConfigPath(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.ICSYNC_CONFIG ?? 'icsync.yaml');
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (!existsSync(file)) {
    throw new ConfigError(file, [`the file does not exist (give its path with --config or ICSYNC_CONFIG; icsync.example.yaml shows every section)`]);
  }
  return parseConfigText(readFileSync(file, 'utf8'), file, env);
}

export function parseConfigText(text: string, file = '<inline>', env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(file, document.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}`));
  }
  const raw: unknown = document.toJS() ?? {};
  const { value, problems, secrets } = interpolate(raw, env);
  const messages = problems.map((p) => `${p.path}: ${p.message}`);
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) messages.push(...formatIssues(parsed.error.issues, value));
  if (messages.length > 0) throw new ConfigError(file, messages);
  return { file, config: parsed.data as Config, secrets };
}

export function formatIssues(issues: z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'invalid_union' && 'errors' in issue && issue.errors.length > 0 && issue.message.startsWith('Invalid input')) {
      // Report the branch that got furthest rather than a bare "invalid input".
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      return formatIssues(best.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] })), input);
    }
    const path = issue.path.map(String).join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${path === '(top level)' ? key : `${path}.${key}`}: is not a setting icsync knows (misspelt?)`);
    }
    const got = valueAt(input, issue.path);
    const message = cleanMessage(issue.message);
    return [`${path}: ${message}${got === undefined ? (message.includes('got') ? '' : ', but it is missing') : `, got ${JSON.stringify(got)}`}`];
  });
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
