/**
 * Customers (docs/contracts/icenter.md#customers): GetCustomers (code, taxNumber, …), GetCustomerContacts (contactEMail),
 * api/Customers/{Code}, AddCustomer (SuggestFirstFreeCode), AddCustomerContacts and
 * api/V2/Customers/UpdateCustomer (root `Customer` or `CustomerV2`).
 *
 * The Customer type has no e-mail field: an e-mail reaches iCenter only as a contact
 * (AddCustomerContacts). Like XmlSerializer, AddCustomer silently ignores elements it does not know.
 */
import { toLocalText } from './clock.js';
import { aspNetError, conflict, createResult, listReply, modifiedSince, paginate, readRoot, xmlReply } from './http.js';
import type { Ctx, Reply } from './http.js';
import type { CustomerRecord, Row } from './model.js';
import { childNames, el, group, textOf, xmlDocument } from './xml.js';
import type { XmlObject, XNode } from './xml.js';

export const CUSTOMER_FIELDS = ['Code', 'Name', 'Address', 'Country', 'PostalCode', 'City', 'ActivityCode', 'RegistrationNumber',
  'WebSiteURL', 'SubjectToVAT', 'TaxNumber', 'ExpirationDays', 'RebatePercent', 'Currency', 'PriceList', 'Notes', 'Usage',
  'FirstGroupCode', 'SecondGroupCode', 'CustomerPayerCode', 'EANCustomerCode', 'BranchOfficeName', 'TaxAccounting',
  'SuggestFirstFreeCode', 'SalesClerkID', 'PurchaseClerkID', 'Name1', 'Name2', 'Name3', 'CustomerStatus', 'Name1Transfer',
  'Name2Transfer', 'Name3Transfer', 'CustomerType', 'Region', 'EntityType', 'Street', 'HomeNumber', 'CustomerCodeGroup',
  'SupplierExpirationDays', 'ExpirationDaysGroupID', 'DiscountGroupID', 'SupplierDiscountGroupID', 'LanguageID',
  'SupplierPriceList', 'AccountingBookGroupID', 'SupplierAccountingBookGroupID', 'DiscountPriceList', 'OrderBookID',
  'Defaulter', 'UpfrontPayment', 'ShippingMethodId', 'SearchTag', 'RecordInserted', 'RecordInsertedBy', 'RecordLastModified',
  'RecordLastModifiedBy', 'InstitutionalSector', 'NRInstitutionalSector', 'CustomerRating', 'InvoicingMethod', 'AlertMessage',
  'AlertMinimalAmount', 'BlockingUpMessage', 'BlockingUpAmount', 'AlertNumberOfDays', 'BlockingUpNumberOfDays', 'SIDReporting',
  'SIDLimitAmount', 'AnalyticId', 'ParityCode', 'ExternalID', 'FullName', 'JBKJS', 'CompanyLinkType'];

const CONTACT_FIELDS = ['CustomerID', 'ContactTypeID', 'ContactInTypeID', 'ContactDescription', 'ContactEntitle', 'ContactFirstName',
  'ContactLastName', 'ContactGender', 'ContactPhoneNo', 'ContactFaxNo', 'ContactMobileNo', 'ContactEMail', 'ContactClerkID',
  'ContactNote', 'Default', 'InsUpdDate', 'InsertedBy', 'InsertedTime', 'ModifiedBy', 'ModifiedTime', 'ContactActive'];

/** Server-maintained fields a write cannot set. */
const SERVER_FIELDS = new Set(['RecordInserted', 'RecordInsertedBy', 'RecordLastModified', 'RecordLastModifiedBy', 'SuggestFirstFreeCode']);

export function customerNode(c: CustomerRecord, user: string, zone: string): XNode {
  const values: Row = {
    ...c.fields,
    SuggestFirstFreeCode: null,
    RecordInserted: toLocalText(c.created, zone),
    RecordInsertedBy: c.fields.RecordInsertedBy ?? user,
    RecordLastModified: toLocalText(c.modified, zone),
    RecordLastModifiedBy: c.fields.RecordLastModifiedBy ?? user,
  };
  // XmlSerializer leaves out null strings; the nullable SuggestFirstFreeCode is written as nil.
  return group('Customer', CUSTOMER_FIELDS.filter((f) => values[f] !== undefined && (values[f] !== null || f === 'SuggestFirstFreeCode')).map((f) => el(f, values[f])));
}

const norm = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, '').toUpperCase();

export function getCustomers(ctx: Ctx): Reply {
  const code = ctx.query('code');
  const tax = ctx.query('taxNumber');
  const type = ctx.query('customerType');
  const entity = ctx.query('entityType');
  const tag = ctx.query('searchTag');
  const since = modifiedSince(ctx);
  const rows = ctx.org.customers.filter((c) =>
    (!code || norm(c.fields.Code) === norm(code)) &&
    (!tax || norm(c.fields.TaxNumber) === norm(tax)) &&
    (!type || c.fields.CustomerType === type) &&
    (!entity || c.fields.EntityType === entity) &&
    (!tag || (c.fields.SearchTag ?? '').toUpperCase().includes(tag.toUpperCase())) &&
    since(c.modified));
  return listReply('Customer', paginate(ctx, rows).map((c) => customerNode(c, ctx.settings.user, ctx.settings.timeZone)));
}

export function getCustomer(ctx: Ctx): Reply {
  const c = ctx.org.customerIndex.get((ctx.params.code ?? '').toUpperCase());
  return c ? xmlReply(xmlDocument(customerNode(c, ctx.settings.user, ctx.settings.timeZone))) : aspNetError(404, 'Not found.');
}

function contactNode(fields: Row, modified: number, zone: string): XNode {
  const values: Row = { ...fields, InsUpdDate: toLocalText(modified, zone), ModifiedTime: toLocalText(modified, zone) };
  return group('CustomerContacts', CONTACT_FIELDS.filter((f) => values[f] !== undefined && values[f] !== null).map((f) => el(f, values[f])));
}

/**
 * The swagger declares one `CustomerContacts` object as the answer [CODE], although the query
 * can match several: in `object` shape the first match is the root (none: a self-closing root,
 * [INF]); `array` shape lists them all as `ArrayOfCustomerContacts` [INF].
 */
export function getCustomerContacts(ctx: Ctx): Reply {
  const email = ctx.query('contactEMail');
  const customer = ctx.query('customerID');
  const since = modifiedSince(ctx);
  const rows = ctx.org.contacts.filter((c) =>
    (!email || (c.fields.ContactEMail ?? '').trim().toLowerCase() === email.trim().toLowerCase()) &&
    (!customer || norm(c.fields.CustomerID) === norm(customer)) &&
    since(c.modified));
  const nodes = paginate(ctx, rows).map((c) => contactNode(c.fields, c.modified, ctx.settings.timeZone));
  if (ctx.settings.customerContactsShape === 'array') return listReply('CustomerContacts', nodes);
  return xmlReply(xmlDocument(nodes[0] ?? group('CustomerContacts', [])));
}

function fieldsOf(root: XmlObject, allowed: readonly string[]): Row {
  const out: Row = {};
  for (const name of childNames(root)) if (allowed.includes(name) && !SERVER_FIELDS.has(name)) out[name] = textOf(root[name]) ?? null;
  return out;
}

function nextFreeCode(ctx: Ctx): string {
  let max = 0;
  for (const c of ctx.org.customers) {
    const n = Number(c.fields.Code);
    if (Number.isSafeInteger(n) && n > max) max = n;
  }
  return String(max + 1).padStart(7, '0');
}

export function addCustomer(ctx: Ctx): Reply {
  const read = readRoot(ctx, ['Customer']);
  if ('error' in read) return read.error;
  const root = read.root;
  const fields = fieldsOf(root, CUSTOMER_FIELDS);
  const suggest = ['1', 'true'].includes((textOf(root.SuggestFirstFreeCode) ?? '').toLowerCase());
  const code = suggest ? nextFreeCode(ctx) : (fields.Code ?? '').trim();
  // Messages below follow iCenter's style (double space before the code); their exact text is [INF].
  if (!code) return conflict(['Šifra partnerja ni vpisana!']);
  if (ctx.org.customerIndex.has(code.toUpperCase())) return conflict([`Partner s šifro  ${code} že obstaja!`]);
  if (!fields.Name?.trim()) return conflict([`Partner  ${code}: naziv partnerja ni vpisan!`]);
  const stamp = ctx.state.stamp();
  const record: CustomerRecord = { fields: { ...fields, Code: code }, created: stamp, modified: stamp };
  ctx.org.customers.push(record);
  ctx.org.customerIndex.set(code.toUpperCase(), record);
  return createResult([{ name: ctx.settings.keyNames.customer, value: code }], ctx.settings.keyElements.customer);
}

/** PATCH api/V2/Customers/UpdateCustomer → CreateResult (swagger), only the fields sent overwrite. */
export function updateCustomer(ctx: Ctx): Reply {
  const read = readRoot(ctx, ['Customer', 'CustomerV2']);
  if ('error' in read) return read.error;
  const root = read.root;
  const fields = fieldsOf(root, CUSTOMER_FIELDS);
  const code = (fields.Code ?? '').trim();
  const record = ctx.org.customerIndex.get(code.toUpperCase());
  if (!record) return conflict([`Partner s šifro  ${code} ne obstaja!`]);
  Object.assign(record.fields, fields, { Code: record.fields.Code });
  record.modified = ctx.state.stamp();
  return createResult([{ name: ctx.settings.keyNames.customer, value: record.fields.Code ?? code }], ctx.settings.keyElements.customer, 'Ok');
}

/** POST api/Customers/AddCustomerContacts (root `CustomerContacts`) → CreateResult. */
export function addCustomerContacts(ctx: Ctx): Reply {
  const read = readRoot(ctx, ['CustomerContacts']);
  if ('error' in read) return read.error;
  const root = read.root;
  const fields = fieldsOf(root, CONTACT_FIELDS);
  const customerId = (fields.CustomerID ?? '').trim();
  if (!ctx.org.customerIndex.has(customerId.toUpperCase())) return conflict([`Partner s šifro  ${customerId} ne obstaja!`]);
  const inType = ctx.org.contacts.filter((c) => norm(c.fields.CustomerID) === norm(customerId)).length + 1;
  const stamp = ctx.state.stamp();
  ctx.org.contacts.push({
    fields: { ContactTypeID: '01', ContactInTypeID: String(inType), Default: inType === 1 ? 'true' : 'false', ContactActive: 'true', ...fields, CustomerID: customerId },
    modified: stamp,
  });
  return createResult([{ name: 'CustomerID', value: customerId }, { name: 'ContactInTypeID', value: String(inType) }], ctx.settings.keyElements.customer);
}
