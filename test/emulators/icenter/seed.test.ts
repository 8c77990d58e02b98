import { describe, expect, it } from 'vitest';
import { generateIcenterSeed } from '../../../src/emulators/icenter/index.js';

describe('seed generator', () => {
  it('is deterministic and produces Slovene names, valid EAN-13s, companies with VAT ids and persons', () => {
    const a = generateIcenterSeed({ seed: 5, items: 500, customers: 30 });
    const b = generateIcenterSeed({ seed: 5, items: 500, customers: 30 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(generateIcenterSeed({ seed: 6, items: 500, customers: 30 }))).not.toBe(JSON.stringify(a));
    const org = a.organisations[0];
    expect(org?.items).toHaveLength(500);
    expect(org?.items?.some((i) => /[čšž]/i.test(i.ItemTitle1 ?? ''))).toBe(true);
    for (const item of org?.items ?? []) {
      const ean = String(item.GeneralData?.ItemEANCode);
      const sum = [...ean.slice(0, 12)].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
      expect(Number(ean[12])).toBe((10 - (sum % 10)) % 10);
    }
    expect(org?.customers?.some((c) => c.EntityType === 'P' && /^SI\d{8}$/.test(String(c.TaxNumber)))).toBe(true);
    expect(org?.customers?.some((c) => c.EntityType === 'F' && c.TaxNumber === null)).toBe(true);
    expect(new Set(org?.stock?.map((s) => s.warehouseId))).toEqual(new Set(['0000001', '0000003', '0000005']));
    expect(new Set(org?.prices?.map((p) => p.priceListId))).toEqual(new Set(['MPC', 'VPC']));
  });
});
