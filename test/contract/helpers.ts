/** Small helpers shared by the port conformance kits (ERP and shop). */
import { isSyncError, type SyncError } from '../../src/core/errors.js';

/** The SyncError a call fails with (fails the test when it resolves or throws something else). */
export async function failure(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (isSyncError(error)) return error;
    throw new Error(`expected a SyncError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail');
}

/** Every row of a paged listing, and how many pages it came in. */
export async function collect<T>(pages: AsyncIterable<T[]>): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let count = 0;
  for await (const page of pages) {
    rows.push(...page);
    count += 1;
  }
  return { rows, pages: count };
}
