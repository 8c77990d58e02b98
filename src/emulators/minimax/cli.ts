/**
 * `icsync emulate minimax --port 4000 [--seed gen:<items>[:<seed>]|FILE.json] [--instance SI|HR|RS]`:
 * starts the emulator and prints one JSON line with its URLs, its own test credentials and organisation ids.
 */
import { readFile } from 'node:fs/promises';
import { startMinimaxEmulator, type MinimaxEmulator, type MinimaxEmulatorOptions } from './server.js';
import type { MinimaxSeed } from './seed.js';

export interface MinimaxEmulatorCliOptions {
  port?: number | string;
  host?: string;
  /** `gen:<items>[:<seed>]` (default gen:200:1) or a JSON seed file. */
  seed?: string;
  instance?: string;
  callLimit?: number | string;
  tokenLifetimeSec?: number | string;
  autoInvoiceDelayMs?: number | string;
  write?: (line: string) => void;
}

export async function minimaxOptionsFromCli(opts: MinimaxEmulatorCliOptions): Promise<MinimaxEmulatorOptions> {
  const out: MinimaxEmulatorOptions = { port: Number(opts.port ?? 4000), host: opts.host ?? '127.0.0.1' };
  const seed = opts.seed ?? 'gen:200:1';
  const gen = /^gen:(\d+)(?::(\d+))?$/.exec(seed);
  out.seed = gen ? { items: Number(gen[1]), seed: Number(gen[2] ?? 1), customers: 20, organisations: [1, 2] } : (JSON.parse(await readFile(seed, 'utf8')) as MinimaxSeed);
  if (opts.instance) {
    const instance = opts.instance.toUpperCase();
    if (instance !== 'SI' && instance !== 'HR' && instance !== 'RS') throw new Error(`--instance must be SI, HR or RS, got ${opts.instance}`);
    out.instance = instance;
    out.scope = instance === 'HR' ? null : `minimax.${instance.toLowerCase()}`;
  }
  if (opts.callLimit !== undefined) out.callLimit = Number(opts.callLimit);
  if (opts.tokenLifetimeSec !== undefined) out.tokenLifetimeSec = Number(opts.tokenLifetimeSec);
  if (opts.autoInvoiceDelayMs !== undefined) out.autoInvoiceDelayMs = Number(opts.autoInvoiceDelayMs);
  return out;
}

/** Starts the emulator and prints its one JSON line (credentials on purpose: a local test ERP). */
export async function runMinimaxEmulatorFromArgs(opts: MinimaxEmulatorCliOptions): Promise<MinimaxEmulator> {
  const emulator = await startMinimaxEmulator(await minimaxOptionsFromCli(opts));
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  write(JSON.stringify({ emulator: 'minimax', baseUrl: emulator.baseUrl, tokenUrl: emulator.tokenUrl, adminUrl: emulator.adminUrl, ...emulator.credentials, organisations: emulator.organisations }));
  return emulator;
}
