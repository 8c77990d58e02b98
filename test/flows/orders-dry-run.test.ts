/**
 * `icsync sync orders --dry-run` against both emulators over HTTP: it shows the rows already
 * waiting in the ledger as well as the new shop orders, each as the ERP order it would become
 * (partner, warehouse, book, lines), and the orders that would wait for a person; and it
 * writes nothing anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryRecord } from '../../src/engine/records.js';
import { runSync } from '../../src/engine/sync.js';
import { createFlows } from '../../src/flows/index.js';
import type { FlowReport, LedgerFlow } from '../../src/flows/types.js';
import { orderSpec, startWorld, type World } from './world.js';

const run = async (w: World, options: { dryRun: boolean }, ctx = w.ctx): Promise<FlowReport> => (await runSync(ctx, 'orders', { full: false, ...options }))[0]!;

describe('orders dry run', () => {
  let w: World;
  beforeAll(async () => {
    // A backoff long enough that a failed row is still waiting when the dry run looks.
    w = await startWorld({ items: 12, config: { worker: { maxAttempts: 20, backoffBase: '60s', backoffMax: '60s', concurrency: 2 } } });
  });
  afterAll(async () => {
    await w?.close();
  });

  /** Everything icsync could have written: the ledger (rows and timelines), the cursor, the run history, and every remote write. */
  async function footprint() {
    const rows = await w.store.ledger.list({ limit: 1000 });
    const timelines = await Promise.all(rows.map(async (r) => (await w.store.ledger.timeline(r.kind, r.shopKey ?? r.erpKey!))?.events.length));
    return {
      rows: rows.map((r) => `${r.kind} ${r.shopKey} ${r.state} ${r.erpKey} ${r.attempts} ${r.updatedAt.toISOString()} ${JSON.stringify(r.data)}`).sort(),
      timelines,
      cursor: await w.store.cursors.get('orders'),
      runs: (await w.store.runs.latest('orders', 100)).length,
      erpWrites: w.icenter.requestLog().filter((e) => e.method !== 'GET').length,
      shopWrites: w.magento.runtime.requests.filter((r) => r.method !== 'GET').length,
    };
  }

  it('lists the waiting rows and the new orders as the ERP orders they would become, and writes nothing', async () => {
    const [a, b, c] = [w.skus[0]!, w.skus[1]!, w.skus[2]!];
    const ship = w.config.flows.orders.shippingItem!;

    // erp_pending: the ERP refused the create with a 503; the row waits for its next attempt.
    const pending = (await w.placeOrder(orderSpec([a]))).increment_id;
    w.icenter.setFaults({ rules: [{ route: 'Order/AddOrder', kind: 'status', status: 503 }] });
    await run(w, { dryRun: false });
    w.icenter.setFaults({ rules: [] });
    const pendingRow = (await w.store.ledger.get('order', { shopKey: pending }))!;
    expect(pendingRow.state).toBe('erp_pending');
    const partner = (pendingRow.data as { partner: string }).partner;

    // discovered: recorded by discovery, not yet worked on (its buyer is not linked yet).
    const discovered = (await w.placeOrder(orderSpec([b, c], { email: 'dora@example.si' }))).increment_id;
    const orders = createFlows().orders as LedgerFlow;
    await orders.discover(w.restart(), { dryRun: false, full: false });
    expect((await w.store.ledger.get('order', { shopKey: discovered }))?.state).toBe('discovered');

    // Not in the ledger yet: one that would go in (same buyer as the pending one), one that would wait for a person.
    const fresh = (await w.placeOrder(orderSpec([c]))).increment_id;
    const unmapped = (await w.placeOrder(orderSpec([a], { paymentMethod: 'paypal_express' }))).increment_id;

    const later = w.restart();
    const before = await footprint();
    const dry = await run(w, { dryRun: true }, later);
    expect(dry.error).toBeUndefined();
    expect(dry.dryRun).toBe(true);
    expect(await footprint()).toEqual(before);

    const change = (key: string) => dry.changes.find((ch) => ch.key === key);
    expect(change(pending)).toMatchObject({
      kind: 'order', action: 'create',
      fields: {
        state: ['erp_pending', 'in_erp'], partner: [undefined, partner], warehouse: [undefined, '0000001'], book: [undefined, 'VNK'],
        lines: [undefined, [`${a}×1@12.2 VAT 02`, `${ship}×1@5.49 VAT 02`]], pricesIncludeVat: [undefined, true], paymentMethod: [undefined, '01'],
      },
    });
    expect(change(pending)!.fields.note?.[1]).toMatch(/looked up in iCenter by its reference first/);
    expect(change(pending)!.fields.due?.[1]).toEqual(pendingRow.nextAttemptAt!.toISOString());
    expect(change(discovered)?.fields).toMatchObject({
      state: ['discovered', 'in_erp'], due: [undefined, 'now'], partner: [undefined, '(looked up or created in iCenter for email:dora@example.si)'],
      lines: [undefined, [`${b}×1@12.2 VAT 02`, `${c}×2@12.2 VAT 02`, `${ship}×1@5.49 VAT 02`]],
    });
    expect(change(fresh)?.fields).toMatchObject({ state: [undefined, 'in_erp'], partner: [undefined, partner], book: [undefined, 'VNK'] });
    expect(change(unmapped)).toBeUndefined();
    expect(dry.problems).toEqual([{ kind: 'order', key: unmapped, message: `Order ${unmapped}: payment method "paypal_express" has no ERP code; add it to mappings.paymentMethods, then retry the order.` }]);
    expect(dry.counts).toMatchObject({ waiting: 2, wouldDiscover: 2, wouldEnter: 3, wouldNeedAttention: 1 });

    // The real run does what the dry run said (the pending row made due now, as a person's retry does).
    await retryRecord(w.store, 'order', pending);
    const real = await run(w, { dryRun: false }, later);
    expect(real.error).toBeUndefined();
    for (const key of [pending, discovered, fresh]) {
      const row = (await w.store.ledger.get('order', { shopKey: key }))!;
      expect(row.state, `${key}: ${row.lastError}`).toBe('in_erp');
    }
    expect((await w.store.ledger.get('order', { shopKey: unmapped }))?.state).toBe('needs_attention');
    const erp = await w.admin<{ orderReference: string; customerId: string }[]>('icenter', 'GET', '/orders?organisation=1');
    expect(erp.filter((o) => o.orderReference === pending)).toHaveLength(1);
    expect(erp.find((o) => o.orderReference === fresh)?.customerId).toBe(partner);
  });
});
