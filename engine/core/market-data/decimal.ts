/**
 * Exact conversion between exchange decimal text and integer minimal units.
 *
 * Exchanges send prices and sizes either as decimal strings (Binance: "67000.12000000") or as JSON numbers
 * (Upbit: 0.00012345, 11436000.0). Multiplying a float by 10^d is not exact (0.29 * 100 = 28.999999999999996),
 * so the digits are read as text and accumulated as an integer. A JSON number is first turned back into its
 * shortest round-trip text (String(n): "1e-7", "0.00012345"), which is exactly the text the exchange wrote
 * whenever that text had at most 15 significant digits (numberToUnits has an equivalent arithmetic fast path).
 *
 * Digits beyond the unit (more fraction digits than `decimals`):
 * - 'exact' (default; prices and the size of one trade or one book level): trailing zeros are fine
 *   ("67000.12000000" at 2 decimals), any other digit means the market's decimals are wrong or the frame is
 *   malformed, so it throws.
 * - 'nearest' (aggregates the exchange accumulates in floating point itself, e.g. Upbit's 24 h volume, which
 *   can carry float noise like 1234.5600000000002): rounds half away from zero.
 * - 'down': truncates towards zero.
 */
import { formatUnits } from '../../protocol/units';

export type Rounding = 'exact' | 'nearest' | 'down';

export class DecimalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecimalError';
  }
}

const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

const CH_0 = 48;
const CH_9 = 57;
const CH_DOT = 46;
const CH_MINUS = 45;
const CH_PLUS = 43;
const CH_E = 101;
const CH_E_UPPER = 69;

function fail(text: string, why: string): never {
  throw new DecimalError(`bad decimal "${text.length > 40 ? text.slice(0, 40) + '…' : text}": ${why}`);
}

/**
 * Parses decimal text ("-12.345", "0.00012345", "1e-7", "1.5E+3") into an integer count of 10^-decimals units.
 * Throws DecimalError on bad syntax, on a result beyond Number.MAX_SAFE_INTEGER, and (rounding 'exact') on
 * non-zero digits below the unit. Allocation-free: this runs for every price and size of every frame.
 */
export function parseDecimalUnits(text: string, decimals: number, rounding: Rounding = 'exact'): number {
  // Fast path for the common shape, unsigned "123.4500" with no exponent and nothing non-zero below the unit:
  // one pass, digits accumulated straight into units. Anything else (sign, exponent, excess digits, bad
  // syntax, a result that is not a safe integer) is left to the full parser below, which decides or throws.
  const n = text.length;
  if (n > 0 && decimals >= 0 && decimals <= 22 && (decimals | 0) === decimals) {
    let i = 0;
    let acc = 0;
    // eslint-disable-next-line no-useless-assignment -- a number like the loop's others; this hot path changes only with a bench:feed run
    let d = 0;
    while (i < n && (d = text.charCodeAt(i) - CH_0) >= 0 && d <= 9) {
      acc = acc * 10 + d;
      i++;
    }
    let digits = i;
    let places = 0;
    if (i < n && text.charCodeAt(i) === CH_DOT) {
      i++;
      while (i < n && places < decimals && (d = text.charCodeAt(i) - CH_0) >= 0 && d <= 9) {
        acc = acc * 10 + d;
        i++;
        places++;
      }
      digits += places;
      // Digits below the unit: zeros only here.
      while (i < n && text.charCodeAt(i) === CH_0) {
        i++;
        digits++;
      }
    }
    if (i === n && digits > 0 && acc <= Number.MAX_SAFE_INTEGER) {
      const units = places === decimals ? acc : acc * POW10[decimals - places];
      if (units <= Number.MAX_SAFE_INTEGER) return units;
    }
  }
  return parseDecimalSlow(text, decimals, rounding);
}

function parseDecimalSlow(text: string, decimals: number, rounding: Rounding): number {
  const len = text.length;
  if (len === 0) fail(text, 'empty');
  if (decimals < 0 || decimals > 22 || !Number.isInteger(decimals)) throw new DecimalError(`bad decimals ${decimals}`);

  // Pass 1: find the parts (sign, integer digits, fraction digits, exponent) and check the syntax.
  let i = 0;
  let negative = false;
  let c = text.charCodeAt(0);
  if (c === CH_MINUS || c === CH_PLUS) {
    negative = c === CH_MINUS;
    i = 1;
  }
  const intStart = i;
  while (i < len && (c = text.charCodeAt(i)) >= CH_0 && c <= CH_9) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < len && text.charCodeAt(i) === CH_DOT) {
    i++;
    fracStart = i;
    while (i < len && (c = text.charCodeAt(i)) >= CH_0 && c <= CH_9) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) fail(text, 'no digits');
  let exp = 0;
  if (i < len) {
    c = text.charCodeAt(i);
    if (c !== CH_E && c !== CH_E_UPPER) fail(text, `unexpected character "${text[i]}"`);
    i++;
    let expNegative = false;
    c = text.charCodeAt(i);
    if (c === CH_MINUS || c === CH_PLUS) {
      expNegative = c === CH_MINUS;
      i++;
    }
    const expStart = i;
    while (i < len && (c = text.charCodeAt(i)) >= CH_0 && c <= CH_9) {
      exp = exp * 10 + (c - CH_0);
      if (exp > 400) fail(text, 'exponent out of range');
      i++;
    }
    if (i === expStart || i < len) fail(text, 'bad exponent');
    if (expNegative) exp = -exp;
  }

  // Pass 2: every digit has a position measured in fraction places (the last integer digit is place 0, the
  // first fraction digit place 1); the exponent shifts all of them. Digits at places <= decimals make up the
  // result, the digit at place decimals+1 decides rounding, any later non-zero digit matters only to 'exact'.
  let acc = 0;
  let lastPlace = 0;
  let roundDigit = 0;
  let excessNonZero = false;
  const digitCount = intEnd - intStart + (fracEnd - fracStart);
  for (let k = 0; k < digitCount; k++) {
    const idx = k < intEnd - intStart ? intStart + k : fracStart + (k - (intEnd - intStart));
    const d = text.charCodeAt(idx) - CH_0;
    const place = (idx < intEnd ? idx - (intEnd - 1) : idx - fracStart + 1) - exp;
    if (place <= decimals) {
      if (acc !== 0 || d !== 0) {
        // Scale what we have up to this digit's place, then add it.
        const shift = place - lastPlace;
        acc = scale(acc, shift, text) + d;
        if (acc > Number.MAX_SAFE_INTEGER) fail(text, 'too large for exact integer units');
      }
      lastPlace = place;
    } else {
      if (place === decimals + 1) roundDigit = d;
      if (d !== 0) excessNonZero = true;
    }
  }
  if (acc !== 0) acc = scale(acc, decimals - lastPlace, text);

  if (excessNonZero) {
    if (rounding === 'exact') fail(text, `more than ${decimals} decimal places`);
    if (rounding === 'nearest' && roundDigit >= 5) {
      acc += 1;
      if (acc > Number.MAX_SAFE_INTEGER) fail(text, 'too large for exact integer units');
    }
  }
  return negative && acc !== 0 ? -acc : acc;
}

function scale(value: number, places: number, text: string): number {
  if (places === 0 || value === 0) return value;
  if (places > 22) fail(text, 'too large for exact integer units');
  const r = value * POW10[places];
  if (r > Number.MAX_SAFE_INTEGER) fail(text, 'too large for exact integer units');
  return r;
}

/** Converts a JSON number into integer units, exactly as if its shortest round-trip text were parsed. */
export function numberToUnits(value: number, decimals: number, rounding: Rounding = 'exact'): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new DecimalError(`bad decimal ${String(value)}: not a finite number`);
  if (decimals <= 22) {
    // Fast path without building text. k = round(value·10^d) is the right integer whenever |k| < 2^52 (the
    // multiply's error is below 0.5 there), and k / 10^d === value proves value is exactly that d-place
    // decimal (one correctly rounded division; below 2^52 units, distinct d-place decimals are distinct
    // doubles). Anything else takes the text path, which also applies the rounding rule.
    const p = POW10[decimals];
    const k = Math.round(value * p);
    if (k < 4_503_599_627_370_496 && k > -4_503_599_627_370_496 && k / p === value) return k === 0 ? 0 : k;
  }
  return parseDecimalUnits(String(value), decimals, rounding);
}

/** Units from either a JSON number or decimal text (whichever the exchange sent); anything else throws. */
export function toUnits(value: unknown, decimals: number, rounding: Rounding = 'exact'): number {
  if (typeof value === 'string') return parseDecimalUnits(value, decimals, rounding);
  if (typeof value === 'number') return numberToUnits(value, decimals, rounding);
  throw new DecimalError(
    `bad decimal: expected a number or decimal text, got ${value === null ? 'null' : typeof value}`,
  );
}

/**
 * Integer units back to decimal text with exactly `fractionDigits` places (default `decimals`; more pads with
 * zeros the way Binance writes "0.00100000"), no separators: what an exchange writes on the wire. Formatting is
 * the protocol's formatUnits; this adds the wire's strictness: throws for a value that is not a safe integer and
 * for one that needs more places than `fractionDigits` (cutting digits would change the value).
 */
export function formatFixedUnits(units: number, decimals: number, fractionDigits = decimals): string {
  if (!Number.isSafeInteger(units)) throw new DecimalError(`formatFixedUnits: ${units} is not a safe integer`);
  if (fractionDigits < decimals && units % POW10[decimals - fractionDigits] !== 0) {
    throw new DecimalError(`formatFixedUnits: ${units} needs ${decimals} places`);
  }
  return formatUnits(units, decimals, { group: false, minFraction: fractionDigits, maxFraction: fractionDigits });
}

/** Integer units as the shortest decimal text (no trailing zeros, no separators): what a JSON number prints as. */
export function formatUnitsTrimmed(units: number, decimals: number): string {
  if (!Number.isSafeInteger(units)) throw new DecimalError(`formatUnitsTrimmed: ${units} is not a safe integer`);
  return formatUnits(units, decimals, { group: false });
}

/** Integer units as the nearest double (exact for the decimal value: one correctly rounded division). */
export function unitsToNumber(units: number, decimals: number): number {
  return units / POW10[decimals];
}
