/**
 * Alerts against a real local SMTP server (smtp-server, with a login) and a local webhook
 * receiver: a storm of records that need a person is one digest per channel, later ones wait
 * for the digest interval, a flow failing N runs in a row and a lag above the threshold are told
 * once each, a failed send keeps the alerts for the next try, and the SMTP password reaches no
 * message and no log line.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerter, type Alerter } from '../../src/alerts/index.js';
import { configSchema, secretValues, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/core/log.js';
import { openStore, type Store } from '../../src/store/index.js';

const SMTP_PASSWORD = 'smtp-Geslo-42!';
const MINUTE = 60_000;

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** The text of a quoted-printable body, as a mail program shows it. */
function bodyOf(mail: Mail): string {
  const body = mail.raw.slice(mail.raw.indexOf('\r\n\r\n') + 4).replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const hex = body[i] === '=' ? /^[0-9A-F]{2}/.exec(body.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(body[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

function subjectOf(mail: Mail): string {
  return /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(mail.raw)![1]!.replace(/\r\n[ \t]/g, ' ');
}

describe('alerts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'icsync-alerts-'));
  const mails: Mail[] = [];
  const hooks: { text: string; summary: string; alerts: { type: string; key?: string; flow?: string }[]; more: number }[] = [];
  let hookStatus = 200;
  let smtp: SMTPServer;
  let smtpPort: number;
  let receiver: Server;
  let hookUrl: string;
  let store: Store;
  let clock = Date.parse('2026-12-01T08:00:00Z');
  const logLines: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'icsync' && auth.password === SMTP_PASSWORD) return callback(null, { user: 'icsync' });
        return callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (raw += chunk));
        stream.on('end', () => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    receiver = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (hookStatus === 200) hooks.push(JSON.parse(body) as (typeof hooks)[number]);
        res.writeHead(hookStatus, { 'content-type': 'text/plain' }).end(hookStatus === 200 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}`, clock: () => new Date(clock) });
  });
  afterAll(async () => {
    await store?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (): Config =>
    configSchema.parse({
      shop: { type: 'magento', magento: { baseUrl: 'http://127.0.0.1:1', auth: { kind: 'oauth', consumerKey: 'kkk', consumerSecret: 'sss', accessToken: 'ttt', accessTokenSecret: 'uuu' } } },
      erp: { type: 'icenter', icenter: { baseUrl: 'http://127.0.0.1:1/iCenterAPI', user: 'icsync', password: 'icenter-pw', organisationId: 1 } },
      alerts: {
        email: { host: '127.0.0.1', port: smtpPort, user: 'icsync', password: SMTP_PASSWORD, from: 'icsync <icsync@trgovina.si>', to: ['skrbnik@trgovina.si', 'racunovodstvo@trgovina.si'] },
        webhook: { url: hookUrl },
        failedRunsInARow: 2,
        lagAbove: '1h',
        digest: '10m',
        maxItems: 10,
      },
    });

  async function needsPerson(key: string, sentence: string): Promise<void> {
    const { row } = await store.ledger.ensure('order', { shopKey: key }, { state: 'discovered' });
    await store.ledger.transition(row.id, null, { state: 'needs_attention', lastError: sentence, lastErrorClass: 'business' }, { type: 'needs_attention', message: sentence });
  }
  async function run(flow: string, status: 'ok' | 'failed', error?: string): Promise<void> {
    const id = await store.runs.start(flow);
    await store.runs.finish(id, { status, counts: {}, ...(error && { error }) });
  }

  let alerter: Alerter;

  it('thirty orders stopping at once make one e-mail and one webhook call, listing ten and counting the rest', async () => {
    const cfg = config();
    expect(secretValues(cfg)).toContain(SMTP_PASSWORD);
    const logger = createLogger({ level: 'debug', pretty: false, secrets: secretValues(cfg), destination: { write: (line: string) => logLines.push(line) } });
    alerter = createAlerter({ store, config: cfg, logger, owner: 'test:alerts', dashboardUrl: 'http://127.0.0.1:8090/', now: () => new Date(clock) })!;
    expect(alerter).toBeDefined();
    // Good runs everywhere, so no flow is late yet.
    for (const flow of ['products', 'stock', 'subjects', 'orders', 'invoices']) await run(flow, 'ok');
    await alerter.tick();
    expect(mails).toHaveLength(0);

    clock += MINUTE;
    for (let n = 1; n <= 30; n++) await needsPerson(String(n).padStart(9, '0'), `Order ${String(n).padStart(9, '0')}: SKU X-${n} is not in iCenter. Create the item in iCenter, then retry.`);
    clock += MINUTE;
    await alerter.tick();
    expect(mails).toHaveLength(1);
    expect(hooks).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual(['skrbnik@trgovina.si', 'racunovodstvo@trgovina.si']);
    expect(subjectOf(mail)).toBe('[icsync] 30 records need a person');
    expect(bodyOf(mail)).toContain('- Order 000000030: SKU X-30 is not in iCenter.');
    expect(bodyOf(mail)).toContain('… and 20 more (icsync status --all lists every record).');
    expect(bodyOf(mail)).toContain('Dashboard: http://127.0.0.1:8090/');
    expect(hooks[0]).toMatchObject({ summary: '30 records need a person', more: 20 });
    expect(hooks[0]!.alerts).toHaveLength(10);
    expect(hooks[0]!.text).toContain('icsync: 30 records need a person.');
  });

  it('more records within the digest interval wait, then go as one digest; a flow failing twice in a row and a late flow are told once', async () => {
    clock += 2 * MINUTE;
    for (const n of [31, 32, 33]) await needsPerson(String(n).padStart(9, '0'), `Order ${String(n).padStart(9, '0')}: totals differ.`);
    await run('orders', 'failed', 'iCenter refused user "icsync" for organisation 1: check erp.icenter.password.');
    clock += MINUTE;
    await run('orders', 'failed', 'iCenter refused user "icsync" for organisation 1: check erp.icenter.password.');
    await alerter.tick();
    expect(mails).toHaveLength(1);
    expect(alerter.pending()).toBe(4);

    clock += 10 * MINUTE;
    await alerter.tick();
    expect(mails).toHaveLength(2);
    expect(subjectOf(mails[1]!)).toBe('[icsync] orders failing; 3 records need a person');
    // The flow comes first: it may explain the records.
    expect(bodyOf(mails[1]!).indexOf('The orders flow failed 2 runs in a row')).toBeLessThan(bodyOf(mails[1]!).indexOf('Order 000000031'));
    expect(hooks[1]!.alerts.map((a) => a.type)).toEqual(['flow_failing', 'needs_person', 'needs_person', 'needs_person']);

    // Still failing, later: no new alert for the same streak. An hour without a good run: lag.
    clock += 61 * MINUTE;
    await run('orders', 'failed', 'still refused');
    for (const flow of ['products', 'stock', 'subjects', 'invoices']) await run(flow, 'ok');
    await alerter.tick();
    expect(mails).toHaveLength(3);
    expect(subjectOf(mails[2]!)).toBe('[icsync] orders behind');
    expect(bodyOf(mails[2]!)).toMatch(/The orders flow has not finished a good run for 76 min \(alerts\.lagAbove is 60 min\); last good run 2026-12-01 08:00:00 UTC\./);
    clock += 11 * MINUTE;
    await alerter.tick();
    expect(mails).toHaveLength(3);
  });

  it('a send that fails everywhere keeps the alerts for the next check; the password is in no message and no log line', async () => {
    const cfg = config();
    const onlyHook = { ...cfg, alerts: { ...cfg.alerts!, email: undefined } } as Config;
    const logger = createLogger({ level: 'debug', pretty: false, secrets: secretValues(cfg), destination: { write: (line: string) => logLines.push(line) } });
    const hookOnly = createAlerter({ store, config: onlyHook, logger, owner: 'test:alerts', now: () => new Date(clock) })!;
    // A new process tells what is still wrong (orders failing and behind) on its first check.
    await hookOnly.tick();
    const before = hooks.length;
    hookStatus = 500;
    clock += 11 * MINUTE;
    await needsPerson('000000099', 'Order 000000099: payment method "paypal_express" has no ERP code; add it to mappings.paymentMethods, then retry the order.');
    await hookOnly.tick();
    expect(hooks).toHaveLength(before);
    expect(hookOnly.pending()).toBeGreaterThanOrEqual(1);
    expect(logLines.join('')).toContain('alerts could not be sent (webhook: the webhook answered HTTP 500)');
    hookStatus = 200;
    clock += MINUTE;
    await hookOnly.tick();
    expect(hooks.at(-1)!.alerts.map((a) => a.key)).toContain('000000099');
    expect(hookOnly.pending()).toBe(0);
    await hookOnly.stop();

    // A wrong SMTP password: the error is logged, the password is not.
    const wrong = configSchema.parse({ ...JSON.parse(JSON.stringify({ shop: cfg.shop, erp: cfg.erp })), alerts: { email: { ...cfg.alerts!.email, password: 'Napacno-Geslo-7' } } });
    const wrongLogger = createLogger({ level: 'debug', pretty: false, secrets: secretValues(wrong), destination: { write: (line: string) => logLines.push(line) } });
    const mailer = createAlerter({ store, config: wrong, logger: wrongLogger, owner: 'test:alerts', now: () => new Date(clock) })!;
    await mailer.tick();
    clock += MINUTE;
    await needsPerson('000000100', 'Order 000000100: SKU Y is not in iCenter.');
    await mailer.tick();
    expect(logLines.join('')).toMatch(/alerts could not be sent \(email: .*(Invalid|auth)/i);
    await mailer.stop();
    await alerter.stop();

    const everything = [...mails.map((m) => m.raw), ...mails.map(bodyOf), ...hooks.map((h) => JSON.stringify(h)), ...logLines].join('\n');
    expect(everything).not.toContain(SMTP_PASSWORD);
    expect(everything).not.toContain('Napacno-Geslo-7');
  });
});
