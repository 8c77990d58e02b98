/** Invoice PDF (docs/contracts/icenter.md#invoice-pdf, all INF): PrintInvoiceToPDF body and GetDocument → bytes. */
import type { DocKey } from './documents.js';
import { list, text, type XmlNode, type XmlOut } from './xml.js';

export const PRINT_PATH = 'api/Invoice/PrintInvoiceToPDF';
export const DOCUMENT_PATH = 'api/Document/GetDocument';

export const printBody = (key: DocKey, templateId: string): XmlOut[] => [
  ['InvoiceYear', key.year],
  ['InvoiceBook', key.book],
  ['InvoiceNumber', key.number],
  ['TemplateID', templateId],
];

export const isPdf = (bytes: Uint8Array): boolean =>
  bytes.length >= 5 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d;

/** DocumentData → name and bytes. INF: `Data` is base64; the first attachment is used when Data is empty. */
export function documentBytes(node: XmlNode): { name?: string; bytes: Uint8Array } {
  let data = text(node, 'Data');
  let name = text(node, 'DocumentName');
  if (!data) {
    const first = list(node.Attachments as XmlNode | undefined, 'Attachment')[0];
    data = text(first, 'AttachmentData');
    name = name ?? text(first, 'AttachmentName');
  }
  const bytes = new Uint8Array(Buffer.from((data ?? '').replace(/\s+/g, ''), 'base64'));
  return name ? { name, bytes } : { bytes };
}
