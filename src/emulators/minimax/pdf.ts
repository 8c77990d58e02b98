/** A real invoice PDF (pdfkit): number, dates, buyer, rows and total. Standard fonts, so letters are folded to ASCII. */
import PDFDocument from 'pdfkit';
import type { Invoice } from './model.js';
import { toWireDate } from './time.js';

const fold = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

export function renderInvoicePdf(invoice: Invoice, customerName: string, zone: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Racun ${invoice.Year}-${invoice.InvoiceNumber}`, Producer: 'icsync Minimax emulator' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.fontSize(18).text(fold(`RAČUN ${invoice.Year}-${invoice.InvoiceNumber}`));
  doc.fontSize(10).moveDown(0.5);
  doc.text(`Datum: ${toWireDate(invoice.DateIssued, zone).slice(0, 10)}   Rok: ${toWireDate(invoice.DateDue, zone).slice(0, 10)}`);
  if (invoice.DocumentReference) doc.text(fold(`Sklic: ${invoice.DocumentReference}`));
  doc.text(fold(`Kupec: ${customerName}`)).moveDown();
  for (const r of invoice.Rows) doc.text(fold(`${r.RowNumber}. ${r.ItemCode ?? ''} ${r.ItemName} | ${r.Quantity} ${r.UnitOfMeasurement} x ${r.PriceWithVAT} | DDV ${r.VATPercent} % | ${r.Value} EUR`));
  doc.moveDown().fontSize(12).text(`Za placilo: ${invoice.InvoiceValue} EUR`);
  doc.end();
  return done;
}
