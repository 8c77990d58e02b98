/**
 * `${ENV_VAR}` and `${file:/path}` in configuration values, so secrets never have to be
 * written into the YAML file. `${ENV_VAR:-default}` gives a default. `$${...}` is a literal.
 * Interpolation runs on parsed string values (not on raw YAML text), so a secret full of
 * quotes or colons cannot break the document.
 */
import { readFileSync } from 'node:fs';

export interface InterpolationProblem {
  path: string;
  message: string;
}

export interface InterpolationResult {
  value: unknown;
  problems: InterpolationProblem[];
  /** Every value that came from an environment variable or a file: treated as secret by the logger. */
  secrets: string[];
}

const PATTERN = /\$(\$)?\{([^}]*)\}/g;

export function interpolate(input: unknown, env: NodeJS.ProcessEnv = process.env): InterpolationResult {
  const problems: InterpolationProblem[] = [];
  const secrets: string[] = [];

  const replaceIn = (text: string, path: string): string =>
    text.replace(PATTERN, (whole, escaped: string | undefined, body: string) => {
      if (escaped) return whole.slice(1);
      if (body.startsWith('file:')) {
        const file = body.slice('file:'.length).trim();
        try {
          const content = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
          secrets.push(content);
          return content;
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : `it cannot be read (${(error as Error).message})`;
          problems.push({ path, message: `refers to \${file:${file}}, but ${reason}` });
          return '';
        }
      }
      const [name, fallback] = splitDefault(body);
      const value = env[name];
      if (value !== undefined && value !== '') {
        secrets.push(value);
        return value;
      }
      if (fallback !== undefined) return fallback;
      problems.push({ path, message: `refers to the environment variable ${name}, which is not set` });
      return '';
    });

  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return replaceIn(node, path);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}[${index}]`));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, path ? `${path}.${key}` : key)]));
    }
    return node;
  };

  return { value: walk(input, ''), problems, secrets: secrets.filter((s) => s.length >= 4) };
}

function splitDefault(body: string): [string, string | undefined] {
  const at = body.indexOf(':-');
  return at === -1 ? [body.trim(), undefined] : [body.slice(0, at).trim(), body.slice(at + 2)];
}
