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
 *
 * The engine books a fill only when the position stays in the safe-integer range afterwards (positionInRange);
 * the derived figures never leave it either: the average price is at most MAX_AMOUNT, a value at a mark beyond
 * the range is unknown (undefined), and the net PnL is computed exactly and shown at the bound past it.
 */
import { inRange, MAX_AMOUNT, mulDiv, notional } from '../matching/money';
import type { Side } from '../matching/types';
import type { PositionView } from './types';

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

/** Every figure of the position is a safe integer (what the engine checks before it books a fill). */
export function positionInRange(p: Position): boolean {
  return (
    Number.isSafeInteger(p.quantity) &&
    Number.isSafeInteger(p.costBasis) &&
    Number.isSafeInteger(p.realisedPnl) &&
    Number.isSafeInteger(p.feesPaid)
  );
}

/**
 * The cost basis per whole coin, price units. It is about the highest price paid, but the basis a partial close
 * leaves is rounded up by a unit each time, so at the top of the range it is held to MAX_AMOUNT.
 */
export function averagePrice(p: Position, divisor: number): number {
  return p.quantity === 0 ? 0 : Math.min(MAX_AMOUNT, mulDiv(p.costBasis, divisor, Math.abs(p.quantity)));
}

/**
 * Gain of the open quantity if it were closed at `mark` (price units), fees excluded; undefined when the open
 * quantity's value at that mark is beyond the safe range (no figure could show it exactly).
 */
export function unrealisedPnl(p: Position, mark: number, divisor: number): number | undefined {
  if (p.quantity === 0) return 0;
  const value = notional(mark, Math.abs(p.quantity), divisor);
  if (!inRange(value)) return undefined;
  // Both terms are in [0, MAX_AMOUNT], so their difference is exact.
  return p.quantity > 0 ? value - p.costBasis : p.costBasis - value;
}

/** realised + unrealised − fees, exactly, held to ±MAX_AMOUNT (each term is in range; their sum may not be). */
export function netPnl(realised: number, unrealised: number, fees: number): number {
  const partial = realised + unrealised;
  const sum = partial - fees;
  if (Number.isSafeInteger(partial) && Number.isSafeInteger(sum)) return sum;
  const exact = BigInt(realised) + BigInt(unrealised) - BigInt(fees);
  const max = BigInt(MAX_AMOUNT);
  return Number(exact > max ? max : exact < -max ? -max : exact);
}

/** A position's figures as shown, marked at `markPrice` (price units) when one is known. */
export function positionView(market: string, p: Position, divisor: number, markPrice?: number): PositionView {
  const unrealised = markPrice === undefined ? undefined : unrealisedPnl(p, markPrice, divisor);
  return {
    market,
    quantity: p.quantity,
    costBasis: p.costBasis,
    averagePrice: averagePrice(p, divisor),
    realisedPnl: p.realisedPnl,
    feesPaid: p.feesPaid,
    markPrice,
    unrealisedPnl: unrealised,
    netPnl: netPnl(p.realisedPnl, unrealised ?? 0, p.feesPaid),
  };
}
