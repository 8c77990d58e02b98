/**
 * Customers (docs/contracts/icenter.md#customers): Customer rows → ErpPartner, and PartnerDraft → AddCustomer
 * and AddCustomerContacts bodies. Text fields pass through the windows-1250 sanitizer.
 */
import { asPartnerCode, type CountryCode, type ErpPartner, type PartnerDraft } from '../../core/model.js';
import type { IcenterSettings } from './config.js';
import type { TextSanitizer } from './encoding.js';
import { text, type XmlNode, type XmlOut } from './xml.js';

export const CUSTOMERS_PATH = 'api/Customers/GetCustomers';
export const CONTACTS_PATH = 'api/Customers/GetCustomerContacts';
export const ADD_CUSTOMER_PATH = 'api/Customers/AddCustomer';
export const ADD_CONTACTS_PATH = 'api/Customers/AddCustomerContacts';

/** Tax numbers compare without spaces and dots, upper-case (`SI 1234 5678` = `SI12345678`). */
export const normaliseVatId = (value: string): string => value.replace(/[\s.-]/g, '').toUpperCase();

/** The VAT ID without its country prefix, since installations store both forms (`SI12345678` / `12345678`). */
export const vatIdDigits = (value: string): string => normaliseVatId(value).replace(/^[A-Z]{2}/, '');

export function mapCustomer(row: XmlNode, settings: IcenterSettings, email?: string): ErpPartner | undefined {
  const code = text(row, 'Code');
  if (!code) return undefined;
  const street = text(row, 'Address') ?? [text(row, 'Street'), text(row, 'HomeNumber')].filter(Boolean).join(' ');
  const name = text(row, 'Name') ?? text(row, 'FullName') ?? text(row, 'Name1') ?? code;
  const partner: ErpPartner = {
    code: asPartnerCode(code),
    kind: text(row, 'EntityType') === settings.customerDefaults.entityTypePerson ? 'person' : 'company',
    name,
    address: {
      street: street ? [street] : [],
      city: text(row, 'City') ?? '',
      postcode: text(row, 'PostalCode') ?? '',
      country: (text(row, 'Country') ?? '') as CountryCode,
    },
  };
  const vatId = text(row, 'TaxNumber');
  if (vatId) partner.vatId = vatId;
  if (email) partner.email = email;
  if (partner.kind === 'company') partner.address.company = name;
  const region = text(row, 'Region');
  if (region) partner.address.region = region;
  return partner;
}

export function customerBody(draft: PartnerDraft, settings: IcenterSettings, clean: TextSanitizer): XmlOut[] {
  const d = settings.customerDefaults;
  const a = draft.address;
  return [
    ['Code', ''],
    ['Name', clean.text(draft.name, 'name')],
    ['Address', clean.text(a.street.join(', '), 'address.street')],
    ['Country', a.country],
    ['PostalCode', clean.text(a.postcode, 'address.postcode')],
    ['City', clean.text(a.city, 'address.city')],
    // CODE: SubjectToVAT is the text "1"/"0" (S2); a VAT ID is what makes a buyer liable here.
    ['SubjectToVAT', draft.vatId ? '1' : '0'],
    ['TaxNumber', draft.vatId ? normaliseVatId(draft.vatId) : undefined],
    ['Currency', d.currency],
    ['Region', clean.text(a.region, 'address.region')],
    ['CustomerType', d.customerType],
    ['EntityType', draft.kind === 'person' ? d.entityTypePerson : d.entityTypeCompany],
    // CODE S4: 1 lets iCenter assign the next free code; it comes back in the CreateResult keys.
    ['SuggestFirstFreeCode', 1],
  ];
}

export function contactBody(code: string, draft: PartnerDraft, clean: TextSanitizer): XmlOut[] {
  const a = draft.address;
  return [
    ['CustomerID', code],
    ['ContactFirstName', clean.text(a.firstName, 'address.firstName')],
    ['ContactLastName', clean.text(a.lastName ?? (a.firstName ? undefined : draft.name), 'address.lastName')],
    ['ContactPhoneNo', clean.text(a.telephone, 'address.telephone')],
    ['ContactEMail', draft.email],
    ['Default', true],
    ['ContactActive', true],
  ];
}
