/**
 * Smaller things an operator meets on the first day: `doctor` and `config check` say when TLS
 * verification is off or a password goes over http://; `sync`, `status` and `explain` honour
 * `log.level: debug`; and on a fresh store stock waits for the products run it depends on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

describe('operator warnings and the first run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ items: 8 });
  });
  afterAll(async () => {
    await h?.close();
  });

  const withErp = (name: string, patch: Record<string, unknown>) =>
    h.writeConfig(name, (raw) => {
      const erp = raw.erp as { icenter: Record<string, unknown> };
      return { ...raw, erp: { ...erp, icenter: { ...erp.icenter, ...patch } } };
    });

  it('doctor shows that TLS verification is off, as a warning that does not fail it', async () => {
    const file = withErp('tls-off.yaml', { tls: { insecureSkipVerify: true } });
    const result = await h.cli(['-c', file, 'doctor']);
    expect(result.stdout).toMatch(/^! TLS verification is off for iCenter \(erp\.icenter\.tls\.insecureSkipVerify: true\)/m);
    expect(result.stdout).toMatch(/All checks passed/);
    expect(result.code).toBe(0);
  });

  it('config check warns about Basic auth over http:// to another machine, not over loopback', async () => {
    const remote = withErp('http-remote.yaml', { baseUrl: 'http://erp.example.com:8383/iCenterAPI' });
    const warned = await h.cli(['-c', remote, 'config', 'check']);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/! warning: erp\.icenter\.baseUrl uses http:\/\/: the iCenter user and password go over the network in clear text/);
    const local = await h.cli(['config', 'check']);
    expect(local.stdout).not.toMatch(/warning/);
  });

  it('sync, status and explain log at debug when log.level is debug, and stay quiet otherwise', async () => {
    const debug = h.writeConfig('debug.yaml', (raw) => ({ ...raw, log: { level: 'debug', pretty: false } }));
    const sync = await h.cli(['-c', debug, 'sync', 'products']);
    expect(sync.code).toBe(0);
    expect(sync.stderr).toMatch(/"level":20.*configuration loaded and store opened/);
    expect(sync.stderr).toMatch(/"level":20.*GET \/iCenterAPI\/api\/Item\/GetItemsGeneralData/);
    const status = await h.cli(['-c', debug, 'status']);
    expect(status.stderr).toMatch(/"level":20.*configuration loaded and store opened/);
    const explain = await h.cli(['-c', debug, 'explain', 'product', h.skus[0]!]);
    expect(explain.stderr).toMatch(/"level":20.*configuration loaded and store opened/);
    const quiet = await h.cli(['status']);
    expect(quiet.stderr).not.toMatch(/"level":20/);
  });

  it('on a fresh store stock waits for the first products run, then writes', async () => {
    const fresh = h.writeConfig('fresh.yaml', (raw) => ({ ...raw, store: { url: `sqlite:${h.dir}/fresh.db` } }));
    const before = h.magento.runtime.state.sourceItems.size;
    const early = await h.cli(['-c', fresh, 'sync', 'stock']);
    expect(early.code).toBe(0);
    expect(early.stdout).toMatch(/waitingForProducts 1/);
    expect(h.magento.runtime.state.sourceItems.size).toBe(before);
    expect((await h.cli(['-c', fresh, 'sync', 'products'])).code).toBe(0);
    const after = await h.cli(['-c', fresh, 'sync', 'stock']);
    expect(after.stdout).not.toMatch(/waitingForProducts/);
    expect(after.stdout).toMatch(/written \d+/);
  });

  it('icsync run on a fresh store: stock writes nothing before the products run is done, and runs right after it', async () => {
    const file = h.writeConfig('run-fresh.yaml', (raw) => ({ ...raw, store: { url: `sqlite:${h.dir}/run-fresh.db` }, log: { level: 'warn', pretty: false } }));
    const log = h.magento.runtime.requests;
    const from = log.length;
    let stop!: (signal: string) => void;
    const running = h.cli(['-c', file, 'run', '--port', '0'], { stop: new Promise<string>((resolve) => (stop = resolve)) });
    // Stock's own schedule is every 5 minutes: within seconds, only the products run can set it off.
    for (let i = 0; i < 400 && !log.slice(from).some((r) => r.path.endsWith('/V1/inventory/source-items')); i++) await sleep(50);
    stop('SIGTERM');
    expect((await running).code).toBe(0);
    const mine = log.slice(from);
    const lastProductWrite = mine.map((r) => r.method === 'POST' && r.path.endsWith('/V1/products')).lastIndexOf(true);
    const firstStockWrite = mine.findIndex((r) => r.path.endsWith('/V1/inventory/source-items'));
    expect(lastProductWrite).toBeGreaterThan(-1);
    expect(firstStockWrite).toBeGreaterThan(lastProductWrite);
  });
});
