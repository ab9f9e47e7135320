/**
 * Sizing a copy: the proportional quantity, the slippage-limited price, and what a buy can cost at most.
 * Integers throughout. Products that may pass 2^53 are computed exactly: amounts with the engine's own mulDiv
 * (../matching/money), and the one rounding up (a negated floor, so a signed product) with ranking's signed
 * mulDivFloor. A result beyond the safe range comes back as +Infinity, as money's helpers do, for the caller to
 * skip the copy with a reason (see mirrorFill) rather than place an order no engine could take.
 */
import { BPS, inRange, MAX_AMOUNT, mulDiv, notional } from '../matching/money';
import type { MarketConfig } from '../matching/types';
import { mulDivFloor } from '../ranking/exact';

/** ceil(a × b / c) for non-negative a, b and positive c. */
export function mulDivCeil(a: number, b: number, c: number): number {
  return -mulDivFloor(-a, b, c);
}

/**
 * The leader's fill scaled to the subscriber: allocation / leader equity × quantity, down to whole lots. Held to
 * MAX_AMOUNT, more than any balance holds: a buy is then bounded by the free cash, a sell by the holding.
 */
export function proportionalQuantity(
  allocation: number,
  leaderEquity: number,
  leaderQuantity: number,
  lotSize: number,
): { wanted: number; lots: number } {
  const wanted = Math.min(MAX_AMOUNT, mulDiv(allocation, leaderQuantity, leaderEquity));
  return { wanted, lots: wanted - (wanted % lotSize) };
}

/**
 * The worst price a copy accepts, `slippageBps` from `price` (the market's reference): above it for a buy
 * (rounded down to the tick), below it for a sell (rounded up), so the limit never exceeds the slippage
 * allowed. +Infinity when a buy's limit is beyond the safe range.
 */
export function limitPrice(m: MarketConfig, side: 'buy' | 'sell', price: number, slippageBps: number): number {
  if (side === 'buy') {
    const p = mulDiv(price, BPS + slippageBps, BPS);
    if (!inRange(p)) return Infinity;
    return Math.max(m.tickSize, p - (p % m.tickSize));
  }
  const p = mulDivCeil(price, BPS - slippageBps, BPS);
  const r = p % m.tickSize;
  return Math.max(m.tickSize, r === 0 ? p : p + m.tickSize - r);
}

/** floor(price × quantity / 10^baseDecimals); +Infinity beyond the safe range. */
export const notionalOf = (m: MarketConfig, price: number, quantity: number): number =>
  notional(price, quantity, 10 ** m.baseDecimals);

/** Most a buy of `quantity` at `price` can take from the buyer: notional plus the taker fee rounded up (+Infinity past the range). */
export function maxBuyCost(m: MarketConfig, price: number, quantity: number): number {
  const n = notionalOf(m, price, quantity);
  if (!inRange(n)) return Infinity;
  const cost = n + mulDivCeil(n, Math.max(0, m.takerFeeBps), BPS);
  return inRange(cost) ? cost : Infinity;
}

/**
 * Largest lot multiple, at most `quantity`, whose maxBuyCost fits in `budget` (a safe integer, like `price`
 * and `quantity`). The estimate is at most a lot or two above the answer, so the loop takes a few steps.
 */
export function affordableQuantity(m: MarketConfig, price: number, quantity: number, budget: number): number {
  if (maxBuyCost(m, price, quantity) <= budget) return quantity;
  // Estimate from the budget less the fee, then step down the few lots rounding can leave over.
  const beforeFee = mulDiv(budget, BPS, BPS + Math.max(0, m.takerFeeBps));
  let q = mulDiv(beforeFee, 10 ** m.baseDecimals, price);
  // A tiny price can afford more than the range holds; the wanted quantity is within it.
  if (q > quantity) q = quantity;
  q -= q % m.lotSize;
  while (q > 0 && maxBuyCost(m, price, q) > budget) q -= m.lotSize;
  return q;
}
