/**
 * Magento's asynchronous bulk API (contract: docs/contracts/magento.md, "Async and bulk"): one
 * `POST /rest/<store>/async/bulk/V1/<route>` carries many request bodies, Magento answers 202 with
 * a `bulk_uuid` at once, and its `async.operations.all` consumer carries them out later. The
 * outcome of each body is read back from `GET /V1/bulk/{uuid}/status`.
 *
 * Used for large catalog writes (first sync), where one request per product is what makes a
 * real shop slow. Nothing here is trusted blindly: the 202 answer and every status answer are
 * checked for the fields and counts asked for, and an operation still open when the wait ends
 * is a transient failure of that record (the next run writes it again; the writes are upserts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { businessError, isSyncError, toSyncError, transientError, type ErrorRecord, type SyncError } from '../../core/errors.js';
import type { MagentoClient } from './client.js';
import { chunk, mapLimited } from './concurrency.js';
import type { MagentoSettings } from './config.js';
import { TARGET } from './errors.js';

/** Operation status codes of `/V1/bulk/{uuid}/status` (Magento\AsynchronousOperations\Api\Data\OperationInterface). */
const STATUS = { complete: 1, failedRetriable: 2, failedFixInput: 3, open: 4, rejected: 5 } as const;

export type BulkOutcome = { ok: true } | { ok: false; error: SyncError };

export interface BulkItem {
  body: unknown;
  record: ErrorRecord;
}

interface AcceptedAnswer {
  bulk_uuid: string;
  request_items: { id: number; status: string; error_message?: string }[];
  errors?: boolean;
}

interface StatusAnswer {
  operations_list: { id: number; status: number; result_message?: string | null; error_code?: number | null }[];
}

function checkAccepted(answer: unknown, count: number, doing: string): AcceptedAnswer {
  const a = answer as Partial<AcceptedAnswer> | null;
  if (
    a === null || typeof a !== 'object' || typeof a.bulk_uuid !== 'string' || a.bulk_uuid === '' ||
    !Array.isArray(a.request_items) || a.request_items.length !== count ||
    !a.request_items.every((item) => item !== null && typeof item === 'object' && Number.isInteger(item.id) && typeof item.status === 'string')
  ) {
    throw transientError({ sentence: `${doing}: Magento's answer is not a bulk receipt for ${count} operation(s) (no bulk_uuid, or request_items of another count). It will be retried.`, target: TARGET });
  }
  return a as AcceptedAnswer;
}

function checkStatus(answer: unknown, uuid: string): StatusAnswer {
  const a = answer as Partial<StatusAnswer> | null;
  if (a === null || typeof a !== 'object' || !Array.isArray(a.operations_list) || !a.operations_list.every((op) => op !== null && Number.isInteger(op.id) && Number.isInteger(op.status))) {
    throw transientError({ sentence: `Reading the status of Magento bulk ${uuid}: the answer has no operations_list of operations with id and status. It will be retried.`, target: TARGET });
  }
  return a as StatusAnswer;
}

export interface BulkDeps {
  /** Waits between status reads; injected so tests need not sleep. */
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
}

export function createBulkWriter(client: MagentoClient, settings: MagentoSettings, deps: BulkDeps = {}) {
  const wait = deps.wait ?? ((ms: number) => sleep(ms));
  const now = deps.now ?? Date.now;
  const { pollInterval, waitFor, maxOperations } = settings.bulk;

  /** Reads the bulk's status until no operation is open or `waitFor` has passed. */
  async function awaitOperations(uuid: string): Promise<StatusAnswer['operations_list']> {
    const deadline = now() + waitFor;
    let interval = pollInterval;
    for (;;) {
      await wait(interval);
      const answer = checkStatus(
        await client.call<unknown>({
          method: 'GET', path: `/bulk/${encodeURIComponent(uuid)}/status`, repeatable: true,
          route: 'GET /V1/bulk/{uuid}/status', doing: `reading the status of Magento bulk ${uuid}`,
        }),
        uuid,
      );
      // "Finished with failure" can be reported while operations are still open: judge by each operation.
      const open = answer.operations_list.some((op) => op.status === STATUS.open);
      if (!open || now() >= deadline) return answer.operations_list;
      interval = Math.min(interval * 1.5, 5_000);
    }
  }

  function outcomeOf(op: StatusAnswer['operations_list'][number] | undefined, item: BulkItem, uuid: string): BulkOutcome {
    const base = { target: TARGET, record: item.record };
    const said = op?.result_message ? `: ${op.result_message}` : '';
    switch (op?.status) {
      case STATUS.complete:
        return { ok: true };
      case STATUS.failedRetriable:
        return { ok: false, error: transientError({ ...base, sentence: `${item.record.key}: Magento's bulk operation failed and may succeed later${said}. It will be retried.` }) };
      case STATUS.failedFixInput:
      case STATUS.rejected:
        return { ok: false, error: businessError({ ...base, sentence: `${item.record.key}: Magento refused the write${said}.` }) };
      case STATUS.open:
        return {
          ok: false,
          error: transientError({
            ...base,
            sentence: `${item.record.key}: Magento accepted the write (bulk ${uuid}) but has not carried it out after ${Math.round(waitFor / 1000)} s. Is its async.operations.all consumer running (cron consumers_runner, or bin/magento queue:consumers:start async.operations.all)? It will be written again on the next run.`,
          }),
        };
      default:
        return { ok: false, error: transientError({ ...base, sentence: `${item.record.key}: Magento's status of bulk ${uuid} does not list this operation. It will be retried.` }) };
    }
  }

  async function writeOne(path: string, route: string, items: BulkItem[], what: string): Promise<BulkOutcome[]> {
    const doing = `sending ${items.length} ${what} to Magento's bulk API`;
    let accepted: AcceptedAnswer;
    try {
      accepted = checkAccepted(
        await client.call<unknown>({ method: 'POST', api: 'async-bulk', path, scope: 'write', body: items.map((item) => item.body), repeatable: true, route: `POST /async/bulk/V1${route}`, doing }),
        items.length,
        doing,
      );
    } catch (error) {
      if (isSyncError(error) && error.errorClass === 'configuration') throw error;
      const failure = toSyncError(error, { target: TARGET });
      return items.map(() => ({ ok: false as const, error: failure }));
    }
    const uuid = accepted.bulk_uuid;
    const rejectedAtOnce = new Map<number, string>();
    for (const item of accepted.request_items) if (item.status !== 'accepted') rejectedAtOnce.set(item.id, item.error_message ?? item.status);
    if (rejectedAtOnce.size === items.length) {
      return items.map((item, index) => ({ ok: false, error: businessError({ target: TARGET, record: item.record, sentence: `${item.record.key}: Magento refused the write: ${rejectedAtOnce.get(index)}.` }) }));
    }

    let operations: StatusAnswer['operations_list'];
    try {
      operations = await awaitOperations(uuid);
    } catch (error) {
      if (isSyncError(error) && error.errorClass === 'configuration') throw error;
      const failure = toSyncError(error, { target: TARGET });
      return items.map(() => ({ ok: false as const, error: failure }));
    }
    // The status lists operations by id; Magento numbers a bulk's operations in request order.
    // Unsure whether rejected bodies appear in the list: both lengths are accepted, anything else is refused.
    const sorted = [...operations].sort((a, b) => a.id - b.id);
    const acceptedIndexes = items.map((_, index) => index).filter((index) => !rejectedAtOnce.has(index));
    const byIndex = new Map<number, StatusAnswer['operations_list'][number]>();
    if (sorted.length === items.length) sorted.forEach((op, index) => byIndex.set(index, op));
    else if (sorted.length === acceptedIndexes.length) sorted.forEach((op, position) => byIndex.set(acceptedIndexes[position]!, op));
    return items.map((item, index) => {
      const rejected = rejectedAtOnce.get(index);
      if (rejected !== undefined) return { ok: false, error: businessError({ target: TARGET, record: item.record, sentence: `${item.record.key}: Magento refused the write: ${rejected}.` }) };
      return outcomeOf(byIndex.get(index), item, uuid);
    });
  }

  /** Writes `items` through `/async/bulk/V1<path>` in requests of at most `bulk.maxOperations` bodies; outcomes in input order. */
  async function write(path: string, route: string, items: BulkItem[], what: string): Promise<BulkOutcome[]> {
    const parts = chunk(items, maxOperations);
    return (await mapLimited(parts, settings.maxConcurrent, (part) => writeOne(path, route, part, what))).flat();
  }

  return { write };
}

export type BulkWriter = ReturnType<typeof createBulkWriter>;
