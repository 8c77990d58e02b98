/**
 * The PHP side of the icsync Magento module (magento-module/) for icsync's tests: whether PHP is
 * here, the module's test harness served by `php -S`, and its webhook CLI.
 *
 * Which targets the module kit runs on is `ICSYNC_MODULE_TARGET`: `emulator`, `php` or `all`
 * (the default: both when `php` is on the PATH, otherwise the emulator alone with a printed
 * line). `ICSYNC_REQUIRE_PHP=1` (set by `npm run module:test`) turns a missing PHP into a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const MODULE_DIR = resolve(import.meta.dirname, '../../../magento-module');

let phpChecked: boolean | undefined;
export function phpAvailable(): boolean {
  phpChecked ??= spawnSync('php', ['-r', 'echo PHP_VERSION;'], { encoding: 'utf8' }).status === 0;
  return phpChecked;
}

export type ModuleTargetName = 'emulator' | 'php';

/** The targets this run checks the module contract on. */
export function moduleTargets(): ModuleTargetName[] {
  const wanted = process.env.ICSYNC_MODULE_TARGET ?? 'all';
  const names: ModuleTargetName[] = wanted === 'all' ? ['emulator', 'php'] : wanted === 'php' || wanted === 'emulator' ? [wanted] : [];
  if (names.length === 0) throw new Error(`ICSYNC_MODULE_TARGET must be emulator, php or all, not "${wanted}".`);
  if (names.includes('php') && !phpAvailable()) {
    if (process.env.ICSYNC_REQUIRE_PHP === '1') throw new Error('PHP is required for the module checks: apt-get install php-cli php-xml php-mbstring php-sqlite3 phpunit');
    console.log('magento-module: php is not installed, so the PHP target of the module kit is skipped (the emulator target runs).');
    return names.filter((name) => name !== 'php');
  }
  return names;
}

export interface PhpHarness {
  baseUrl: string;
  token: string;
  close(): Promise<void>;
}

/** `php -S 127.0.0.1:0` with the module's router on a throwaway SQLite file; resolves once it listens. */
export async function startPhpHarness(): Promise<PhpHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-module-'));
  const token = `harness-${Math.random().toString(36).slice(2)}`;
  const child = spawn('php', ['-S', '127.0.0.1:0', join(MODULE_DIR, 'Test/Harness/router.php')], {
    cwd: MODULE_DIR,
    env: { ...process.env, ICSYNC_HARNESS_DB: join(dir, 'harness.sqlite'), ICSYNC_HARNESS_TOKEN: token, PHP_CLI_SERVER_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = /Development Server \((http:\/\/127\.0\.0\.1:\d+)\) started/.exec(seen);
      if (match?.[1]) resolveUrl(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`php -S exited (${code}) before listening: ${seen.slice(0, 500)}`)));
    setTimeout(() => reject(new Error(`php -S did not start within 20 s: ${seen.slice(0, 500)}`)), 20_000).unref();
  });
  // The server logs every request; nobody reads it, so drain it.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    baseUrl,
    token,
    close: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** Runs the module's webhook CLI (Test/Harness/webhook-cli.php); returns its JSON answer. */
export async function webhookCli(args: string[], input?: unknown, env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const child = spawn('php', [join(MODULE_DIR, 'Test/Harness/webhook-cli.php'), ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end(input === undefined ? '' : JSON.stringify(input));
  const code = await new Promise<number | null>((done) => child.once('close', done));
  if (code !== 0) throw new Error(`webhook-cli.php ${args.join(' ')} failed (${code}): ${err || out}`);
  return JSON.parse(out) as Record<string, unknown>;
}
