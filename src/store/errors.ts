/** Errors the store raises to its callers; each says what happened in plain words. */

export class StoreError extends Error {
  override name = 'StoreError';
}

/** The store URL or options are wrong (a configuration problem, not a transient one). */
export class StoreConfigError extends StoreError {
  override name = 'StoreConfigError';
}

export class LinkNotFoundError extends StoreError {
  override name = 'LinkNotFoundError';
  constructor(readonly linkId: number) {
    super(`ledger row ${linkId} does not exist`);
  }
}

/** The caller's lease on a row expired and another worker took it, or it was released. */
export class LeaseLostError extends StoreError {
  override name = 'LeaseLostError';
  constructor(
    readonly linkId: number,
    readonly owner: string,
    readonly currentOwner: string | null,
  ) {
    super(`lease on ledger row ${linkId} is no longer held by ${owner} (now: ${currentOwner ?? 'nobody'})`);
  }
}

/** A shop or ERP key is already used by another row of the same kind. */
export class KeyConflictError extends StoreError {
  override name = 'KeyConflictError';
  constructor(
    readonly kind: string,
    readonly keys: { shopKey?: string; erpKey?: string },
    options?: { cause?: unknown },
  ) {
    super(`another ${kind} ledger row already has ${describeKeys(keys)}`, options);
  }
}

function describeKeys(keys: { shopKey?: string; erpKey?: string }): string {
  const parts: string[] = [];
  if (keys.shopKey !== undefined) parts.push(`shop key "${keys.shopKey}"`);
  if (keys.erpKey !== undefined) parts.push(`ERP key "${keys.erpKey}"`);
  return parts.join(' or ') || 'these keys';
}

/** True for a unique-constraint violation on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
