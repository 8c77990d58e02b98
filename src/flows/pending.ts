/**
 * Quantities shop orders have promised that the ERP does not know yet: orders in the ledger
 * before `in_erp` (also those waiting for a person there, unless the ERP already holds them),
 * and shop orders newer than the orders cursor that the orders flow has not discovered yet.
 */
import { add, type Decimal } from '../core/decimal.js';
import { readCursor } from './common.js';
import { orderGate } from './order-mapping.js';
import type { OrderData } from './order-data.js';
import { PRE_ERP_STATES } from './order-data.js';
import type { FlowContext } from './types.js';

const PAGE = 1000;

export async function pendingQuantities(ctx: FlowContext): Promise<Map<string, Decimal>> {
  const pending = new Map<string, Decimal>();
  const addLines = (lines: readonly { sku: string; quantity: Decimal }[]) => {
    for (const line of lines) pending.set(line.sku, add(pending.get(line.sku) ?? ('0' as Decimal), line.quantity));
  };
  const known = new Set<string>();
  for (let offset = 0; ; offset += PAGE) {
    const rows = await ctx.store.ledger.list({ kind: 'order', states: [...PRE_ERP_STATES, 'needs_attention'], limit: PAGE, offset });
    for (const row of rows) {
      const data = row.data as OrderData | null;
      if (row.shopKey) known.add(row.shopKey);
      // An order the ERP already holds (its key is recorded; e.g. held by the totals guard after
      // entry) is the ERP's to count, as in_erp. One held before entry is still only the shop's promise.
      if (row.erpKey !== null) continue;
      const state = row.state === 'needs_attention' ? data?.resume : row.state;
      if (data?.lines && state && (PRE_ERP_STATES as readonly string[]).includes(state)) addLines(data.lines);
    }
    if (rows.length < PAGE) break;
  }
  const since = await readCursor(ctx, 'orders', false);
  if (since === undefined) return pending;
  const settings = ctx.config.flows.orders;
  // An order the shop cannot read promises nothing we could count; the orders flow reports it.
  const onUnreadable = () => undefined;
  for await (const page of ctx.shop.orders({ updatedSince: since, statuses: settings.statuses, onUnreadable })) {
    for (const order of page) {
      if (known.has(order.number) || orderGate(order, settings) !== undefined) continue;
      if ((await ctx.store.ledger.get('order', { shopKey: order.number })) !== undefined) continue;
      addLines(order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })));
    }
  }
  return pending;
}
