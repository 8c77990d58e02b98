/**
 * JSON bodies with exact decimals. Magento reads amounts as JSON numbers; a Decimal is
 * written as its own digits, never through a binary float (12.1 stays 12.1, 0.1+0.2 never
 * appears). Mark a value with `jsonDecimal()`; `toJsonBody` writes it unquoted.
 */
import type { Decimal } from '../../core/decimal.js';

const MARK = '\u0000dec:';

export interface JsonDecimal {
  toJSON(): string;
}

export function jsonDecimal(value: Decimal): JsonDecimal {
  return { toJSON: () => `${MARK}${value}${MARK}` };
}

const MARKED = /"\\u0000dec:(-?\d+(?:\.\d+)?)\\u0000dec:"/g;

export function toJsonBody(value: unknown): string {
  return JSON.stringify(value).replace(MARKED, '$1');
}
