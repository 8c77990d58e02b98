/**
 * Keeps a ledger lease alive while work on its row runs. A lease that lapses in the middle of
 * a remote call lets another worker claim the row and, seeing `erp_pending`, look the document
 * up before the first call has landed: the very double the exactly-once protocol exists to
 * prevent. So every step renews its lease well before it runs out.
 *
 * Renewing is not enough when the process itself stops (SIGSTOP, a paused VM): the timer stops
 * too, the lease runs out, another process takes the row, and on waking the write this one had
 * queued would still go out. So every remote write of the step is fenced (src/core/http/fence.ts):
 * right before it leaves, the lease is confirmed (and extended) by the database's clock; if
 * another process holds the row now, the write is not sent and the step ends with LeaseLostError.
 */
import type { Logger } from 'pino';
import { fenced } from '../core/http/fence.js';
import type { Store } from '../store/index.js';

export async function whileLeased<T>(store: Store, lease: { id: number; owner: string; leaseMs: number }, logger: Logger, work: () => Promise<T>): Promise<T> {
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = store.ledger.renewLease(lease.id, lease.owner, lease.leaseMs).catch((error: unknown) => {
      // A lost lease shows up at the step's next transition (LeaseLostError); nothing to do here.
      logger.warn({ id: lease.id, err: error }, 'could not renew the lease of a ledger row');
    });
  }, Math.max(50, Math.floor(lease.leaseMs / 3)));
  timer.unref();
  const confirm = async () => {
    await store.ledger.renewLease(lease.id, lease.owner, lease.leaseMs);
  };
  try {
    return await fenced(confirm, work);
  } finally {
    clearInterval(timer);
    await renewing;
  }
}
