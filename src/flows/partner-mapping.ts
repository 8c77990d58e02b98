/**
 * A shop buyer → the identity the ledger links to an ERP partner, and the draft to create
 * one. Pure. The identity prefers the VAT ID (one company, many e-mails) over the e-mail.
 */
import { businessError } from '../core/errors.js';
import type { PartnerDraft, ShopBuyer, ShopOrder } from '../core/model.js';
import type { Config } from '../config/schema.js';
import { mapCountry } from './order-mapping.js';

/** VAT IDs compare without spaces, dots and dashes, upper case: "si 1234-5678" = "SI12345678". */
export const normaliseVatId = (vatId: string): string => vatId.replace(/[\s.-]/g, '').toUpperCase();
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/**
 * The buyer's VAT ID with its country prefix: one typed without it ("12345678") takes the billing
 * country's ("SI12345678"; Greece writes EL), so the same company is one partner however it was typed.
 */
export function fullVatId(vatId: string, billingCountry: string | undefined): string {
  const id = normaliseVatId(vatId);
  if (/^[A-Z]{2}/.test(id) || !billingCountry) return id;
  const country = billingCountry.toUpperCase();
  return `${country === 'GR' ? 'EL' : country}${id}`;
}

/** `vat:SI12345678` or `email:ana@example.com`; undefined when the buyer has neither. */
export function buyerIdentity(buyer: ShopBuyer): string | undefined {
  const vat = buyer.vatId?.trim() ? fullVatId(buyer.vatId, buyer.billing.country) : undefined;
  if (vat) return `vat:${vat}`;
  const email = buyer.email?.trim() ? normaliseEmail(buyer.email) : undefined;
  return email ? `email:${email}` : undefined;
}

export function requireBuyerIdentity(order: ShopOrder): string {
  const identity = buyerIdentity(order.buyer);
  if (identity === undefined) {
    throw businessError({
      sentence: `Order ${order.number}: the buyer has neither a VAT ID nor an e-mail, so no ERP partner can be found or created. Add an e-mail or VAT ID to the order's billing address in Magento, then retry.`,
      record: { kind: 'order', key: order.number, field: 'buyer' },
    });
  }
  return identity;
}

export function partnerDraft(buyer: ShopBuyer, config: Config): PartnerDraft {
  const company = buyer.company?.trim() || buyer.billing.company?.trim();
  const person = [buyer.firstName ?? buyer.billing.firstName, buyer.lastName ?? buyer.billing.lastName].filter(Boolean).join(' ').trim();
  // A VAT ID or a company name makes the buyer a company; anyone else is a person.
  const kind = company || buyer.vatId?.trim() ? 'company' : 'person';
  const draft: PartnerDraft = {
    kind,
    name: (kind === 'company' ? company || person : person || company) || (buyer.email ?? 'Shop buyer'),
    address: mapCountry(buyer.billing, config.mappings),
  };
  if (buyer.vatId?.trim()) draft.vatId = fullVatId(buyer.vatId, buyer.billing.country);
  if (buyer.email?.trim()) draft.email = buyer.email.trim();
  return draft;
}
