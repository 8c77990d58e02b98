/**
 * Which ledger changes and runs icsync announces on the bus (events.publish). The store calls
 * this inside the transaction of the change, so an event exists exactly when its change does.
 * The data of each event is described by a JSON Schema in docs/events/.
 */
import type { OutboxDraft, OutboxMapper } from '../store/index.js';
import { ICSYNC_EVENT_TYPES } from './events.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export const outboxMapper: OutboxMapper = {
  fromLink(link, event): OutboxDraft | undefined {
    const data = (link.data ?? {}) as Record<string, unknown>;
    if (link.kind === 'order' && event.type === 'in_erp' && link.shopKey) {
      const erp = (data.erp ?? {}) as Record<string, unknown>;
      return {
        type: ICSYNC_EVENT_TYPES.orderInErp,
        subject: link.shopKey,
        data: { orderNumber: link.shopKey, erpKey: link.erpKey, documentNumber: text(erp.displayNumber) ?? null, grossTotal: text(erp.grossTotal) ?? null },
      };
    }
    if (link.kind === 'invoice' && event.type === 'in_shop' && link.erpKey) {
      return {
        type: ICSYNC_EVENT_TYPES.invoiceInShop,
        subject: link.erpKey,
        data: { erpKey: link.erpKey, invoiceNumber: text(data.displayNumber) ?? null, shopInvoiceId: link.shopKey, orderNumber: text(data.orderNumber) ?? null },
      };
    }
    if (event.type === 'needs_attention') {
      const key = link.shopKey ?? link.erpKey ?? String(link.id);
      return {
        type: ICSYNC_EVENT_TYPES.needsAttention,
        subject: `${link.kind}/${key}`,
        data: { kind: link.kind, key, reason: event.message, errorClass: link.lastErrorClass },
      };
    }
    return undefined;
  },
  fromRun(flow, outcome): OutboxDraft | undefined {
    if (outcome.status !== 'failed') return undefined;
    return { type: ICSYNC_EVENT_TYPES.flowFailed, subject: flow, data: { flow, error: outcome.error ?? 'the run failed', counts: outcome.counts } };
  },
};
