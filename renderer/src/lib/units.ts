/**
 * Exact conversions between the engine's integer minimal units and the decimal text people read and type.
 * Balances and order sizes never pass through floating point: formatting splits the integer's digits, parsing
 * builds the integer from the typed digits, and products (price × quantity) are taken in bigint because they
 * may pass 2^53.
 */
import { groupDigits } from '@protocol/units';

// Formatting units is one definition in the protocol, shared with the host and the server.
export { formatUnits, groupDigits, type FormatOptions } from '@protocol/units';

/** A whole-unit amount (KRW prices, KRW balances) with thousands separators. */
export function formatInt(value: number | bigint): string {
  return groupDigits((typeof value === 'bigint' ? value : BigInt(value)).toString());
}

/**
 * Typed decimal text → minimal units, or null when it is not a plain non-negative decimal or has more fraction
 * digits than the asset has. Thousands separators and surrounding spaces are allowed: "1,000.5".
 */
export function parseUnits(text: string, decimals: number): bigint | null {
  const parts = decimalParts(text);
  if (parts === null || parts.fraction.length > decimals) return null;
  return BigInt((parts.whole || '0') + parts.fraction.padEnd(decimals, '0'));
}

/** Whether typed text is a plain non-negative decimal, whatever its number of fraction digits. */
export function isDecimal(text: string): boolean {
  return decimalParts(text) !== null;
}

function decimalParts(text: string): { whole: string; fraction: string } | null {
  const clean = text.trim().replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(clean);
  if (!match || clean === '' || clean === '.') return null;
  return { whole: match[1] ?? '', fraction: match[2] ?? '' };
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
 * here. The engine's BPS (engine/core/matching/money.ts) is the same number; the renderer cannot import it (it
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
export function affordableQuantity(
  budget: bigint,
  price: bigint,
  baseDecimals: number,
  feeBps: number,
  lot: number,
): bigint {
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
