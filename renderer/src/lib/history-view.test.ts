import { describe, expect, it } from 'vitest';
import type { HistoryFill, HistoryOrder, VenueHistory } from '@protocol/api';
import { filteredFills, filteredOrders, marketIds, marketKey, marketsOf, NO_FILTERS } from './history-view';
import { formatSize } from './market-format';

const order = (o: Partial<HistoryOrder>): HistoryOrder => ({
  venue: 'practice',
  market: 'LPJ-KRW',
  id: 1,
  side: 'buy',
  type: 'limit',
  price: 10_000,
  stopPrice: 0,
  quantity: 100_000_000,
  filled: 0,
  status: 'open',
  ts: 1,
  updatedAt: 1,
  ...o,
});
const fill = (f: Partial<HistoryFill>): HistoryFill => ({
  venue: 'practice',
  market: 'LPJ-KRW',
  tradeId: 1,
  orderId: 1,
  side: 'buy',
  price: 10_000,
  quantity: 100_000_000,
  quoteAmount: 10_000,
  fee: 10,
  liquidity: 'taker',
  ts: 1,
  ...f,
});
const venue = (v: Partial<VenueHistory> & Pick<VenueHistory, 'venue'>): VenueHistory => ({
  state: 'ok',
  markets: [],
  orders: [],
  fills: [],
  ...v,
});

const venues: VenueHistory[] = [
  venue({
    venue: 'practice',
    markets: [
      {
        venue: 'practice',
        id: 'LPJ-KRW',
        base: 'LPJ',
        quote: 'KRW',
        priceDecimals: 0,
        sizeDecimals: 8,
        quoteDecimals: 0,
        tickSize: 1,
        lotSize: 1_000_000,
      },
    ],
    orders: [order({ id: 1, ts: 10 }), order({ id: 2, ts: 30, side: 'sell', status: 'filled' })],
    fills: [fill({ tradeId: 7, ts: 30, side: 'sell' })],
  }),
  venue({
    venue: 'paper',
    orders: [order({ venue: 'paper', market: 'BTC-KRW', id: 1, ts: 20, status: 'cancelled' })],
    fills: [fill({ venue: 'paper', market: 'BTC-KRW', tradeId: 3, ts: 40 })],
  }),
  venue({ venue: 'live', state: 'signed_out' }),
];

describe('my orders and trades across venues', () => {
  it('lists every venue’s rows newest first and narrows them by venue, market, side and status', () => {
    expect(filteredOrders(venues, NO_FILTERS).map((o) => `${o.venue}#${o.id}`)).toEqual([
      'practice#2',
      'paper#1',
      'practice#1',
    ]);
    expect(filteredOrders(venues, { ...NO_FILTERS, venue: 'paper' }).map((o) => o.status)).toEqual(['cancelled']);
    expect(filteredOrders(venues, { ...NO_FILTERS, market: 'LPJ-KRW', side: 'sell' }).map((o) => o.id)).toEqual([2]);
    expect(filteredOrders(venues, { ...NO_FILTERS, status: 'open' }).map((o) => o.id)).toEqual([1]);
    expect(filteredFills(venues, NO_FILTERS).map((f) => f.tradeId)).toEqual([3, 7]);
    // The status filter is the orders’: it leaves fills alone.
    expect(filteredFills(venues, { ...NO_FILTERS, status: 'cancelled', side: 'buy' }).map((f) => f.tradeId)).toEqual([
      3,
    ]);
  });

  it('offers every market listed and formats each row by its own venue’s market', () => {
    expect(marketIds(venues)).toEqual(['BTC-KRW', 'LPJ-KRW']);
    const markets = marketsOf(venues);
    expect(formatSize(markets.get(marketKey('practice', 'LPJ-KRW'))!, 150_000_000)).toBe('1.50');
    expect(markets.has(marketKey('paper', 'BTC-KRW'))).toBe(false);
  });
});
