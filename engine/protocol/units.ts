/**
 * Integer minimal units as the decimal text people read: formatUnits(150_000_000, 8) → "1.5". The digits of the
 * integer are split, never divided in floating point, so every amount prints exactly (bigint past 2^53). Fraction
 * digits beyond `maxFraction` are cut toward zero, never rounded up: a balance is never shown larger than it is.
 * The UI, the desktop host and the sync server all format with this one function.
 */

/** "1234567" → "1,234,567" (digits only, optional leading minus). */
export function groupDigits(digits: string): string {
  const negative = digits.startsWith('-');
  const body = negative ? digits.slice(1) : digits;
  const grouped = group3(body);
  return negative ? `-${grouped}` : grouped;
}

/** Thousands separators into a string of digits (no sign). */
function group3(body: string): string {
  const n = body.length;
  if (n <= 3) return body;
  let head = n % 3 || 3;
  let out = body.slice(0, head);
  for (; head < n; head += 3) out += `,${body.slice(head, head + 3)}`;
  return out;
}

export interface FormatOptions {
  /** Fraction digits always shown (padded with zeros). */
  minFraction?: number;
  /** Fraction digits at most; further digits are cut (toward zero), never rounded up. */
  maxFraction?: number;
  /** Thousands separators in the integer part (default true). */
  group?: boolean;
}

/** An integer amount of minimal units as a decimal string: formatUnits(150_000_000, 8) → "1.5". */
export function formatUnits(units: number | bigint, decimals: number, options: FormatOptions = {}): string {
  const { minFraction = 0, maxFraction = decimals, group = true } = options;
  // Digits of the magnitude, exactly: a safe integer's decimal string is exact, so the bigint is only needed
  // beyond 2^53 (book and tape rows format several numbers each, up to every frame).
  let negative: boolean;
  let magnitude: string;
  if (typeof units === 'number' && Number.isSafeInteger(units)) {
    negative = units < 0;
    magnitude = String(negative ? -units : units);
  } else {
    let value = typeof units === 'bigint' ? units : BigInt(units);
    negative = value < 0n;
    if (negative) value = -value;
    magnitude = value.toString();
  }
  const digits = magnitude.length > decimals ? magnitude : magnitude.padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  let fraction = decimals > 0 ? digits.slice(digits.length - decimals) : '';
  if (fraction.length > maxFraction) fraction = fraction.slice(0, maxFraction);
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--; // trailing zeros
  if (end < fraction.length) fraction = fraction.slice(0, end);
  if (fraction.length < minFraction) fraction = fraction.padEnd(minFraction, '0');
  const intPart = group ? group3(whole) : whole;
  const text = fraction ? `${intPart}.${fraction}` : intPart;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}
