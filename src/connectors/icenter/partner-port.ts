/** Partner look-up (tax number, then e-mail through contacts) and creation. */
import type { Logger } from '../../core/log.js';
import type { ErpPartner, PartnerCode, PartnerDraft } from '../../core/model.js';
import { asPartnerCode } from '../../core/model.js';
import type { PortWarning } from '../../core/ports.js';
import type { IcenterClient } from './client.js';
import type { IcenterSettings } from './config.js';
import { createTextSanitizer } from './encoding.js';
import { TARGET } from './errors.js';
import { businessError, isSyncError } from '../../core/errors.js';
import {
  ADD_CONTACTS_PATH, ADD_CUSTOMER_PATH, CONTACTS_PATH, contactBody, customerBody, CUSTOMERS_PATH, mapCustomer, normaliseVatId, vatIdDigits,
} from './partners.js';
import { keyValue, rowsOf } from './results.js';
import { list, text } from './xml.js';
import { EXPECT } from './answers.js';
import { readPages } from './paging.js';
import { toLocalText } from './time.js';

export function createPartnerPort(client: IcenterClient, settings: IcenterSettings, logger: Logger) {
  async function byVatId(vatId: string): Promise<ErpPartner | undefined> {
    const wanted = vatIdDigits(vatId);
    // Installations store `SI12345678` or `12345678`; both forms are asked, the match is checked here.
    for (const form of [...new Set([normaliseVatId(vatId), wanted])]) {
      const answer = await client.get(CUSTOMERS_PATH, { 'searchQuery.taxNumber': form }, { doing: `looking up the customer with tax number ${form}`, record: { kind: 'partner', key: vatId } }, { expect: EXPECT.customers });
      for (const row of list(answer?.node, 'Customer')) {
        const tax = text(row, 'TaxNumber');
        if (tax && vatIdDigits(tax) === wanted) return mapCustomer(row, settings);
      }
    }
    return undefined;
  }

  async function byEmail(email: string): Promise<ErpPartner | undefined> {
    const answer = await client.get(CONTACTS_PATH, { 'searchQuery.contactEMail': email }, { doing: `looking up the contact with e-mail ${email}`, record: { kind: 'partner', key: email } }, { expect: EXPECT.contacts });
    const contacts = answer ? rowsOf(answer.root, answer.node, 'CustomerContacts') : [];
    const match = contacts.find((c) => text(c, 'ContactEMail')?.toLowerCase() === email.toLowerCase() && text(c, 'CustomerID'));
    const code = match ? text(match, 'CustomerID') : undefined;
    if (!code) return undefined;
    const customer = await client.get(`api/Customers/${encodeURIComponent(code)}`, undefined, { doing: `reading customer ${code}`, record: { kind: 'partner', key: email } }, { acceptMissing: [404], expect: EXPECT.customer });
    const row = customer ? rowsOf(customer.root, customer.node, 'Customer')[0] : undefined;
    return row ? mapCustomer(row, settings, email) : undefined;
  }

  async function findPartner(query: { vatId?: string; email?: string }): Promise<{ partner: ErpPartner; matchedBy: 'vatId' | 'email' } | undefined> {
    if (query.vatId && normaliseVatId(query.vatId) !== '') {
      const partner = await byVatId(query.vatId);
      if (partner) return { partner, matchedBy: 'vatId' };
    }
    if (query.email) {
      const partner = await byEmail(query.email);
      if (partner) return { partner, matchedBy: 'email' };
    }
    return undefined;
  }

  /** Name and address as AddCustomer stores them, compared without case and spacing. */
  const same = (a: string | undefined, b: string | undefined) => (a ?? '').replace(/\s+/g, ' ').trim().toUpperCase() === (b ?? '').replace(/\s+/g, ' ').trim().toUpperCase();

  /**
   * A customer an interrupted create may have left (AddCustomer answered, or not, and the process
   * died before it recorded the code): the customers changed since `since` (less deltaOverlap, as
   * the zone of recordDtModifiedFrom is not confirmed) whose name, address, postal code and city
   * are what customerBody wrote, and whose tax number matches when the draft has one. Only
   * contract-listed look-ups are used (GetCustomers with recordDtModifiedFrom, paged); the window
   * is the minutes since the intent, so it holds few rows.
   */
  async function findCreatedPartner(draft: PartnerDraft, since: Date): Promise<ErpPartner | undefined> {
    const key = draft.email ?? draft.vatId ?? draft.name;
    const clean = createTextSanitizer({ kind: 'partner', key });
    const wanted: Record<string, string | undefined> = {
      Name: clean.text(draft.name, 'name'),
      Address: clean.text(draft.address.street.join(', '), 'address.street'),
      PostalCode: clean.text(draft.address.postcode, 'address.postcode'),
      City: clean.text(draft.address.city, 'address.city'),
    };
    const from = toLocalText(new Date(since.getTime() - settings.deltaOverlap), settings.timeZone);
    for await (const rows of readPages(settings.pageSize, async (page) => {
      const answer = await client.get(
        CUSTOMERS_PATH,
        { 'searchQuery.recordDtModifiedFrom': from, 'searchQuery.page': page, 'searchQuery.pageSize': settings.pageSize },
        { doing: `looking for customer "${draft.name}" created since ${from}`, record: { kind: 'partner', key } },
        { expect: EXPECT.customersPage(settings.pageSize) },
      );
      const found = answer ? list(answer.node, 'Customer') : [];
      return { rows: found, rawCount: found.length };
    })) {
      for (const row of rows) {
        if (!Object.entries(wanted).every(([field, value]) => same(text(row, field), value))) continue;
        const tax = text(row, 'TaxNumber');
        if (draft.vatId ? !tax || vatIdDigits(tax) !== vatIdDigits(draft.vatId) : Boolean(tax)) continue;
        return mapCustomer(row, settings, draft.email);
      }
    }
    return undefined;
  }

  /** Whether the customer has this e-mail among its contacts. */
  async function hasContact(code: string, email: string, key: string): Promise<boolean> {
    const answer = await client.get(CONTACTS_PATH, { 'searchQuery.customerID': code }, { doing: `reading the contacts of customer ${code}`, record: { kind: 'partner', key } }, { expect: EXPECT.contacts });
    const contacts = answer ? rowsOf(answer.root, answer.node, 'CustomerContacts') : [];
    return contacts.some((c) => text(c, 'ContactEMail')?.toLowerCase() === email.toLowerCase());
  }

  /**
   * The second call of a create, on its own: the e-mail contact, unless the customer has it
   * already (after a crash between the calls, or a contact iCenter refused the first time).
   */
  async function ensurePartnerContact(code: PartnerCode, draft: PartnerDraft): Promise<{ warnings: PortWarning[] }> {
    if (!draft.email) return { warnings: [] };
    const key = draft.email;
    if (await hasContact(code, draft.email, key)) return { warnings: [] };
    const clean = createTextSanitizer({ kind: 'partner', key });
    await client.write('POST', ADD_CONTACTS_PATH, 'CustomerContacts', contactBody(code, draft, clean), { doing: `adding the e-mail contact of customer ${code}`, record: { kind: 'partner', key } });
    return { warnings: clean.warnings };
  }

  /**
   * AddCustomer with SuggestFirstFreeCode, then the e-mail as a contact so the next look-up
   * by e-mail finds the customer. A failed contact write does not fail the create: the
   * customer exists, and failing would make the caller create it a second time. It comes back
   * as `contactAdded: false` with a warning, and the caller adds it later (ensurePartnerContact).
   */
  async function createPartner(draft: PartnerDraft): Promise<{ code: PartnerCode; warnings: PortWarning[]; contactAdded: boolean }> {
    const key = draft.email ?? draft.vatId ?? draft.name;
    const clean = createTextSanitizer({ kind: 'partner', key });
    const record = { kind: 'partner', key };
    const result = await client.write('POST', ADD_CUSTOMER_PATH, 'Customer', customerBody(draft, settings, clean), { doing: `creating customer "${draft.name}"`, record });
    const code = keyValue(result.keys, settings.keyNames.customer);
    if (!code) {
      throw businessError({
        target: TARGET,
        record,
        sentence: `iCenter created customer "${draft.name}" but returned no code under key "${settings.keyNames.customer}" (keys: ${[...result.keys.keys()].join(', ') || 'none'}). Set erp.icenter.keyNames.customer to the key iCenter returns, then look the customer up in iCenter before retrying.`,
      });
    }
    const warnings: PortWarning[] = [...clean.warnings, ...result.errors.map((e) => ({ record, message: `iCenter: ${e.message}` }))];
    let contactAdded = true;
    if (draft.email) {
      const contactClean = createTextSanitizer({ kind: 'partner', key });
      try {
        await client.write('POST', ADD_CONTACTS_PATH, 'CustomerContacts', contactBody(code, draft, contactClean), { doing: `adding the e-mail contact of customer ${code}`, record });
        warnings.push(...contactClean.warnings);
      } catch (error) {
        const message = isSyncError(error) ? error.sentence : String(error);
        logger.warn({ code }, `customer ${code} created, but its e-mail contact was not: ${message}`);
        warnings.push({ record, message: `customer ${code} was created, but its e-mail contact was not (${message}); it is added on a later attempt` });
        contactAdded = false;
      }
    }
    return { code: asPartnerCode(code), warnings, contactAdded };
  }

  return { findPartner, createPartner, findCreatedPartner, ensurePartnerContact };
}
