/**
 * Invoices (docs/contracts/magento.md#invoices) and the icsync module's PDF attachments (docs/magento-module-api.md).
 *
 * Creation is offline (`capture: false`: no money moves at a gateway) and silent
 * (`notify: false`): the e-mail goes out only after the ERP's PDF is attached, through
 * `sendInvoiceEmail`. Magento has no idempotency key, so `createInvoice` first looks for an
 * invoice of the order that already carries the same comment (icsync writes the ERP invoice
 * number there), and looks again when a create failed in a way that may have taken effect.
 */
import { businessError, isSyncError } from '../../core/errors.js';
import type { AttachmentSupport } from '../../core/ports.js';
import { decFromJson, ZERO } from '../../core/decimal.js';
import { asShopInvoiceId, asShopOrderId, type ShopInvoice, type ShopInvoiceId, type ShopOrderId } from '../../core/model.js';
import type { MagentoClient } from './client.js';
import type { MagentoSettings } from './config.js';
import { EXPECT } from './answers.js';
import { TARGET, unexpectedAnswer } from './errors.js';
import { fromMagentoUtc, type Json } from './orders.js';
import { keysetPages } from './paging.js';
import { searchCriteriaQuery } from './search-criteria.js';

const idPath = (id: string): string => encodeURIComponent(id);

/** How to install the icsync Magento module, in one sentence (docs/magento-module.md has the detail). */
export const MODULE_INSTALL_HINT =
  'Install the icsync Magento module on the shop: composer require icsync/module-erp-sync, bin/magento module:enable Icsync_ErpSync, bin/magento setup:upgrade (docs/magento-module.md).';

/** The invoice's grand_total; another value fails this invoice with a sentence naming it, the field and the value. */
function invoiceAmount(raw: Json): ReturnType<typeof decFromJson> {
  try {
    return decFromJson(raw.grand_total);
  } catch (error) {
    throw businessError({
      sentence: `Invoice ${String(raw.increment_id ?? raw.entity_id)} of order ${String(raw.order_id)} could not be read: its grand_total is ${JSON.stringify(raw.grand_total)}, which is not a finite number. Check the invoice in Magento.`,
      target: TARGET,
      record: { kind: 'invoice', key: String(raw.entity_id), field: 'grand_total' },
      cause: error,
    });
  }
}

export function toShopInvoice(raw: Json, comments: string[]): ShopInvoice {
  const invoice: ShopInvoice = {
    id: asShopInvoiceId(raw.entity_id as number),
    orderId: asShopOrderId(raw.order_id as number),
    grandTotal: raw.grand_total === undefined || raw.grand_total === null ? ZERO : invoiceAmount(raw),
    comments,
  };
  if (typeof raw.increment_id === 'string') invoice.incrementId = raw.increment_id;
  if (typeof raw.created_at === 'string') {
    try {
      invoice.createdAt = fromMagentoUtc(raw.created_at);
    } catch (error) {
      throw businessError({
        sentence: `Invoice ${invoice.incrementId ?? invoice.id} of order ${invoice.orderId} could not be read: its created_at "${raw.created_at}" is not a date Magento writes (YYYY-MM-DD HH:MM:SS, UTC). Check the invoice in Magento.`,
        target: TARGET,
        record: { kind: 'invoice', key: invoice.id },
        cause: error,
      });
    }
  }
  if (raw.email_sent !== undefined && raw.email_sent !== null) invoice.emailSent = raw.email_sent === 1 || raw.email_sent === true;
  return invoice;
}

const commentTexts = (list: unknown): string[] =>
  (Array.isArray(list) ? list : []).map((c) => (c as Json).comment).filter((c): c is string => typeof c === 'string');

export function createInvoicePort(client: MagentoClient, settings: MagentoSettings) {
  /** Every invoice of the order, page by page (keyset on entity_id): the look-up before a create must see them all. */
  async function* invoicePages(orderId: ShopOrderId): AsyncGenerator<Json[]> {
    const record = { kind: 'order', key: orderId };
    yield* keysetPages<Json>({
      filterGroups: [[{ field: 'order_id', value: orderId }]],
      pageSize: settings.pageSize,
      idOf: (raw) => Number(raw.entity_id),
      fetchPage: async (filterGroups, pageSize) => {
        const page = await client.call<{ items?: Json[]; total_count?: number }>({
          method: 'GET', path: '/invoices', repeatable: true, record, route: 'GET /V1/invoices', doing: `listing the invoices of order ${orderId}`, expect: EXPECT.invoiceSearch,
          query: searchCriteriaQuery({ filterGroups, sortOrders: [{ field: 'entity_id', direction: 'ASC' }], pageSize, currentPage: 1 }),
        });
        return { items: page.items ?? [], ...(typeof page.total_count === 'number' && { total_count: page.total_count }) };
      },
    });
  }

  async function listInvoices(orderId: ShopOrderId): Promise<ShopInvoice[]> {
    const record = { kind: 'order', key: orderId };
    const rows: Json[] = [];
    for await (const page of invoicePages(orderId)) rows.push(...page);
    const invoices: ShopInvoice[] = [];
    for (const raw of rows) {
      // List answers may leave comments out (docs/contracts/magento.md#request-and-response-conventions): read them separately then.
      const comments = Array.isArray(raw.comments)
        ? commentTexts(raw.comments)
        : commentTexts(
            (
              await client.call<{ items?: Json[] }>({
                method: 'GET', path: `/invoices/${idPath(String(raw.entity_id))}/comments`, repeatable: true, record,
                route: 'GET /V1/invoices/{id}/comments', doing: `reading the comments of invoice ${String(raw.entity_id)}`, expect: EXPECT.commentSearch,
              })
            ).items,
          );
      invoices.push(toShopInvoice(raw, comments));
    }
    return invoices;
  }

  async function findByComment(orderId: ShopOrderId, comment: string): Promise<ShopInvoiceId | undefined> {
    return (await listInvoices(orderId)).find((invoice) => invoice.comments.includes(comment))?.id;
  }

  async function createInvoice(orderId: ShopOrderId, options: { comment: string; notifyCustomer: false }): Promise<ShopInvoiceId> {
    const existing = await findByComment(orderId, options.comment);
    if (existing !== undefined) return existing;
    const doing = `creating the invoice of order ${orderId} in Magento`;
    try {
      const id = await client.call<unknown>({
        method: 'POST', path: `/order/${idPath(orderId)}/invoice`, repeatable: false, record: { kind: 'order', key: orderId },
        route: 'POST /V1/order/{id}/invoice', doing,
        body: { capture: false, notify: false, appendComment: false, comment: { comment: options.comment, is_visible_on_front: 0 } },
      });
      if (typeof id !== 'number' && !(typeof id === 'string' && /^\d+$/.test(id))) throw unexpectedAnswer(doing, 'an invoice id');
      return asShopInvoiceId(id);
    } catch (error) {
      // A timeout or reset after sending may hide a created invoice: look before giving up.
      if (isSyncError(error) && error.errorClass === 'transient') {
        const created = await findByComment(orderId, options.comment).catch(() => undefined);
        if (created !== undefined) return created;
      }
      throw error;
    }
  }

  async function attachInvoicePdf(invoiceId: ShopInvoiceId, file: { fileName: string; bytes: Uint8Array }): Promise<{ attachmentId: string }> {
    const record = { kind: 'invoice', key: invoiceId };
    if (file.bytes.byteLength > settings.attachments.maxBytes) {
      throw businessError({
        sentence: `The PDF ${file.fileName} of invoice ${invoiceId} has ${file.bytes.byteLength} bytes, more than shop.magento.attachments.maxBytes (${settings.attachments.maxBytes}). Raise the limit here and in the icsync Magento module, or make the PDF smaller.`,
        target: TARGET,
        record,
      });
    }
    const id = await client.call<unknown>({
      method: 'POST', path: `/icsync/invoices/${idPath(invoiceId)}/attachments`, record,
      // The module stores identical bytes under the same name once: a repeat is harmless.
      repeatable: true,
      route: 'POST /V1/icsync/invoices/{id}/attachments', doing: `attaching ${file.fileName} to invoice ${invoiceId}`,
      body: { attachment: { file_name: file.fileName, mime_type: 'application/pdf', content: Buffer.from(file.bytes).toString('base64') } },
    });
    if (typeof id !== 'number' && typeof id !== 'string') throw unexpectedAnswer(`attaching ${file.fileName} to invoice ${invoiceId}`, 'an attachment id', record);
    return { attachmentId: String(id) };
  }

  async function listInvoiceAttachments(invoiceId: ShopInvoiceId): Promise<{ attachmentId: string; fileName: string; size: number }[]> {
    const list = await client.call<unknown>({
      method: 'GET', path: `/icsync/invoices/${idPath(invoiceId)}/attachments`, repeatable: true, record: { kind: 'invoice', key: invoiceId },
      route: 'GET /V1/icsync/invoices/{id}/attachments', doing: `listing the attachments of invoice ${invoiceId}`, expect: EXPECT.attachments,
    });
    if (!Array.isArray(list)) throw unexpectedAnswer(`listing the attachments of invoice ${invoiceId}`, 'a list');
    return (list as Json[]).map((a) => ({ attachmentId: String(a.attachment_id), fileName: String(a.file_name), size: Number(a.size) }));
  }

  async function sendInvoiceEmail(invoiceId: ShopInvoiceId): Promise<void> {
    const record = { kind: 'invoice', key: invoiceId };
    if (settings.attachments.requireBeforeEmail && (await listInvoiceAttachments(invoiceId)).length === 0) {
      throw businessError({
        sentence: `Invoice ${invoiceId} has no PDF attached yet, so its e-mail was not sent (shop.magento.attachments.requireBeforeEmail). Attach the ERP PDF first.`,
        target: TARGET,
        record,
      });
    }
    // Not repeated automatically: a repeat would send the customer a second e-mail.
    await client.call({
      method: 'POST', path: `/invoices/${idPath(invoiceId)}/emails`, repeatable: false, record,
      route: 'POST /V1/invoices/{id}/emails', doing: `sending the e-mail of invoice ${invoiceId}`,
    });
  }

  /**
   * The icsync module's route asked about invoice 0, which never exists: with the module Magento
   * answers the module's 404 for a missing invoice; without it, its own 404 for a route it does
   * not have ("Request does not match any route."), before any authentication.
   */
  async function attachmentSupport(): Promise<AttachmentSupport> {
    try {
      await client.call<unknown>({
        method: 'GET', path: '/icsync/invoices/0/attachments', repeatable: true,
        route: 'GET /V1/icsync/invoices/{id}/attachments', doing: 'checking for the icsync Magento module',
      });
      return { installed: true };
    } catch (error) {
      if (isSyncError(error) && error.status === 404) {
        if (error.remoteMessage?.startsWith('Request does not match any route')) {
          return {
            installed: false,
            sentence: `Magento does not have the icsync module (${settings.baseUrl} answers "Request does not match any route." for /V1/icsync/invoices/{id}/attachments), so invoice PDFs cannot be attached and the invoice e-mails wait for them. ${MODULE_INSTALL_HINT}`,
          };
        }
        return { installed: true };
      }
      throw error;
    }
  }

  return { listInvoices, createInvoice, attachInvoicePdf, listInvoiceAttachments, sendInvoiceEmail, attachmentSupport };
}
