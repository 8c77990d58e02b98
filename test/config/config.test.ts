import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configJsonSchema, formatIssues, loadConfig, parseConfigText, resolveConfigPath, secretValues } from '../../src/config/index.js';
import { createLogger } from '../../src/core/log.js';

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

  it('reports a missing variable once, without a second complaint about the empty value', () => {
    const problems = problemsOf(text, { MAGENTO_CONSUMER_SECRET: 'cs-from-env' });
    expect(problems.filter((p) => p.startsWith('erp.icenter.password'))).toEqual([
      'erp.icenter.password: refers to the environment variable ICENTER_PASSWORD, which is not set',
    ]);
    for (const problem of problems) expect(problem.match(/\bgot\b/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('never prints a value from a variable or a file, nor a secret setting, in a problem', () => {
    const password = 'Sup3r-Secret-pw';
    const bad = text
      .replace('baseUrl: https://erp.example:8383/iCenterAPI', 'baseUrl: "${ICENTER_PASSWORD}"')
      .replace('organisationId: 2', 'organisationId: "${file:SECRET_FILE}"'.replace('SECRET_FILE', secretFile))
      .replace('consumerKey: ck', 'consumerKey: 12345678');
    const problems = problemsOf(bad, { ...env, ICENTER_PASSWORD: password });
    const all = problems.join('\n');
    expect(all).not.toContain(password);
    expect(all).not.toContain('from-a-file');
    expect(all).not.toContain('12345678');
    expect(problems).toContain('erp.icenter.baseUrl: expected a URL starting with http:// or https://, got the value of ${ICENTER_PASSWORD}, not shown');
    expect(problems).toContain(`erp.icenter.organisationId: expected a whole number, got the value of \${file:${secretFile}}, not shown`);
    expect(problems.some((p) => p.startsWith('shop.magento.auth.consumerKey: expected the integration consumer key') && p.endsWith('got a secret setting, not shown'))).toBe(true);
    // A value that was written in the file and is not secret is still shown: it helps.
    expect(problemsOf(text.replace('organisationId: 2', 'organisationId: abc'), env)).toContain('erp.icenter.organisationId: expected a whole number, got "abc"');
  });

  it('masks hidden values inside a section it prints', () => {
    const input = { erp: { icenter: { user: 'api', password: 'pw-hidden' } } };
    const hidden = new Map([[JSON.stringify(['erp', 'icenter', 'password']), 'a secret setting, not shown']]);
    const [problem] = formatIssues([{ code: 'custom', path: ['erp', 'icenter'], message: 'expected something else', input }], input, hidden);
    expect(problem).toBe('erp.icenter: expected something else, got {"user":"api","password":"[a secret setting, not shown]"}');
  });

  it('secretValues: every secret field whatever its source (inline too), and nothing else', () => {
    const withOrg = text.replace('organisationId: 2', 'organisationId: ${ICENTER_ORG}').replace('user: api', 'user: ${ICENTER_USER}');
    const { config, secrets } = parseConfigText(withOrg, 'test.yaml', { ...env, ICENTER_ORG: '2', ICENTER_USER: 'api-user' });
    expect(config.erp.type === 'icenter' && config.erp.icenter.organisationId).toBe(2);
    // ck and at are written inline; organisationId and user come from variables but are not secret.
    expect([...secrets].sort()).toEqual(['at', 'ck', 'cs-from-env', 'from-a-file', 'pw-from-env']);
    expect(secretValues(config).sort()).toEqual([...secrets].sort());

    const postgres = parseConfigText(`store:\n  url: \${DATABASE_URL}\n${text}`, 'test.yaml', { ...env, DATABASE_URL: 'postgres://icsync:p%40ss-db@db:5432/icsync' });
    expect(postgres.secrets).toContain('p@ss-db');
    expect(postgres.secrets).not.toContain('postgres://icsync:p%40ss-db@db:5432/icsync');

    const adminToken = withOrg.replace(/auth:\n(.*\n){5}/, 'auth:\n      kind: admin-token\n      username: shop-admin\n      password: admin-pw-inline\n');
    const admin = parseConfigText(adminToken, 'test.yaml', { ...env, ICENTER_ORG: '2', ICENTER_USER: 'api-user' });
    expect(admin.secrets.sort()).toEqual(['admin-pw-inline', 'pw-from-env']);
  });

  it('the logger built from a loaded configuration scrubs an inline password and keeps ids and ports', () => {
    const inline = text.replace('password: ${ICENTER_PASSWORD}', 'password: inline-pw-42').replace('organisationId: 2', 'organisationId: ${ICENTER_ORG}');
    const { secrets } = parseConfigText(inline, 'test.yaml', { ...env, ICENTER_ORG: '2' });
    const lines: string[] = [];
    const log = createLogger({ pretty: false, secrets, destination: { write: (line: string) => void lines.push(line) } });
    log.info({ organisationId: 2, port: 8090 }, 'iCenter refused inline-pw-42 for organisation 2');
    expect(lines.join('')).not.toContain('inline-pw-42');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ organisationId: 2, port: 8090, msg: 'iCenter refused [REDACTED] for organisation 2' });
  });

  it('reads a relative ${file:} path from the configuration file\'s folder, not the working folder', () => {
    const folder = join(dir, 'etc');
    mkdirSync(join(folder, 'secrets'), { recursive: true });
    writeFileSync(join(folder, 'secrets', 'icenter'), 'pw-relative\n');
    const file = join(folder, 'icsync.yaml');
    writeFileSync(file, text.replace('${ICENTER_PASSWORD}', '${file:secrets/icenter}'));
    expect(process.cwd()).not.toBe(folder);
    const { config, secrets } = loadConfig(file, env);
    expect(config.erp.type === 'icenter' && config.erp.icenter.password).toBe('pw-relative');
    expect(secrets).toContain('pw-relative');
    writeFileSync(file, text.replace('${ICENTER_PASSWORD}', '${file:secrets/missing}'));
    expect(() => loadConfig(file, env)).toThrow(`refers to \${file:secrets/missing} (${join(folder, 'secrets', 'missing')}), but the file does not exist`);
  });

  it('treats an empty ICSYNC_CONFIG or --config as not given', () => {
    expect(resolveConfigPath(undefined, { ICSYNC_CONFIG: '' })).toBe(resolve('icsync.yaml'));
    expect(resolveConfigPath('', { ICSYNC_CONFIG: '/etc/icsync.yaml' })).toBe('/etc/icsync.yaml');
    expect(resolveConfigPath('x.yaml', { ICSYNC_CONFIG: '/etc/icsync.yaml' })).toBe(resolve('x.yaml'));
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
