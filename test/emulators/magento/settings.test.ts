/**
 * Behaviour the contract is unsure of is a setting (tags [M]/[L]: docs/contracts/magento.md#tags-in-code-comments); these tests prove
 * each setting both ways over HTTP, plus the admin-token login rules (2FA refusal per version,
 * lock after 6 failures).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MagentoEmulator, MagentoEmulatorOptions } from '../../../src/emulators/magento/index.js';
import { admin, call, criteria, start } from './helpers.js';

const login = (em: MagentoEmulator, password = em.credentials.adminPassword) =>
  call(em, 'POST', '/rest/V1/integration/admin/token', { username: em.credentials.adminUser, password }, 'none');

async function withEmulator(options: MagentoEmulatorOptions, run: (em: MagentoEmulator) => Promise<void>): Promise<void> {
  const em = await start(options);
  try {
    await run(em);
  } finally {
    await em.close();
  }
}

const TFA = { message: 'Please use the 2fa provider-specific endpoints to obtain a token.', parameters: { active_providers: ['google'] } };
const SIGN_IN = 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.';

describe('admin token: two-factor authentication and the login lock', () => {
  it('2.4.8 with 2FA refuses a correct login with 400 and the provider list; a wrong password stays 401', async () => {
    await withEmulator({ twoFactorAuth: true }, async (em) => {
      expect(await login(em)).toMatchObject({ status: 400, body: TFA });
      expect(await login(em, 'wrong')).toMatchObject({ status: 401, body: { message: SIGN_IN } });
    });
  });

  it('older releases refuse with 401 (twoFactorRefusalStatus follows the version, and can be set)', async () => {
    await withEmulator({ version: '2.4.3', twoFactorAuth: true }, async (em) => {
      expect(await login(em)).toMatchObject({ status: 401, body: TFA });
      expect((await admin(em, 'PUT', '/settings', { twoFactorRefusalStatus: 400 })).body).toMatchObject({ twoFactorRefusalStatus: 400 });
      expect((await login(em)).status).toBe(400);
    });
    await withEmulator({ version: '2.3', twoFactorAuth: true }, async (em) => {
      expect((await login(em)).status).toBe(401);
    });
  });

  it('locks the account after 6 failed logins, even for the right password; fewer failures are forgotten on success', async () => {
    await withEmulator({}, async (em) => {
      for (let i = 0; i < 5; i += 1) expect((await login(em, `wrong-${i}`)).status).toBe(401);
      const ok = await login(em);
      expect(ok.status).toBe(200);
      expect(typeof ok.body).toBe('string');
      for (let i = 0; i < 6; i += 1) expect((await login(em, `wrong-${i}`)).status).toBe(401);
      expect(await login(em)).toMatchObject({ status: 401, body: { message: SIGN_IN } });
      // A token issued before the lock keeps working.
      expect((await call(em, 'GET', `/rest/V1/orders?${criteria([], { pageSize: 1 })}`, undefined, { bearer: ok.body as string })).status).toBe(200);
    });
  });
});

describe('settings for facts the contract is unsure of', () => {
  let em: MagentoEmulator;
  beforeAll(async () => { em = await start({ seed: { generate: { products: 3, customers: 2, orders: 4 } } }); });
  afterAll(async () => { await em.close(); });

  it('unknownOrderFilterField: a filter on no sales_order column is the production 500 by default, or matches nothing', async () => {
    const unknown = `/rest/V1/orders?${criteria([[['no_such_column', '1', 'eq']]])}`;
    const error = await call(em, 'GET', unknown);
    expect(error.status).toBe(500);
    expect((error.body as { message: string }).message).toMatch(/^Internal Error\. Details are available in Magento log file\. Report ID: webapi-/);
    // Columns absent from a row (null fields are left out of answers) are still columns.
    expect(((await call(em, 'GET', `/rest/V1/orders?${criteria([[['customer_taxvat', '', 'null']], [['status', 'pending', 'eq']]])}`)).body as { total_count: number }).total_count).toBeGreaterThan(0);
    await admin(em, 'PUT', '/settings', { unknownOrderFilterField: 'empty' });
    try {
      expect(await call(em, 'GET', unknown)).toMatchObject({ status: 200, body: { items: [], total_count: 0 } });
    } finally {
      await admin(em, 'PUT', '/settings', { unknownOrderFilterField: 'error' });
    }
  });

  it('productListStockItem: list items carry stock_item unless switched off; the single product always does', async () => {
    type Listed = { items: Array<{ sku: string; extension_attributes: { website_ids: number[]; stock_item?: { qty: number } } }> };
    const list = async (): Promise<Listed> => (await call(em, 'GET', `/rest/V1/products?${criteria([[['sku', 'ICS-000001', 'eq']]])}`)).body as Listed;
    expect((await list()).items[0]!.extension_attributes.stock_item).toMatchObject({ qty: expect.any(Number) });
    await admin(em, 'PUT', '/settings', { productListStockItem: false });
    try {
      const item = (await list()).items[0]!;
      expect(item.extension_attributes).toEqual({ website_ids: [1] });
      expect(((await call(em, 'GET', '/rest/V1/products/ICS-000001')).body as Listed['items'][number]).extension_attributes.stock_item).toBeDefined();
    } finally {
      await admin(em, 'PUT', '/settings', { productListStockItem: true });
    }
  });
});
