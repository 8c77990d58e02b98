/**
 * The demo, smaller: every flow over both emulators on a fresh SQLite file, the two orders
 * that must stop for a person stop with their own reasons, nothing is doubled, and every ERP
 * invoice reaches the shop once with its PDF. Also through `icsync demo` (exit code, output).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/cli/context.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { runDemo } from '../../src/demo/run.js';
import { demoProblems } from '../../src/demo/summary.js';

const base = mkdtempSync(join(tmpdir(), 'icsync-demo-'));
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

describe('demo', () => {
  it('runs every flow and ends with the expected figures', async () => {
    const dir = join(base, 'direct');
    // A leftover from an earlier demo is removed at the start.
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'leftover.txt'), 'old');
    const printed: string[] = [];
    const { summary: s, configPath } = await runDemo({
      dir,
      size: { items: 120, erpCustomers: 10, shopCustomers: 8, orders: 30 },
      shipShare: 0.5,
      out: (text) => printed.push(text),
      openContext: (path) => openContext(path, { minLevel: 'silent' }),
    });
    expect(existsSync(join(dir, 'leftover.txt'))).toBe(false);
    expect(existsSync(join(dir, 'icsync.db'))).toBe(true);
    expect(existsSync(configPath)).toBe(true);

    expect(s.productsInShop).toBeGreaterThan(100);
    // The shop had most items already (updated), the rest were created by the products flow.
    expect(s.productsBefore).toBeGreaterThan(50);
    expect(s.productsCreated).toBeGreaterThan(10);
    expect(s.stockRowsWritten).toBeGreaterThan(100);
    expect(s.subjectsCreated).toBeGreaterThan(0);
    expect(s.shopOrders).toBe(30);
    // Every order but the one with the unknown SKU and the one whose total the lines do not explain is in the ERP, once.
    expect(s.ordersInErp).toBe(28);
    expect(s.duplicateErpOrders).toBe(0);
    // The totals-mismatch order is held before entry, so 28 are invoiced.
    expect(s.erpInvoices).toBe(28);
    expect(s.shopInvoices).toBe(28);
    expect(s.shopInvoicesWithPdf).toBe(28);
    expect(s.invoiceEmails).toBe(28);
    expect(s.invoiceEmailsWithPdf).toBe(28);
    expect(s.ordersInvoicedTwice).toBe(0);
    expect(s.ordersShipped).toBe(14);
    expect(s.ordersComplete).toBe(14);
    expect(s.ordersByLedgerState).toEqual({ complete: 14, invoice_in_shop: 14, needs_attention: 2 });

    expect(s.special.map((o) => [o.expect, o.state])).toEqual([
      ['unknown-sku', 'needs_attention'],
      ['totals-mismatch', 'needs_attention'],
    ]);
    const reason = (expect: string) => s.waiting.find((w) => w.key === s.special.find((o) => o.expect === expect)!.number)?.reason;
    expect(reason('unknown-sku')).toMatch(/SKU NEZNAN-ARTIKEL-1 is not in iCenter/);
    expect(reason('totals-mismatch')).toMatch(/is held before it was entered in iCenter: the iCenter order would total .*, the shop grand total is .* \(difference 1\)/);
    expect(s.waiting).toHaveLength(2);

    expect(demoProblems(s)).toEqual([]);
    // The same check speaks up when the end state is wrong (the CLI then exits 1).
    expect(demoProblems({ ...s, duplicateErpOrders: 1, ordersInErp: 30 })).toEqual([
      '1 ERP orders share a shop reference: an order was entered twice.',
      '30 orders are in the ERP, 28 were expected.',
    ]);
    expect(demoProblems({ ...s, ordersInvoicedTwice: 1, invoiceEmailsWithPdf: 27 })).toHaveLength(2);

    const text = printed.join('');
    expect(text).toContain('waiting for a person            2');
    expect(text).toMatch(/orders entered in the ERP\s+28 of 30 shop orders \(duplicates: 0\)/);
    expect(text).toContain(join(relative(process.cwd(), dir), 'icsync.db'));
    expect(text).toContain('The emulators stopped with the demo');
    // The summary agrees with the subjects flow's own line: every buyer it finished ("done") is
    // either created in the ERP or found there, and the created ones are the ERP's new partners.
    const subjectsDone = Number(/subjects .*done (\d+)/.exec(text)?.[1]);
    expect(s.buyersLinked).toBe(subjectsDone);
    expect(s.buyersCreated + s.buyersFound).toBe(subjectsDone);
    expect(s.subjectsCreated).toBe(s.buyersCreated);
    expect(text).toContain(`buyers linked to ERP partners   ${subjectsDone} (${s.subjectsCreated} created in the ERP, ${s.buyersFound} found there`);
    expect(demoProblems({ ...s, subjectsCreated: s.subjectsCreated + 1 })).toEqual([
      `${s.subjectsCreated + 1} partners are new in the ERP, but the ledger says icsync created ${s.buyersCreated}.`,
    ]);
    // Each waiting record is named once ("Order 000000029: …", not "order 000000029: Order 000000029: …"),
    // and a held order says it was stopped before any ERP document was written.
    for (const w of s.waiting) {
      const line = text.split('\n').find((l) => l.includes(w.key))!;
      expect(line.split(w.key)).toHaveLength(2);
    }
    const held = s.waiting.find((w) => w.key === s.special.find((o) => o.expect === 'totals-mismatch')!.number)!;
    expect(held.reason).toMatch(/^Order \d+ is held before it was entered in iCenter: the iCenter order would total /);
    expect(text).toMatch(/icsync explain order 0+\d+ --config \S+icsync\.yaml/);
  }, 60_000);

  it('`icsync demo` exits 0 and prints the summary and where the store is', async () => {
    const dir = join(base, 'cli');
    const { io, out } = capture();
    const code = await main(['node', 'icsync', 'demo', '--dir', dir, '--items', '60', '--orders', '12'], io);
    expect(code).toBe(0);
    expect(out()).toContain('icsync demo: a fresh store in');
    expect(out()).toMatch(/invoices sent to the shop\s+10 of 10 ERP invoices, 10 with the PDF, 10 e-mailed/);
    expect(out()).toContain('icsync.db');
  }, 60_000);

  it('`icsync demo --orders 1` is a usage error (exit 2) that says why', async () => {
    const { io, err } = capture();
    const code = await main(['node', 'icsync', 'demo', '--dir', join(base, 'bad'), '--orders', '1'], io);
    expect(code).toBe(2);
    expect(err()).toContain('--orders must be a whole number of at least 3');
  });
});
