/**
 * `icsync demo --erp minimax`: the same loop against the Minimax emulator (the same flows; only
 * the connector differs), ending with the same figures and the calls used of the day's budget.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const base = mkdtempSync(join(tmpdir(), 'icsync-demo-minimax-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('demo --erp minimax', () => {
  it('runs every flow over Minimax and prints the summary with the calls used of the budget', async () => {
    let out = '';
    let err = '';
    const io: CliIo = { out: (text) => void (out += text), err: (text) => void (err += text), isTTY: false, waitForStop: () => new Promise(() => undefined) };
    const dir = join(base, 'demo');
    const code = await main(['node', 'icsync', 'demo', '--erp', 'minimax', '--dir', dir, '--items', '120', '--orders', '20'], io);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('emulators: Minimax http://127.0.0.1:');
    expect(out).toMatch(/orders entered in the ERP {7}18 of 20 shop orders \(duplicates: 0\)/);
    expect(out).toMatch(/invoices sent to the shop {7}18 of 18 ERP invoices, 18 with the PDF, 18 e-mailed \(18 with the PDF attached\)/);
    const calls = /Minimax calls used today +(\d+) of the 1000-call daily budget \((\d+) left\)/.exec(out);
    expect(calls).not.toBeNull();
    expect(Number(calls![1])).toBeGreaterThan(50);
    expect(Number(calls![1]) + Number(calls![2])).toBe(1000);
    expect(out).toMatch(/SKU NEZNAN-ARTIKEL-1 is not in Minimax/);
    expect(out).toMatch(/Order \d+ is held before it was entered in Minimax: the Minimax order would total /);
    // The ledger and the call count stay: `icsync status` on the demo's config shows the budget.
    out = '';
    expect(await main(['node', 'icsync', 'status', '--config', join(dir, 'icsync.yaml')], io)).toBe(0);
    expect(out).toMatch(/^ERP calls: (\d+) of 900 used in the last 24 h, \d+ left \(minimax allows 1000; icsync plans within 900\)/m);
    expect(Number(/^ERP calls: (\d+)/m.exec(out)![1])).toBe(Number(calls![1]));
  });
});
