/** `icsync run` with an alerts section: an order that stops for a person reaches the webhook as a digest. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderSpec, startHarness, type Harness } from './harness.js';

describe('icsync run: alerts', () => {
  let h: Harness;
  let receiver: Server;
  let hookUrl: string;
  const received: { summary: string; text: string; alerts: { type: string; key?: string }[] }[] = [];
  beforeAll(async () => {
    h = await startHarness();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push(JSON.parse(body) as (typeof received)[number]);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/icsync`;
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('tells the webhook about the order that needs a person, once, and stops with 0', async () => {
    const file = h.writeConfig('alerts.yaml', (raw) => ({ ...raw, log: { level: 'info', pretty: false }, alerts: { webhook: { url: hookUrl }, checkEvery: '200ms', digest: '10m' } }));
    let stop!: (signal: string) => void;
    const stopped = new Promise<string>((resolve) => (stop = resolve));
    const running = h.cli(['-c', file, 'run', '--port', '0'], { stop: stopped });
    // The alerter's baseline is its start: an order placed afterwards is new to it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const bad = await h.placeOrder(orderSpec([h.skus[0]!, 'NI-TAKEGA-ARTIKLA']));
    const sync = await h.cli(['-c', file, 'sync', 'orders']);
    expect(sync.code).toBe(0);
    for (let i = 0; i < 200 && !received.some((r) => r.alerts.some((a) => a.key === bad.increment_id)); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const digest = received.find((r) => r.alerts.some((a) => a.key === bad.increment_id));
    expect(digest?.summary).toBe('1 record needs a person');
    expect(digest?.text).toContain(`Order ${bad.increment_id}: SKU NI-TAKEGA-ARTIKLA is not in iCenter`);
    expect(digest?.text).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    stop('SIGTERM');
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('alert digest sent: 1 record needs a person');
    expect(received.filter((r) => r.alerts.some((a) => a.key === bad.increment_id))).toHaveLength(1);
  }, 60_000);
});
