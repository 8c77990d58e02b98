/**
 * `icsync emulate icenter --port 8383 [--seed demo|FILE.json] [--tls] [--encoding utf-8|windows-1250]`:
 * starts the emulator and prints one JSON line with its base URL, credentials and organisation ids.
 */
import { readFile } from 'node:fs/promises';
import { startIcenterEmulator } from './server.js';
import type { IcenterEmulator, IcenterEmulatorOptions } from './server.js';
import type { IcenterSeed } from './seed.js';
import type { ResponseEncoding } from './settings.js';

export interface IcenterEmulatorCliOptions {
  port?: number | string;
  host?: string;
  /** 'demo', a JSON file path, `gen:<items>[:<seed>]` for the generator, or a seed (the CLI passes the sandbox's). */
  seed?: string | IcenterSeed;
  tls?: boolean;
  encoding?: ResponseEncoding | string;
  /** Leave the charset out of Content-Type. */
  noCharset?: boolean;
  getOrderStatusEmpty?: boolean;
  autoInvoiceDelayMs?: number | string;
  user?: string;
  password?: string;
  /** Where the line goes, without its newline (default stdout): the CLI passes its own output. */
  write?: (line: string) => void;
}

export async function icenterOptionsFromCli(opts: IcenterEmulatorCliOptions): Promise<IcenterEmulatorOptions> {
  const out: IcenterEmulatorOptions = { port: Number(opts.port ?? 8383), host: opts.host ?? '127.0.0.1', tls: Boolean(opts.tls) };
  if (opts.encoding) {
    if (opts.encoding !== 'utf-8' && opts.encoding !== 'windows-1250') throw new Error(`--encoding must be utf-8 or windows-1250, got ${opts.encoding}`);
    out.encoding = opts.encoding;
  }
  const seed = opts.seed ?? 'demo';
  if (typeof seed === 'object') {
    out.seed = seed;
    return finish(out, opts);
  }
  const gen = /^gen:(\d+)(?::(\d+))?$/.exec(seed);
  if (seed === 'demo') out.seed = 'demo';
  else if (gen) out.seed = { items: Number(gen[1]), seed: Number(gen[2] ?? 1), customers: 100, organisations: [1, 2] };
  else out.seed = JSON.parse(await readFile(seed, 'utf8')) as IcenterSeed;
  return finish(out, opts);
}

function finish(out: IcenterEmulatorOptions, opts: IcenterEmulatorCliOptions): IcenterEmulatorOptions {
  if (opts.noCharset) out.charsetInContentType = false;
  if (opts.getOrderStatusEmpty) out.getOrderStatusEmpty = true;
  if (opts.autoInvoiceDelayMs !== undefined) out.autoInvoiceDelayMs = Number(opts.autoInvoiceDelayMs);
  if (opts.user) out.user = opts.user;
  if (opts.password) out.password = opts.password;
  return out;
}

/** Starts the emulator and prints its one JSON line (its handshake: credentials on purpose, a local test ERP). */
export async function runIcenterEmulatorFromArgs(opts: IcenterEmulatorCliOptions): Promise<IcenterEmulator> {
  const emulator = await startIcenterEmulator(await icenterOptionsFromCli(opts));
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  write(JSON.stringify({
    emulator: 'icenter',
    baseUrl: emulator.baseUrl,
    adminUrl: emulator.adminUrl,
    user: emulator.credentials.user,
    password: emulator.credentials.password,
    organisations: emulator.organisations,
    ...(emulator.caPath ? { caPath: emulator.caPath } : {}),
  }));
  return emulator;
}
