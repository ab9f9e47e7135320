import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '@protocol/api';
import type { MarketContext } from './build-order';
import type { ViewMarket } from './market-view';
import { FAR_FROM_MARKET_BPS, largeOrderAbove, marketPrice, priceAtMarket, surprises } from './order-checks';

/** The offline practice market's settings: whole won, sizes in 1e-8 LPJ, lots of 0.01. */
const LPJ: ViewMarket = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
  quoteDecimals: 0,
  tickSize: 1,
  lotSize: 1_000_000,
  minNotional: 1_000,
  makerFeeBps: 5,
  takerFeeBps: 10,
  priceBandBps: 1_000,
};

const ctx = (over: Partial<MarketContext> = {}): MarketContext => ({
  market: LPJ,
  lastPrice: 10_000,
  bestBid: 9_990,
  bestAsk: 10_010,
  available: {},
  ...over,
});

const limit = (side: 'buy' | 'sell', price: number): OrderRequest => ({
  side,
  orderType: 'limit',
  price,
  quantity: 100_000_000,
});
const stopLimit = (side: 'buy' | 'sell', stopPrice: number, price: number): OrderRequest => ({
  side,
  orderType: 'stop_limit',
  stopPrice,
  price,
  quantity: 100_000_000,
});
const kinds = (order: OrderRequest, c = ctx(), value = 10_000n) => surprises(order, value, c).map((s) => s.kind);

describe('the market price a distance is measured from', () => {
  it('is the last trade, else the middle of the book, else the one side there is, else unknown', () => {
    expect(marketPrice(ctx())).toBe(10_000n);
    expect(marketPrice(ctx({ lastPrice: 0 }))).toBe(10_000n);
    expect(marketPrice(ctx({ lastPrice: 0, bestBid: 9_000, bestAsk: 10_001 }))).toBe(9_500n);
    expect(marketPrice(ctx({ lastPrice: 0, bestBid: undefined }))).toBe(10_010n);
    expect(marketPrice(ctx({ lastPrice: 0, bestAsk: undefined }))).toBe(9_990n);
    expect(marketPrice(ctx({ lastPrice: 0, bestBid: undefined, bestAsk: undefined }))).toBeNull();
  });

  it('fills an empty price on the market’s price step', () => {
    const tick1000 = { ...LPJ, tickSize: 1_000 };
    expect(priceAtMarket(ctx({ market: tick1000, lastPrice: 94_123_456 }))).toBe(94_123_000n);
    // Below one step, the smallest price there is rather than 0.
    expect(priceAtMarket(ctx({ market: tick1000, lastPrice: 600 }))).toBe(1_000n);
    expect(priceAtMarket(ctx({ lastPrice: 0, bestBid: undefined, bestAsk: undefined }))).toBeNull();
  });
});

describe('a price far from the market', () => {
  it('is one more than FAR_FROM_MARKET_BPS away, on either side, for buys and sells alike', () => {
    expect(FAR_FROM_MARKET_BPS).toBe(1_000n);
    // 10% exactly is not far; one won more is.
    expect(kinds(limit('sell', 11_000))).toEqual([]);
    expect(kinds(limit('sell', 11_001))).toEqual(['far']);
    expect(kinds(limit('buy', 9_000))).toEqual([]);
    expect(kinds(limit('buy', 8_999))).toEqual(['far']);
    expect(kinds(limit('buy', 11_001))).toEqual(['far']);
    expect(kinds(limit('sell', 8_999))).toEqual(['far']);
  });

  it('carries the distance and direction the warning shows', () => {
    // The case: a limit sell at five times the market.
    const [far] = surprises(limit('sell', 50_000), 50_000n, ctx());
    expect(far).toEqual({ kind: 'far', price: 50_000n, reference: 10_000n, distanceBps: 40_000n, above: true });
    const [below] = surprises(limit('buy', 7_777), 7_777n, ctx());
    expect(below).toMatchObject({ kind: 'far', distanceBps: 2_223n, above: false });
  });

  it('is measured from the middle of the book before the first trade, and not at all with no book', () => {
    expect(kinds(limit('sell', 11_000), ctx({ lastPrice: 0 }))).toEqual([]);
    expect(kinds(limit('sell', 11_012), ctx({ lastPrice: 0 }))).toEqual(['far']);
    expect(kinds(limit('sell', 1_000_000), ctx({ lastPrice: 0, bestBid: undefined, bestAsk: undefined }))).toEqual([]);
  });

  it('is no question for a market order, nor for a stop that waits (a stop-loss is meant to be away)', () => {
    expect(kinds({ side: 'buy', orderType: 'market', quoteAmount: 10_000 })).toEqual([]);
    expect(kinds(stopLimit('sell', 5_000, 4_900))).toEqual([]);
    expect(kinds(stopLimit('buy', 20_000, 20_100))).toEqual([]);
  });
});

describe('a stop that triggers at once', () => {
  it('follows the engines: a buy stop at or below the last price, a sell stop at or above it', () => {
    expect(kinds(stopLimit('buy', 10_000, 10_050))).toEqual(['stopNow']);
    expect(kinds(stopLimit('buy', 9_000, 9_050))).toEqual(['stopNow']);
    expect(kinds(stopLimit('buy', 10_001, 10_050))).toEqual([]);
    expect(kinds(stopLimit('sell', 10_000, 9_950))).toEqual(['stopNow']);
    expect(kinds(stopLimit('sell', 11_000, 10_950))).toEqual(['stopNow']);
    expect(kinds(stopLimit('sell', 9_999, 9_950))).toEqual([]);
  });

  it('names the stop and the last price', () => {
    expect(surprises(stopLimit('buy', 9_500, 9_600), 9_600n, ctx())).toEqual([
      { kind: 'stopNow', stop: 9_500n, last: 10_000n },
    ]);
  });

  it('cannot happen before the first trade: the engines trigger on a last trade price', () => {
    expect(kinds(stopLimit('buy', 1, 10_000), ctx({ lastPrice: 0 }))).toEqual([]);
  });

  it('puts its limit price in the book at once, so a far limit price is asked about too', () => {
    expect(kinds(stopLimit('buy', 9_000, 20_000))).toEqual(['stopNow', 'far']);
  });
});

describe('a large order', () => {
  it('is one worth more than 1,000,000 won (1,000 of another quote currency), with the other questions', () => {
    expect(largeOrderAbove(LPJ)).toBe(1_000_000n);
    expect(largeOrderAbove({ ...LPJ, quote: 'USDT', quoteDecimals: 2 })).toBe(100_000n);
    expect(kinds(limit('buy', 10_000), ctx(), 1_000_000n)).toEqual([]);
    expect(kinds(limit('buy', 10_000), ctx(), 1_000_001n)).toEqual(['large']);
    expect(kinds(limit('sell', 50_000), ctx(), 5_000_000n)).toEqual(['far', 'large']);
  });
});
