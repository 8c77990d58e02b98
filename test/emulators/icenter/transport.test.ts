import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IcenterEmulator } from '../../../src/emulators/icenter/index.js';
import { admin, call, startSmall, values } from './helpers.js';

const LETTERS = 'čšžČŠŽćđ';

describe('encodings and BOM', () => {
  let e: IcenterEmulator;
  beforeAll(async () => {
    e = await startSmall();
  });
  afterAll(async () => e.close());

  it('accepts a request with a UTF-8 BOM and round-trips č/š/ž/Č/Š/Ž/ć/đ in windows-1250, with and without charset', async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><ItemsGeneralData><ItemGeneralData><ItemID>BOM.1</ItemID><ItemTitle1>${LETTERS}</ItemTitle1><GeneralData><ItemType>B</ItemType></GeneralData></ItemGeneralData></ItemsGeneralData>`;
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml, 'utf8')]);
    const created = await call(e, 'api/Item/AddItemsGeneralData', { method: 'POST', body: withBom });
    expect(created.status).toBe(200);

    const utf8 = await call(e, 'api/Item/GetItemsGeneralData?searchQuery.itemID=BOM.1');
    expect(utf8.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(values(utf8.text, 'ItemTitle1')).toEqual([LETTERS]);

    e.updateSettings({ encoding: 'windows-1250' });
    const cp = await call(e, 'api/Item/GetItemsGeneralData?searchQuery.itemID=BOM.1');
    expect(cp.headers['content-type']).toBe('application/xml; charset=windows-1250');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(cp.bytes)).toThrow();
    expect(cp.bytes.includes(Buffer.from([0xe8, 0x9a, 0x9e, 0xc8, 0x8a, 0x8e, 0xe6, 0xf0]))).toBe(true);
    expect(values(iconv.decode(cp.bytes, 'windows-1250'), 'ItemTitle1')).toEqual([LETTERS]);

    await admin(e, 'PATCH', 'settings', { charsetInContentType: false });
    const bare = await call(e, 'api/Item/GetItemsGeneralData?searchQuery.itemID=BOM.1');
    expect(bare.headers['content-type']).toBe('application/xml');
    expect(values(iconv.decode(bare.bytes, 'windows-1250'), 'ItemTitle1')).toEqual([LETTERS]);
    const dup = await call(e, 'api/Item/AddItemsGeneralData', { method: 'POST', body: withBom });
    expect(iconv.decode(Buffer.from(String(dup.headers['x-icenter-message']), 'latin1'), 'windows-1250')).toContain('že obstaja');
    e.updateSettings({ encoding: 'utf-8', charsetInContentType: true });
  });

  it('reads a windows-1250 request when its Content-Type says so', async () => {
    const xml = `<ItemsGeneralData><ItemGeneralData><ItemID>CP.1</ItemID><ItemTitle1>${LETTERS}</ItemTitle1></ItemGeneralData></ItemsGeneralData>`;
    await call(e, 'api/Item/AddItemsGeneralData', { method: 'POST', body: iconv.encode(xml, 'windows-1250'), headers: { 'content-type': 'application/xml; charset=windows-1250' } });
    expect(values((await call(e, 'api/Item/GetItemsGeneralData?searchQuery.itemID=CP.1')).text, 'ItemTitle1')).toEqual([LETTERS]);
  });
});

describe('TLS', () => {
  it('serves HTTPS with a generated CA that undici can verify', async () => {
    const e = await startSmall({ tls: true });
    try {
      expect(e.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/iCenterAPI$/);
      const ca = readFileSync(e.caPath ?? '', 'utf8');
      const agent = new Agent({ connect: { ca } });
      const ok = await call(e, 'api/V2/ApiVersion', { dispatcher: agent });
      expect(ok.status).toBe(200);
      await expect(call(e, 'api/V2/ApiVersion', { dispatcher: new Agent() })).rejects.toThrow();
      await agent.close();
    } finally {
      await e.close();
    }
  });
});

describe('faults', () => {
  let e: IcenterEmulator;
  beforeAll(async () => {
    e = await startSmall();
  });
  afterAll(async () => e.close());

  it('fails the next N requests of a route with 503, then recovers', async () => {
    await admin(e, 'PUT', 'faults', { rules: [{ route: 'GetStocks', kind: 'status', status: 503, times: 2 }] });
    expect((await call(e, 'api/Stock/GetStocks?warehouseIdList=0000001')).status).toBe(503);
    expect((await call(e, 'api/vatrates')).status).toBe(200);
    expect((await call(e, 'api/Stock/GetStocks?warehouseIdList=0000001')).status).toBe(503);
    expect((await call(e, 'api/Stock/GetStocks?warehouseIdList=0000001')).status).toBe(200);
  });

  it('resets connections, times out, serves an HTML proxy page and malformed XML', async () => {
    await admin(e, 'PUT', 'faults', { rules: [
      { route: 'vatrates', kind: 'reset', times: 1 },
      { route: 'currencies', kind: 'timeout', timeoutMs: 100, times: 1 },
      { route: 'pricelists', kind: 'htmlProxyError', times: 1 },
      { route: 'warehouses', kind: 'malformedXml', times: 1 },
      { route: 'ApiVersion', kind: 'latency', latencyMs: 150, times: 1 },
    ] });
    await expect(call(e, 'api/vatrates')).rejects.toThrow();
    await expect(call(e, 'api/currencies')).rejects.toThrow();
    const html = await call(e, 'api/pricelists');
    expect(html.status).toBe(502);
    expect(html.headers['content-type']).toBe('text/html');
    const broken = await call(e, 'api/warehouses');
    expect(broken.status).toBe(200);
    expect(broken.text).not.toContain('</ArrayOfWarehouse>');
    const started = Date.now();
    expect((await call(e, 'api/V2/ApiVersion')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const log = (await admin(e, 'GET', 'requests')).json as { path: string; status: number | string; fault?: string }[];
    expect(log.filter((r) => r.path.endsWith('vatrates')).at(-1)?.status).toBe('reset');
    expect(log.filter((r) => r.path.endsWith('currencies')).at(-1)?.status).toBe('timeout');
  });

  it('draws rates from a seeded RNG, so a run is reproducible', async () => {
    const run = async (): Promise<number[]> => {
      await admin(e, 'PUT', 'faults', { seed: 42, rules: [{ route: 'paymentcodes', kind: 'status', status: 500, rate: 0.5 }] });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call(e, 'api/paymentcodes')).status);
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);
    await admin(e, 'PUT', 'faults', { rules: [] });
  });

  it('keeps the admin API outside auth and resets state', async () => {
    await call(e, 'api/Item/AddItemsGeneralData', { method: 'POST', body: '<ItemsGeneralData><ItemGeneralData><ItemID>TMP.1</ItemID></ItemGeneralData></ItemsGeneralData>' });
    expect(values((await call(e, 'api/Item/GetItemsGeneralData?itemID=TMP.1')).text, 'ItemID')).toEqual(['TMP.1']);
    expect((await admin(e, 'POST', 'reset')).status).toBe(200);
    expect(values((await call(e, 'api/Item/GetItemsGeneralData?itemID=TMP.1')).text, 'ItemID')).toEqual([]);
  });
});
