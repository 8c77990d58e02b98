/** `icsync run`: scheduler + worker + HTTP server until stopped, then a graceful exit 0. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { orderSpec, startHarness, type CliResult, type Harness } from './harness.js';

/** Starts `icsync run` on a free port and resolves once it is serving; `stop` plays the signal. */
async function startRun(h: Harness, configName: string): Promise<{ url: string; stop: (signal: string) => void; running: Promise<CliResult> }> {
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  let url = '';
  let announced!: () => void;
  const started = new Promise<void>((resolve) => (announced = resolve));
  // Logs are JSON lines on stdout; the startup line carries the URL.
  const file = h.writeConfig(configName, (raw) => ({ ...raw, log: { level: 'info', pretty: false } }));
  const running = h.cli(['-c', file, 'run', '--port', '0'], {
    stop: stopped,
    onOut: (text) => {
      for (const line of text.split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { url?: string; msg: string };
        if (entry.url && entry.msg.startsWith('icsync running')) {
          url = entry.url;
          announced();
        }
      }
    },
  });
  await Promise.race([started, running.then((r) => Promise.reject(new Error(`run ended early: ${r.code} ${r.stderr}`)))]);
  return { url, stop, running };
}

describe('icsync run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves health, readiness, metrics and status while the flows run; SIGTERM ends it with 0 and no lease held', { timeout: 60_000 }, async () => {
    const order = await h.placeOrder(orderSpec([h.skus[0]!]));
    const { url, stop, running } = await startRun(h, 'run.yaml');

    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);

    // The scheduler runs every flow once on start; wait until orders has run (up to 20 s: a loaded
    // machine runs the first products run, which stock waits for, slowly).
    let status: { flows: { name: string; lastRun?: { status: string }; nextRunAt: string | null }[] } | undefined;
    for (let i = 0; i < 400; i++) {
      status = (await (await fetch(`${url}/api/status`)).json()) as typeof status;
      if (status!.flows.every((flow) => flow.lastRun && flow.lastRun.status !== 'running')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const orders = status!.flows.find((flow) => flow.name === 'orders')!;
    expect(orders.lastRun?.status).toBe('ok');
    expect(orders.nextRunAt).toMatch(/^\d{4}-/);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/icsync_flow_runs_total\{flow="orders",status="ok"\} [1-9]\d*/);
    expect(metrics).toContain('icsync_remote_call_duration_seconds_bucket');
    expect(metrics).toContain('icsync_process_cpu_user_seconds_total');
    // The scheduler's run or the worker (whichever claimed it first) enters the order.
    let record: { state: string } = { state: '' };
    for (let i = 0; i < 100 && !['in_erp', 'invoiced', 'invoice_in_shop', 'complete'].includes(record.state); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      record = (await (await fetch(`${url}/api/records/order/${order.increment_id}`)).json()) as { state: string };
    }
    expect(['in_erp', 'invoiced', 'invoice_in_shop', 'complete']).toContain(record.state);

    stop('SIGTERM');
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SIGTERM: stopping');
    expect(result.stdout).toContain('"msg":"stopped"');
    expect(result.stdout).not.toContain(h.icenter.credentials.password);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const store = await openStore({ url: (h.raw.store as { url: string }).url });
    try {
      const rows = await store.ledger.list({ limit: 1000 });
      expect(rows.filter((row) => row.leaseOwner !== null && row.leaseUntil !== null && row.leaseUntil > new Date())).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('SIGTERM during a backlog stops after the steps in flight: exit 0, the orders run interrupted (not failed), the rest still due, no lease held', async () => {
    const due = 40;
    const keys: string[] = [];
    for (let i = 0; i < due; i++) keys.push((await h.placeOrder(orderSpec([h.skus[i % 5]!], { email: `backlog${i % 3}@example.si` }))).increment_id);
    // Entering an order takes a while, so the backlog outlasts the steps in flight many times over.
    h.icenter.setFaults({ rules: [{ route: 'Order/AddOrder', kind: 'latency', latencyMs: 300 }] });
    const entered = (state: string) => ['in_erp', 'invoiced', 'invoice_in_shop', 'complete'].includes(state);
    try {
      const { url, stop, running } = await startRun(h, 'backlog.yaml');
      // Stop as soon as the first of the new orders is in the ERP: the rest is still being worked.
      for (let i = 0; i < 400; i++) {
        const states = await Promise.all(keys.slice(0, 4).map(async (key) => ((await (await fetch(`${url}/api/records/order/${key}`)).json()) as { state?: string }).state ?? ''));
        if (states.some(entered)) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      stop('SIGTERM');
      const result = await running;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('"msg":"stopped"');
      expect(result.stdout).toContain('orders run interrupted by the stop');

      const store = await openStore({ url: (h.raw.store as { url: string }).url });
      try {
        const rows = await Promise.all(keys.map((key) => store.ledger.get('order', { shopKey: key })));
        const done = rows.filter((row) => row && entered(row.state)).length;
        expect(done).toBeGreaterThan(0);
        expect(done).toBeLessThan(due);
        const all = await store.ledger.list({ limit: 5000 });
        expect(all.filter((row) => row.leaseOwner !== null && row.leaseUntil !== null && row.leaseUntil > new Date())).toEqual([]);
        const [run] = await store.runs.latest('orders', 1);
        expect(run?.status).toBe('interrupted');
        expect(run?.error).toBeNull();
        expect((await store.runs.latest(undefined, 50)).filter((r) => r.status === 'failed')).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      h.icenter.setFaults({ rules: [] });
    }
  });

  it('a port already in use is one sentence and exit 1', async () => {
    const blocker = h.writeConfig('busy.yaml', (raw) => raw);
    const port = new URL(h.magento.baseUrl).port;
    const result = await h.cli(['-c', blocker, 'run', '--port', port]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Port ${port} on 127.0.0.1 is already in use (EADDRINUSE); choose another with server.port or --port.\n`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
