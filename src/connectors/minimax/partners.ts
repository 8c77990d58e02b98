/**
 * Partners are Minimax customers. A customer holds no e-mail: e-mails live in its contacts,
 * which can be searched across the organisation (`contacts?Email=`; docs/contracts/minimax.md#resources-icsync-uses). A VAT ID is
 * looked for with `customers?SearchString=` and matched here, since which fields SearchString
 * covers is not documented (INF).
 *
 * Codes hold at most 10 characters and are not given out by the API, so a new customer's code
 * is derived from its VAT ID or e-mail: the same buyer always gets the same code, so a create
 * whose answer was lost is refused the second time (the code exists) and the customer is then
 * read by `customers/code(…)`; the usual path costs no extra call.
 */
import { createHash } from 'node:crypto';
import { businessError, isSyncError } from '../../core/errors.js';
import { asPartnerCode, type CountryCode, type ErpPartner, type PartnerCode, type PartnerDraft } from '../../core/model.js';
import type { PortWarning } from '../../core/ports.js';
import type { MinimaxClient } from './client.js';
import { TARGET, type MinimaxSettings } from './config.js';
import type { Lookups } from './lookups.js';
import type { ContactJson, CustomerJson, Page } from './wire.js';

const normaliseVat = (value: string): string => value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
/** The VAT ID without its country prefix (`SI12345678` → `12345678`): Minimax keeps TaxNumber bare. */
const bareVat = (value: string): string => normaliseVat(value).replace(/^[A-Z]{2}(?=\d)/, '');

export function partnerCodeFor(draft: Pick<PartnerDraft, 'vatId' | 'email' | 'name'>, prefix: string): string {
  const identity = draft.vatId ? `vat:${bareVat(draft.vatId)}` : draft.email ? `email:${draft.email.trim().toLowerCase()}` : `name:${draft.name}`;
  const digest = BigInt(`0x${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`).toString(36).toUpperCase();
  return `${prefix}${digest.padStart(10 - prefix.length, '0').slice(0, 10 - prefix.length)}`;
}

/** `customerIds`: code → id, shared with the orders, so an order for a new customer needs no look-up. */
export function createPartners(client: MinimaxClient, settings: MinimaxSettings, lookups: Lookups, customerIds: Map<string, number>) {
  async function toPartner(c: CustomerJson, email?: string): Promise<ErpPartner> {
    const country = (await lookups.countryCode(c.Country?.ID)) ?? 'SI';
    const vatId = c.VATIdentificationNumber ?? c.TaxNumber ?? undefined;
    return {
      code: asPartnerCode(c.Code ?? String(c.CustomerId)),
      kind: c.SubjectToVAT === 'N' ? 'person' : 'company',
      name: c.Name ?? '',
      ...(vatId && { vatId }),
      ...(email && { email }),
      address: { street: c.Address ? [c.Address] : [], city: c.City ?? '', postcode: c.PostalCode ?? '', country: country as CountryCode },
    };
  }

  const customer = (id: number): Promise<CustomerJson | undefined> => client.get<CustomerJson>(`customers/${id}`, undefined, { doing: `reading customer ${id}` }, [404]);

  async function byVat(vatId: string): Promise<CustomerJson | undefined> {
    const bare = bareVat(vatId);
    if (!bare) return undefined;
    const rows = (await client.get<Page<CustomerJson>>('customers', { SearchString: bare, PageSize: 50 }, { doing: `searching customers for VAT ID ${vatId}`, record: { kind: 'partner', key: `vat:${vatId}` } }))?.Rows ?? [];
    const hit = rows.find((r) => r.TaxNumber && bareVat(r.TaxNumber) === bare) ?? rows.find((r) => r.VATIdentificationNumber && bareVat(r.VATIdentificationNumber) === bare);
    const found = hit ? await customer(hit.CustomerId) : undefined;
    if (found?.Code) customerIds.set(found.Code, found.CustomerId);
    return found;
  }

  async function byEmail(email: string): Promise<CustomerJson | undefined> {
    const rows = (await client.get<Page<ContactJson>>('contacts', { Email: email, PageSize: 10 }, { doing: `searching contacts for ${email}`, record: { kind: 'partner', key: `email:${email}` } }))?.Rows ?? [];
    const hit = rows.find((r) => r.Email?.toLowerCase() === email.toLowerCase() && r.Customer?.ID !== undefined);
    const found = hit ? await customer(hit.Customer!.ID) : undefined;
    if (found?.Code) customerIds.set(found.Code, found.CustomerId);
    return found;
  }

  async function addContact(id: number, code: string, draft: PartnerDraft, record: { kind: string; key: string }): Promise<void> {
    await client.create(`customers/${id}/contacts`, { FullName: draft.name.slice(0, 250), Email: draft.email, Default: 'D' }, { doing: `adding the e-mail contact of customer ${code}`, record });
  }

  return {
    async findPartner(query: { vatId?: string; email?: string }) {
      if (query.vatId) {
        const c = await byVat(query.vatId);
        if (c) return { partner: await toPartner(c, query.email), matchedBy: 'vatId' as const };
      }
      if (query.email) {
        const c = await byEmail(query.email);
        if (c) return { partner: await toPartner(c, query.email), matchedBy: 'email' as const };
      }
      return undefined;
    },

    async createPartner(draft: PartnerDraft): Promise<{ code: PartnerCode; warnings: PortWarning[]; contactAdded: boolean }> {
      const code = partnerCodeFor(draft, settings.customerCodePrefix);
      const key = draft.vatId ? `vat:${draft.vatId}` : `email:${draft.email ?? draft.name}`;
      const record = { kind: 'partner', key };
      const warnings: PortWarning[] = [];
      const countryId = await lookups.countryId(draft.address.country);
      if (countryId === undefined) {
        throw businessError({ target: TARGET, record: { ...record, field: 'country' }, sentence: `Buyer ${key}: Minimax has no country with code "${draft.address.country}". Fix the address in the shop or map it in mappings.countries.` });
      }
      const cut = (field: string, value: string, max: number): string => {
        if (value.length <= max) return value;
        warnings.push({ record: { ...record, field }, message: `${field} is longer than Minimax allows (${max} characters); it was shortened.` });
        return value.slice(0, max);
      };
      const vat = draft.vatId ? normaliseVat(draft.vatId) : undefined;
      const body = {
        Code: code,
        Name: cut('Name', draft.name, 250),
        Address: cut('Address', draft.address.street.join(', '), 250),
        PostalCode: cut('PostalCode', draft.address.postcode, 30),
        City: cut('City', draft.address.city, 250),
        Country: { ID: countryId },
        CountryName: null,
        SubjectToVAT: draft.kind === 'person' ? 'N' : vat ? 'D' : 'M',
        ...(vat && { VATIdentificationNumber: vat.slice(0, 30), TaxNumber: bareVat(vat).slice(0, 30) }),
        Currency: { ID: await lookups.currencyId('EUR') },
        ExpirationDays: settings.partnerDefaults.expirationDays,
        RebatePercent: 0,
        EInvoiceIssuing: settings.partnerDefaults.eInvoiceIssuing,
        Usage: 'D',
      };
      let id: number;
      try {
        id = await client.create('customers', body, { doing: `creating customer ${code} for buyer ${key}`, record });
      } catch (error) {
        // A create whose answer was lost earlier: Minimax refuses the code now, and the customer is there under it.
        const existing = isSyncError(error) && error.errorClass === 'business' ? await client.get<CustomerJson>(`customers/code(${encodeURIComponent(code)})`, undefined, { doing: `looking up customer ${code}`, record }, [404]) : undefined;
        if (!existing) throw error;
        customerIds.set(code, existing.CustomerId);
        // Whether the first attempt got as far as the contact is not known: the caller makes sure of it.
        return { code: asPartnerCode(code), warnings, contactAdded: !draft.email };
      }
      customerIds.set(code, id);
      if (draft.email) {
        try {
          await addContact(id, code, draft, record);
        } catch (error) {
          warnings.push({ record: { ...record, field: 'email' }, message: `customer ${code} was created, but its e-mail contact was not: ${(error as Error).message}` });
          return { code: asPartnerCode(code), warnings, contactAdded: false };
        }
      }
      return { code: asPartnerCode(code), warnings, contactAdded: true };
    },

    /**
     * A customer an interrupted create may have left: its code is derived from the buyer, so the
     * customer is read by that code (`since` is not needed: codes are not reused).
     */
    async findCreatedPartner(draft: PartnerDraft, _since: Date): Promise<ErpPartner | undefined> {
      const code = partnerCodeFor(draft, settings.customerCodePrefix);
      const found = await client.get<CustomerJson>(`customers/code(${encodeURIComponent(code)})`, undefined, { doing: `looking up customer ${code}`, record: { kind: 'partner', key: code } }, [404]);
      if (!found) return undefined;
      customerIds.set(code, found.CustomerId);
      return toPartner(found, draft.email);
    },

    /** The e-mail contact of a customer, added unless it has it already. */
    async ensurePartnerContact(code: PartnerCode, draft: PartnerDraft): Promise<{ warnings: PortWarning[] }> {
      if (!draft.email) return { warnings: [] };
      const record = { kind: 'partner', key: `email:${draft.email}` };
      let id = customerIds.get(code);
      if (id === undefined) {
        const found = await client.get<CustomerJson>(`customers/code(${encodeURIComponent(code)})`, undefined, { doing: `looking up customer ${code}`, record }, [404]);
        if (!found) throw businessError({ target: TARGET, record, sentence: `Minimax has no customer ${code} to add the e-mail contact ${draft.email} to.` });
        id = found.CustomerId;
        customerIds.set(code, id);
      }
      const holder = await byEmail(draft.email);
      if (holder?.CustomerId === id) return { warnings: [] };
      await addContact(id, code, draft, record);
      return { warnings: [] };
    },
  };
}
