/**
 * Keeps a ledger lease alive while work on its row runs. A lease that lapses in the middle of
 * a remote call lets another worker claim the row and, seeing `erp_pending`, look the document
 * up before the first call has landed: the very double the exactly-once protocol exists to
 * prevent. So every step renews its lease well before it runs out.
 */
import type { Logger } from 'pino';
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
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await renewing;
  }
}
