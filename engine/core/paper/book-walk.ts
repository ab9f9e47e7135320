/**
 * Walking a live book: which levels a taking paper order would consume, best first. The walk is computed
 * before anything changes, so an order the book cannot serve is refused whole instead of half filled.
 *
 * The paper order does not remove what it took from the exchange's book (the next book event will show the
 * real queue anyway); two market orders in a row each walk the same levels, as if the first had been tiny.
 */
import type { Level } from '../market-data/types';
import { affordableQuantity, fee, notional } from '../matching/money';
import type { Side } from '../matching/types';

export interface Fill {
  price: number;
  quantity: number;
  /** notional(price, quantity), quote units. */
  amount: number;
  /** The taker's fee on `amount`. */
  fee: number;
}

export interface Walk {
  fills: Fill[];
  /** Base units taken in all. */
  quantity: number;
  /** Σ amount and Σ fee over the fills. */
  amount: number;
  fee: number;
  /** The levels within the limit ran out before the wanted quantity (or budget) was met. */
  exhausted: boolean;
}

/** Whether `price` is within a taker's `limit` (buy: at or below it; sell: at or above it). */
export const withinLimit = (side: Side, price: number, limit: number): boolean =>
  side === 'buy' ? price <= limit : price >= limit;

/** The side of the book a taker on `side` meets. */
export const oppositeLevels = (
  book: { bids: readonly Level[]; asks: readonly Level[] },
  side: Side,
): readonly Level[] => (side === 'buy' ? book.asks : book.bids);

/**
 * Takes up to `quantity` from `levels` (the opposite side, best first) while prices are within `limit`
 * (undefined: no limit). Levels with a non-positive size are skipped: an exchange may list a level it is
 * about to remove.
 */
export function walkQuantity(
  levels: readonly Level[],
  side: Side,
  quantity: number,
  limit: number | undefined,
  divisor: number,
  feeBps: number,
): Walk {
  const walk: Walk = { fills: [], quantity: 0, amount: 0, fee: 0, exhausted: false };
  for (const [price, size] of levels) {
    if (walk.quantity === quantity) return walk;
    if (size <= 0) continue;
    if (limit !== undefined && !withinLimit(side, price, limit)) break;
    add(walk, price, Math.min(size, quantity - walk.quantity), divisor, feeBps);
  }
  walk.exhausted = walk.quantity < quantity;
  return walk;
}

/**
 * Buys with a quote budget, fees included: at each ask level, as much as the budget left affords. The walk
 * is not exhausted when the budget runs out first, even if a little of it is left (less than one size unit
 * costs); it is when the asks run out while the budget could still buy at the last price.
 */
export function walkBudget(asks: readonly Level[], budget: number, divisor: number, feeBps: number): Walk {
  const walk: Walk = { fills: [], quantity: 0, amount: 0, fee: 0, exhausted: false };
  let left = budget;
  let lastPrice = 0;
  for (const [price, size] of asks) {
    if (size <= 0) continue;
    lastPrice = price;
    const affordable = affordableQuantity(left, price, divisor, feeBps, 1);
    if (affordable === 0) return walk;
    const fill = add(walk, price, Math.min(size, affordable), divisor, feeBps);
    left -= fill.amount + fill.fee;
    if (affordable <= size) return walk;
  }
  walk.exhausted = lastPrice === 0 || affordableQuantity(left, lastPrice, divisor, feeBps, 1) > 0;
  return walk;
}

/** Total size on a side (for telling a thin book from a price limit). */
export function depth(levels: readonly Level[]): number {
  let total = 0;
  for (const [, size] of levels) if (size > 0) total += size;
  return total;
}

function add(walk: Walk, price: number, quantity: number, divisor: number, feeBps: number): Fill {
  const amount = notional(price, quantity, divisor);
  const fill: Fill = { price, quantity, amount, fee: fee(amount, feeBps) };
  walk.fills.push(fill);
  walk.quantity += quantity;
  walk.amount += amount;
  walk.fee += fill.fee;
  return fill;
}
