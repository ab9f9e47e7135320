/**
 * Exact integer money arithmetic for the engine. Every result is an integer in minimal units.
 *
 * Nothing here throws. A result beyond Number.MAX_SAFE_INTEGER cannot be held exactly, so it comes back as
 * +Infinity (`inRange` is false for it), and Infinity passed on stays Infinity: a caller computes a whole
 * chain (notional, then fee, then their sum) and checks the end of it once, then refuses the command with a
 * reason before anything changes. Sums of in-range amounts need no help: rounding is monotonic, so a sum
 * beyond the range is never computed as one within it.
 *
 * Rounding is always toward zero (floor for the non-negative amounts used here). That one rule is what makes
 * holds sufficient: floor(a) + floor(b) ≤ floor(a + b), so the cost of the fills of an order can never exceed
 * the hold computed for the whole order up front, however it is split, and the fee account never pays a
 * rebate larger than the taker fee of the same trade.
 */

/** Products up to 2^52 are exact in doubles with room for the remainder check below. */
const FAST_LIMIT = 2 ** 52;

/** The largest amount, price or quantity the engine holds: every one of them is a safe integer. */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;
const MAX_AMOUNT_BIG = BigInt(MAX_AMOUNT);

/** True when a computed amount can be held exactly (false for results beyond the range, and for NaN). */
export function inRange(amount: number): boolean {
  return amount <= MAX_AMOUNT;
}

/**
 * floor(a × b / c) for non-negative safe integers a, b and c > 0, exactly; +Infinity when that exceeds
 * MAX_AMOUNT, or when a or b is +Infinity (an earlier result out of range).
 */
export function mulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= FAST_LIMIT) {
    // p is exact; p / c is rounded to the nearest double and may land on the next integer, so the exact
    // remainder corrects the quotient by one step at most.
    let q = Math.floor(p / c);
    const r = p - q * c;
    if (r < 0) q -= 1;
    else if (r >= c) q += 1;
    return q;
  }
  // Also reached by Infinity × 0 (NaN): an out-of-range input keeps the result out of range.
  if (a === Infinity || b === Infinity) return Infinity;
  const q = (BigInt(a) * BigInt(b)) / BigInt(c);
  return q > MAX_AMOUNT_BIG ? Infinity : Number(q);
}

/**
 * Quote amount for `quantity` base units at `price` (quote units per whole coin), `unit` = 10^baseDecimals;
 * +Infinity beyond MAX_AMOUNT.
 */
export function notional(price: number, quantity: number, unit: number): number {
  return mulDiv(price, quantity, unit);
}

export const BPS = 10_000;

/**
 * The fee on a quote amount at `bps` basis points: positive is paid, negative is a rebate received. Never
 * larger in size than the amount (|bps| ≤ BPS), so it is in range whenever the amount is.
 */
export function fee(amount: number, bps: number): number {
  if (bps >= 0) return mulDiv(amount, bps, BPS);
  return -mulDiv(amount, -bps, BPS);
}

/**
 * The most base units (a multiple of `lot`) that `budget` quote buys at `price` with a fee of `feeBps`
 * (≥ 0), fee included: the largest q with notional(price, q) + fee(notional, feeBps) ≤ budget, and at most
 * MAX_AMOUNT (a budget at a tiny price can buy more base units than that; no order or balance can hold them).
 * Exact, in a few steps whatever the magnitudes.
 */
export function affordableQuantity(budget: number, price: number, unit: number, feeBps: number, lot: number): number {
  if (budget <= 0) return 0;
  const bps = Math.max(0, feeBps);
  // The largest notional n with n + fee(n) ≤ budget: the real-valued bound rounded down fits, and n + fee(n)
  // grows by at least one per step, so at most a step or two above it can still fit.
  let n = mulDiv(budget, BPS, BPS + bps);
  while (n + 1 + fee(n + 1, bps) <= budget) n++;
  // The largest q with floor(price × q / unit) ≤ n, i.e. price × q ≤ (n + 1) × unit − 1.
  const top = (n + 1) * unit;
  let q =
    top <= FAST_LIMIT ? Math.floor((top - 1) / price) : Number((BigInt(n + 1) * BigInt(unit) - 1n) / BigInt(price));
  // Fewer units cost no more, so the capped quantity still fits the budget.
  if (q > MAX_AMOUNT) q = MAX_AMOUNT;
  // The double division above can round up across an integer; step back until the exact bound holds.
  while (q > 0 && notional(price, q, unit) > n) q--;
  return q - (q % lot);
}

/** Rounds a price down (toward zero) to a multiple of the tick. */
export function floorToTick(price: number, tick: number): number {
  return price - (price % tick);
}

/** Rounds a price up to a multiple of the tick. */
export function ceilToTick(price: number, tick: number): number {
  const r = price % tick;
  return r === 0 ? price : price + tick - r;
}
