/**
 * Logging: pino, one JSON object per line by default, readable (pino-pretty) on a terminal.
 * Secrets are kept out in two layers:
 * 1. pino `redact` censors fields by name (authorization headers, passwords, tokens, …);
 * 2. every finished line is scrubbed of the configured secret values, wherever they appear
 *    (in `msg`, in an error's message or stack, in a URL). Layer 2 catches what names miss.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { redactSecrets } from './errors.js';

export type { Logger } from 'pino';

/** Field names whose values are secret wherever they appear (up to three levels deep). */
const SECRET_KEYS = [
  'password', 'passwd', 'pass', 'secret', 'token', 'accessToken', 'accessTokenSecret', 'consumerKey', 'consumerSecret',
  'apiKey', 'clientSecret', 'oauth_signature', 'oauth_token', 'authorization', 'Authorization', 'cookie', 'Cookie',
  'set-cookie', 'x-api-key',
];

const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const dotted = name.startsWith('[') ? name : `.${name}`;
  return [name, `*${dotted}`, `*.*${dotted}`];
});

/**
 * Configured secrets shorter than this are not scrubbed. A one- or two-character value occurs by
 * chance in nearly every line: replacing it would cut every line apart, and the pattern of
 * [REDACTED] marks would itself show the value, so scrubbing it would protect nothing. From three
 * characters on, every configured secret is scrubbed, wherever it came from.
 */
export const MIN_SCRUBBED_SECRET_LENGTH = 3;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Human-readable lines instead of JSON; default: when standard output is a terminal. */
  pretty?: boolean;
  /** Secret values (passwords, keys) that must never appear in a log line (see MIN_SCRUBBED_SECRET_LENGTH). */
  secrets?: readonly string[];
  /** Where lines go; default standard output. */
  destination?: NodeJS.WritableStream | { write(line: string): unknown };
  /** Base fields on every line; default none (no pid/hostname noise). */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  const secrets = (options.secrets ?? []).filter((value) => value.length >= MIN_SCRUBBED_SECRET_LENGTH);
  // Lines are formatted in-process (no worker thread) so that the scrub below sees every line
  // and ordering with other output is kept.
  const format = pretty ? prettyFactory({ colorize: options.destination === undefined && process.stdout.isTTY === true }) : undefined;
  const stream = {
    write(line: string) {
      const clean = secrets.length === 0 ? line : redactSecrets(line, secrets);
      destination.write(format ? format(clean) : clean);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    },
    stream,
  );
}
