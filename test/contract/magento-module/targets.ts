/**
 * The two targets of the module kit, behind one shape: the Magento emulator (which defines the
 * contract of docs/magento-module-api.md) and the PHP module itself (served by its harness).
 * Each gives authenticated REST calls, a fresh invoice, the attachment size limit, the invoice
 * e-mails sent, and the Magento connector's settings to reach it.
 */
import { request } from 'undici';
import type { MagentoSettingsInput } from '../../../src/connectors/magento/config.js';
import { buildPlaceOrder, startMagentoEmulator } from '../../../src/emulators/magento/index.js';
import { admin, call, type Reply } from '../../emulators/magento/helpers.js';
import { startPhpHarness, type ModuleTargetName } from './php.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ModuleTarget {
  name: ModuleTargetName;
  /** Authenticated call; `path` starts with /rest. */
  call(method: Method, path: string, body?: unknown): Promise<Reply>;
  createInvoice(): Promise<number>;
  setMaxBytes(bytes: number): Promise<void>;
  invoiceEmails(invoiceId: number): Promise<Array<{ attachments: Array<{ file_name: string; size: number }> }>>;
  connectorSettings(): Partial<MagentoSettingsInput>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export async function startTarget(name: ModuleTargetName): Promise<ModuleTarget> {
  return name === 'emulator' ? startEmulatorTarget() : startPhpTarget();
}

async function startEmulatorTarget(): Promise<ModuleTarget> {
  const em = await startMagentoEmulator({ port: 0 });
  const c = em.credentials;
  return {
    name: 'emulator',
    call: (method, path, body) => call(em, method, path, body),
    async createInvoice() {
      const order = (await admin(em, 'POST', '/orders', buildPlaceOrder({
        lines: [{ kind: 'simple', sku: 'A-1', name: 'Čokolada', unitPrice: '2.99', taxPercent: '9.5', qty: 1 }],
        customer: { id: 1, email: 'spela@example.si', firstname: 'Špela', lastname: 'Žagar' },
        billing: { firstname: 'Špela', lastname: 'Žagar', street: ['Čopova 1'], city: 'Ljubljana', postcode: '1000' },
      }))).body as { entity_id: number };
      return (await call(em, 'POST', `/rest/V1/order/${order.entity_id}/invoice`, {})).body as number;
    },
    async setMaxBytes(bytes) {
      await admin(em, 'PUT', '/settings', { attachmentMaxBytes: bytes });
    },
    async invoiceEmails(invoiceId) {
      const emails = (await admin(em, 'GET', '/emails')).body as Array<{ kind: string; entity_id: number; attachments: Array<{ file_name: string; size: number }> }>;
      return emails.filter((e) => e.kind === 'invoice' && e.entity_id === invoiceId).map((e) => ({ attachments: e.attachments.map(({ file_name, size }) => ({ file_name, size })) }));
    },
    connectorSettings: () => ({
      baseUrl: em.baseUrl,
      auth: { kind: 'oauth', consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, accessToken: c.accessToken, accessTokenSecret: c.accessTokenSecret },
    }),
    close: () => em.close(),
  };
}

async function startPhpTarget(): Promise<ModuleTarget> {
  const php = await startPhpHarness();
  const raw = async (method: Method, path: string, body?: unknown, auth = true): Promise<Reply> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers.authorization = `Bearer ${php.token}`;
    const res = await request(`${php.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    const text = await res.body.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // left as text
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text };
  };
  return {
    name: 'php',
    call: (method, path, body) => raw(method, path, body),
    async createInvoice() {
      return ((await raw('POST', '/__harness/invoices', { customer_id: 1 }, false)).body as { invoice_id: number }).invoice_id;
    },
    async setMaxBytes(bytes) {
      await raw('PUT', '/__harness/settings', { max_bytes: bytes }, false);
    },
    async invoiceEmails(invoiceId) {
      const emails = (await raw('GET', '/__harness/emails', undefined, false)).body as Array<{ invoice_id: number; attachments: Array<{ file_name: string; size: number }> }>;
      return emails.filter((e) => e.invoice_id === invoiceId).map((e) => ({ attachments: e.attachments.map(({ file_name, size }) => ({ file_name, size })) }));
    },
    connectorSettings: () => ({ baseUrl: php.baseUrl, auth: { kind: 'bearer', token: php.token } }),
    close: () => php.close(),
  };
}

export { DEFAULT_MAX_BYTES };
