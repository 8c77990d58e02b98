/**
 * `icsync demo --events webhook`: orders cross by event only (no poll runs in the events demo),
 * each printed with its shop-to-ERP time; every order once in the ERP; exit code 0. A transport
 * name it does not know is a usage error with the choices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const base = mkdtempSync(join(tmpdir(), 'icsync-demo-events-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (text) => void (out += text), err: (text) => void (err += text), isTTY: false, waitForStop: () => new Promise(() => undefined) },
    out: () => out,
    err: () => err,
  };
}

describe('icsync demo --events', () => {
  it('webhook: every order crosses by its event, once, with its latency printed', async () => {
    const c = capture();
    const code = await main(['node', 'icsync', 'demo', '--events', 'webhook', '--orders', '6', '--dir', join(base, 'webhook')], c.io);
    expect(code, c.err()).toBe(0);
    const lines = c.out().split('\n').filter((line) => /placed in Magento → in iCenter as \d{4}\/VNK\/\d+ \d+ ms later/.test(line));
    expect(lines).toHaveLength(6);
    expect(c.out()).toMatch(/orders in iCenter\s+6 \(duplicates: 0\)/);
  }, 90_000);

  it('refuses an unknown transport with the choices', async () => {
    const c = capture();
    const code = await main(['node', 'icsync', 'demo', '--events', 'carrier-pigeon'], c.io);
    expect(code).toBe(2);
    expect(c.err()).toMatch(/--events must be one of webhook, kafka, amqp, nats, not "carrier-pigeon"/);
  });
});
