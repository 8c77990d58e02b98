/**
 * A real invoice PDF rendered with pdfkit: number, date, buyer, lines, VAT and totals.
 * A Unicode TTF (DejaVuSans if installed) keeps č/ć/đ; without one, Helvetica with
 * letters folded to ASCII (the standard PDF fonts lack č, ć, đ).
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { toLocalText } from './clock.js';
import type { InvoiceRecord } from './model.js';
import { fixed } from './routes-lookups.js';

const FONT_CANDIDATES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf', '/Library/Fonts/Arial Unicode.ttf', 'C:\\Windows\\Fonts\\arial.ttf'];

function pickFont(configured: string | null): string | null {
  if (configured && existsSync(configured)) return configured;
  return FONT_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

const fold = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

const date = (ms: number, zone: string): string => {
  const t = toLocalText(ms, zone);
  return `${t.slice(8, 10)}.${t.slice(5, 7)}.${t.slice(0, 4)}`;
};

export function invoiceNumberText(inv: InvoiceRecord): string {
  return `${inv.year}-${inv.book}-${inv.number}`;
}

export function renderInvoicePdf(inv: InvoiceRecord, fontPath: string | null, zone: string): Promise<Buffer> {
  const font = pickFont(fontPath);
  const t = font ? (s: string): string => s : fold;
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Račun ${invoiceNumberText(inv)}`, Producer: 'icsync iCenter emulator' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font) doc.font(font);
  const p = inv.payer;
  doc.fontSize(18).text(t(`RAČUN ${invoiceNumberText(inv)}`));
  doc.fontSize(10).moveDown(0.5);
  doc.text(t(`Datum računa: ${date(inv.invoiceDate, zone)}`));
  doc.text(t(`Rok plačila: ${date(inv.dueDate, zone)}`));
  if (inv.order) doc.text(t(`Naročilo: ${inv.order.year}-${inv.order.book}-${inv.order.number}`));
  doc.moveDown();
  doc.text(t('Kupec:'));
  doc.text(t(`${p.Name ?? inv.customerId} (${inv.customerId})`));
  if (p.Address) doc.text(t(p.Address));
  doc.text(t(`${p.PostalCode ?? ''} ${p.City ?? ''} ${p.Country ?? ''}`.trim()));
  if (p.TaxNumber) doc.text(t(`ID za DDV: ${p.TaxNumber}`));
  doc.moveDown();
  doc.text(t('Postavke:'));
  for (const l of inv.lines) {
    doc.text(t(`${l.lineNo}. ${l.itemId} ${l.title1} | ${fixed(l.qty, 3)} ${l.unit} x ${fixed(l.price, 4)} EUR | popust ${fixed(l.discountPercent, 2)} % | DDV ${fixed(l.vatPercent, 2)} % | ${fixed(l.netAmount, 2)} EUR`));
  }
  doc.moveDown();
  doc.text(t(`Osnova brez DDV: ${fixed(inv.totals.netAmount, 2)} EUR`));
  doc.text(t(`DDV: ${fixed(inv.totals.vatAmount, 2)} EUR`));
  doc.fontSize(12).text(t(`Za plačilo: ${fixed(inv.totals.paymentAmount, 2)} EUR`));
  doc.end();
  return done;
}
