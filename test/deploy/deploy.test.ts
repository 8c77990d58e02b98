/**
 * The service definitions under deploy/ (they cannot run here: no systemd as PID 1, no Windows):
 * each is well-formed, starts `icsync run`, and gives icsync longer to stop than a lease lasts,
 * so a stop never cuts a step in half.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');
const leaseSeconds = (): number => {
  const config = configSchema.parse({
    shop: { type: 'magento', magento: { baseUrl: 'http://x', auth: { kind: 'oauth', consumerKey: 'a', consumerSecret: 'b', accessToken: 'c', accessTokenSecret: 'd' } } },
    erp: { type: 'icenter', icenter: { baseUrl: 'http://x/iCenterAPI', user: 'u', password: 'p', organisationId: 1 } },
  });
  return config.worker.leaseDuration / 1000;
};

describe('deploy/', () => {
  it('systemd: runs icsync run as its own user, stops with SIGTERM after a lease at most, does not restart a configuration error', () => {
    const unit = read('deploy/systemd/icsync.service');
    const settings = new Map<string, string[]>();
    let section = '';
    for (const line of unit.split('\n').map((l) => l.trim())) {
      if (line === '' || line.startsWith('#')) continue;
      const header = /^\[(\w+)\]$/.exec(line);
      if (header) {
        section = header[1]!;
        continue;
      }
      const [key, ...value] = line.split('=');
      expect(key, `line outside a section: ${line}`).toMatch(/^[A-Za-z]+$/);
      settings.set(`${section}.${key}`, [...(settings.get(`${section}.${key}`) ?? []), value.join('=')]);
    }
    expect(settings.get('Service.ExecStart')).toEqual(['/usr/local/bin/icsync run']);
    expect(settings.get('Service.User')).toEqual(['icsync']);
    expect(settings.get('Service.KillSignal')).toEqual(['SIGTERM']);
    expect(Number(settings.get('Service.TimeoutStopSec')![0])).toBeGreaterThan(leaseSeconds());
    expect(settings.get('Service.RestartPreventExitStatus')).toEqual(['2']);
    expect(settings.get('Install.WantedBy')).toEqual(['multi-user.target']);
  });

  it('WinSW: well-formed XML that runs the installed bin.js with run, with a stop timeout above a lease', () => {
    const text = read('deploy/windows/icsync-service.xml');
    const elements = new Map<string, string>();
    const parser = new SaxesParser();
    let current = '';
    parser.on('opentag', (tag) => (current = tag.name));
    parser.on('text', (value) => {
      if (value.trim()) elements.set(current, value.trim());
    });
    parser.write(text).close();
    expect(elements.get('id')).toBe('icsync');
    expect(elements.get('executable')).toBe('node.exe');
    expect(elements.get('arguments')).toBe('"%BASE%\\node_modules\\icsync\\dist\\cli\\bin.js" run');
    expect(Number(/^(\d+) sec$/.exec(elements.get('stoptimeout')!)![1])).toBeGreaterThan(leaseSeconds());
  });

  it('Dockerfile: says it is not built in CI, installs the packed icsync and runs icsync run', () => {
    const docker = read('Dockerfile');
    expect(docker).toMatch(/NOT BUILT in icsync's CI/);
    expect(docker).toContain('npm pack');
    expect(docker).toContain('CMD ["icsync", "run", "--host", "0.0.0.0"]');
  });
});
