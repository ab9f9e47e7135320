/**
 * Sizing a copy: the proportional quantity, the slippage-limited price, and what a buy can cost at most.
 * Integers throughout; products that may pass 2^53 go through mulDivFloor.
 */
import type { MarketConfig } from '../matching/types';
import { mulDivFloor } from '../ranking/exact';

export const BPS = 10_000;

/** ceil(a × b / c) for non-negative a, b and positive c. */
export function mulDivCeil(a: number, b: number, c: number): number {
  return -mulDivFloor(-a, b, c);
}

/** The leader's fill scaled to the subscriber: allocation / leader equity × quantity, down to whole lots. */
export function proportionalQuantity(allocation: number, leaderEquity: number, leaderQuantity: number, lotSize: number): { wanted: number; lots: number } {
  const wanted = mulDivFloor(allocation, leaderQuantity, leaderEquity);
  return { wanted, lots: wanted - (wanted % lotSize) };
}

/** The worst price a copy accepts: above the leader's price for a buy (rounded down to the tick), below for a
 *  sell (rounded up), so the limit never exceeds the slippage allowed. */
export function limitPrice(m: MarketConfig, side: 'buy' | 'sell', price: number, slippageBps: number): number {
  if (side === 'buy') {
    const p = mulDivFloor(price, BPS + slippageBps, BPS);
    return Math.max(m.tickSize, p - (p % m.tickSize));
  }
  const p = mulDivCeil(price, BPS - slippageBps, BPS);
  const r = p % m.tickSize;
  return Math.max(m.tickSize, r === 0 ? p : p + m.tickSize - r);
}

export const notionalOf = (m: MarketConfig, price: number, quantity: number): number => mulDivFloor(price, quantity, 10 ** m.baseDecimals);

/** Most a buy of `quantity` at `price` can take from the buyer: notional plus the taker fee rounded up. */
export function maxBuyCost(m: MarketConfig, price: number, quantity: number): number {
  const n = notionalOf(m, price, quantity);
  return n + mulDivCeil(n, Math.max(0, m.takerFeeBps), BPS);
}

/** Largest lot multiple, at most `quantity`, whose maxBuyCost fits in `budget`. */
export function affordableQuantity(m: MarketConfig, price: number, quantity: number, budget: number): number {
  if (maxBuyCost(m, price, quantity) <= budget) return quantity;
  // Estimate from the budget less the fee, then step down the few lots rounding can leave over.
  const beforeFee = mulDivFloor(budget, BPS, BPS + Math.max(0, m.takerFeeBps));
  let q = mulDivFloor(beforeFee, 10 ** m.baseDecimals, price);
  if (q > quantity) q = quantity;
  q -= q % m.lotSize;
  while (q > 0 && maxBuyCost(m, price, q) > budget) q -= m.lotSize;
  return q;
}
