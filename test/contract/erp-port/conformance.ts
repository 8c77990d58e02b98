/**
 * ErpPort conformance: what every ERP connector must do, proved over real HTTP against an
 * emulator (or a sandbox) of that ERP. A new ERP connector calls
 * `runErpPortConformance('my-erp', setup)` from its own test file; `setup` starts the
 * target, builds the port and gives the suite a few admin hooks to observe the target.
 *
 * The order tests follow the exactly-once protocol of ARCHITECTURE.md: after a create, a
 * caller in doubt (restart, lost answer) asks findOrderByReference before creating again;
 * the port must find the first order, so the ERP ends up with exactly one. The lost answer is
 * real: the target carries the create out and drops the connection before answering, under
 * every look-up variant the target offers (iCenter: GetOrderStatus answering nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpDocumentKey, ErpOrderDraft, Sku } from '../../../src/core/model.js';
import type { ErpPort } from '../../../src/core/ports.js';
import { collect, failure } from '../helpers.js';

export interface ErpPortConformanceSetup {
  /** A port with working settings. */
  port: ErpPort;
  /** A port to the same target whose credentials are wrong, or whose company/organisation is wrong. */
  makePort(variant: 'bad-credentials' | 'wrong-organisation'): ErpPort;
  data: {
    /** How many items (active and inactive) the target holds. */
    itemCount: number;
    /** A page size for the paging test; it should not divide itemCount. */
    pageSize: number;
    /** An item that exists and one that does not. */
    knownSku: Sku;
    unknownSku: Sku;
    /** A valid order draft with this reference; `skus` replaces the lines' items. */
    orderDraft(reference: string, skus?: Sku[]): ErpOrderDraft;
  };
  admin: {
    /** Forget the requests seen so far. */
    resetRequests(): Promise<void>;
    /** Page numbers of item-list requests since the last reset, in order. */
    itemPagesRequested(): Promise<number[]>;
    /** How many documents in the target carry this order reference. */
    ordersWithReference(reference: string): Promise<number>;
    /** Issue (as a person in the ERP would) the invoice of an order. */
    issueInvoice(orderKey: ErpDocumentKey): Promise<void>;
    /** Make the target carry out the next order create and then drop the connection instead of answering. */
    loseNextCreateAnswer(): Promise<void>;
  };
  /**
   * Target behaviours under which a look-up by reference must still find an order, each
   * switched on by `apply` and off by `restore` (iCenter: GetOrderStatus returning nothing, so
   * the port falls back to reading orders by number). May be empty.
   */
  lookupVariants: { name: string; apply(): Promise<void>; restore(): Promise<void> }[];
  teardown(): Promise<void>;
}

let referenceCounter = 0;
const uniqueReference = (prefix: string): string => `${prefix}${Date.now().toString(36)}${(referenceCounter += 1)}`;

export function runErpPortConformance(name: string, setup: () => Promise<ErpPortConformanceSetup>): void {
  describe(`ErpPort conformance: ${name}`, () => {
    let s: ErpPortConformanceSetup;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s?.teardown();
    });

    it('checks the connection', async () => {
      const info = await s.port.checkConnection();
      expect(info.target).toBeTruthy();
    });

    it('gives a configuration error for bad credentials and for a wrong organisation', async () => {
      for (const variant of ['bad-credentials', 'wrong-organisation'] as const) {
        const port = s.makePort(variant);
        try {
          const error = await failure(port.checkConnection());
          expect(error.errorClass, `${variant}: ${error.sentence}`).toBe('configuration');
          expect(error.sentence.length).toBeGreaterThan(20);
          const items = await failure(collect(port.items({ pageSize: 10 })));
          expect(items.errorClass).toBe('configuration');
        } finally {
          await port.close();
        }
      }
    });

    it('reads every item page exactly once and every item once', async () => {
      const { itemCount, pageSize } = s.data;
      await s.admin.resetRequests();
      const { rows, pages } = await collect(s.port.items({ includeInactive: true, pageSize }));
      expect(rows).toHaveLength(itemCount);
      expect(new Set(rows.map((r) => r.sku)).size).toBe(itemCount);
      expect(pages).toBe(Math.ceil(itemCount / pageSize));
      const requested = await s.admin.itemPagesRequested();
      const expected = Array.from({ length: Math.floor(itemCount / pageSize) + 1 }, (_, i) => i + 1);
      // A count that divides exactly needs one empty page to know the end; otherwise the short page ends it.
      expect(requested).toEqual(itemCount % pageSize === 0 ? expected : expected.slice(0, Math.ceil(itemCount / pageSize)));
    });

    it('tells which SKUs exist', async () => {
      const found = await s.port.existingSkus([s.data.knownSku, s.data.unknownSku]);
      expect([...found]).toEqual([s.data.knownSku]);
    });

    it('creates an order once: a caller in doubt finds it by reference instead of creating it again', async () => {
      const reference = uniqueReference('CF');
      const draft = s.data.orderDraft(reference);
      expect(await s.port.findOrderByReference(reference, { orderDate: new Date(draft.orderDate), book: draft.book })).toBeUndefined();
      const { order } = await s.port.createOrder(draft);
      expect(order.reference).toBe(reference);
      // The retry path of the protocol: look up before re-sending.
      const again = await s.port.findOrderByReference(reference, { orderDate: new Date(draft.orderDate), book: draft.book });
      expect(again?.key).toBe(order.key);
      expect(await s.admin.ordersWithReference(reference)).toBe(1);
      expect((await s.port.getOrder(order.key))?.reference).toBe(reference);
    });

    it('creates an order once when the answer to the create is lost: the caller in doubt finds it by reference', async () => {
      const variants = [{ name: 'as configured', apply: async () => undefined, restore: async () => undefined }, ...s.lookupVariants];
      for (const variant of variants) {
        const reference = uniqueReference('CL');
        const draft = s.data.orderDraft(reference);
        await variant.apply();
        try {
          await s.admin.loseNextCreateAnswer();
          const lost = await failure(s.port.createOrder(draft));
          expect(lost.errorClass, `${variant.name}: ${lost.sentence}`).toBe('transient');
          expect(await s.admin.ordersWithReference(reference), variant.name).toBe(1);
          // The protocol's retry path: look up before re-sending, and find the order the lost answer hid.
          const found = await s.port.findOrderByReference(reference, { orderDate: new Date(draft.orderDate), book: draft.book });
          expect(found?.reference, variant.name).toBe(reference);
          expect((await s.port.getOrder(found!.key))?.reference, variant.name).toBe(reference);
          expect(await s.admin.ordersWithReference(reference), variant.name).toBe(1);
        } finally {
          await variant.restore();
        }
      }
    });

    it('gives a business error naming an unknown item', async () => {
      const reference = uniqueReference('CU');
      const error = await failure(s.port.createOrder(s.data.orderDraft(reference, [s.data.knownSku, s.data.unknownSku])));
      expect(error.errorClass).toBe('business');
      expect(error.sentence).toContain(s.data.unknownSku);
      expect(await s.admin.ordersWithReference(reference)).toBe(0);
    });

    it('links an issued invoice to its order and returns its PDF', async () => {
      const reference = uniqueReference('CI');
      const { order } = await s.port.createOrder(s.data.orderDraft(reference));
      expect(await s.port.invoicesForOrder(order.key)).toEqual([]);
      await s.admin.issueInvoice(order.key);
      const invoices = await s.port.invoicesForOrder(order.key);
      expect(invoices).toHaveLength(1);
      expect(invoices[0]!.orderKey).toBe(order.key);
      const pdf = await s.port.invoicePdf(invoices[0]!.key);
      expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
      expect(pdf.fileName).toMatch(/\.pdf$/i);
      const delta = await collect(s.port.invoices({ changedSince: new Date(Date.now() - 60_000) }));
      expect(delta.rows.map((i) => i.key)).toContain(invoices[0]!.key);
    });
  });
}
