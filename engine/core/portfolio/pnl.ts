/**
 * Profit and loss of an account from its fills, on an average-cost basis: each market's position folded fill
 * by fill with the paper engine's own accounting (../paper/position), so the offline practice market, the live
 * market and paper trading report the same figures for the same fills.
 *
 * - Fills are taken oldest first; a fill's value (`quoteAmount`) and fee are quote units of its market.
 * - Buying adds to the cost basis; selling part of a position realises proceeds minus the proportional share of
 *   the basis; fees are counted apart (net = realised + unrealised − fees).
 * - A market whose position would leave the safe-integer range is dropped and named (`outOfRange`): no figure
 *   could show it exactly, and nothing here throws on any input.
 */
import type { Side } from '../matching/types';
import { applyFill, emptyPosition, positionInRange, type Position } from '../paper/position';

export interface PnlFill {
  market: string;
  side: Side;
  /** Size units, positive. */
  quantity: number;
  /** The fill's value, quote units. */
  quoteAmount: number;
  /** Quote units; negative for a rebate. */
  fee: number;
}

export interface FoldedPositions {
  readonly positions: Map<string, Position>;
  /** Markets whose fills could not be counted exactly. */
  readonly outOfRange: Set<string>;
}

/** Positions folded one fill at a time, as an account's fills arrive (oldest first). */
export class PositionBook implements FoldedPositions {
  readonly positions = new Map<string, Position>();
  readonly outOfRange = new Set<string>();

  add(f: PnlFill): void {
    if (this.outOfRange.has(f.market)) return;
    const valid =
      Number.isSafeInteger(f.quantity) &&
      f.quantity > 0 &&
      Number.isSafeInteger(f.quoteAmount) &&
      f.quoteAmount >= 0 &&
      Number.isSafeInteger(f.fee);
    const next = { ...(this.positions.get(f.market) ?? emptyPosition()) };
    if (valid) applyFill(next, f.side, f.quantity, f.quoteAmount, f.fee);
    if (!valid || !positionInRange(next)) {
      this.outOfRange.add(f.market);
      this.positions.delete(f.market);
      return;
    }
    this.positions.set(f.market, next);
  }
}

/** Every market's position from an account's fills, oldest first. */
export function positionsFromFills(fills: readonly PnlFill[]): FoldedPositions {
  const book = new PositionBook();
  for (const f of fills) book.add(f);
  return book;
}
