/**
 * The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a
 * temporary prefix, then the installed `icsync` command runs (version, help, and the demo end to
 * end on SQLite, which also proves the packed emulator data and the store work).
 *
 * Needs dist/ (npm run build; .ci/run builds before the tests): skipped with a message without
 * it, a failure under CI. The install resolves dependencies from npm's cache first
 * (--prefer-offline). Install scripts are not run: the one native module, better-sqlite3, is
 * given the binding `npm ci` built for this very Node.js a minute earlier (compiling it again
 * would take minutes; docs/DEPLOYMENT.md says how a real install gets it).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const built = existsSync(join(root, 'dist/cli/bin.js'));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
if (!built) console.warn('install test skipped: dist/ is missing (npm run build first; .ci/run does)');

describe.runIf(!built && process.env.CI)('npm pack and install (CI)', () => {
  it('needs dist/', () => {
    throw new Error('dist/cli/bin.js is missing: .ci/run builds before the tests');
  });
});

describe.runIf(built)('npm pack and install -g into a temporary prefix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const npm = (args: string[], cwd = root) => run('npm', args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 20 * 1024 * 1024, timeout: 540_000 });

  it('gives a working icsync command', async () => {
    const pack = await npm(['pack', '--json', '--pack-destination', dir]);
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    for (const needed of ['dist/cli/bin.js', 'dist/server/assets/index.html', 'dist/server/assets/dashboard.js', 'dist/server/assets/dashboard.css', 'icsync.example.yaml', 'package.json', 'README.md']) expect(files).toContain(needed);
    expect(files.some((f) => f.startsWith('dist/emulators/magento/data/'))).toBe(true);
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);

    const prefix = join(dir, 'prefix');
    await npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(dir, info!.filename)], dir);
    const installed = join(prefix, 'lib/node_modules/icsync');
    const sqlite = join(installed, 'node_modules/better-sqlite3');
    expect(existsSync(sqlite)).toBe(true);
    cpSync(join(root, 'node_modules/better-sqlite3/build'), join(sqlite, 'build'), { recursive: true });
    const icsync = join(prefix, 'bin/icsync');
    expect(readdirSync(join(prefix, 'bin'))).toContain('icsync');

    expect((await run(icsync, ['--version'])).stdout.trim()).toBe(version);
    expect((await run(icsync, ['--help'])).stdout).toContain('sandbox');
    const demo = await run(icsync, ['demo', '--dir', join(dir, 'demo'), '--items', '60', '--orders', '12'], { cwd: dir, timeout: 240_000 });
    expect(demo.stdout).toMatch(/orders entered in the ERP\s+10 of 12 shop orders \(duplicates: 0\)/);
  }, 600_000);
});
