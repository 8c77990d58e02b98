/**
 * The outbox: an announcement exists exactly when the ledger change it announces committed
 * (same transaction), and the relay publishes each at least once, oldest first, under a stable
 * id: a publish that fails leaves the events in the outbox for the next attempt, with the same ids.
 * Publishing goes to the real NATS JetStream on this machine (deduplicated there by id).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsSchema } from '../../src/bus/config.js';
import { natsPublisher } from '../../src/bus/nats.js';
import { outboxMapper } from '../../src/bus/outbox-events.js';
import { createRelay } from '../../src/bus/relay.js';
import type { Publisher } from '../../src/bus/transport.js';
import { LeaseLostError, openStore, type Store } from '../../src/store/index.js';
import { unique } from './harness.js';

describe('outbox', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icsync-outbox-'));
    store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}`, outbox: outboxMapper });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the announcement with the ledger change, and none when the change does not commit', async () => {
    const { row } = await store.ledger.ensure('order', { shopKey: '000000501' }, { state: 'erp_pending', data: { orderId: '1', createdAt: '', lines: [], erp: { displayNumber: 'VNK 2026/7' } } });
    const [claimed] = [await store.ledger.claimById(row.id, 'me', 60_000)];
    expect(claimed).toBeDefined();
    // Another owner's write is refused (lease): nothing announced.
    await expect(store.ledger.transition(row.id, 'someone-else', { state: 'in_erp', erpKey: '2026/VNK/7' }, { type: 'in_erp', message: 'x' })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await store.outbox.backlog()).toBe(0);
    await store.ledger.transition(row.id, 'me', { state: 'in_erp', erpKey: '2026/VNK/7' }, { type: 'in_erp', message: 'entered' });
    const [pending] = await store.outbox.pending(10);
    expect(pending).toMatchObject({ type: 'com.icsync.order.entered', subject: '000000501', data: { orderNumber: '000000501', erpKey: '2026/VNK/7', documentNumber: 'VNK 2026/7' } });
    // A failed run is announced too; a good one is not.
    const ok = await store.runs.start('orders');
    await store.runs.finish(ok, { status: 'ok', counts: {} });
    const failed = await store.runs.start('invoices');
    await store.runs.finish(failed, { status: 'failed', counts: { read: 1 }, error: 'erp.icenter.password is wrong' });
    const all = await store.outbox.pending(10);
    expect(all.map((event) => event.type)).toEqual(['com.icsync.order.entered', 'com.icsync.flow.failed']);
  });

  it('the relay keeps what a failed publish did not send and sends it again under the same ids', async () => {
    const sent: string[][] = [];
    let broken = true;
    const publisher: Publisher = {
      name: 'nats',
      async publish(events) {
        if (broken) throw new Error('broker away');
        sent.push(events.map((event) => event.id));
      },
      close: async () => undefined,
    };
    const relay = createRelay({ store, publisher, source: 'icsync-test', owner: 'relay-test', logger: pino({ level: 'silent' }), pollIntervalMs: 50 });
    await expect(relay.flush()).rejects.toThrow('broker away');
    expect(await store.outbox.backlog()).toBe(2);
    broken = false;
    expect(await relay.flush()).toBe(2);
    expect(sent).toEqual([['icsync-1', 'icsync-2']]);
    expect(await store.outbox.backlog()).toBe(0);
    expect(await relay.flush()).toBe(0);
  });

  it('publishes to NATS JetStream, which drops a second publish of the same event id', async ({ skip }) => {
    const connection = await connect({ servers: ['127.0.0.1:4222'] }).catch(() => undefined);
    if (!connection) {
      if (process.env.CI === 'true') throw new Error('NATS does not answer on 127.0.0.1:4222');
      skip('NATS does not answer on 127.0.0.1:4222');
      return;
    }
    const name = unique('OUT').replace(/-/g, '_').toUpperCase();
    const events = eventsSchema.parse({ nats: { stream: name, publishSubject: name.toLowerCase() } });
    const publisher = natsPublisher(events.nats);
    try {
      const body = JSON.stringify({ specversion: '1.0', id: 'icsync-1', source: 'icsync', type: 'com.icsync.order.entered', subject: '1' });
      await publisher.publish([{ id: 'icsync-1', type: 'com.icsync.order.entered', subject: '1', body }]);
      await publisher.publish([{ id: 'icsync-1', type: 'com.icsync.order.entered', subject: '1', body }]);
      const jsm = await jetstreamManager(connection);
      const info = await jsm.streams.info(`${name}_ICSYNC`);
      expect(info.state.messages).toBe(1);
      await jsm.streams.delete(`${name}_ICSYNC`);
    } finally {
      await publisher.close();
      await connection.drain();
    }
  });
});
