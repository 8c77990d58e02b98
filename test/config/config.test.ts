import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configJsonSchema, parseConfigText } from '../../src/config/index.js';

const minimal = `
shop:
  type: magento
  magento:
    baseUrl: http://127.0.0.1:8080
    auth:
      kind: oauth
      consumerKey: ck
      consumerSecret: \${MAGENTO_CONSUMER_SECRET}
      accessToken: at
      accessTokenSecret: \${file:SECRET_FILE}
erp:
  type: icenter
  icenter:
    baseUrl: https://erp.example:8383/iCenterAPI
    user: api
    password: \${ICENTER_PASSWORD}
    organisationId: 2
`;

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigText(text, 'test.yaml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-config-'));
  const secretFile = join(dir, 'secret');
  writeFileSync(secretFile, 'from-a-file\n');
  const text = minimal.replace('SECRET_FILE', secretFile);
  const env = { MAGENTO_CONSUMER_SECRET: 'cs-from-env', ICENTER_PASSWORD: 'pw-from-env' };

  it('fills defaults and interpolates ${ENV} and ${file:} values, remembering them as secrets', () => {
    const { config, secrets } = parseConfigText(text, 'test.yaml', env);
    expect(config.erp.type).toBe('icenter');
    expect(config.store.url).toBe('sqlite:./data/icsync.db');
    expect(config.flows.orders.statuses).toEqual(['pending', 'processing']);
    expect(config.flows.products.createNew).toBe(false);
    expect(config.flows.stock.schedule).toEqual({ every: 5 * 60_000 });
    if (config.shop.type === 'magento' && config.shop.magento.auth.kind === 'oauth') {
      expect(config.shop.magento.auth.consumerSecret).toBe('cs-from-env');
      expect(config.shop.magento.auth.accessTokenSecret).toBe('from-a-file');
    } else {
      throw new Error('expected oauth auth');
    }
    expect(secrets).toEqual(expect.arrayContaining(['cs-from-env', 'from-a-file', 'pw-from-env']));
  });

  it('lists every problem, each with its path, what is expected and what it got', () => {
    const bad = text.replace('organisationId: 2', 'organisationId: abc').replace('type: magento', 'type: magento\n  colour: blue') + '\nflows:\n  stock:\n    schedule: { every: soon }\n  orders:\n    schedule: { cron: "61 * * * *" }\n';
    const problems = problemsOf(bad, env);
    expect(problems).toContain('erp.icenter.organisationId: expected a whole number, got "abc"');
    expect(problems.some((p) => p.startsWith('shop.colour: is not a setting icsync knows'))).toBe(true);
    expect(problems.some((p) => p.startsWith('flows.stock.schedule.every: expected a duration'))).toBe(true);
    expect(problems).toContain('flows.orders.schedule.cron: expected a cron expression such as "*/5 * * * *", got "61 * * * *"');
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('names the environment variable or file that is missing', () => {
    const problems = problemsOf(text.replace(secretFile, join(dir, 'nope')), {});
    expect(problems).toContain('shop.magento.auth.consumerSecret: refers to the environment variable MAGENTO_CONSUMER_SECRET, which is not set');
    expect(problems.some((p) => p.startsWith('shop.magento.auth.accessTokenSecret: refers to ${file:') && p.endsWith('the file does not exist'))).toBe(true);
  });

  it('refuses an unknown connector type in one sentence', () => {
    const problems = problemsOf(text.replace('type: icenter', 'type: sap'), env);
    expect(problems.join('\n')).toMatch(/erp\.type.*icenter/);
  });

  it('prints a JSON Schema that names the sections', () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['store', 'shop', 'erp', 'mappings', 'flows', 'worker']));
  });
});

describe('icsync.example.yaml', () => {
  it('passes the same validation as a real configuration', () => {
    const text = readFileSync(new URL('../../icsync.example.yaml', import.meta.url), 'utf8');
    const env = {
      MAGENTO_CONSUMER_KEY: 'ck-example', MAGENTO_CONSUMER_SECRET: 'cs-example', MAGENTO_ACCESS_TOKEN: 'at-example',
      MAGENTO_ACCESS_TOKEN_SECRET: 'ats-example', ICENTER_PASSWORD: 'pw-example',
    };
    const { config } = parseConfigText(text, 'icsync.example.yaml', env);
    expect(config.mappings.warehouses).toEqual({ '0000001': 'default', '0000003': 'maribor' });
    expect(config.flows.orders.schedule).toEqual({ cron: '*/2 * * * *' });
    expect(config.flows.stock.subtractPendingOrders).toBe(false);
  });
});
