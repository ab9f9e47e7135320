/**
 * Exact conversions between the engine's integer minimal units and the decimal text people read and type.
 * Balances and order sizes never pass through floating point: formatting splits the integer's digits, parsing
 * builds the integer from the typed digits, and products (price × quantity) are taken in bigint because they
 * may pass 2^53.
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

/** A whole-unit amount (KRW prices, KRW balances) with thousands separators. */
export function formatInt(value: number | bigint): string {
  return groupDigits((typeof value === 'bigint' ? value : BigInt(value)).toString());
}

/**
 * Typed decimal text → minimal units, or null when it is not a plain non-negative decimal or has more fraction
 * digits than the asset has. Thousands separators and surrounding spaces are allowed: "1,000.5".
 */
export function parseUnits(text: string, decimals: number): bigint | null {
  const clean = text.trim().replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!match || clean === '' || clean === '.') return null;
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > decimals) return null;
  return BigInt((whole || '0') + fraction.padEnd(decimals, '0'));
}

/** floor(a × b / c) in bigint. */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b) / c;
}

/** Quote amount of `quantity` base units at `price` quote per whole coin, rounded down as the engine does. */
export function notional(price: bigint, quantity: bigint, baseDecimals: number): bigint {
  return mulDiv(price, quantity, 10n ** BigInt(baseDecimals));
}

/**
 * Basis points in a whole (fees, spreads and changes are counted in them), as a bigint for the exact products
 * here. The engine's BPS (engine/matching/money.ts) is the same number; the renderer cannot import it (it
 * imports only its own code and the protocol).
 */
export const BPS = 10_000n;

/** Fee at `bps` basis points of a quote amount, rounded down as the engine does. */
export function feeOf(amount: bigint, bps: number): bigint {
  return bps >= 0 ? mulDiv(amount, BigInt(bps), BPS) : -mulDiv(amount, BigInt(-bps), BPS);
}

/** Rounds a quantity down to a whole number of lots. */
export function floorToLot(quantity: bigint, lot: number): bigint {
  const l = BigInt(lot);
  return (quantity / l) * l;
}

/**
 * The most base units (whole lots) that `budget` quote buys at `price` with the fee included — the same
 * bound the engine holds for a resting buy, so 100% of the available balance is never refused for funds.
 */
export function affordableQuantity(budget: bigint, price: bigint, baseDecimals: number, feeBps: number, lot: number): bigint {
  if (price <= 0n || budget <= 0n) return 0n;
  const unit = 10n ** BigInt(baseDecimals);
  let q = floorToLot((budget * unit * BPS) / (price * (BPS + BigInt(Math.max(0, feeBps)))), lot);
  const cost = (qty: bigint) => {
    const n = notional(price, qty, baseDecimals);
    return n + feeOf(n, Math.max(0, feeBps));
  };
  while (q > 0n && cost(q) > budget) q -= BigInt(lot);
  return q;
}

/** A bigint known to be within the safe integer range, as the number the API expects, or null if it is not. */
export function toSafeNumber(value: bigint): number | null {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(value);
}
