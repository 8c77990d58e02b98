/**
 * subjects: a buyer is linked to the ERP partner that already stands for them, found by VAT
 * ID or (without one) by e-mail contact, and created only when there is none. An e-mail match
 * for a buyer with a VAT ID counts only when it cannot be another company (src/flows/subjects.ts,
 * acceptMatch): a company ordering from an address a person or another company already uses
 * gets its own partner, so it is not invoiced to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import type { PartnerData } from '../../src/flows/subjects.js';
import { orderSpec, startWorld, type World } from './world.js';

interface ErpCustomer { Code: string; Name: string; TaxNumber: string | null; EntityType: string; contacts: { ContactEMail: string | null }[] }

const company = (name: string, vatId: string) => ({ firstname: 'Janez', lastname: 'Kupec', street: ['Tržaška 2'], city: 'Ljubljana', postcode: '1000', countryId: 'SI', company: name, vatId });
const person = { firstname: 'Mojca', lastname: 'Pokrajculja', street: ['Gosposka 3'], city: 'Maribor', postcode: '2000', countryId: 'SI' };

describe('subjects: finding the ERP partner of a buyer', () => {
  let w: World;
  let before: ErpCustomer[];
  const orders: Record<string, string> = {};
  const erp: Record<'companyA' | 'companyB' | 'companyNoVat' | 'person1' | 'person2', ErpCustomer> = {} as never;
  const emailOf = (c: ErpCustomer) => c.contacts[0]!.ContactEMail!;
  const customers = () => w.admin<ErpCustomer[]>('icenter', 'GET', '/customers?organisation=1');

  beforeAll(async () => {
    w = await startWorld({ items: 8 });
    // A company the ERP keeps without a VAT ID (not yet registered, or the field left empty).
    const org = w.icenter.state().orgs.get(1)!;
    const companies = org.customers.filter((c) => c.fields.EntityType === 'P');
    expect(companies.length).toBeGreaterThanOrEqual(3);
    companies[2]!.fields.TaxNumber = null;
    companies[2]!.fields.SubjectToVAT = '0';
    before = await customers();
    const byCode = (code: string | null) => before.find((c) => c.Code === code)!;
    const persons = before.filter((c) => c.EntityType === 'F');
    expect(persons.length).toBeGreaterThanOrEqual(2);
    Object.assign(erp, {
      companyA: byCode(companies[0]!.fields.Code!), companyB: byCode(companies[1]!.fields.Code!), companyNoVat: byCode(companies[2]!.fields.Code!),
      person1: persons[0], person2: persons[1],
    });
    for (const c of Object.values(erp)) expect(c.contacts.length, c.Code).toBe(1);

    const place = async (name: string, over: Parameters<typeof orderSpec>[1]) => {
      orders[name] = (await w.placeOrder(orderSpec([w.skus[0]!], over))).increment_id;
    };
    const vatA = erp.companyA.TaxNumber!;
    // The same VAT ID as the ERP has it, typed the way people type it: lower case, spaces, dashes.
    await place('byVat', { email: 'nabava@druga-firma.si', billing: company('Druga firma d.o.o.', `${vatA.slice(0, 2).toLowerCase()} ${vatA.slice(2, 6)}-${vatA.slice(6)}`) });
    await place('byEmail', { email: emailOf(erp.person1).toUpperCase(), billing: person });
    await place('companyAtPersonEmail', { email: emailOf(erp.person2), billing: company('Nova firma d.o.o.', 'SI90000001') });
    await place('companyAtOtherCompanyEmail', { email: emailOf(erp.companyB), billing: company('Tretja firma d.o.o.', 'SI90000002') });
    await place('companyAtNoVatCompanyEmail', { email: emailOf(erp.companyNoVat), billing: company('Podjetje brez ID d.o.o.', 'SI90000003') });
  });
  afterAll(async () => {
    await w?.close();
  });

  const partner = async (identity: string) => {
    const row = (await w.store.ledger.get('partner', { shopKey: identity }))!;
    expect(row, identity).toBeDefined();
    return { state: row.state, code: row.erpKey ?? (row.data as PartnerData).code, matchedBy: (row.data as PartnerData).matchedBy };
  };

  it('links by VAT ID and by e-mail, creates a partner only where the e-mail match could be someone else', async () => {
    const report = (await runSync(w.ctx, 'subjects', { dryRun: false, full: false }))[0]!;
    expect(report.error).toBeUndefined();
    expect(report.counts.discovered).toBe(5);

    expect(await partner(`vat:${erp.companyA.TaxNumber}`)).toEqual({ state: 'linked', code: erp.companyA.Code, matchedBy: 'vatId' });
    expect(await partner(`email:${emailOf(erp.person1).toLowerCase()}`)).toEqual({ state: 'linked', code: erp.person1.Code, matchedBy: 'email' });
    // Same kind and no VAT ID in the ERP: it can be this company, so the e-mail match stands.
    expect(await partner('vat:SI90000003')).toEqual({ state: 'linked', code: erp.companyNoVat.Code, matchedBy: 'email' });

    // The guard: the e-mail belongs to a person, or to a company with another VAT ID.
    const atPerson = await partner('vat:SI90000001');
    const atCompany = await partner('vat:SI90000002');
    expect(atPerson).toMatchObject({ state: 'linked', matchedBy: 'created' });
    expect(atCompany).toMatchObject({ state: 'linked', matchedBy: 'created' });
    const existing = new Set(before.map((c) => c.Code));
    expect(existing.has(atPerson.code!)).toBe(false);
    expect(existing.has(atCompany.code!)).toBe(false);
    expect(atPerson.code).not.toBe(atCompany.code);

    // The ERP: exactly two new partners, with the buyers' VAT IDs and e-mails; the others untouched.
    const after = await customers();
    expect(after).toHaveLength(before.length + 2);
    const created = after.filter((c) => !existing.has(c.Code)).map((c) => `${c.Code}|${c.Name}|${c.EntityType}|${c.TaxNumber}|${c.contacts.map((k) => k.ContactEMail).join(',')}`).sort();
    expect(created).toEqual([
      `${atPerson.code}|Nova firma d.o.o.|P|SI90000001|${emailOf(erp.person2)}`,
      `${atCompany.code}|Tretja firma d.o.o.|P|SI90000002|${emailOf(erp.companyB)}`,
    ].sort());
    const strip = ({ Code, Name, TaxNumber, EntityType, contacts }: ErpCustomer) => ({ Code, Name, TaxNumber, EntityType, contacts });
    expect(after.filter((c) => existing.has(c.Code)).map(strip)).toEqual(before.map(strip));
  });

  it('the orders go to the partners linked; another run creates no partner', async () => {
    const report = (await runSync(w.ctx, 'orders', { dryRun: false, full: false }))[0]!;
    expect(report.error).toBeUndefined();
    const erpOrders = await w.admin<{ orderReference: string; customerId: string }[]>('icenter', 'GET', '/orders?organisation=1');
    const customerOf = (name: string) => erpOrders.filter((o) => o.orderReference === orders[name]).map((o) => o.customerId);
    expect(customerOf('byVat')).toEqual([erp.companyA.Code]);
    expect(customerOf('byEmail')).toEqual([erp.person1.Code]);
    expect(customerOf('companyAtNoVatCompanyEmail')).toEqual([erp.companyNoVat.Code]);
    expect(customerOf('companyAtPersonEmail')).toEqual([(await partner('vat:SI90000001')).code]);
    expect(customerOf('companyAtOtherCompanyEmail')).toEqual([(await partner('vat:SI90000002')).code]);

    const count = (await customers()).length;
    await runSync(w.ctx, 'subjects', { dryRun: false, full: true });
    expect(await customers()).toHaveLength(count);
  });
});
