/**
 * ShopPort conformance: what every shop connector must do, proved over real HTTP against an
 * emulator (or a sandbox) of that shop. A new shop connector calls
 * `runShopPortConformance('my-shop', setup)` from its own test file; `setup` starts the
 * target, builds the port and gives the suite a few admin hooks to observe the target.
 *
 * The invoice tests follow ARCHITECTURE.md: the shop has no idempotency key, so creating the
 * invoice of an order twice (a retry after a lost answer) must leave exactly one invoice, and
 * the customer's e-mail goes out only after the ERP's PDF is attached, carrying it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSyncError } from '../../../src/core/errors.js';
import { dec, type Decimal } from '../../../src/core/decimal.js';
import type { ShopOrderId, Sku } from '../../../src/core/model.js';
import type { ShopPort } from '../../../src/core/ports.js';
import { collect, failure } from '../helpers.js';

export interface ShopPortConformanceSetup {
  /** A port with working settings. */
  port: ShopPort;
  /** A port to the same target whose credentials are wrong. */
  makePort(variant: 'bad-credentials'): ShopPort;
  data: {
    /** How many orders the target holds. */
    orderCount: number;
    /** A page size for the paging test; it should not divide orderCount. */
    pageSize: number;
    knownSku: Sku;
    unknownSku: Sku;
    /** A stock location (MSI source) of the target. */
    source: string;
  };
  admin: {
    /** Forget the requests seen so far. */
    resetRequests(): Promise<void>;
    /** How many order-list requests reached the target since the last reset. */
    orderListRequests(): Promise<number>;
    /** Places (as a customer would) a new order that can be invoiced; returns its id. */
    placeOrder(): Promise<ShopOrderId>;
    /** Invoices the target holds for an order. */
    invoiceCount(orderId: ShopOrderId): Promise<number>;
    /** Invoice e-mails sent so far for this invoice, with the file names they carried. */
    invoiceEmails(invoiceId: string): Promise<{ attachments: string[] }[]>;
    /** The quantity of a SKU at a source, as the target holds it. */
    stockQuantity(sku: Sku, source: string): Promise<Decimal | undefined>;
    /** The texts of the comments the target holds for an order, in any order. */
    orderComments(orderId: ShopOrderId): Promise<string[]>;
  };
  teardown(): Promise<void>;
}

/** A small valid PDF document, enough for a shop that checks the `%PDF-` signature. */
export const tinyPdf = (text: string): Uint8Array => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');

export function runShopPortConformance(name: string, setup: () => Promise<ShopPortConformanceSetup>): void {
  describe(`ShopPort conformance: ${name}`, () => {
    let s: ShopPortConformanceSetup;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s?.teardown();
    });

    it('checks the connection', async () => {
      const info = await s.port.checkConnection();
      expect(info.target).toBeTruthy();
      expect((await s.port.listSources()).map((c) => c.code)).toContain(s.data.source);
    });

    it('gives a configuration error for bad credentials, on every kind of call', async () => {
      const port = s.makePort('bad-credentials');
      try {
        const error = await failure(port.checkConnection());
        expect(error.errorClass, error.sentence).toBe('configuration');
        expect(error.sentence.length).toBeGreaterThan(20);
        expect((await failure(collect(port.orders({ pageSize: 5 })))).errorClass).toBe('configuration');
        expect((await failure(port.writeStock([{ sku: s.data.knownSku, source: s.data.source, quantity: dec('1'), inStock: true }]))).errorClass).toBe('configuration');
      } finally {
        await port.close();
      }
    });

    it('reads every order exactly once, page by page, and stops', async () => {
      const { orderCount, pageSize } = s.data;
      await s.admin.resetRequests();
      const { rows, pages } = await collect(s.port.orders({ pageSize }));
      expect(rows).toHaveLength(orderCount);
      expect(new Set(rows.map((o) => o.id)).size).toBe(orderCount);
      expect(pages).toBe(Math.ceil(orderCount / pageSize));
      // A short page ends the read; when the count divides exactly, one empty page may be needed to know the end.
      const requests = await s.admin.orderListRequests();
      expect(requests).toBeGreaterThanOrEqual(Math.ceil(orderCount / pageSize));
      expect(requests).toBeLessThanOrEqual(Math.floor(orderCount / pageSize) + 1);
      const future = await collect(s.port.orders({ updatedSince: new Date(Date.now() + 86_400_000), pageSize }));
      expect(future.rows).toEqual([]);
    });

    it('reads one order by id and by number; an unknown id is a business error', async () => {
      const id = await s.admin.placeOrder();
      const order = await s.port.getOrder(id);
      expect(order.id).toBe(id);
      expect(order.lines.length).toBeGreaterThan(0);
      expect((await s.port.findOrderByNumber(order.number))?.id).toBe(id);
      expect(await s.port.findOrderByNumber('NO-SUCH-ORDER-1')).toBeUndefined();
      expect((await failure(s.port.getOrder('999999' as ShopOrderId))).errorClass).toBe('business');
    });

    it('tells which SKUs exist, and never creates a product in update mode', async () => {
      const found = await s.port.findProducts([s.data.knownSku, s.data.unknownSku]);
      expect([...found.keys()]).toEqual([s.data.knownSku]);
      const [outcome] = await s.port.upsertProducts([{ sku: s.data.unknownSku, name: 'Must not exist', enabled: true, attributes: {} }], { mode: 'update' });
      expect(outcome).toMatchObject({ key: s.data.unknownSku, ok: false });
      expect(outcome!.ok === false && isSyncError(outcome!.error) && outcome!.error.errorClass).toBe('business');
      expect((await s.port.findProducts([s.data.unknownSku])).size).toBe(0);
    });

    it('writes stock; a bad row fails alone', async () => {
      const rows = [
        { sku: s.data.knownSku, source: s.data.source, quantity: dec('7.5'), inStock: true },
        { sku: s.data.unknownSku, source: s.data.source, quantity: dec('1'), inStock: true },
      ];
      const outcomes = await s.port.writeStock(rows);
      expect(outcomes.map((o) => [o.key, o.ok])).toEqual([[`${s.data.knownSku}@${s.data.source}`, true], [`${s.data.unknownSku}@${s.data.source}`, false]]);
      expect(await s.admin.stockQuantity(s.data.knownSku, s.data.source)).toBe('7.5');
    });

    it('creates an invoice once: a repeat with the same comment returns the same invoice', async () => {
      const orderId = await s.admin.placeOrder();
      expect(await s.port.listInvoices(orderId)).toEqual([]);
      const comment = `ERP invoice CF-${Date.now()}`;
      const invoiceId = await s.port.createInvoice(orderId, { comment, notifyCustomer: false });
      const again = await s.port.createInvoice(orderId, { comment, notifyCustomer: false });
      expect(again).toBe(invoiceId);
      expect(await s.admin.invoiceCount(orderId)).toBe(1);
      const invoices = await s.port.listInvoices(orderId);
      expect(invoices.map((i) => [i.id, i.orderId])).toEqual([[invoiceId, orderId]]);
      expect(invoices[0]!.comments).toContain(comment);
      // A second, different invoice of a fully invoiced order is refused as a business error.
      expect((await failure(s.port.createInvoice(orderId, { comment: `${comment}-other`, notifyCustomer: false }))).errorClass).toBe('business');
      expect(await s.admin.invoiceCount(orderId)).toBe(1);
      expect((await s.port.getOrder(orderId)).invoiced).toBe(true);
    });

    it('attaches the PDF, then sends the e-mail carrying it (never before)', async () => {
      const orderId = await s.admin.placeOrder();
      const invoiceId = await s.port.createInvoice(orderId, { comment: `ERP invoice CA-${Date.now()}`, notifyCustomer: false });
      expect(await s.admin.invoiceEmails(invoiceId)).toEqual([]);
      expect((await failure(s.port.sendInvoiceEmail(invoiceId))).errorClass).toBe('business');
      expect(await s.admin.invoiceEmails(invoiceId)).toEqual([]);
      const file = { fileName: 'racun-2026-1.pdf', bytes: tinyPdf('racun 2026-1') };
      const { attachmentId } = await s.port.attachInvoicePdf(invoiceId, file);
      // Uploading the same file again (a retry) stores nothing new.
      expect((await s.port.attachInvoicePdf(invoiceId, file)).attachmentId).toBe(attachmentId);
      expect(await s.port.listInvoiceAttachments(invoiceId)).toEqual([{ attachmentId, fileName: file.fileName, size: file.bytes.byteLength }]);
      await s.port.sendInvoiceEmail(invoiceId);
      expect(await s.admin.invoiceEmails(invoiceId)).toEqual([{ attachments: [file.fileName] }]);
      const notPdf = await failure(s.port.attachInvoicePdf(invoiceId, { fileName: 'x.pdf', bytes: Buffer.from('plain text') }));
      expect(notPdf.errorClass).toBe('business');
    });

    it('adds an order comment the target stores with its text', async () => {
      const orderId = await s.admin.placeOrder();
      expect(await s.admin.orderComments(orderId)).toEqual([]);
      const text = `Entered in the ERP as VNK 2026/${Date.now()} — številka, čšž`;
      await s.port.addOrderComment(orderId, text);
      expect(await s.admin.orderComments(orderId)).toEqual([text]);
    });
  });
}
