/**
 * The call budget as the engine sees it: before a flow starts, the ERP's budget (when its
 * connector declares one) says whether the flow may run now; a flow that must wait is recorded
 * as a skipped run with the sentence that says why and until when. Each run's cost in calls is
 * kept in its counts (`erpCalls`), and the last cost of a flow is its estimate next time.
 */
import type { BudgetAdmission } from '../core/ports.js';
import type { FlowContext } from '../flows/types.js';

export async function admitByBudget(ctx: FlowContext, flow: string): Promise<BudgetAdmission> {
  const budget = ctx.erp.callBudget;
  if (!budget) return { ok: true };
  return budget.admit(flow, await lastCost(ctx, flow));
}

async function lastCost(ctx: FlowContext, flow: string): Promise<number | undefined> {
  for (const run of await ctx.store.runs.latest(flow, 10)) {
    const calls = run.counts.erpCalls;
    if (run.status !== 'skipped' && typeof calls === 'number') return calls;
  }
  return undefined;
}

/** Calls used so far (in the window); undefined when the ERP has no budget. */
export async function callsUsed(ctx: FlowContext): Promise<number | undefined> {
  return ctx.erp.callBudget ? (await ctx.erp.callBudget.status()).used : undefined;
}
