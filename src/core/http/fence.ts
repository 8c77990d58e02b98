/**
 * Fencing of remote writes. A process that was paused (SIGSTOP, a VM pause, a swap storm) may
 * wake up after its lease on a ledger row ran out and another process took the row over; a write
 * it had queued before the pause must then not leave. So the flow step runs inside `fenced(check)`
 * and the HTTP client calls `check` right before each write request goes on the wire (after its
 * wait for a free connection slot, on every attempt): the check confirms the lease by the
 * database's clock, and a failed check stops the request unsent.
 *
 * AsyncLocalStorage carries the check from the step to the request through every connector
 * without each port method passing it along. Reads (GET/HEAD, and POSTs marked retrySafe as pure
 * searches) are not fenced: they change nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type WriteFence = () => Promise<void>;

const current = new AsyncLocalStorage<WriteFence>();

/** Runs `work` with `check` before every remote write it makes; nested fences all apply, outer first. */
export function fenced<T>(check: WriteFence, work: () => Promise<T>): Promise<T> {
  const outer = current.getStore();
  const both: WriteFence = outer ? async () => { await outer(); await check(); } : check;
  return current.run(both, work);
}

/** The fence of the calling step, if any (taken when a request is made, before it queues). */
export const currentFence = (): WriteFence | undefined => current.getStore();

/** A fence check that failed: the request was not sent. `cause` is what the check threw. */
export class FenceRefusedError extends Error {
  constructor(readonly refusal: unknown) {
    super('the write was not sent: its fence check failed', { cause: refusal });
    this.name = 'FenceRefusedError';
  }
}
