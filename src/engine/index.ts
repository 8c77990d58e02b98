/** The engine's public API: one-shot sync, the worker, the scheduler, record actions and metrics. */
export { runSync, runFlow, type SyncOptions, type RunReport } from './sync.js';
export { createWorker, drainFlow, processRow, FlowStoppedError, type Worker, type WorkerOptions, type StepOutcome } from './worker.js';
export { createScheduler, type Scheduler, type SchedulerOptions } from './scheduler.js';
export { retryRecord, skipRecord, resyncRecord, RecordNotFoundError } from './records.js';
export { createMetrics, type SyncMetrics } from './metrics.js';
export type { RemoteCallInfo } from '../core/ports.js';
export { backoffDelay } from './backoff.js';
export { recoverAfterCrash, INTERRUPTED_BY_CRASH } from './recover.js';
