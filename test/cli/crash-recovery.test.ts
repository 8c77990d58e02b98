/**
 * A process killed in the middle of a run (SIGKILL: no clean-up at all) leaves a run recorded as
 * `running` and its flow lock. The next start puts that right: `icsync status` shows the run as
 * interrupted, never as running, and the next `icsync sync` of that flow runs at once instead of
 * being skipped as "another run is still going" until the lock's time runs out.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { startHarness, type Harness } from './harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('after a crash', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ items: 10 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the killed run shows as interrupted, its lock is freed, and the next sync runs', async () => {
    // The items read hangs long enough for the process to be killed in the middle of the run.
    h.icenter.setFaults([{ route: 'Item/GetItemsGeneralData', kind: 'latency', latencyMs: 150_000 }]);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'sync', 'products', '--config', h.configPath], {
      cwd: ROOT, stdio: 'ignore', env: { ...process.env },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const store = await openStore({ url: (h.raw.store as { url: string }).url, logger: pino({ level: 'silent' }) });
    try {
      // Wait until the child has recorded its run (and so holds the flow lock).
      for (let i = 0; i < 1800; i++) {
        if ((await store.runs.latest('products', 1))[0]?.status === 'running') break;
        await sleep(50);
      }
      expect((await store.runs.latest('products', 1))[0]?.status).toBe('running');
      child.kill('SIGKILL');
      await exited;
      expect((await store.runs.latest('products', 1))[0]?.status).toBe('running');
      expect((await store.locks.list()).map((lock) => lock.name)).toContain('flow:products');
    } finally {
      await store.close();
    }
    h.icenter.setFaults([]);

    const status = await h.cli(['status']);
    expect(status.code).toBe(0);
    const productsLine = status.stdout.split('\n').find((line) => line.trimStart().startsWith('products'));
    expect(productsLine).toMatch(/interrupted/);
    expect(productsLine).not.toMatch(/\brunning\b/);
    expect(status.stdout).toMatch(/products last run stopped: the process running it ended without finishing it/);

    const sync = await h.cli(['sync', 'products']);
    expect(sync.code).toBe(0);
    expect(sync.stdout).not.toMatch(/skipped/);
    expect(sync.stdout).toMatch(/products\s+ok/);
    // A child process started through tsx on a loaded machine takes a while to get going.
  }, 180_000);
});
