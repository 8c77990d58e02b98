/**
 * Fencing remote writes on a lost lease (ARCHITECTURE.md, "Fencing"), over real HTTP and a real
 * PostgreSQL store:
 * - the fence runs when the write really leaves (after its wait for a connection slot), and a
 *   refused fence sends nothing;
 * - lease expiry is judged by the database's clock: a process whose own clock runs an hour ahead
 *   does not take over a lease that is still held;
 * - an ERP order that went out after its process lost the row is recorded on the row's timeline,
 *   and when the ERP then holds two orders for one shop order, a person sees both, whichever of
 *   the two processes finished first.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fenced } from '../../src/core/http/fence.js';
import { processRow } from '../../src/engine/worker.js';
import { createOrdersFlow } from '../../src/flows/orders.js';
import type { FlowContext } from '../../src/flows/types.js';
import { LeaseLostError, openStore, type LinkRow } from '../../src/store/index.js';
import { fetchAdmin, KNOWN_SKU, ORG, orderDraft, startIcenterHarness, type IcenterHarness } from '../contract/erp-port/icenter-setup.js';
import { postgresBackend } from '../store/backends.js';
import { orderSpec, startWorld, type World } from './world.js';

const backend = await postgresBackend();
const suite = backend.unavailable ? describe.skip : describe;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
const ref = (p: string) => `${p}${Date.now().toString(36)}${(counter += 1)}`;

interface AdminOrder {
  orderReference: string | null;
  year: number;
  book: string;
  number: number;
}

describe('the fence of a remote write', () => {
  let h: IcenterHarness;
  beforeAll(async () => {
    h = await startIcenterHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  const ordersWith = async (reference: string) => ((await fetchAdmin(h, 'GET', `/orders?organisation=${ORG}`)) as AdminOrder[]).filter((o) => o.orderReference === reference);

  it('is checked when the queued write leaves, and a refusal sends nothing', async () => {
    const port = h.makePort({ maxConcurrent: 1 });
    await fetchAdmin(h, 'PUT', '/faults', { rules: [{ route: 'Item/GetItemsGeneralData', kind: 'latency', latencyMs: 700, times: 1 }] });
    const reference = ref('F');
    let readDoneAt = 0;
    let checkedAt = 0;
    const slowRead = port.existingSkus([KNOWN_SKU]).then(() => { readDoneAt = Date.now(); });
    await sleep(50); // the read holds the only connection slot; the write queues behind it
    const writeAt = Date.now();
    const refusal = new LeaseLostError(1, 'paused-process', 'other-process');
    const write = fenced(async () => {
      checkedAt = Date.now();
      throw refusal;
    }, () => port.createOrder(orderDraft(reference)));
    // A transient error that says nothing was sent; the worker then learns from the ledger that the row is gone.
    await expect(write).rejects.toMatchObject({ errorClass: 'transient', notSent: true, cause: refusal });
    await slowRead;
    // Checked once the slot was free (the read held it ~650 ms more), not when the write was asked for.
    expect(checkedAt - writeAt).toBeGreaterThanOrEqual(500);
    expect(readDoneAt).toBeGreaterThan(0);
    expect(await ordersWith(reference)).toEqual([]);
    await fetchAdmin(h, 'PUT', '/faults', { rules: [] });
  });

  it('lets the write go when the check passes, once per write; reads are not fenced', async () => {
    const reference = ref('G');
    let checks = 0;
    const created = await fenced(async () => { checks += 1; }, async () => {
      await h.port.existingSkus([KNOWN_SKU]);
      return h.port.createOrder(orderDraft(reference));
    });
    expect(created.order.key).toBeTruthy();
    expect(checks).toBe(1);
    expect(await ordersWith(reference)).toHaveLength(1);
  });
});

suite('leases on PostgreSQL', () => {
  let url: string;
  beforeAll(async () => {
    url = await backend.create();
  });
  afterAll(async () => {
    await backend.dropAll();
  });

  it('expire by the database\'s clock: a process whose clock runs an hour ahead does not take a held lease', async () => {
    const store = await openStore({ url });
    try {
      const { row } = await store.ledger.ensure('order', { shopKey: ref('C') }, { state: 'erp_pending' });
      expect((await store.ledger.claimById(row.id, 'holder', 60_000))?.leaseOwner).toBe('holder');
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 3_600_000);
        expect(await store.ledger.claimById(row.id, 'clock-ahead', 60_000)).toBeUndefined();
        expect(await store.ledger.claimDue({ kinds: ['order'], states: ['erp_pending'], owner: 'clock-ahead', leaseMs: 60_000, limit: 10 })).toEqual([]);
      } finally {
        vi.useRealTimers();
      }
      // The lease the holder got is a minute of the database's time.
      const held = (await store.ledger.get('order', { shopKey: row.shopKey! }))!;
      expect(Math.abs(held.leaseUntil!.getTime() - (Date.now() + 60_000))).toBeLessThan(5_000);
    } finally {
      await store.close();
    }
  });

  describe('an ERP order sent after its process lost the row', () => {
    let w: World;
    let admin: pg.Client;
    const flow = createOrdersFlow();
    beforeAll(async () => {
      const storeUrl = await backend.create();
      w = await startWorld({ items: 12, config: { store: { url: storeUrl } } });
      // The emulator holds creates for seconds here; the connector must wait for them.
      if (w.config.erp.type === 'icenter') w.config.erp.icenter.timeouts.request = 15_000;
      admin = new pg.Client({ connectionString: storeUrl });
      await admin.connect();
    });
    afterAll(async () => {
      await admin?.end();
      await w?.close();
    });

    /** What a paused process finds on waking: another process holds its row. */
    const takeOver = async (row: LinkRow, owner: string) => {
      await admin.query(`update links set lease_owner = $1, lease_until = now() + interval '1 minute' where id = $2`, [owner, row.id]);
      return (await w.store.ledger.get('order', { shopKey: row.shopKey! }))!;
    };
    const hasEvent = async (key: string, type: string) => ((await w.store.ledger.timeline('order', key))?.events ?? []).some((e) => e.type === type);
    const erpOrdersOf = async (reference: string) => ((await w.admin('icenter', 'GET', `/orders?organisation=${ORG}`)) as AdminOrder[]).filter((o) => o.orderReference === reference);

    async function startPausedWriter(): Promise<{ a: FlowContext; b: FlowContext; row: LinkRow; number: string; lost: Promise<string> }> {
      const placed = await w.placeOrder(orderSpec([w.skus[0]!]));
      const a = w.restart();
      const b = w.restart();
      await flow.discover(a, { dryRun: false, full: false });
      const [row] = (await w.store.ledger.claimDue({ kinds: ['order'], states: ['discovered'], owner: a.owner, leaseMs: w.config.worker.leaseDuration, limit: 10 })).filter((r) => r.shopKey === placed.increment_id);
      expect(row).toBeDefined();
      const lost = processRow(a, flow, row!);
      // The intent is committed and the create is on its way (held by the emulator).
      for (let i = 0; i < 500 && !(await hasEvent(placed.increment_id, 'intent')); i += 1) await sleep(10);
      await sleep(300);
      return { a, b, row: row!, number: placed.increment_id, lost };
    }

    it('the late writer comes second: it sees the recorded order and puts both before a person', async () => {
      await w.admin('icenter', 'PUT', '/faults', { rules: [{ route: 'Order/AddOrder', kind: 'latency', latencyMs: 3000, times: 1 }] });
      const { b, row, number, lost } = await startPausedWriter();
      const stolen = await takeOver(row, b.owner);
      expect(await processRow(b, flow, stolen)).toBe('done');
      expect((await w.store.ledger.get('order', { shopKey: number }))?.state).toBe('in_erp');
      expect(await lost).toBe('lost');

      const erp = await erpOrdersOf(number);
      expect(erp).toHaveLength(2);
      const after = (await w.store.ledger.get('order', { shopKey: number }))!;
      expect(after.state).toBe('needs_attention');
      for (const o of erp) expect(after.lastError).toContain(`${o.year}/${o.book}/${o.number}`);
      expect(after.lastError).toMatch(/^Order \d+: iCenter has two orders for it, /);
      expect((after.data as { resume?: string }).resume).toBe('in_erp');
      expect(await hasEvent(number, 'late_write')).toBe(true);
    }, 30_000);

    it('the late writer comes first: the process that records the order sees the late one and puts both before a person', async () => {
      await w.admin('icenter', 'PUT', '/faults', { rules: [{ route: 'Order/AddOrder', kind: 'latency', latencyMs: 2000, times: 1 }] });
      const { b, row, number, lost } = await startPausedWriter();
      const stolen = await takeOver(row, b.owner);
      // The other process's own create is slower still: the late one lands and is recorded first.
      await w.admin('icenter', 'PUT', '/faults', { rules: [{ route: 'Order/AddOrder', kind: 'latency', latencyMs: 4000, times: 1 }] });
      const taken = processRow(b, flow, stolen);
      expect(await lost).toBe('lost');
      expect(await hasEvent(number, 'late_write')).toBe(true);
      expect((await w.store.ledger.get('order', { shopKey: number }))?.state).toBe('erp_pending');
      expect(await taken).toBe('done');

      const erp = await erpOrdersOf(number);
      expect(erp).toHaveLength(2);
      const after = (await w.store.ledger.get('order', { shopKey: number }))!;
      expect(after.state).toBe('needs_attention');
      for (const o of erp) expect(after.lastError).toContain(`${o.year}/${o.book}/${o.number}`);
    }, 30_000);

    it('a write whose fence finds the row taken is not sent at all', async () => {
      // The create waits for a connection slot behind a slow read; meanwhile the row is taken over.
      await w.admin('icenter', 'PUT', '/faults', { rules: [] });
      const placed = await w.placeOrder(orderSpec([w.skus[1]!]));
      const a = w.restart();
      const b = w.restart();
      await flow.discover(a, { dryRun: false, full: false });
      const [row] = (await w.store.ledger.claimDue({ kinds: ['order'], states: ['discovered'], owner: a.owner, leaseMs: w.config.worker.leaseDuration, limit: 10 })).filter((r) => r.shopKey === placed.increment_id);
      let stole: Promise<unknown> | undefined;
      const fencedStep = processRow({ ...a, hooks: {} }, {
        ...flow,
        // The step runs as usual; right after its intent is committed the row is taken over, as a pause would let happen.
        step: async (ctx, claimed) => {
          const origin = ctx.erp.createOrder.bind(ctx.erp);
          ctx.erp.createOrder = async (draft) => {
            stole = takeOver(claimed, b.owner);
            await stole;
            return origin(draft);
          };
          try {
            await flow.step(ctx, claimed);
          } finally {
            ctx.erp.createOrder = origin;
          }
        },
      }, row!);
      expect(await fencedStep).toBe('lost');
      expect(stole).toBeDefined();
      expect(await erpOrdersOf(placed.increment_id)).toEqual([]);
      const after = (await w.store.ledger.get('order', { shopKey: placed.increment_id }))!;
      expect(after.state).toBe('erp_pending');
      expect(after.leaseOwner).toBe(b.owner);
    }, 30_000);
  });
});
