/**
 * After a crash (SIGKILL, OOM, power loss) a process leaves behind its flow locks and runs
 * recorded as `running`. At start, `icsync run`, `icsync sync` and `icsync status` put that right:
 * - a flow lock whose time has passed, or whose owner is a process of this machine that no longer
 *   exists, is freed (a lock of a live process, here or on another machine, is left alone);
 * - every run still `running` whose flow lock is no longer held is marked `interrupted`, so
 *   `icsync status` and the dashboard never show a dead run as running.
 * What the dead run did not finish is simply due again: cursors only move at the end of a run.
 */
import { hostname } from 'node:os';
import type { Logger } from '../core/log.js';
import type { RunRow, Store } from '../store/index.js';

const FLOW_LOCK = /^flow:(.+)$/;

export const INTERRUPTED_BY_CRASH =
  'the process running it ended without finishing it (killed, crashed or the machine stopped); what it did not finish is done by the next run';

/** Owners are `host:pid:random[:role]` (cli/context.ts processOwner). */
function deadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function recoverAfterCrash(store: Store, logger: Logger, now: () => Date = () => new Date()): Promise<{ freedLocks: string[]; interrupted: RunRow[] }> {
  const freedLocks: string[] = [];
  const live: string[] = [];
  for (const lock of await store.locks.list()) {
    if (lock.heldUntil.getTime() <= now().getTime() || deadLocalOwner(lock.owner)) {
      await store.locks.release(lock.name, lock.owner);
      freedLocks.push(lock.name);
      continue;
    }
    const flow = FLOW_LOCK.exec(lock.name)?.[1];
    if (flow) live.push(flow);
  }
  const interrupted = await store.runs.interruptRunning(live, INTERRUPTED_BY_CRASH);
  for (const runRow of interrupted) {
    logger.warn({ flow: runRow.flow, run: runRow.id, startedAt: runRow.startedAt.toISOString() }, `${runRow.flow} run ${runRow.id} was left running by a process that ended; marked interrupted`);
  }
  if (freedLocks.length > 0) logger.info({ locks: freedLocks }, `freed ${freedLocks.length} flow lock(s) left by ended processes`);
  return { freedLocks, interrupted };
}
