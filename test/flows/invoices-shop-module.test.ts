/**
 * A shop without the icsync Magento module: the invoices flow still creates the shop invoices,
 * holds back their PDFs and e-mails, and says why in one sentence per run (not one failure per
 * invoice); once the module is installed the next run wakes the held invoices and finishes them.
 * "Module installed" is the emulator setting icsyncModule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };

describe('invoices without the icsync Magento module', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ items: 12 });
  });
  afterAll(async () => {
    await w?.close();
  });

  const invoiceEmails = () => w.magento.runtime.state.emails.filter((e) => e.kind === 'invoice');
  const moduleSentences = (report: { problems: Array<{ key: string; message: string }> }) => report.problems.filter((p) => p.message.includes('icsync module'));

  it('creates the invoices, holds PDF and e-mail with one sentence per run, and finishes once the module is there', async () => {
    await w.admin('magento', 'PUT', '/settings', { icsyncModule: false });
    for (const sku of [w.skus[0]!, w.skus[1]!]) await w.placeOrder(orderSpec([sku]));
    await runSync(w.ctx, 'subjects', RUN);
    await runSync(w.ctx, 'orders', RUN);
    for (const order of await w.store.ledger.list({ kind: 'order' })) {
      expect(order.state, order.lastError ?? '').toBe('in_erp');
      const [year, book, number] = order.erpKey!.split('/');
      await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
    }

    const [first] = await runSync(w.ctx, 'invoices', RUN);
    expect(first!.error).toBeUndefined();
    expect(moduleSentences(first!)).toEqual([{
      kind: 'invoice',
      key: 'invoices',
      message: expect.stringMatching(/^Magento does not have the icsync module \(.*"Request does not match any route\.".*\), so invoice PDFs cannot be attached.*composer require icsync\/module-erp-sync.* Until then icsync creates the shop invoices and holds back their PDFs and e-mails\.$/),
    }]);
    expect(first!.problems).toHaveLength(1);
    const held = await w.store.ledger.list({ kind: 'invoice' });
    expect(held).toHaveLength(2);
    for (const row of held) {
      expect(row).toMatchObject({ state: 'in_shop', attempts: 0, lastError: null, data: { waitingForShopModule: true } });
      expect(row.shopKey).toBeTruthy();
    }
    expect(w.magento.runtime.state.invoices.size).toBe(2);
    expect(invoiceEmails()).toEqual([]);

    // The next run says it once more, and does not touch the held invoices before their recheck.
    const [second] = await runSync(w.ctx, 'invoices', RUN);
    expect(moduleSentences(second!)).toHaveLength(1);
    expect(second!.problems).toHaveLength(1);
    expect(w.magento.runtime.state.invoices.size).toBe(2);

    await w.admin('magento', 'PUT', '/settings', { icsyncModule: true });
    const [third] = await runSync(w.ctx, 'invoices', RUN);
    expect(third!.problems).toEqual([]);
    expect(third!.counts.wokenByShopModule).toBe(2);
    for (const row of await w.store.ledger.list({ kind: 'invoice' })) expect(row.state, row.lastError ?? '').toBe('complete');
    expect(invoiceEmails().map((e) => e.attachments.length)).toEqual([1, 1]);
  });
});
