/**
 * Planning within a call budget: which flows may start when calls run short. Orders and
 * invoices come first (a customer waits for them), then partners (orders need them), then
 * products and stock (a late price or stock figure is the smaller harm, and a stock scan is
 * the biggest spender). Each lower tier stops while the calls left would dip into what is
 * kept for the tiers above it.
 */
import type { BudgetAdmission, CallBudgetStatus } from './ports.js';

export interface BudgetPolicy {
  /** Share of the usable budget kept for orders and invoices: partners stop below it. */
  keepForOrders: number;
  /** Share kept for orders, invoices and partners: products and stock stop below it. */
  keepForPartners: number;
}

export const FLOW_TIER: Record<string, 1 | 2 | 3> = { orders: 1, invoices: 1, subjects: 2, products: 3, stock: 3 };

const TIER_NAME = { 1: 'orders and invoices', 2: 'orders, invoices and partners' } as const;

export function admitFlow(flow: string, status: CallBudgetStatus, policy: BudgetPolicy, label: string, estimate = 0, now = new Date()): BudgetAdmission {
  const tier = FLOW_TIER[flow] ?? 3;
  const left = status.usable - status.used;
  const retryAt = status.nextFreeAt ?? new Date(now.getTime() + status.windowMs);
  const when = retryAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const used = `${status.used} of the ${status.usable} calls icsync may use in 24 h (${status.limit} allowed by ${label})`;
  if (left <= 0) {
    return { ok: false, retryAt, sentence: `${flow} waits: the ${label} call budget is used up (${used}). Calls free up from ${when}; nothing is lost, the flow catches up then.` };
  }
  if (tier === 1) return { ok: true };
  const keep = Math.ceil(status.usable * (tier === 2 ? policy.keepForOrders : policy.keepForPartners));
  if (left - estimate <= keep) {
    const need = estimate > 0 ? ` and its last run took ${estimate} calls` : '';
    return {
      ok: false,
      retryAt,
      sentence: `${flow} waits: ${left} ${label} calls are left today (${used})${need}, and ${keep} are kept for ${TIER_NAME[tier - 1 as 1 | 2]}. It runs again when calls free up (from ${when}).`,
    };
  }
  return { ok: true };
}
