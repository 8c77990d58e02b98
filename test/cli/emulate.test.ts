/** `icsync emulate magento|icenter`: starts the emulator, prints its line, stops on a signal. */
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

  it('an unknown Magento version is a usage error', async () => {
    const cli = io(new Promise(() => undefined), () => undefined);
    expect(await main(['node', 'icsync', 'emulate', 'magento', '--version', '1.9'], cli)).toBe(2);
    expect(cli.stderr()).toContain("argument '1.9' is invalid");
  });
});
