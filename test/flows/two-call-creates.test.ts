/**
 * Creates that take more than one call, broken between the calls, against the emulators over
 * HTTP: the retry finds what the first call wrote and finishes the rest, never creating twice.
 * - iCenter partner: AddCustomer, then AddCustomerContacts (the e-mail). The first call carried
 *   out and its answer lost (the connection dropped, as when a process dies right after it):
 *   found again by name and address (or VAT ID) and given its contact. A contact iCenter refused
 *   is added on a later attempt.
 * - Magento invoice: the invoice, then its PDF. The PDF upload carried out and its answer lost:
 *   found again by file name, not uploaded twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };
let counter = 0;

interface AdminCustomer {
  Code: string;
  Name: string;
  TaxNumber?: string;
  contacts: { ContactEMail?: string }[];
}

describe('two-call creates broken between the calls', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld({ items: 12 });
  });
  afterAll(async () => {
    await w?.close();
  });
  beforeEach(async () => {
    await w.admin('icenter', 'PUT', '/faults', { rules: [] });
    await w.admin('magento', 'PUT', '/faults', { rules: [] });
  });

  /** A new buyer: a person (e-mail only) or a company with a VAT ID. */
  function buyer(vat = false) {
    counter += 1;
    const lastname = `Prekinjena${counter}x`;
    const email = `prekinjena${counter}.${Date.now().toString(36)}@example.si`;
    const billing = { firstname: 'Mojca', lastname, street: [`Ulica ${counter}`], city: 'Kranj', postcode: '4000', countryId: 'SI', ...(vat && { company: `Podjetje ${lastname} d.o.o.`, vatId: `SI${String(10_000_000 + counter * 7919).slice(0, 8)}` }) };
    return { email, lastname, billing };
  }
  const customersNamed = async (part: string) => ((await w.admin('icenter', 'GET', '/customers?organisation=1')) as AdminCustomer[]).filter((c) => c.Name.includes(part));
  const partnerRow = async (email: string, vat?: string) => (await w.store.ledger.list({ kind: 'partner', limit: 1000 })).find((r) => r.shopKey === (vat ? `vat:${vat}` : `email:${email}`));

  it('a customer created without its answer reaching icsync is found by name and address and gets its e-mail contact', async () => {
    const b = buyer();
    await w.placeOrder(orderSpec([w.skus[0]!], { email: b.email, billing: b.billing }));
    // AddCustomer is carried out, then the connection drops: no code, no contact (the second call never ran).
    await w.admin('icenter', 'PUT', '/faults', { rules: [{ route: 'Customers/AddCustomer', method: 'POST', kind: 'lostAnswer', times: 1 }] });
    await runSync(w.ctx, 'subjects', RUN);

    const customers = await customersNamed(b.lastname);
    expect(customers).toHaveLength(1);
    expect(customers[0]!.contacts.map((c) => c.ContactEMail)).toEqual([b.email]);
    const row = await partnerRow(b.email);
    expect(row?.state, row?.lastError ?? '').toBe('linked');
    expect(row?.erpKey).toBe(customers[0]!.Code);
    const events = (await w.store.ledger.timeline('partner', row!.shopKey!))!.events.map((e) => e.message);
    expect(events.some((m) => m.includes('by name and address after an interrupted create; not created again'))).toBe(true);
    // And the e-mail look-up finds it from now on.
    expect((await w.ctx.erp.findPartner({ email: b.email }))?.partner.code).toBe(customers[0]!.Code);
  }, 30_000);

  it('a company found by its VAT ID after an interrupted create gets the e-mail contact the create never added', async () => {
    const b = buyer(true);
    await w.placeOrder(orderSpec([w.skus[0]!], { email: b.email, billing: b.billing }));
    await w.admin('icenter', 'PUT', '/faults', { rules: [{ route: 'Customers/AddCustomer', method: 'POST', kind: 'lostAnswer', times: 1 }] });
    await runSync(w.ctx, 'subjects', RUN);
    const customers = await customersNamed(b.lastname);
    expect(customers).toHaveLength(1);
    expect(customers[0]!.contacts.map((c) => c.ContactEMail)).toEqual([b.email]);
    const rows = (await w.store.ledger.list({ kind: 'partner', limit: 1000 })).filter((r) => (r.data as { draft?: { email?: string } }).draft?.email === b.email);
    expect(rows.map((r) => r.state)).toEqual(['linked']);
  }, 30_000);

  it('a contact iCenter refused is added on a later attempt, and the order is entered meanwhile', async () => {
    const b = buyer();
    const placed = await w.placeOrder(orderSpec([w.skus[1]!], { email: b.email, billing: b.billing }));
    await w.admin('icenter', 'PUT', '/faults', { rules: [{ route: 'Customers/AddCustomerContacts', method: 'POST', kind: 'status', status: 503, times: 1 }] });
    await runSync(w.ctx, 'orders', RUN);
    // The order did not wait for the contact.
    const order = await w.store.ledger.get('order', { shopKey: placed.increment_id });
    expect(order?.state, order?.lastError ?? '').toBe('in_erp');
    let customers = await customersNamed(b.lastname);
    expect(customers).toHaveLength(1);
    expect(customers[0]!.contacts).toEqual([]);
    expect((await partnerRow(b.email))?.state).toBe('contact_pending');

    await runSync(w.ctx, 'subjects', RUN);
    customers = await customersNamed(b.lastname);
    expect(customers).toHaveLength(1);
    expect(customers[0]!.contacts.map((c) => c.ContactEMail)).toEqual([b.email]);
    expect((await partnerRow(b.email))?.state).toBe('linked');
  }, 30_000);

  it('an invoice PDF uploaded without its answer reaching icsync is found by file name, not uploaded twice', async () => {
    const placed = await w.placeOrder(orderSpec([w.skus[2]!]));
    await runSync(w.ctx, 'orders', RUN);
    const order = (await w.store.ledger.get('order', { shopKey: placed.increment_id }))!;
    const [year, book, number] = order.erpKey!.split('/');
    await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
    await w.admin('magento', 'PUT', '/faults', { rules: [{ path: '/V1/icsync/invoices/*/attachments', method: 'POST', reset: true, afterHandler: true, times: 1 }] });
    await runSync(w.ctx, 'invoices', RUN);
    const invoice = (await w.store.ledger.list({ kind: 'invoice', limit: 1000 })).find((r) => (r.data as { orderNumber?: string }).orderNumber === placed.increment_id)!;
    expect(invoice.state, invoice.lastError ?? '').toBe('complete');
    const attachments = await w.ctx.shop.listInvoiceAttachments(invoice.shopKey as never);
    expect(attachments).toHaveLength(1);
    const shopInvoices = await w.ctx.shop.listInvoices(String((order.data as { orderId: string }).orderId) as never);
    expect(shopInvoices).toHaveLength(1);
  }, 30_000);
});
