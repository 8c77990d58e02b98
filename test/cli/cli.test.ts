/** The `icsync` commands in-process against both emulators and a SQLite store. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeTerminal, orderSpec, startHarness, type Harness } from './harness.js';

describe('icsync commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const noSecrets = (text: string) => {
    expect(text).not.toContain(h.icenter.credentials.password);
    expect(text).not.toContain(h.magento.credentials.consumerSecret);
    expect(text).not.toContain(h.magento.credentials.accessTokenSecret);
  };

  describe('exit codes and configuration', () => {
    it('config check says OK; config schema prints JSON Schema', async () => {
      const check = await h.cli(['config', 'check']);
      expect(check.code).toBe(0);
      expect(check.stdout).toContain(': OK (shop: magento, ERP: icenter');
      const schema = await h.cli(['config', 'schema']);
      expect(schema.code).toBe(0);
      expect(JSON.parse(schema.stdout)).toHaveProperty('properties.erp');
    });

    it('-c works after the command too', async () => {
      const file = h.writeConfig('after.yaml', (raw) => raw);
      const result = await h.cli(['config', 'check', '-c', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`${file}: OK`);
    });

    it('a usage error ends with 2: unknown command, unknown flow, missing argument', async () => {
      expect((await h.cli(['frobnicate'])).code).toBe(2);
      const flow = await h.cli(['sync', 'widgets']);
      expect(flow.code).toBe(2);
      expect(flow.stderr).toContain('"widgets" is not a flow; use one of: products, stock, subjects, orders, invoices, all.');
      expect((await h.cli(['explain', 'order'])).code).toBe(2);
      const kind = await h.cli(['explain', 'widget', '1']);
      expect(kind.code).toBe(2);
      expect(kind.stderr).toContain('"widget" is not a record kind');
    });

    it('a bad configuration ends with 2 and lists each problem, no stack trace', async () => {
      const file = h.writeConfig('bad.yaml', (raw) => ({ ...raw, erp: { type: 'icenter', icenter: { ...(raw.erp as { icenter: object }).icenter, organisationId: 'abc' } }, flows: { orders: { statusez: [] } } }));
      const result = await h.cli(['-c', file, 'status']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('erp.icenter.organisationId: expected a whole number');
      expect(result.stderr).toContain('flows.orders.statusez: is not a setting icsync knows');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const missing = await h.cli(['-c', join(h.dir, 'nope.yaml'), 'sync', 'all']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('the file does not exist');
    });
  });

  describe('doctor', () => {
    it('all green against both emulators', async () => {
      const result = await h.cli(['doctor']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain('✗');
      for (const line of ['✓ iCenter: connected', '✓ Magento: connected', '✓ order book: iCenter has VNK', '✓ invoice books: iCenter has IR', '✓ warehouses: iCenter has 0000001, 0000003', '✓ VAT rates: iCenter has 02, 01', '✓ price list: iCenter has MPC', '✓ stock sources: Magento has default, maribor']) {
        expect(result.stdout).toContain(line);
      }
      expect(result.stdout).toContain('All checks passed.');
      noSecrets(result.stdout);
    });

    it('orders into iCenter without flows.orders.shippingItem: config check (exit 2) and doctor (exit 1) name the setting before any order goes', async () => {
      const file = h.writeConfig('no-shipping-item.yaml', (raw) => ({ ...raw, flows: { ...(raw.flows as object), orders: {} } }));
      const check = await h.cli(['config', 'check', '-c', file]);
      expect(check.code).toBe(2);
      expect(check.stderr).toContain('flows.orders.shippingItem: not set, while the orders flow enters orders into iCenter');
      const doctor = await h.cli(['-c', file, 'doctor']);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toContain('✗ flows.orders.shippingItem: not set');
      // With the orders flow off the setting is not needed.
      const off = h.writeConfig('orders-off.yaml', (raw) => ({ ...raw, flows: { ...(raw.flows as object), orders: { enabled: false } } }));
      expect((await h.cli(['config', 'check', '-c', off])).code).toBe(0);
      // Named but absent in the ERP: doctor says so.
      const wrong = h.writeConfig('wrong-shipping-item.yaml', (raw) => ({ ...raw, flows: { ...(raw.flows as object), orders: { shippingItem: 'NI-TAKEGA' } } }));
      const missing = await h.cli(['-c', wrong, 'doctor']);
      expect(missing.code).toBe(1);
      expect(missing.stdout).toContain('✗ flows.orders.shippingItem: iCenter has no item NI-TAKEGA');
      const good = await h.cli(['doctor']);
      expect(good.stdout).toContain(`✓ shipping item: iCenter has ${h.skus.at(-1)}`);
    });

    it('a wrong warehouse mapping and a wrong shop source: one sentence each naming the setting, exit 1', async () => {
      const file = h.writeConfig('wrong-warehouse.yaml', (raw) => ({ ...raw, mappings: { ...(raw.mappings as object), warehouses: { '0000001': 'default', '0000009': 'maribor', '0000003': 'ljubljana' }, paymentMethods: { checkmo: '77' } } }));
      const result = await h.cli(['-c', file, 'doctor']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^✗ mappings\.warehouses\."0000009": iCenter has no warehouse 0000009 \(it has 0000001, 0000003, 0000005\)\.$/m);
      expect(result.stdout).toMatch(/^✗ mappings\.paymentMethods\."checkmo": iCenter has no payment method 77 \(it has [^)]+\)\.$/m);
      expect(result.stdout).toContain('✗ mappings.warehouses."0000003": Magento has no stock source ljubljana (it has default, maribor).');
      expect(result.stdout).toContain('✓ order book: iCenter has VNK');
      expect(result.stderr).toBe('3 checks failed.\n');
    });

    it('no mappings.orderBook while orders are enabled: one sentence naming it, exit 1', async () => {
      const file = h.writeConfig('no-book.yaml', (raw) => {
        const { orderBook: _dropped, ...mappings } = raw.mappings as Record<string, unknown>;
        return { ...raw, mappings };
      });
      const result = await h.cli(['-c', file, 'doctor']);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('✗ mappings.orderBook: not set; shop orders cannot be entered without an iCenter order book (iCenter: a VNK-type book, e.g. VNK).');
      expect(result.stderr).toBe('1 check failed.\n');
    });

    it('a wrong organisation: the sentence names erp.icenter.organisationId, the ERP code lists are not checked', async () => {
      const file = h.writeConfig('wrong-org.yaml', (raw) => ({ ...raw, erp: { type: 'icenter', icenter: { ...(raw.erp as { icenter: object }).icenter, organisationId: 42 } } }));
      const result = await h.cli(['-c', file, 'doctor']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^✗ iCenter: iCenter refused user "[^"]+" for organisation 42 while [^:]+: check erp\.icenter\.user, erp\.icenter\.password and erp\.icenter\.organisationId\.$/m);
      expect(result.stdout).toContain('– warehouses: not checked (no connection to iCenter)');
      expect(result.stdout).toContain('✓ Magento: connected');
      noSecrets(result.stdout + result.stderr);
    });
  });

  it('sync ends with 1 when a flow stopped, and says why with the setting named', async () => {
    const file = h.writeConfig('stopped.yaml', (raw) => ({ ...raw, store: { url: `sqlite:${join(h.dir, 'stopped.db')}` }, erp: { type: 'icenter', icenter: { ...(raw.erp as { icenter: object }).icenter, organisationId: 42 } } }));
    const result = await h.cli(['-c', file, 'sync', 'products']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^products\s+stopped \(configuration\)/m);
    expect(result.stdout).toContain('products stopped: iCenter refused user');
    expect(result.stdout).toContain('erp.icenter.organisationId');
    expect(result.stdout + result.stderr).not.toContain(h.icenter.credentials.password);
  });

  describe('sync, status, explain, retry, skip', () => {
    let good: string;
    let bad: string;
    beforeAll(async () => {
      good = (await h.placeOrder(orderSpec([h.skus[0]!, h.skus[1]!]))).increment_id;
      // An order for a SKU the ERP does not have waits for a person.
      bad = (await h.placeOrder(orderSpec(['NO-SUCH-SKU'], { email: 'bojan@example.si' }))).increment_id;
    });

    it('sync orders --dry-run prints what would happen and writes nothing anywhere', async () => {
      const file = h.writeConfig('dry.yaml', (raw) => ({ ...raw, store: { url: `sqlite:${join(h.dir, 'dry.db')}` } }));
      const ordersBefore = JSON.stringify(h.icenter.state().orgs.get(1)!.orders ?? []);
      const result = await h.cli(['-c', file, 'sync', 'orders', '--dry-run']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Dry run: nothing was written.');
      expect(result.stdout).toMatch(/^orders\s+ok/m);
      expect(result.stdout).toContain(`orders: would discover 2`);
      // Opening the store here would create it: that no file exists is the proof nothing was written.
      expect(existsSync(join(h.dir, 'dry.db'))).toBe(false);
      expect(JSON.stringify(h.icenter.state().orgs.get(1)!.orders ?? [])).toBe(ordersBefore);
    });

    it('sync orders enters the good order, lists the bad one with its sentence, exit 0', async () => {
      const result = await h.cli(['sync', 'orders']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^orders\s+ok\s+read 2, discovered 2, done 1, needsAttention 1, problems 1\s/m);
      expect(result.stdout).toContain('orders: 1 record needs a person');
      expect(result.stdout).toMatch(new RegExp(`^  Order ${bad}: SKU NO-SUCH-SKU`, 'm'));
      noSecrets(result.stdout + result.stderr);
    });

    it('status shows the last runs, ledger counts and the record that needs a person with its reason', async () => {
      const result = await h.cli(['status']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^orders\s+every 2m\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+ok/m);
      expect(result.stdout).toMatch(/^products\s+every 1h\s+-\s+never run/m);
      expect(result.stdout).toMatch(/^order\s+in_erp\s+1$/m);
      expect(result.stdout).toMatch(/^order\s+needs_attention\s+1$/m);
      expect(result.stdout).toMatch(new RegExp(`^  \\[needs_attention\\] Order ${bad}: SKU NO-SUCH-SKU`, 'm'));
      // The key is named once, not "order X: Order X: …".
      expect(result.stdout.split(bad)).toHaveLength(2);
      const json = JSON.parse((await h.cli(['status', '--json'])).stdout) as { attention: { key: string }[] };
      expect(json.attention.map((a) => a.key)).toEqual([bad]);
    });

    it('explain prints the state, keys and the timeline in UTC', async () => {
      const result = await h.cli(['explain', 'order', good]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`order ${good}\n  state:     in_erp\n`);
      expect(result.stdout).toMatch(/ERP key:\s+\S+/);
      expect(result.stdout).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}intent\s+erp_pending\s+entering the order/m);
      const byErpKey = result.stdout.match(/ERP key:\s+(\S+)/)![1]!;
      expect((await h.cli(['explain', 'order', byErpKey])).stdout).toContain(`order ${good}`);
      const unknown = await h.cli(['explain', 'order', '999999999']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe('The ledger has no order with the key 999999999 (neither as shop key nor as ERP key); icsync status lists the records it knows.\n');
    });

    it('retry, skip and retry --all-failed move the record; an unknown key is one sentence and exit 1', async () => {
      const retry = await h.cli(['retry', 'order', bad]);
      expect(retry.code).toBe(0);
      expect(retry.stdout).toBe(`order ${bad} will be tried again on the next run (resumes at discovered).\n`);
      const skip = await h.cli(['skip', 'order', bad]);
      expect(skip.stdout).toContain(`order ${bad} is skipped`);
      expect((await h.cli(['explain', 'order', bad])).stdout).toContain('state:     skipped');
      await h.cli(['retry', 'order', bad]);
      const again = await h.cli(['sync', 'orders']);
      expect(again.stdout).toContain('orders: 1 record needs a person');
      const all = await h.cli(['retry', '--all-failed']);
      expect(all.stdout).toBe('1 record will be tried again on the next run.\n');
      expect((await h.cli(['retry', '--all-failed'])).stdout).toBe('No record needs a person; nothing to retry.\n');
      const unknown = await h.cli(['retry', 'order', 'X-404']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('The ledger has no order with the key X-404');
      expect((await h.cli(['retry'])).code).toBe(2);
    });

    it('on a terminal progress is drawn (on stderr: orders has no total, so a count) and the summary still goes to stdout', async () => {
      await h.placeOrder(orderSpec([h.skus[2]!], { email: 'cilka@example.si' }));
      const terminal = fakeTerminal();
      const result = await h.cli(['sync', 'orders'], { progressStream: terminal.stream });
      expect(result.code).toBe(0);
      expect(terminal.drawn()).toMatch(/orders: \d+ records so far/);
      expect(result.stdout).toMatch(/^orders\s+ok/m);
    });
  });
});

describe('icsync --version and --help (the real binary)', () => {
  const root = new URL('../../', import.meta.url);
  // The real process, so the exit code is what a shell sees (bin.ts sets process.exitCode).
  const icsync = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
    });

  it('--version prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
    const result = await icsync(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  }, 60_000);

  it('--help lists every command, ends with the exit-code line and exits 0', async () => {
    const result = await icsync(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const command of ['config', 'run', 'sync', 'status', 'explain', 'retry', 'skip', 'resync', 'doctor', 'emulate', 'demo']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('Exit codes: 0 ok, 1 failure, 2 usage or configuration error.');
  }, 60_000);
});
