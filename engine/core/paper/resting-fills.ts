/**
 * When the market reaches a resting paper limit order. The exchange never sees the paper order, so its fills
 * are inferred from the exchange's trades, conservatively:
 *
 * - A trade strictly through the limit (below a buy's price, above a sell's) means every order at the limit
 *   price was taken before it: the paper order fills whole, at its own price.
 * - A trade exactly at the limit price fills the paper order only with the volume beyond the queue ahead of
 *   it. The queue ahead is the book's size at that price on the order's side when the order began to rest;
 *   trades at that price consume it first. The order's share is also behind older paper orders at the same
 *   price and side, which take their share of the same trade first. Trades are counted whichever side was
 *   the taker: the feed does not say which resting orders a trade hit.
 * - A trade short of the limit fills nothing.
 *
 * Cancellations in the real queue ahead are not visible in trades, so the estimate never moves the order
 * forward faster than trades do: a paper order fills no earlier than a real one at the back of the queue.
 *
 * That is the 'queue' fill model. The 'touch' model is the optimistic one some traders practise with: a trade
 * at the limit price fills the paper order whole, whatever the trade's size and whatever queued before it.
 *
 * A price point whose volume at its own price is unknown (a replay's path through a candle, where the queue
 * and the trades at each price are not published) is `throughOnly`: it fills only the orders it passes through
 * and leaves the ones it touches, and their queues, as they were, whichever model is in force.
 */
import type { Side } from '../matching/types';

/** How resting limit orders meet trades at their price: behind the queue ahead of them, or whole on touch. */
export type FillModel = 'queue' | 'touch';
export const FILL_MODELS: readonly FillModel[] = ['queue', 'touch'];

export interface RestingOrder {
  id: number;
  side: Side;
  price: number;
  remaining: number;
  queueAhead: number;
}

export interface RestingFill<O extends RestingOrder> {
  order: O;
  quantity: number;
}

/**
 * The fills a trade of `size` at `price` gives `orders` (resting, oldest first), and the queues it consumed
 * (updated on the orders). Remaining quantities are left to the caller, which settles each fill.
 */
export function fillsFromTrade<O extends RestingOrder>(
  orders: readonly O[],
  price: number,
  size: number,
  model: FillModel = 'queue',
  throughOnly = false,
): RestingFill<O>[] {
  const fills: RestingFill<O>[] = [];
  // Volume of this trade already given to older paper orders at the trade price, per side.
  const given = { buy: 0, sell: 0 };
  for (const order of orders) {
    if (order.remaining <= 0) continue;
    const through = order.side === 'buy' ? price < order.price : price > order.price;
    if (through || (!throughOnly && model === 'touch' && price === order.price)) {
      fills.push({ order, quantity: order.remaining });
      continue;
    }
    if (throughOnly || price !== order.price) continue;
    const queued = Math.min(size, order.queueAhead);
    order.queueAhead -= queued;
    const beyond = size - queued - given[order.side];
    if (beyond <= 0) continue;
    const quantity = Math.min(order.remaining, beyond);
    given[order.side] += quantity;
    fills.push({ order, quantity });
  }
  return fills;
}
