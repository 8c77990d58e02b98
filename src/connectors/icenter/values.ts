/**
 * Reading one value of one row. A value that is present but unreadable (`Qty` "abc", "NaN",
 * "Infinity") fails that row alone, with a sentence naming the record, the field and the value;
 * the rest of the page is read on (catalog.ts, invoice-port.ts hand such rows to `onUnreadable`).
 */
import { dec, type Decimal } from '../../core/decimal.js';
import { businessError, type SyncError } from '../../core/errors.js';
import { TARGET } from './errors.js';
import { text, type XmlNode } from './xml.js';

export interface RowRecord {
  kind: string;
  key: string;
  /** How a person calls it: "item X-1", "stock row X-1 in warehouse 0000001". */
  label: string;
}

/** A row that cannot be read; `error` is the business error a person reads. */
export class UnreadableRow extends Error {
  constructor(readonly error: SyncError) {
    super(error.sentence);
    this.name = 'UnreadableRow';
  }
}

export function unreadable(record: RowRecord, field: string, value: string, what = 'a number'): UnreadableRow {
  return new UnreadableRow(
    businessError({
      target: TARGET,
      record: { kind: record.kind, key: record.key, field },
      sentence: `iCenter ${record.label}: ${field} is "${value.slice(0, 60)}", which is not ${what}, so this row was left out (the others were read). Correct it in iCenter; the next run reads it again once it changes.`,
    }),
  );
}

/** A decimal field: undefined when absent or empty; throws UnreadableRow when present and not a number. */
export function optionalDecimal(node: XmlNode | undefined, field: string, record: RowRecord, path = field): Decimal | undefined {
  const value = text(node, field);
  if (value === undefined) return undefined;
  try {
    return dec(value);
  } catch {
    throw unreadable(record, path, value);
  }
}

/** A decimal field with a default for absent; throws UnreadableRow when present and not a number. */
export const decimalOr = (node: XmlNode | undefined, field: string, fallback: Decimal, record: RowRecord, path = field): Decimal =>
  optionalDecimal(node, field, record, path) ?? fallback;
