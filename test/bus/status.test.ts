/**
 * What `icsync status` and the dashboard's /api/status show of event-driven mode: deliveries
 * taken in, orders first recorded from an event, orders reconciliation found that no event
 * announced, and the outbox backlog; nothing when events are off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatus } from '../../src/cli/commands/status.js';
import { configSchema } from '../../src/config/schema.js';
import { collectStatus } from '../../src/server/status.js';
import { openStore, type Store } from '../../src/store/index.js';

const connections = {
  shop: { type: 'magento', magento: { baseUrl: 'http://127.0.0.1:1', auth: { kind: 'oauth', consumerKey: 'k', consumerSecret: 's', accessToken: 't', accessTokenSecret: 'u' } } },
  erp: { type: 'icenter', icenter: { baseUrl: 'http://127.0.0.1:1/iCenterAPI', user: 'icsync', password: 'p', organisationId: 1 } },
};

describe('status in event-driven mode', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icsync-bus-status-'));
    store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
    await store.counters.add('events.received', 5);
    await store.counters.add('events.recorded', 3);
    await store.counters.add('reconciliation.missed', 2);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the counts with events on, and the line is absent with events off', async () => {
    const on = configSchema.parse({ ...connections, events: { intake: 'kafka', publish: { to: 'nats' } } });
    const status = await collectStatus(store, on);
    expect(status.events).toEqual({ intake: 'kafka', publish: 'nats', received: 5, recorded: 3, missedByEvents: 2, outboxBacklog: 0 });
    expect(formatStatus(status)).toContain('Events: intake kafka, 5 received (3 new orders); reconciliation found 2 orders no event announced; publishing to nats, 0 waiting in the outbox');
    const off = await collectStatus(store, configSchema.parse(connections));
    expect(off.events).toBeUndefined();
    expect(formatStatus(off)).not.toContain('Events:');
  });
});
