/**
 * Exact decimals for money and quantities.
 *
 * Values travel through icsync as canonical decimal strings ("12.5", "-0.01", "0"):
 * they serialise to JSON and SQL unchanged, compare as text for content hashes, and
 * never pass through a binary float. Arithmetic goes through big.js.
 */
import Big from 'big.js';
import type { Brand } from './brand.js';

export type Decimal = Brand<string, 'Decimal'>;

// Rounding for money follows what shops and ERPs print: half away from zero.
Big.RM = Big.roundHalfUp;
Big.DP = 20;

const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export class InvalidDecimalError extends Error {
  constructor(readonly input: unknown) {
    super(`expected a decimal number, got ${JSON.stringify(input)}`);
    this.name = 'InvalidDecimalError';
  }
}

function toBig(value: Decimal | string | number | bigint): Big {
  if (typeof value === 'number') {
    // Whole numbers are safe; a fractional JS number is already inexact, so refuse it.
    if (!Number.isSafeInteger(value)) throw new InvalidDecimalError(value);
    return new Big(value);
  }
  if (typeof value === 'bigint') return new Big(value.toString());
  const text = value.trim().replace(',', '.');
  if (!DECIMAL_TEXT.test(text)) throw new InvalidDecimalError(value);
  return new Big(text);
}

function fromBig(value: Big): Decimal {
  // toFixed() without a scale never uses exponent notation; strip trailing zeros.
  let text = value.toFixed();
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  if (text === '-0') text = '0';
  return text as Decimal;
}

/** Parses text ("12.500", "12,5", "1e3") or a whole number into a canonical Decimal. Throws InvalidDecimalError. */
export function dec(value: Decimal | string | number | bigint): Decimal {
  return fromBig(toBig(value));
}

/** Like dec(), but returns undefined for empty, null or unparsable input. */
export function tryDec(value: unknown): Decimal | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  try {
    return dec(value);
  } catch {
    return undefined;
  }
}

/**
 * Reads a number that an API delivered as a JSON number (Magento sends amounts as JSON
 * numbers). JSON.parse already turned it into a float, so take its shortest round-trip
 * text, which is the text the server wrote for any value with up to 15 significant digits.
 */
export function decFromJson(value: unknown): Decimal {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidDecimalError(value);
    return dec(String(value));
  }
  if (typeof value === 'string') return dec(value);
  throw new InvalidDecimalError(value);
}

export const ZERO = '0' as Decimal;

export const add = (...values: Decimal[]): Decimal => fromBig(values.reduce((sum, v) => sum.plus(toBig(v)), new Big(0)));
export const sub = (a: Decimal, b: Decimal): Decimal => fromBig(toBig(a).minus(toBig(b)));
export const mul = (a: Decimal, b: Decimal): Decimal => fromBig(toBig(a).times(toBig(b)));
/** Division rounded to `scale` decimals (half up). */
export const div = (a: Decimal, b: Decimal, scale = 10): Decimal => fromBig(toBig(a).div(toBig(b)).round(scale));
export const neg = (a: Decimal): Decimal => fromBig(toBig(a).times(-1));
export const abs = (a: Decimal): Decimal => fromBig(toBig(a).abs());
export const cmp = (a: Decimal, b: Decimal): -1 | 0 | 1 => toBig(a).cmp(toBig(b)) as -1 | 0 | 1;
export const eq = (a: Decimal, b: Decimal): boolean => cmp(a, b) === 0;
export const isZero = (a: Decimal): boolean => toBig(a).eq(0);
export const isNegative = (a: Decimal): boolean => toBig(a).lt(0);
export const max = (a: Decimal, b: Decimal): Decimal => (cmp(a, b) >= 0 ? a : b);
export const min = (a: Decimal, b: Decimal): Decimal => (cmp(a, b) <= 0 ? a : b);

/** Rounds half away from zero to `scale` decimals. */
export const round = (a: Decimal, scale = 2): Decimal => fromBig(toBig(a).round(scale, Big.roundHalfUp));

/** Fixed-scale text for wire formats that want it ("22.00", "12.500"). */
export const toFixed = (a: Decimal, scale: number): string => toBig(a).toFixed(scale, Big.roundHalfUp);

/** Integer minor units (cents) of a money amount, rounded half up: for sums that must match to the cent. */
export const toMinorUnits = (a: Decimal, scale = 2): bigint => BigInt(toBig(a).times(new Big(10).pow(scale)).round(0, Big.roundHalfUp).toFixed(0));
export const fromMinorUnits = (units: bigint, scale = 2): Decimal => fromBig(new Big(units.toString()).div(new Big(10).pow(scale)));

/** Only for display or metrics (never for arithmetic that is stored). */
export const toDisplayNumber = (a: Decimal): number => Number(a);
