/**
 * Exact integer arithmetic for the ranking figures. Every figure is an integer (minimal units, basis points or
 * a fixed-point index), so the incremental and the batch computation give bit-identical results: the same
 * integers in, the same operations, the same integers out — no float rounding that depends on evaluation order.
 *
 * Every figure is also a safe integer, never NaN or Infinity: products are computed exactly (mulDivFloor goes
 * through BigInt past 2^52), and a figure whose exact value is beyond ±(2^53 − 1) is held at that bound
 * (clampAmount) — an equity, index or return that large is far beyond anything a trader can reach, and the
 * bound keeps every later computation exact.
 */
import { BPS, MAX_AMOUNT } from '../matching/money';

/** Doubles represent every integer up to 2^53; keeping the product under 2^52 leaves room for the remainder check. */
const FAST_LIMIT = 2 ** 52;

/**
 * floor(a × b / c) exactly, for safe integers a, b (either sign) and c > 0. The common case stays in doubles; a
 * product that could exceed 2^52 goes through BigInt. The result is exact as an integer but may itself be beyond
 * the safe range (up to 2^106): callers hold it (clampAmount) or check it.
 *
 * The engine's mulDiv (../matching/money) is the same floor for what the engine holds, non-negative amounts, and
 * answers +Infinity past the safe range so a command can be refused. Figures here are signed (a return, a cash
 * delta, a short position's value) and must stay exact past the range to be held at its bound, so this is the
 * signed, unbounded one of the two; an amount that cannot be negative is computed with mulDiv.
 */
export function mulDivFloor(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= FAST_LIMIT && p >= -FAST_LIMIT && c <= FAST_LIMIT) {
    // p is exact here; p / c is rounded to the nearest double, which can land on the next integer, so the
    // remainder (exact: both terms are integers below 2^53) corrects the quotient by one step at most.
    let q = Math.floor(p / c);
    const r = p - q * c;
    if (r < 0) q -= 1;
    else if (r >= c) q += 1;
    return q;
  }
  return Number(bigMulDivFloor(a, b, c));
}

/** floor(a × b / c) as a bigint, for sums that must stay exact past the safe range. */
export function bigMulDivFloor(a: number, b: number, c: number): bigint {
  return bigFloorDiv(BigInt(a) * BigInt(b), BigInt(c));
}

function bigFloorDiv(n: bigint, d: bigint): bigint {
  const q = n / d; // truncates toward zero
  return n % d !== 0n && n < 0n !== d < 0n ? q - 1n : q;
}

/** `v` held to ±MAX_AMOUNT (for an integer within a double's range; +Infinity and −Infinity are held too). */
export function clampAmount(v: number): number {
  return v > MAX_AMOUNT ? MAX_AMOUNT : v < -MAX_AMOUNT ? -MAX_AMOUNT : v;
}

/**
 * (to − from) / from in whole basis points, rounded down, held to MAX_AMOUNT; 0 when there is no positive base
 * to measure from. For from, to in [0, MAX_AMOUNT] (index values) the difference is exact.
 */
export function changeBps(from: number, to: number): number {
  return from > 0 ? clampAmount(mulDivFloor(to - from, BPS, from)) : 0;
}

/** Decline from a peak to a trough in whole basis points, rounded down (0 if the trough is not below the peak). */
export function drawdownBps(peak: number, trough: number): number {
  return peak > 0 && trough < peak ? mulDivFloor(peak - trough, BPS, peak) : 0;
}

/** part / whole in whole basis points, rounded down; null when whole is 0 (a share of nothing is undefined). */
export function shareBps(part: number, whole: number): number | null {
  return whole > 0 ? mulDivFloor(part, BPS, whole) : null;
}
