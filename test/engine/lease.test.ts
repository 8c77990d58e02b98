/**
 * A step that outlasts worker.leaseDuration keeps its row: the worker renews the lease while
 * the step runs, so no other claimer can take the row and send its document a second time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRow } from '../../src/engine/worker.js';
import type { FlowContext, LedgerFlow } from '../../src/flows/types.js';
import { openStore, type Store } from '../../src/store/index.js';
import { pureConfig } from '../flows/pure-config.js';

const LEASE_MS = 300;

describe('worker lease heartbeat', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'icsync-lease-'));
    store = await openStore({ url: `sqlite:${join(dir, 'icsync.db')}` });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renews the lease during a long step; a second claimer gets nothing until the step is done', async () => {
    const config = pureConfig();
    config.worker = { ...config.worker, leaseDuration: LEASE_MS };
    const ctx = { store, config, logger: pino({ level: 'silent' }), owner: 'slow-worker', now: () => new Date() } as unknown as FlowContext;
    const stolen: unknown[] = [];
    const flow: LedgerFlow = {
      name: 'orders', kind: 'ledger', entity: 'order', workStates: ['erp_pending'],
      discover: async () => { throw new Error('not used'); },
      async step(_ctx, row) {
        // Four lease periods long; meanwhile another process keeps trying to claim due rows.
        for (let i = 0; i < 8; i++) {
          await new Promise((resolve) => setTimeout(resolve, LEASE_MS / 2));
          stolen.push(...(await store.ledger.claimDue({ kinds: ['order'], states: ['erp_pending'], owner: 'other-process', leaseMs: LEASE_MS, limit: 5 })));
        }
        await store.ledger.transition(row.id, 'slow-worker', { state: 'in_erp' }, { type: 'in_erp', message: 'entered' });
      },
    };
    await store.ledger.ensure('order', { shopKey: 'LONG-1' }, { state: 'erp_pending' });
    const [claimed] = await store.ledger.claimDue({ kinds: ['order'], states: ['erp_pending'], owner: 'slow-worker', leaseMs: LEASE_MS, limit: 1 });
    expect(claimed).toBeDefined();
    expect(await processRow(ctx, flow, claimed!)).toBe('done');
    expect(stolen).toEqual([]);
    expect((await store.ledger.get('order', { shopKey: 'LONG-1' }))?.state).toBe('in_erp');
  });
});
