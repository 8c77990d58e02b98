/** Outgoing e-mail as a list the admin API shows (invoice mails carry the icsync attachments). */
import { entityNotFound } from './errors.js';
import { nextId, type EmulatorState, type Json, type SentEmail } from './state.js';
import { magentoDate } from './util.js';

export function sendDocumentEmail(state: EmulatorState, kind: SentEmail['kind'], entityId: number): SentEmail {
  const document = kind === 'shipment' ? state.shipments.get(entityId) : kind === 'order_comment' ? state.orders.get(entityId)?.data : state.invoices.get(entityId);
  if (!document) throw entityNotFound();
  const orderId = Number(kind === 'order_comment' ? entityId : document.order_id);
  const order = state.orders.get(orderId)?.data as Json | undefined;
  const storeName = 'Main Website Store';
  const label = kind === 'shipment' ? 'Shipment' : kind === 'order_comment' ? 'Update to your order' : 'Invoice';
  const attachments = kind === 'invoice'
    ? (state.attachments.get(entityId) ?? []).map((a) => ({ attachment_id: a.attachmentId, file_name: a.fileName, mime_type: a.mimeType, size: a.content.length }))
    : [];
  const email: SentEmail = {
    id: nextId(state, 'email'),
    kind,
    to: String(order?.customer_email ?? ''),
    subject: `${storeName}: ${label} # ${String(document.increment_id ?? entityId)} for Order # ${String(order?.increment_id ?? orderId)}`,
    entityId,
    orderId,
    sentAt: magentoDate(),
    attachments,
  };
  state.emails.push(email);
  if (kind !== 'order_comment') document.email_sent = 1;
  return email;
}
