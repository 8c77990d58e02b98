/** `icsync emulate magento|icenter`: starts the emulator, prints its line, stops on a signal. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

function io(stop: Promise<string>, onOut: (text: string) => void): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
      onOut(text);
    },
    err: (text) => void (err += text),
    isTTY: false,
    waitForStop: () => stop,
    stdout: () => out,
    stderr: () => err,
  };
}

describe('icsync emulate', () => {
  it('magento: prints its base URL, answers REST, stops with 0 on SIGINT', async () => {
    let stop!: (signal: string) => void;
    let line!: (text: string) => void;
    const printed = new Promise<string>((resolve) => (line = resolve));
    const cli = io(new Promise((resolve) => (stop = resolve)), line);
    const running = main(['node', 'icsync', 'emulate', 'magento', '--port', '0', '--seed', 'none', '--version', '2.4.3'], cli);
    const info = JSON.parse(await printed) as { baseUrl: string; version: string };
    expect(info.version).toBe('2.4.3');
    const res = await fetch(`${info.baseUrl}/rest/V1/products?searchCriteria[pageSize]=1`);
    expect(res.status).toBe(401);
    stop('SIGINT');
    expect(await running).toBe(0);
    expect(cli.stderr()).toBe('SIGINT: stopping the emulator\n');
    await expect(fetch(`${info.baseUrl}/rest/V1/products?searchCriteria[pageSize]=1`)).rejects.toThrow();
  });

  for (const tls of [false, true]) {
    it(`icenter${tls ? ' --tls' : ''}: prints base URL, credentials, organisations${tls ? ' and the CA file' : ''}, answers the API, stops with 0`, async () => {
      let stop!: (signal: string) => void;
      let line!: (text: string) => void;
      const printed = new Promise<string>((resolve) => (line = resolve));
      const cli = io(new Promise((resolve) => (stop = resolve)), line);
      const args = ['node', 'icsync', 'emulate', 'icenter', '--port', '0', '--seed', 'gen:5:3', '--user', 'preizkus', '--password', 'geslo-1'];
      const running = main(tls ? [...args, '--tls'] : args, cli);
      const text = await printed;
      expect(text.endsWith('\n')).toBe(true);
      const info = JSON.parse(text) as { emulator: string; baseUrl: string; adminUrl: string; user: string; password: string; organisations: number[]; caPath?: string };
      expect(info).toMatchObject({ emulator: 'icenter', user: 'preizkus', password: 'geslo-1', organisations: [1, 2] });
      expect(info.baseUrl).toMatch(new RegExp(`^${tls ? 'https' : 'http'}://127\\.0\\.0\\.1:\\d+/iCenterAPI$`));
      expect(info.adminUrl).toBe(info.baseUrl.replace('/iCenterAPI', '/__admin'));
      const { Agent, request } = await import('undici');
      let dispatcher: InstanceType<typeof Agent> | undefined;
      if (tls) {
        expect(info.caPath).toBeTruthy();
        dispatcher = new Agent({ connect: { ca: readFileSync(info.caPath!, 'utf8') } });
      } else {
        expect(info.caPath).toBeUndefined();
      }
      const auth = `Basic ${Buffer.from(`${info.user}:${info.password}`).toString('base64')}`;
      const res = await request(`${info.baseUrl}/api/V2/ApiVersion`, { headers: { authorization: auth, organisationid: '1' }, ...(dispatcher ? { dispatcher } : {}) });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toContain('<ApiInfo');
      await dispatcher?.close();
      stop('SIGTERM');
      expect(await running).toBe(0);
      expect(cli.stdout()).toBe(text);
      expect(cli.stderr()).toBe('SIGTERM: stopping the emulator\n');
    });
  }

  it('an unknown Magento version is a usage error', async () => {
    const cli = io(new Promise(() => undefined), () => undefined);
    expect(await main(['node', 'icsync', 'emulate', 'magento', '--version', '1.9'], cli)).toBe(2);
    expect(cli.stderr()).toContain("argument '1.9' is invalid");
  });
});

describe('icsync emulate minimax', () => {
  it('prints its URLs, credentials and organisations, signs in, answers the API, stops with 0', async () => {
    let stop!: (signal: string) => void;
    let line!: (text: string) => void;
    const printed = new Promise<string>((resolve) => (line = resolve));
    const cli = io(new Promise((resolve) => (stop = resolve)), line);
    const running = main(['node', 'icsync', 'emulate', 'minimax', '--port', '0', '--seed', 'gen:5:3', '--call-limit', '3'], cli);
    const info = JSON.parse(await printed) as { emulator: string; baseUrl: string; tokenUrl: string; clientId: string; clientSecret: string; username: string; password: string; scope: string; organisations: number[] };
    expect(info).toMatchObject({ emulator: 'minimax', scope: 'minimax.si', organisations: [1, 2] });
    const token = await fetch(info.tokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: info.clientId, client_secret: info.clientSecret, username: info.username, password: info.password, scope: info.scope }),
    });
    const { access_token: bearer } = (await token.json()) as { access_token: string };
    const get = () => fetch(`${info.baseUrl}api/orgs/1/items?PageSize=2`, { headers: { authorization: `Bearer ${bearer}` } });
    const first = await get();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { TotalRows: number }).TotalRows).toBe(5);
    await get();
    await get();
    const over = await get();
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(80_000);
    stop('SIGTERM');
    expect(await running).toBe(0);
  });
});
