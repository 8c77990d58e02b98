/**
 * With fault injection on both emulators (5xx, resets, timeouts, 429) every flow converges
 * to the same end state as a world without faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/engine/sync.js';
import type { FlowName } from '../../src/config/schema.js';
import { orderSpec, startWorld, type World } from './world.js';

const RUN = { dryRun: false, full: false };
const SHOP_TIMEOUT_MS = 800;

async function placeOrders(w: World): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const skus = [w.skus[i]!, w.skus[(i + 5) % w.skus.length]!];
    await w.placeOrder(orderSpec(skus, i % 2 === 0 ? {} : { email: `kupec${i}@example.si`, billing: { firstname: 'Kupec', lastname: `Št. ${i}`, street: ['Ulica 1'], city: 'Kranj', postcode: '4000', countryId: 'SI', company: `Podjetje ${i} d.o.o.`, vatId: `SI1000000${i}` } }));
  }
}

/** Runs the flows until nothing is open or failed (at most `rounds`), then once more so late effects (stock minus pending orders) settle. */
async function converge(w: World, flows: FlowName[], rounds = 40): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const reports = [];
    for (const flow of flows) reports.push(...(await runSync(w.ctx, flow, RUN)));
    const open = await w.store.ledger.list({ states: ['discovered', 'partner_ready', 'erp_pending', 'shop_pending', 'in_shop', 'failed', 'resync'] });
    if (open.length === 0 && reports.every((r) => r.error === undefined)) break;
    // Rows in backoff (or an open circuit breaker) need a moment before they are due again.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const flow of flows) await runSync(w.ctx, flow, RUN);
}

async function issueInvoices(w: World): Promise<void> {
  for (const row of await w.store.ledger.list({ kind: 'order', states: ['in_erp'] })) {
    const [year, book, number] = row.erpKey!.split('/');
    await w.admin('icenter', 'POST', '/invoices', { organisation: 1, orderYear: Number(year), orderBook: book, orderNumber: Number(number) });
  }
}

/**
 * Partners (VAT ID, else name) whose e-mail contact iCenter refused after it had created the
 * customer. The connector keeps such a partner (creating it again would make two) and records a
 * warning on the partner row; nothing adds the contact later yet, so the ERP lacks that e-mail.
 * The snapshot leaves those e-mails out, and only where the warning says so.
 */
async function partnersWithoutContact(w: World): Promise<Set<string>> {
  const out = new Set<string>();
  for (const row of await w.store.ledger.list({ kind: 'partner', limit: 1000 })) {
    const events = (await w.store.ledger.timeline('partner', row.shopKey!))?.events ?? [];
    if (!events.some((e) => e.type === 'warning' && /e-mail contact was not/.test(e.message))) continue;
    const draft = (row.data as { draft: { name: string; vatId?: string } }).draft;
    out.add(draft.vatId ?? draft.name);
  }
  return out;
}

function snapshot(w: World, withoutContact = new Set<string>()) {
  const shop = w.magento.runtime.state;
  const products = [...shop.products.values()].map((p) => {
    const v = p.values.get(0) as Record<string, unknown>;
    return `${p.sku}|${String(v.name)}|${String(v.price)}|${String(v.status)}`;
  }).sort();
  const stock = [...shop.sourceItems.entries()].flatMap(([sku, bySource]) => [...bySource.entries()].map(([source, item]) => `${sku}@${source}=${String(item.quantity)}`)).sort();
  const erpOrders = [...w.icenter.state().orgs.get(1)!.orders.values()].map((o) => o.orderReference).sort();
  const invoices = [...shop.invoices.values()].length;
  const attachments = [...shop.attachments.values()].reduce((n, list) => n + list.length, 0);
  const emails = shop.emails.filter((e) => e.kind === 'invoice').length;
  // A partner created twice under faults (a lost AddCustomer answer sent again) shows here.
  // Codes are left out: they follow the order of creation, which concurrency may change.
  const org = w.icenter.state().orgs.get(1)!;
  const erpPartners = org.customers.map((c) => {
    const emailsOf = org.contacts.filter((k) => k.fields.CustomerID === c.fields.Code).map((k) => k.fields.ContactEMail ?? '').sort();
    const contact = withoutContact.has(c.fields.TaxNumber ?? c.fields.Name ?? '') ? '(contact refused, warning recorded)' : emailsOf.join(',');
    return `${c.fields.Name}|${c.fields.TaxNumber ?? ''}|${contact}`;
  }).sort();
  return { products, stock, erpOrders, erpPartners, invoices, attachments, emails };
}

describe('convergence under faults', () => {
  let clean: World;
  let faulty: World;
  beforeAll(async () => {
    clean = await startWorld({ items: 30 });
    faulty = await startWorld({ items: 30, config: { worker: { maxAttempts: 60, backoffBase: '10ms', backoffMax: '300ms', concurrency: 2 } } });
    await placeOrders(clean);
    await placeOrders(faulty);
  });
  afterAll(async () => {
    await clean?.close();
    await faulty?.close();
  });

  it('ends in the same state with and without faults', async () => {
    await converge(clean, ['products', 'stock', 'subjects', 'orders']);
    // Timeouts: the shop answers later than the connector waits (a short request timeout keeps
    // the waiting short). Anywhere, the late answer is a 503 that did nothing; on product writes
    // (idempotent upserts) the request still takes effect after the connector gave up, as
    // Magento's PHP goes on when the client hangs up. Late effects on writes that are not
    // repeatable are left out here: the order comment is best effort and never asked for twice;
    // the invoice e-mail waits flows.invoices.emailSettle, proven in invoice-email.test.ts.
    faulty.config.shop.magento.timeouts.request = SHOP_TIMEOUT_MS;
    // Five failures in a row pause calls to a system (circuit breaker); 30 s by default, 2 s here.
    faulty.config.shop.magento.retry.pauseFor = 2000;
    if (faulty.config.erp.type === 'icenter') faulty.config.erp.icenter.retry.pauseFor = 2000;
    // A reset leaves an invoice e-mail ask open: icsync waits this long before asking again.
    faulty.config.flows.invoices.emailSettle = 300;
    faulty.ctx = faulty.restart();
    const late = SHOP_TIMEOUT_MS * 1.5;
    await faulty.admin('magento', 'PUT', '/faults', {
      seed: 5,
      rules: [
        { path: '*', status: 503, rate: 0.1 }, { path: '*', reset: true, rate: 0.05 }, { path: '*', status: 429, retryAfterSeconds: 0, rate: 0.05 },
        { path: '*', latencyMs: late, status: 503, rate: 0.02, times: 3 },
        { path: '/V1/products', method: 'POST', latencyMs: late, rate: 0.05, times: 2 },
      ],
    });
    // A lookup by reference after an ambiguous create may read a dozen ERP orders; a retry
    // fails when any of them fails, so it takes more attempts than a single call.
    faulty.icenter.setFaults({ seed: 5, rules: [{ kind: 'status', status: 500, rate: 0.08 }, { kind: 'reset', rate: 0.04 }, { kind: 'timeout', timeoutMs: 200, rate: 0.02 }, { kind: 'status', status: 429, rate: 0.04 }] });
    await converge(faulty, ['products', 'stock', 'subjects', 'orders']);

    await issueInvoices(clean);
    await issueInvoices(faulty);
    await converge(clean, ['invoices']);
    await converge(faulty, ['invoices']);

    const stuck = (await faulty.store.ledger.list({ kind: 'order' })).filter((r) => !['invoice_in_shop', 'complete'].includes(r.state));
    if (stuck.length > 0) console.log(JSON.stringify((await faulty.store.ledger.timeline('order', stuck[0]!.shopKey!))?.events.map((e) => `${e.type} ${e.state}: ${e.message.slice(0, 160)}`), null, 1));
    expect(stuck.map((r) => `${r.shopKey} ${r.state}: ${r.lastError}`)).toEqual([]);
    const withoutContact = await partnersWithoutContact(faulty);
    const a = snapshot(clean, withoutContact);
    const b = snapshot(faulty, withoutContact);
    expect(a.erpOrders).toHaveLength(6);
    expect(a.invoices).toBe(6);
    expect(b).toEqual(a);
    // The faults really happened, on both sides.
    expect(faulty.icenter.requestLog().filter((e) => e.fault !== undefined).length).toBeGreaterThan(5);
    const shopRules = (faulty.magento.runtime.faults.current().rules ?? []) as { latencyMs?: number; applied?: number }[];
    expect(shopRules.reduce((n, r) => n + (r.applied ?? 0), 0)).toBeGreaterThan(5);
    for (const rule of shopRules.filter((r) => r.latencyMs !== undefined)) expect(rule.applied).toBeGreaterThan(0);
    expect(a.erpPartners.length).toBeGreaterThan(6);
    const attention = await faulty.store.ledger.list({ states: ['needs_attention'] });
    expect(attention.map((r) => `${r.kind} ${r.shopKey}: ${r.lastError}`)).toEqual([]);
  }, 120_000);
});
