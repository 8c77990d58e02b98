/**
 * Issued invoices: read by delta (`issuedinvoices/synccandidates`, then each invoice), linked
 * to the shop order by `DocumentReference` (INF: that `createissuedinvoice` carries the order's
 * Reference there is not documented; it is the emulator's default and a setting there), and
 * linked from the order side by reading the customer's invoices since the order date.
 * The PDF is a document attachment (base64), made with `generatepdf` when missing.
 */
import { add, decFromJson, div, mul, round, sub, tryDec, type Decimal } from '../../core/decimal.js';
import { businessError, isSyncError, transientError } from '../../core/errors.js';
import { asErpKey, asSku, asUtc, type CurrencyCode, type ErpDocumentKey, type ErpInvoice, type ErpInvoiceLine } from '../../core/model.js';
import type { MinimaxClient } from './client.js';
import { TARGET, type MinimaxSettings } from './config.js';
import type { createOrders } from './orders.js';
import { fromMinimaxTime, toMinimaxDate, toMinimaxTime } from './time.js';
import type { AttachmentJson, InvoiceJson, Page, SyncCandidate } from './wire.js';

const MAX_PDF = 20 * 1024 * 1024;
const num = (value: unknown): Decimal => {
  try {
    return decFromJson(value ?? 0);
  } catch {
    return tryDec(value) ?? ('0' as Decimal);
  }
};

export function createInvoices(client: MinimaxClient, settings: MinimaxSettings, orders: ReturnType<typeof createOrders>) {
  const zone = settings.timeZone;

  function toInvoice(inv: InvoiceJson, orderKey?: ErpDocumentKey): ErpInvoice {
    const lines: ErpInvoiceLine[] = (inv.IssuedInvoiceRows ?? []).map((r) => {
      const net = num(r.Value);
      const percent = num(r.VATPercent);
      // Rows carry the net Value and the VAT percent; the gross amount is derived, rounded to cents (INF, Q9).
      const lineGross = round(mul(net, add('1' as Decimal, div(percent, '100' as Decimal))), 2);
      return {
        ...(r.ItemCode && { sku: asSku(r.ItemCode) }),
        ...(r.ItemName && { name: r.ItemName }),
        quantity: num(r.Quantity),
        unitPrice: num(r.Price),
        netAmount: net,
        vatAmount: sub(lineGross, net),
        grossAmount: lineGross,
        vatPercent: percent,
      };
    });
    const grossTotal = num(inv.InvoiceValue);
    const netTotal = lines.reduce((s, l) => add(s, l.netAmount), '0' as Decimal);
    const issued = fromMinimaxTime(inv.DateIssued, zone);
    const modified = fromMinimaxTime(inv.RecordDtModified, zone);
    return {
      key: asErpKey(String(inv.IssuedInvoiceId)),
      displayNumber: `${inv.Year ?? '?'}-${inv.InvoiceNumber ?? '?'}`,
      ...(issued && { issuedAt: asUtc(issued) }),
      ...(modified && { modifiedAt: asUtc(modified) }),
      ...(orderKey && { orderKey }),
      ...(inv.DocumentReference && { orderReference: inv.DocumentReference }),
      ...(inv.Currency?.Name && { currency: inv.Currency.Name as CurrencyCode }),
      netTotal,
      vatTotal: sub(grossTotal, netTotal),
      grossTotal,
      lines,
    };
  }

  // An invoice read by the delta is read again for its PDF moments later: within `cacheFor` that costs no call.
  const recent = new Map<string, { invoice: InvoiceJson; at: number }>();
  async function readInvoice(id: string | number, fresh = false): Promise<InvoiceJson | undefined> {
    const cached = recent.get(String(id));
    if (!fresh && cached && Date.now() - cached.at < settings.cacheFor) return cached.invoice;
    const invoice = await client.get<InvoiceJson>(`issuedinvoices/${id}`, undefined, { doing: `reading invoice id ${id}`, record: { kind: 'invoice', key: String(id) } }, [404]);
    if (invoice) {
      if (recent.size > 5000) recent.clear();
      recent.set(String(id), { invoice, at: Date.now() });
    } else recent.delete(String(id));
    return invoice;
  }
  const isIssuedInvoice = (inv: InvoiceJson | undefined): inv is InvoiceJson => inv !== undefined && inv.InvoiceType === 'R' && inv.Status === 'I';

  async function* invoices(options: { changedSince?: Date; pageSize?: number }): AsyncGenerator<ErpInvoice[]> {
    const pageSize = options.pageSize ?? settings.pageSize;
    for (let page = 1; ; page++) {
      const result = options.changedSince
        ? await client.get<Page<SyncCandidate>>('issuedinvoices/synccandidates', { RecordDtModifiedFrom: toMinimaxTime(new Date(options.changedSince.getTime() - settings.deltaOverlap), zone), CurrentPage: page, PageSize: pageSize }, { doing: 'reading changed invoices' })
        : await client.get<Page<{ IssuedInvoiceId: number }>>('issuedinvoices', { InvoiceType: 'R', Status: 'I', CurrentPage: page, PageSize: pageSize }, { doing: `reading invoices page ${page}` });
      const rows = (result?.Rows ?? []) as (SyncCandidate | { IssuedInvoiceId: number })[];
      const ids = rows.map((r) => ('ID' in r ? r.ID : r.IssuedInvoiceId));
      const found = (await Promise.all(ids.map((id) => readInvoice(id)))).filter(isIssuedInvoice).map((inv) => toInvoice(inv));
      if (found.length > 0) yield found;
      if (rows.length < pageSize || (typeof result?.TotalRows === 'number' && page * pageSize >= result.TotalRows)) return;
    }
  }

  async function invoicesForOrder(orderKey: ErpDocumentKey): Promise<ErpInvoice[]> {
    const order = await orders.readOrder(orderKey, `reading order id ${orderKey}`);
    if (!order?.Reference || order.Customer?.ID === undefined) return [];
    const from = fromMinimaxTime(order.Date, zone) ?? new Date(0);
    const rows = (await client.get<Page<InvoiceJson>>('issuedinvoices', { InvoiceType: 'R', CustomerID: order.Customer.ID, DateIssuedFrom: toMinimaxDate(from, zone), PageSize: settings.pageSize }, { doing: `reading the invoices of ${order.Reference}` }))?.Rows ?? [];
    const out: ErpInvoice[] = [];
    for (const row of rows.filter((r) => r.Status !== 'O')) {
      const inv = await readInvoice(row.IssuedInvoiceId);
      if (isIssuedInvoice(inv) && inv.DocumentReference === order.Reference) out.push(toInvoice(inv, orderKey));
    }
    return out;
  }

  /** Runs an action with the RowVersion just read; a stale one (someone changed the invoice meanwhile) is read again once. */
  async function action(id: string, name: string, display: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const inv = await readInvoice(id, true);
      if (!inv?.RowVersion) throw businessError({ target: TARGET, record: { kind: 'invoice', key: id }, sentence: `Invoice ${display} is no longer in Minimax.` });
      try {
        await client.call({ method: 'PUT', path: `issuedinvoices/${id}/actions/${name}`, query: { rowVersion: inv.RowVersion } }, { doing: `making the PDF of invoice ${display}`, record: { kind: 'invoice', key: id } });
        return;
      } catch (error) {
        if (attempt < 2 && isSyncError(error) && /RowVersion/.test(error.sentence)) continue;
        throw error;
      }
    }
  }

  async function invoicePdf(key: ErpDocumentKey): Promise<{ fileName: string; bytes: Uint8Array }> {
    const record = { kind: 'invoice', key };
    let inv = await readInvoice(key);
    if (!inv) throw businessError({ target: TARGET, record, sentence: `Invoice id ${key} is not in Minimax.` });
    const display = `${inv.Year ?? '?'}-${inv.InvoiceNumber ?? '?'}`;
    if (inv.Status !== 'I') throw businessError({ target: TARGET, record, sentence: `Invoice ${display} is still a draft in Minimax; it gets a PDF once it is issued.` });
    if (!inv.InvoiceAttachment?.ID || !inv.Document?.ID) {
      await action(key, 'generatepdf', display);
      inv = await readInvoice(key, true);
    }
    if (!inv?.InvoiceAttachment?.ID || !inv.Document?.ID) throw transientError({ target: TARGET, record, sentence: `Invoice ${display}: Minimax made no PDF attachment yet. It will be asked again later.` });
    const attachment = await client.get<AttachmentJson>(`documents/${inv.Document.ID}/attachments/${inv.InvoiceAttachment.ID}`, undefined, { doing: `reading the PDF of invoice ${display}`, record });
    const data = attachment?.AttachmentData ?? '';
    if (data.length > (MAX_PDF * 4) / 3 + 4) throw businessError({ target: TARGET, record, sentence: `Invoice ${display}: the PDF is larger than ${MAX_PDF} bytes; it was not read.` });
    const bytes = Buffer.from(data, 'base64');
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw businessError({ target: TARGET, record, sentence: `Invoice ${display}: the attachment Minimax returned is not a PDF (${attachment?.MimeType ?? 'no type'}, ${bytes.length} bytes).` });
    }
    const name = attachment?.FileName && /\.pdf$/i.test(attachment.FileName) ? attachment.FileName : `invoice-${display}.pdf`;
    return { fileName: name, bytes };
  }

  return { invoices, invoicesForOrder, invoicePdf };
}
