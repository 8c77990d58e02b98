/**
 * `icsync doctor` with `erp.type: minimax`, over HTTP against the Minimax and Magento emulators:
 * the sign-in and organisation, the call budget, and every mapped code checked in Minimax codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctorChecks } from '../../src/cli/doctor.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createErp, createShop } from '../../src/connectors/registry.js';
import { startMagentoEmulator, type MagentoEmulator } from '../../src/emulators/magento/index.js';
import { silentLogger, startMinimaxHarness, type MinimaxHarness } from '../contract/erp-port/minimax-setup.js';

let h: MinimaxHarness;
let magento: MagentoEmulator;
beforeAll(async () => {
  h = await startMinimaxHarness();
  magento = await startMagentoEmulator({ seed: 'none', sourceCodes: ['default'] });
});
afterAll(async () => {
  await h?.close();
  await magento?.close();
});

function configWith(minimax: Record<string, unknown>, mappings: Record<string, unknown>): Config {
  const m = magento.credentials;
  return configSchema.parse({
    shop: { type: 'magento', magento: { baseUrl: magento.baseUrl, auth: { kind: 'oauth', consumerKey: m.consumerKey, consumerSecret: m.consumerSecret, accessToken: m.accessToken, accessTokenSecret: m.accessTokenSecret } } },
    erp: { type: 'minimax', minimax: { ...h.makeSettings(), ...minimax } },
    mappings,
    flows: { products: { priceList: 'item' } },
  });
}

async function doctor(config: Config) {
  const erp = createErp(config.erp, { logger: silentLogger });
  const shop = createShop(config.shop, { logger: silentLogger });
  try {
    return await runDoctorChecks(config, erp, shop);
  } finally {
    await Promise.all([erp.close(), shop.close()]);
  }
}

describe('icsync doctor with Minimax', () => {
  it('passes with Minimax codes and shows the call budget', async () => {
    const results = await doctor(configWith({}, { warehouses: { MP: 'default' }, orderWarehouse: 'MP', orderBook: 'P', vatRates: { '22': 'S', '9.5': 'Z' } }));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results[0]!.text).toMatch(/^Minimax: connected and credentials accepted; organisation Trgovina 1 d\.o\.o\. \(1\)/);
    expect(results.find((r) => r.text.startsWith('Minimax call budget'))?.text).toMatch(/^Minimax call budget: \d+ of the 900 calls icsync may use in 24 h are used \(Minimax allows 1000\), \d+ left$/);
  });

  it('names each wrong code and the organisations a wrong organisationId could be', async () => {
    const wrongCodes = await doctor(configWith({}, { warehouses: { '0000001': 'default' }, orderBook: 'VNK', vatRates: { '22': '02' } }));
    const failed = wrongCodes.filter((r) => !r.ok).map((r) => r.text).join('\n');
    expect(failed).toContain('mappings.orderBook');
    expect(failed).toContain('"0000001"');
    expect(failed).toContain('02');
    const wrongOrg = await doctor(configWith({ organisationId: 99 }, { warehouses: { MP: 'default' } }));
    expect(wrongOrg[0]).toMatchObject({ ok: false });
    expect(wrongOrg[0]!.text).toMatch(/organisation 99 is not open to icsync .* This user may reach: 1 \(Trgovina 1 d\.o\.o\.\), 2 \(Trgovina 2 d\.o\.o\.\)\./);
  });
});
