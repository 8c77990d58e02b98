/**
 * `icsync doctor` tells a shop with the icsync Magento module from one without it (a missing route
 * answers differently from a missing invoice) and says how to install it. "Module installed" is
 * the Magento emulator's icsyncModule setting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

describe('icsync doctor and the icsync Magento module', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  const setModule = async (installed: boolean) => {
    const res = await fetch(`${h.magento.baseUrl}/__admin/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ icsyncModule: installed }) });
    expect(res.status).toBe(200);
  };

  it('with the module: one green line', async () => {
    await setModule(true);
    const result = await h.cli(['doctor']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ Magento: the icsync module is installed (invoice PDF attachments)');
  });

  it('without it: one red line that says how to install it, exit 1', async () => {
    await setModule(false);
    try {
      const result = await h.cli(['doctor']);
      expect(result.code).toBe(1);
      const lines = result.stdout.split('\n').filter((line) => line.includes('icsync module'));
      expect(lines).toEqual([
        `✗ Magento: Magento does not have the icsync module (${h.magento.baseUrl} answers "Request does not match any route." for /V1/icsync/invoices/{id}/attachments), so invoice PDFs cannot be attached and the invoice e-mails wait for them. Install the icsync Magento module on the shop: composer require icsync/module-erp-sync, bin/magento module:enable Icsync_ErpSync, bin/magento setup:upgrade (docs/magento-module.md).`,
      ]);
      expect(result.stdout).toContain('✓ Magento: connected');
      expect(result.stderr).toBe('1 check failed.\n');
    } finally {
      await setModule(true);
    }
  });

  it('not asked when the invoices flow attaches no PDFs', async () => {
    await setModule(false);
    try {
      const file = h.writeConfig('no-pdf.yaml', (raw) => ({ ...raw, flows: { ...(raw.flows as object), invoices: { ...((raw.flows as Record<string, object>).invoices ?? {}), attachPdf: false } } }));
      const result = await h.cli(['-c', file, 'doctor']);
      expect(result.stdout).not.toContain('icsync module');
      expect(result.code).toBe(0);
    } finally {
      await setModule(true);
    }
  });
});
