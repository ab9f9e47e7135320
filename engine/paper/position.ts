/**
 * A position on one market from its fills: signed quantity, the cost basis of what is open, realised PnL of
 * what was closed, and fees paid. Exact integer arithmetic, no average price kept as state:
 *
 * - The cost basis is the sum of the fill values (quote units, fees excluded) of the open quantity. Closing
 *   part of it removes the proportional share floor(basis × closed / open); closing all of it removes all of
 *   it. So rounding never leaks: over a round trip to flat, realised PnL is exactly proceeds − cost.
 * - The average price shown is derived, floor(basis × divisor / |quantity|) in price units, so it is at most
 *   one price unit below the exact average.
 * - A fill that closes more than is open splits: the closing part realises (its value is the proportional
 *   share of the fill's value, rounded down), the rest opens the other way.
 *
 * Quantity goes negative only when more is sold on a market than was bought on it, which happens when the coin
 * was bought on another market (BTC bought with KRW, sold for USDT); that sale is then a short on this market.
 */
import { mulDiv, notional } from '../matching/money';
import type { Side } from '../matching/types';

export interface Position {
  quantity: number;
  costBasis: number;
  realisedPnl: number;
  feesPaid: number;
}

export const emptyPosition = (): Position => ({ quantity: 0, costBasis: 0, realisedPnl: 0, feesPaid: 0 });

/** Books one fill of `quantity` at value `amount` (quote units) and `fee` into the position. */
export function applyFill(p: Position, side: Side, quantity: number, amount: number, fee: number): void {
  p.feesPaid += fee;
  const dir = side === 'buy' ? 1 : -1;
  if (p.quantity === 0 || Math.sign(p.quantity) === dir) {
    p.quantity += dir * quantity;
    p.costBasis += amount;
    return;
  }
  const open = Math.abs(p.quantity);
  const closing = Math.min(quantity, open);
  const removed = closing === open ? p.costBasis : mulDiv(p.costBasis, closing, open);
  const closingAmount = closing === quantity ? amount : mulDiv(amount, closing, quantity);
  // A sell closes a long: gain = proceeds − cost. A buy closes a short: gain = what the short sold for − what buying back cost.
  p.realisedPnl += dir === -1 ? closingAmount - removed : removed - closingAmount;
  p.costBasis -= removed;
  p.quantity += dir * closing;
  if (quantity > closing) {
    p.quantity = dir * (quantity - closing);
    p.costBasis = amount - closingAmount;
  }
}

export function averagePrice(p: Position, divisor: number): number {
  return p.quantity === 0 ? 0 : mulDiv(p.costBasis, divisor, Math.abs(p.quantity));
}

/** Gain of the open quantity if it were closed at `mark` (price units), fees excluded. */
export function unrealisedPnl(p: Position, mark: number, divisor: number): number {
  if (p.quantity === 0) return 0;
  const value = notional(mark, Math.abs(p.quantity), divisor);
  return p.quantity > 0 ? value - p.costBasis : p.costBasis - value;
}
