import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import { configurationError } from '../../src/core/errors.js';

function collect() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger', () => {
  it('writes one JSON object per line by default when not on a terminal', () => {
    const { lines, destination } = collect();
    createLogger({ pretty: false, destination }).info({ flow: 'orders' }, 'started');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, flow: 'orders', msg: 'started' });
  });

  it('writes readable lines when pretty', () => {
    const { lines, destination } = collect();
    createLogger({ pretty: true, destination }).info({ flow: 'orders' }, 'started');
    expect(lines.join('')).toMatch(/INFO.*started/);
    expect(() => JSON.parse(lines[0] ?? '')).toThrow();
  });

  it('censors secret fields by name', () => {
    const { lines, destination } = collect();
    createLogger({ pretty: false, destination }).info({
      erp: { password: 'p-1', username: 'api' },
      magento: { oauth: { consumerSecret: 'c-2', accessToken: 't-3', accessTokenSecret: 's-4' } },
      headers: { authorization: 'Bearer a-5', cookie: 'sid=c-6' },
      req: { headers: { 'x-api-key': 'k-7' } },
      oauth_signature: 'o-8',
    });
    const text = lines.join('');
    for (const value of ['p-1', 'c-2', 't-3', 's-4', 'a-5', 'c-6', 'k-7', 'o-8']) expect(text).not.toContain(value);
    expect(text).toContain('"username":"api"');
  });

  it('never lets a configured password into any line, in any field or form, JSON or pretty', () => {
    const password = 'Zr9"q\\uX!';
    for (const pretty of [false, true]) {
      const { lines, destination } = collect();
      const log = createLogger({ level: 'trace', pretty, destination, secrets: [password] });
      log.info(`connecting with ${password}`);
      log.warn({ url: `https://erp/api?pw=${encodeURIComponent(password)}`, note: { deep: { deeper: password } } }, 'url');
      log.error({ err: new Error(`login failed for ${password}`) }, 'failed');
      log.child({ mode: password }).debug('child');
      log.info({ err: configurationError({ sentence: `bad ${password}` }) });
      log.info('%s and %o', password, { p: password });
      expect(lines.length).toBeGreaterThanOrEqual(6);
      for (const line of lines) {
        expect(line).not.toContain(password);
        expect(line).not.toContain(JSON.stringify(password).slice(1, -1));
        expect(line).not.toContain(encodeURIComponent(password));
      }
      expect(lines.join('')).toContain('[REDACTED]');
    }
  });

  it('scrubs configured secrets from three characters on; shorter ones would cut every line apart', () => {
    const { lines, destination } = collect();
    const log = createLogger({ pretty: false, destination, secrets: ['ab', 'x9z'] });
    log.info('table about x9z');
    const line = JSON.parse(lines[0] ?? '') as { msg: string };
    expect(line.msg).toBe('table about [REDACTED]');
  });

  it('respects the level', () => {
    const { lines, destination } = collect();
    const log = createLogger({ level: 'warn', pretty: false, destination });
    log.info('hidden');
    log.warn('shown');
    expect(lines).toHaveLength(1);
  });
});
