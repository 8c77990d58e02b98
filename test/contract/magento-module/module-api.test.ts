/**
 * The icsync Magento module's REST contract (docs/magento-module-api.md), one kit, two targets:
 * the Magento emulator and the PHP module itself (its harness under `php -S`, on SQLite). The same
 * requests must get the same answers from both; where they disagree, one of them is wrong.
 * Target switch: ICSYNC_MODULE_TARGET=emulator|php|all (see php.ts).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMagentoShop } from '../../../src/connectors/magento/index.js';
import { magentoSettingsSchema } from '../../../src/connectors/magento/config.js';
import { asShopInvoiceId } from '../../../src/core/model.js';
import { failure } from '../helpers.js';
import { silentLogger } from '../shop-port/magento-setup.js';
import { moduleTargets } from './php.js';
import { DEFAULT_MAX_BYTES, startTarget, type ModuleTarget } from './targets.js';

const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const b64 = pdf.toString('base64');
const required = (fieldName: string) => ({ message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName } });
const notFound = { message: "The entity that was requested doesn't exist. Verify the entity and try again." };

describe.each(moduleTargets())('icsync Magento module contract on the %s target', (targetName) => {
  let t: ModuleTarget;
  beforeAll(async () => {
    t = await startTarget(targetName);
  });
  afterAll(async () => {
    await t?.close();
  });
  const path = (invoiceId: number, store = ''): string => `/rest${store}/V1/icsync/invoices/${invoiceId}/attachments`;
  const upload = (invoiceId: number, attachment: Record<string, unknown>) => t.call('POST', path(invoiceId), { attachment });

  it('stores a PDF once and answers its id as a bare integer; the list has metadata only', async () => {
    const invoiceId = await t.createInvoice();
    const first = await upload(invoiceId, { file_name: 'racun-2026-000123.pdf', mime_type: 'application/pdf', content: b64 });
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/^\d+$/);
    const again = await upload(invoiceId, { file_name: 'racun-2026-000123.pdf', mime_type: 'application/pdf', content: b64 });
    expect(again.body).toBe(first.body);
    // camelCase keys, another store code in the path, base64 in lines: the same document.
    const camel = await t.call('POST', path(invoiceId, '/default'), { attachment: { fileName: 'racun-2026-000123.pdf', mimeType: 'application/pdf', content: b64.replace(/(.{16})/g, '$1\n') } });
    expect(camel.body).toBe(first.body);
    const other = await upload(invoiceId, { file_name: 'dobavnica.pdf', mime_type: 'application/pdf', content: b64 });
    expect(other.body).not.toBe(first.body);
    const list = await t.call('GET', path(invoiceId, '/all'));
    expect(list.status).toBe(200);
    expect(list.body).toEqual([
      { attachment_id: first.body, invoice_id: invoiceId, file_name: 'racun-2026-000123.pdf', mime_type: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
      expect.objectContaining({ attachment_id: other.body, file_name: 'dobavnica.pdf' }),
    ]);
    const created = Date.parse(`${(list.body as Array<{ created_at: string }>)[0]!.created_at.replace(' ', 'T')}Z`);
    expect(Math.abs(created - Date.now())).toBeLessThan(120_000); // UTC, not the server's zone
    expect(list.text).not.toContain(b64.slice(0, 12));
  });

  it('refuses bad uploads with the contract error bodies, in the contract order', async () => {
    const invoiceId = await t.createInvoice();
    const cases: Array<[unknown, number, unknown]> = [
      [{}, 400, required('attachment')],
      [{ attachment: { file_name: 'a.pdf', mime_type: 'application/pdf', content: b64, extra: 1 } }, 400, { message: '"%fieldName" is not supported. Correct the field name and try again.', parameters: { fieldName: 'Extra' } }],
      [{ attachment: { file_name: '', mime_type: 'application/pdf', content: b64 } }, 400, required('file_name')],
      [{ attachment: { file_name: 'a.pdf', content: b64 } }, 400, required('mime_type')],
      [{ attachment: { file_name: 'a.pdf', mime_type: 'application/pdf' } }, 400, required('content')],
      [{ attachment: { file_name: '../a.pdf', mime_type: 'text/plain', content: 'x' } }, 400, { message: 'The file name "%1" is not valid.', parameters: ['../a.pdf'] }],
      [{ attachment: { file_name: 'a\\b.pdf', mime_type: 'application/pdf', content: b64 } }, 400, { message: 'The file name "%1" is not valid.', parameters: ['a\\b.pdf'] }],
      [{ attachment: { file_name: `${'x'.repeat(252)}.pdf`, mime_type: 'application/pdf', content: b64 } }, 400, { message: 'The file name "%1" is not valid.', parameters: [`${'x'.repeat(252)}.pdf`] }],
      [{ attachment: { file_name: 'a.txt', mime_type: 'text/plain', content: 'not base64' } }, 400, { message: 'The attachment type "%1" is not allowed. Only PDF documents can be attached.', parameters: ['text/plain'] }],
      [{ attachment: { file_name: 'a.pdf', mime_type: 'application/pdf', content: 'JVBE*g==' } }, 400, { message: 'The attachment content is not valid base64.' }],
      [{ attachment: { file_name: 'a.pdf', mime_type: 'application/pdf', content: Buffer.from('hello').toString('base64') } }, 400, { message: 'The attachment content is not a PDF document.' }],
    ];
    for (const [body, status, answer] of cases) {
      const reply = await t.call('POST', path(invoiceId), body);
      expect({ body, status: reply.status, answer: reply.body }).toEqual({ body, status, answer });
    }
    expect((await t.call('GET', path(invoiceId))).body).toEqual([]);
  });

  it('answers 404 for an invoice that does not exist, after the body checks', async () => {
    expect(await t.call('POST', path(987654), { attachment: { file_name: 'a.pdf', mime_type: 'application/pdf', content: b64 } })).toMatchObject({ status: 404, body: notFound });
    expect(await t.call('POST', path(987654), { attachment: { file_name: '', mime_type: 'text/plain', content: '' } })).toMatchObject({ status: 404, body: notFound });
    expect(await t.call('POST', path(987654), {})).toMatchObject({ status: 400, body: required('attachment') });
    expect(await t.call('GET', path(987654))).toMatchObject({ status: 404, body: notFound });
    // A route the module does not have: Magento's own answer (what `icsync doctor` tells apart).
    expect(await t.call('GET', '/rest/V1/icsync/nothing-here')).toMatchObject({ status: 404, body: { message: 'Request does not match any route.' } });
  });

  it('applies the configured size limit to the decoded bytes', async () => {
    const invoiceId = await t.createInvoice();
    await t.setMaxBytes(pdf.length);
    try {
      expect((await upload(invoiceId, { file_name: 'exact.pdf', mime_type: 'application/pdf', content: b64 })).status).toBe(200);
      const big = await upload(invoiceId, { file_name: 'big.pdf', mime_type: 'application/pdf', content: Buffer.concat([pdf, Buffer.from(' ')]).toString('base64') });
      expect(big).toMatchObject({ status: 400, body: { message: 'The attachment is larger than the allowed %1 bytes.', parameters: [pdf.length] } });
    } finally {
      await t.setMaxBytes(DEFAULT_MAX_BYTES);
    }
  });

  it('puts every attachment into the invoice e-mail', async () => {
    const invoiceId = await t.createInvoice();
    const second = Buffer.concat([pdf, Buffer.from('% dobavnica\n')]);
    await upload(invoiceId, { file_name: 'racun.pdf', mime_type: 'application/pdf', content: b64 });
    await upload(invoiceId, { file_name: 'dobavnica.pdf', mime_type: 'application/pdf', content: second.toString('base64') });
    expect((await t.call('POST', `/rest/V1/invoices/${invoiceId}/emails`)).body).toBe(true);
    expect(await t.invoiceEmails(invoiceId)).toEqual([{ attachments: [{ file_name: 'racun.pdf', size: pdf.length }, { file_name: 'dobavnica.pdf', size: second.length }] }]);
  });

  it('serves the Magento connector: attach (twice), list, then the e-mail carrying the PDF', async () => {
    const shop = createMagentoShop(magentoSettingsSchema.parse({ ...t.connectorSettings(), retry: { attempts: 2, baseDelay: 10, maxDelay: 50, maxRetryAfter: 1000 } }), { logger: silentLogger });
    try {
      const invoiceId = asShopInvoiceId(await t.createInvoice());
      expect((await failure(shop.sendInvoiceEmail(invoiceId))).errorClass).toBe('business');
      const file = { fileName: 'racun-2026-7.pdf', bytes: new Uint8Array(pdf) };
      const { attachmentId } = await shop.attachInvoicePdf(invoiceId, file);
      expect((await shop.attachInvoicePdf(invoiceId, file)).attachmentId).toBe(attachmentId);
      expect(await shop.listInvoiceAttachments(invoiceId)).toEqual([{ attachmentId, fileName: file.fileName, size: pdf.length }]);
      await shop.sendInvoiceEmail(invoiceId);
      expect(await t.invoiceEmails(Number(invoiceId))).toEqual([{ attachments: [{ file_name: file.fileName, size: pdf.length }] }]);
      expect((await failure(shop.attachInvoicePdf(invoiceId, { fileName: 'x.pdf', bytes: Buffer.from('plain text') }))).errorClass).toBe('business');
    } finally {
      await shop.close?.();
    }
  });
});
