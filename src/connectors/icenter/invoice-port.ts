/**
 * Invoices: the delta (GetInvoiceStatus per invoice book, paged, from the cursor minus the
 * overlap; then GetInvoice per key), the order → invoice link, and the PDF.
 */
import { businessError } from '../../core/errors.js';
import type { ErpDocumentKey, ErpInvoice } from '../../core/model.js';
import { asErpKey } from '../../core/model.js';
import type { IcenterClient } from './client.js';
import type { IcenterSettings } from './config.js';
import { displayNumber, docPath, formatDocKey, parseDocKey, parseDocReference, type DocKey } from './documents.js';
import { settingProblem, TARGET } from './errors.js';
import { GET_INVOICE_PATH, invoiceAttachmentId, INVOICE_STATUS_PATH, invoiceStatusRows, mapInvoice } from './invoices.js';
import { GET_ORDER_PATH, ORDER_STATUS_PATH, overviewInvoices, PROCESS_OVERVIEW_PATH, statusRows } from './orders.js';
import { readPages } from './paging.js';
import { documentBytes, DOCUMENT_PATH, isPdf, PRINT_PATH, printBody } from './pdf.js';
import { keyValue } from './results.js';
import { toLocalText } from './time.js';
import { list, text, type XmlNode } from './xml.js';
import { EXPECT } from './answers.js';
import type { OnUnreadableRow } from '../../core/ports.js';
import { reportUnreadable } from './catalog.js';
import { UnreadableRow } from './values.js';

const MISSING = [204, 400, 404] as const;

export function createInvoicePort(client: IcenterClient, settings: IcenterSettings) {
  const currencies = new Map(Object.entries(settings.currencyIds).map(([alpha, id]) => [id, alpha]));

  async function readInvoiceNode(key: DocKey): Promise<XmlNode | undefined> {
    const answer = await client.get(`${GET_INVOICE_PATH}/${docPath(key)}`, undefined, { doing: `reading invoice ${formatDocKey(key)}`, record: { kind: 'invoice', key: formatDocKey(key) } }, { acceptMissing: MISSING, expect: EXPECT.invoice });
    return answer?.node;
  }

  async function readInvoice(key: DocKey): Promise<ErpInvoice | undefined> {
    const node = await readInvoiceNode(key);
    if (!node) return undefined;
    const invoice = mapInvoice(node, { timeZone: settings.timeZone, currencies }, key);
    if (invoice && !invoice.orderKey && settings.linkToDocument === 'order') {
      // INF: LinkToDocument may name the source order ("2026-VNK-12"); when it parses, it is the link.
      // docs/contracts/icenter.md#issued-invoices does not confirm it, so the flow also asks the order side (invoicesForOrder).
      const link = parseDocReference(text(node, 'LinkToDocument'));
      if (link) invoice.orderKey = formatDocKey(link);
    }
    return invoice;
  }

  async function* invoices(options: { changedSince?: Date; pageSize?: number; onUnreadable?: OnUnreadableRow }): AsyncGenerator<ErpInvoice[]> {
    const pageSize = options.pageSize ?? settings.pageSize;
    const from = options.changedSince ? toLocalText(new Date(options.changedSince.getTime() - settings.deltaOverlap), settings.timeZone) : undefined;
    for (const book of settings.books.invoice) {
      const seen = new Set<string>();
      for await (const rows of readPages(pageSize, async (page) => {
        const answer = await client.get(
          INVOICE_STATUS_PATH,
          { 'searchQuery.invoiceBook': book, 'searchQuery.recordDtModifiedFrom': from, 'searchQuery.page': page, 'searchQuery.pageSize': pageSize },
          { doing: `reading invoice statuses of book ${book}, page ${page}` },
          { expect: EXPECT.invoiceStatuses(pageSize) },
        );
        const node = answer?.node ?? {};
        return { rows: invoiceStatusRows(node, settings.timeZone), rawCount: list(node, 'InvoiceStatus').length };
      })) {
        const page: ErpInvoice[] = [];
        for (const row of rows) {
          const key = formatDocKey(row.key);
          // Deduplicate by key: pages can shift while a delta is read.
          if (seen.has(key)) continue;
          seen.add(key);
          try {
            const invoice = await readInvoice(row.key);
            if (invoice) page.push(invoice);
          } catch (error) {
            if (!(error instanceof UnreadableRow)) throw error;
            await reportUnreadable(error, options.onUnreadable);
          }
        }
        if (page.length > 0) yield page;
      }
    }
  }

  /** Invoice keys of an order, from the sources in settings.invoiceLink, first that answers wins. */
  async function invoiceKeysOf(order: DocKey): Promise<DocKey[]> {
    const record = { kind: 'order', key: formatDocKey(order) };
    for (const source of settings.invoiceLink) {
      if (source === 'process-overview') {
        const answer = await client.get(
          PROCESS_OVERVIEW_PATH,
          { 'searchQuery.orderYear': order.year, 'searchQuery.orderBook': order.book, 'searchQuery.orderNumber': order.number, 'searchQuery.includeInvoices': true },
          { doing: `reading the process overview of order ${record.key}`, record },
          { acceptMissing: MISSING, expect: EXPECT.processOverview },
        );
        const keys = answer ? overviewInvoices(answer.node) : [];
        if (keys.length > 0) return keys;
      } else if (source === 'order-status') {
        const answer = await client.get(
          ORDER_STATUS_PATH,
          { 'searchQuery.orderBook': order.book, 'searchQuery.orderYear': order.year, 'searchQuery.orderNumber': order.number },
          { doing: `reading the status of order ${record.key}`, record },
          { expect: EXPECT.orderStatus },
        );
        const keys = statusRows(answer?.node ?? {})
          .filter((r) => r.key.number === order.number && r.key.year === order.year)
          .map((r) => parseDocReference(r.ref2Invoice))
          .filter((k): k is DocKey => k !== undefined);
        if (keys.length > 0) return keys;
      } else {
        const answer = await client.get(`${GET_ORDER_PATH}/${docPath(order)}`, undefined, { doing: `reading order ${record.key}`, record }, { acceptMissing: [...MISSING, 500], probe: true, expect: EXPECT.order });
        const key = parseDocReference(text(answer?.node, 'ReferenceInvoice'));
        if (key) return [key];
      }
    }
    return [];
  }

  async function invoicesForOrder(orderKey: ErpDocumentKey): Promise<ErpInvoice[]> {
    const order = parseDocKey(orderKey);
    if (!order) throw businessError({ target: TARGET, record: { kind: 'order', key: orderKey }, sentence: `"${orderKey}" is not an iCenter order key (expected year/book/number).` });
    const out: ErpInvoice[] = [];
    for (const key of await invoiceKeysOf(order)) {
      const invoice = await readInvoice(key).catch((error: unknown) => {
        throw error instanceof UnreadableRow ? error.error : error;
      });
      if (invoice) out.push({ ...invoice, orderKey: asErpKey(formatDocKey(order)) });
    }
    return out;
  }

  /** Document id for the PDF: printed now (print-then-get) or the invoice's AttachmentID. All INF (docs/contracts/icenter.md#invoice-pdf). */
  async function documentId(key: DocKey, record: { kind: string; key: string }): Promise<string> {
    if (settings.pdf.mode === 'print-then-get') {
      const result = await client.write('POST', PRINT_PATH, 'PrintInvoiceToPDF', printBody(key, settings.pdf.templateId), { doing: `printing invoice ${record.key} to PDF`, record }, { retrySafe: true });
      const id = keyValue(result.keys, settings.keyNames.document);
      if (id) return id;
    }
    const node = await readInvoiceNode(key);
    const id = node ? invoiceAttachmentId(node) : undefined;
    if (!id) {
      throw businessError({
        target: TARGET,
        record,
        sentence: `iCenter gave no document id for the PDF of invoice ${record.key} (pdf.mode ${settings.pdf.mode}, key "${settings.keyNames.document}"). Check erp.icenter.pdf and erp.icenter.keyNames.document.`,
      });
    }
    return id;
  }

  async function invoicePdf(erpKey: ErpDocumentKey): Promise<{ fileName: string; bytes: Uint8Array }> {
    const record = { kind: 'invoice', key: erpKey };
    if (settings.pdf.mode === 'unsupported') {
      throw settingProblem(`Invoice PDFs are switched off for iCenter (erp.icenter.pdf.mode: unsupported). Set pdf.mode to print-then-get or attachment-id when the DMS module is available, or turn off flows.invoices.attachPdf.`);
    }
    const key = parseDocKey(erpKey);
    if (!key) throw businessError({ target: TARGET, record, sentence: `"${erpKey}" is not an iCenter invoice key (expected year/book/number).` });
    const id = await documentId(key, record);
    const answer = await client.get(`${DOCUMENT_PATH}/${encodeURIComponent(settings.pdf.apiClientId)}/${encodeURIComponent(id)}/false`, undefined, { doing: `reading document ${id} (PDF of invoice ${erpKey})`, record }, { expect: EXPECT.document });
    const { name, bytes } = documentBytes(answer?.node ?? {});
    if (!isPdf(bytes)) {
      throw businessError({
        target: TARGET,
        record,
        sentence: `Document ${id} that iCenter returned for invoice ${erpKey} is not a PDF (${bytes.length} bytes, no %PDF- header). Check erp.icenter.pdf.templateId and pdf.apiClientId.`,
      });
    }
    const fileName = name && /\.pdf$/i.test(name) ? name : `${displayNumber(key).replace(/[ /]/g, '-')}.pdf`;
    return { fileName, bytes };
  }

  return { invoices, invoicesForOrder, invoicePdf };
}
