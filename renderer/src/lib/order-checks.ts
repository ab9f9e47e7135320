/**
 * Orders that could surprise the one who sends them, asked about before they are sent. Every market (offline
 * practice, paper trading, live) is traded through the one order form, so the same questions are asked in all
 * of them, from these rules alone:
 *
 * - large: worth more than `largeOrderAbove` (1,000,000 won; 1,000 of another quote currency);
 * - stop now: a stop whose condition the last trade price already meets, which every engine triggers the moment
 *   it accepts it (a buy stop at a last price at or above its stop, a sell stop at or below);
 * - far: a price that goes into the book now (a limit, or a stop-limit that triggers at once) more than
 *   FAR_FROM_MARKET_BPS away from the market price.
 *
 * The market price is the last trade; before the first trade, the middle of the best bid and ask (or the one
 * side there is). Amounts are bigint minimal units, as in lib/units.
 */
import type { OrderRequest } from '@protocol/api';
import type { MarketContext } from './build-order';
import { quoteUnit } from './market-format';
import type { ViewMarket } from './market-view';
import { BPS } from './units';

/** How far from the market price (in basis points of it: 1,000 = 10%) a price is "far", and asked about. */
export const FAR_FROM_MARKET_BPS = 1_000n;

export type Surprise =
  | { kind: 'large'; value: bigint }
  | { kind: 'stopNow'; stop: bigint; last: bigint }
  | { kind: 'far'; price: bigint; reference: bigint; distanceBps: bigint; above: boolean };

/** Orders worth more than this (quote units) ask for confirmation first. */
export function largeOrderAbove(m: ViewMarket): bigint {
  return (m.quote === 'KRW' ? 1_000_000n : 1_000n) * quoteUnit(m);
}

/** The price a distance is measured from, in price units; null while the market has neither trades nor orders. */
export function marketPrice(ctx: Pick<MarketContext, 'lastPrice' | 'bestBid' | 'bestAsk'>): bigint | null {
  if (ctx.lastPrice !== undefined && ctx.lastPrice > 0) return BigInt(ctx.lastPrice);
  const bid = ctx.bestBid !== undefined && ctx.bestBid > 0 ? BigInt(ctx.bestBid) : null;
  const ask = ctx.bestAsk !== undefined && ctx.bestAsk > 0 ? BigInt(ctx.bestAsk) : null;
  if (bid !== null && ask !== null) return (bid + ask) / 2n;
  return bid ?? ask;
}

/** The market price on the market's price step (rounded down), for a price field that is still empty. */
export function priceAtMarket(ctx: Pick<MarketContext, 'market' | 'lastPrice' | 'bestBid' | 'bestAsk'>): bigint | null {
  const p = marketPrice(ctx);
  if (p === null) return null;
  const tick = BigInt(ctx.market.tickSize);
  const onTick = (p / tick) * tick;
  return onTick > 0n ? onTick : tick;
}

/** Whether a stop at `stop` on `side` triggers at a last trade price of `last` (the engines' own rule). */
function triggersAt(side: OrderRequest['side'], stop: bigint, last: bigint): boolean {
  return side === 'buy' ? last >= stop : last <= stop;
}

/**
 * What is surprising about an order the form built (`value`: its quote value as previewed), most telling
 * first: a stop that triggers at once, a price far from the market, then a large value. Empty: send it.
 */
export function surprises(order: OrderRequest, value: bigint, ctx: MarketContext): Surprise[] {
  const found: Surprise[] = [];
  const isStop = order.orderType === 'stop_limit' || order.orderType === 'stop_market';
  const last = ctx.lastPrice !== undefined && ctx.lastPrice > 0 ? BigInt(ctx.lastPrice) : null;
  let entersBookNow = order.orderType === 'limit';
  if (isStop && order.stopPrice !== undefined && last !== null) {
    const stop = BigInt(order.stopPrice);
    if (triggersAt(order.side, stop, last)) {
      found.push({ kind: 'stopNow', stop, last });
      entersBookNow = order.orderType === 'stop_limit';
    }
  }
  const reference = marketPrice(ctx);
  if (entersBookNow && order.price !== undefined && reference !== null) {
    const price = BigInt(order.price);
    const gap = price > reference ? price - reference : reference - price;
    if (gap * BPS > reference * FAR_FROM_MARKET_BPS)
      found.push({ kind: 'far', price, reference, distanceBps: (gap * BPS) / reference, above: price > reference });
  }
  if (value > largeOrderAbove(ctx.market)) found.push({ kind: 'large', value });
  return found;
}
