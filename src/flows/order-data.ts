/** What the ledger keeps with an order row (its `data`), shared by the orders, stock and invoices flows. */
import type { Decimal } from '../core/decimal.js';

export const PRE_ERP_STATES = ['discovered', 'partner_ready', 'erp_pending'] as const;
export const ORDER_WORK_STATES = PRE_ERP_STATES;

/** `origin` of a row an event created (src/bus/intake.ts): its order has not been read yet. */
export const ORDER_EVENT_ORIGIN = 'event';

/** Store counter of the orders reconciliation found that no event announced (status page). */
export const RECONCILIATION_MISSED = 'reconciliation.missed';

export interface OrderData {
  /** The shop's internal id, for reading the order again; empty on a row an event created without it. */
  orderId: string;
  /** 'event' while a row an event created has not been read from the shop yet. */
  origin?: typeof ORDER_EVENT_ORIGIN;
  /**
   * Skipped only because its status was not in flows.orders.statuses when its event came: the
   * poll (or a later event) takes it up again once the status is one to enter.
   */
  skippedForStatus?: boolean;
  createdAt: string;
  /** SKU and quantity per line: the stock flow subtracts them while the ERP does not know the order. */
  lines: { sku: string; quantity: Decimal }[];
  /** Where a row in needs_attention resumes after `icsync retry`. */
  resume?: string;
  partner?: string;
  erp?: { displayNumber: string; grossTotal?: Decimal };
  /** The totals guard held the order once; a retry by a person accepts the difference. */
  totalsHeld?: boolean;
  /** The difference (shop grand total − ERP total) a person was shown when the order was held before entry. */
  heldDifference?: Decimal;
  /** What the ERP was expected to charge when the order was sent. */
  draftTotal?: Decimal;
  /** The shop canceled the order after it reached the ERP, and what icsync did about it. */
  canceledInShop?: 'canceled_in_erp' | 'flagged';
  /** An edited order: the shop order it replaced, whose ERP document it took over. */
  replaced?: { number: string; erpKey: string };
  commented?: boolean;
  /** Two ERP documents exist for this order (a write sent after its lease was lost): both, for the person. */
  duplicates?: { erpKey: string; displayNumber: string }[];
}
