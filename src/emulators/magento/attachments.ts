/**
 * icsync's own Magento module (a later issue implements it in PHP; this emulator defines the
 * contract, written down in docs/magento-module-api.md): PDF attachments on invoices.
 */
import { createHash } from 'node:crypto';
import { badRequest, entityNotFound, fieldRequired } from './errors.js';
import { nextId, type Attachment, type EmulatorState, type Json } from './state.js';
import { magentoDate } from './util.js';

export const ATTACHMENT_BODY_SCHEMA = {
  required: ['attachment'],
  properties: { attachment: { $ref: '#/definitions/icsync-invoice-attachment-data-interface' } },
};

export const ATTACHMENT_DEFINITIONS = {
  'icsync-invoice-attachment-data-interface': {
    type: 'object',
    properties: { file_name: { type: 'string' }, mime_type: { type: 'string' }, content: { type: 'string' } },
  },
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function addAttachment(state: EmulatorState, invoiceId: number, input: Json, maxBytes: number, now = new Date()): number {
  if (!state.invoices.has(invoiceId)) throw entityNotFound();
  const fileName = typeof input.file_name === 'string' ? input.file_name.trim() : '';
  const mimeType = typeof input.mime_type === 'string' ? input.mime_type.trim().toLowerCase() : '';
  const content = typeof input.content === 'string' ? input.content.replace(/\s+/g, '') : '';
  if (fileName === '') throw fieldRequired('file_name');
  if (mimeType === '') throw fieldRequired('mime_type');
  if (content === '') throw fieldRequired('content');
  if (/[/\\\0]/.test(fileName) || fileName.length > 255) throw badRequest('The file name "%1" is not valid.', [fileName]);
  if (mimeType !== 'application/pdf') throw badRequest('The attachment type "%1" is not allowed. Only PDF documents can be attached.', [mimeType]);
  if (!BASE64.test(content) || content.length % 4 !== 0) throw badRequest('The attachment content is not valid base64.');
  // Cheap size check before decoding: base64 carries 3 bytes per 4 characters.
  const decodedSize = (content.length / 4) * 3 - (content.endsWith('==') ? 2 : content.endsWith('=') ? 1 : 0);
  if (decodedSize > maxBytes) throw badRequest('The attachment is larger than the allowed %1 bytes.', [maxBytes]);
  const bytes = Buffer.from(content, 'base64');
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw badRequest('The attachment content is not a PDF document.');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const list = state.attachments.get(invoiceId) ?? [];
  // A retried upload of the same file is not a second attachment: return the first id.
  const same = list.find((a) => a.sha256 === sha256 && a.fileName === fileName);
  if (same) return same.attachmentId;
  const attachment: Attachment = { attachmentId: nextId(state, 'attachment'), invoiceId, fileName, mimeType, content: bytes, sha256, createdAt: magentoDate(now) };
  list.push(attachment);
  state.attachments.set(invoiceId, list);
  return attachment.attachmentId;
}

export function listAttachments(state: EmulatorState, invoiceId: number): Json[] {
  if (!state.invoices.has(invoiceId)) throw entityNotFound();
  return (state.attachments.get(invoiceId) ?? []).map((a) => ({
    attachment_id: a.attachmentId, invoice_id: a.invoiceId, file_name: a.fileName, mime_type: a.mimeType,
    size: a.content.length, sha256: a.sha256, created_at: a.createdAt,
  }));
}

