import { describe, expect, it } from 'vitest';
import type { WatchRow } from '@protocol/watchlist';
import { dayChange, isOpenRow, rowChoice, sparkPoints, visibleRows } from './watchlist';

const row = (key: string, venue: WatchRow['venue'], base: string, quote: string): WatchRow => ({
  key,
  venue,
  market: `${base}-${quote}`,
  base,
  quote,
  priceDecimals: 0,
  tickSize: 1,
  spark: [],
});

const rows = [
  row('lpj', 'practice', 'LPJ', 'KRW'),
  row('lpj-live', 'live', 'LPJ', 'KRW'),
  row('upbit:BTC-KRW', 'upbit', 'BTC', 'KRW'),
  row('upbit:ETH-KRW', 'upbit', 'ETH', 'KRW'),
  row('binance:BTC-USDT', 'binance', 'BTC', 'USDT'),
  row('binance:ETH-USDT', 'binance', 'ETH', 'USDT'),
];
const names = { practice: 'Practice', live: 'Live', upbit: 'Upbit', binance: 'Binance' };
const venueName = (v: WatchRow['venue']) => names[v];
const keys = (r: WatchRow[]) => r.map((x) => x.key);

describe('dayChange', () => {
  it('measures from the reference in exact basis points, signed', () => {
    expect(dayChange(105, 100)).toEqual({ change: 5, bps: 500n, direction: 'up' });
    expect(dayChange(99_999_999, 100_000_000)).toEqual({ change: -1, bps: 0n, direction: 'down' });
    expect(dayChange(100, 100)?.direction).toBe('');
    expect(dayChange(undefined, 100)).toBeNull();
    expect(dayChange(100, 0)).toBeNull();
  });
});

describe('visibleRows', () => {
  it('puts favourites first, each group in the list’s order', () => {
    expect(keys(visibleRows(rows, ['binance:ETH-USDT', 'upbit:BTC-KRW'], '', venueName))).toEqual([
      'upbit:BTC-KRW',
      'binance:ETH-USDT',
      'lpj',
      'lpj-live',
      'upbit:ETH-KRW',
      'binance:BTC-USDT',
    ]);
  });

  it('finds rows by coin, pair, quote or exchange, in any case, every word having to match', () => {
    expect(keys(visibleRows(rows, [], 'eth', venueName))).toEqual(['upbit:ETH-KRW', 'binance:ETH-USDT']);
    expect(keys(visibleRows(rows, [], 'btc/usdt', venueName))).toEqual(['binance:BTC-USDT']);
    expect(keys(visibleRows(rows, [], 'ethkrw', venueName))).toEqual(['upbit:ETH-KRW']);
    expect(keys(visibleRows(rows, [], ' binance  btc ', venueName))).toEqual(['binance:BTC-USDT']);
    expect(keys(visibleRows(rows, [], 'live', venueName))).toEqual(['lpj-live']);
    expect(visibleRows(rows, [], 'doge', venueName)).toEqual([]);
    // A favourite that does not match is not shown.
    expect(keys(visibleRows(rows, ['lpj'], 'eth', venueName))).toEqual(['upbit:ETH-KRW', 'binance:ETH-USDT']);
  });
});

describe('rowChoice', () => {
  it('opens the LPJ markets by their choice and a paper market with its exchange as the price source', () => {
    expect(rowChoice(rows[0])).toEqual({ choice: 'lpj', source: null });
    expect(rowChoice(rows[1])).toEqual({ choice: 'lpj-live', source: null });
    expect(rowChoice(rows[4])).toEqual({ choice: 'BTC-USDT', source: 'binance' });
    expect(isOpenRow(rows[2], 'BTC-KRW', 'upbit')).toBe(true);
    // The same coin replayed or on the other exchange is another market.
    expect(isOpenRow(rows[2], 'BTC-KRW', 'replay')).toBe(false);
    expect(isOpenRow(rows[0], 'lpj', 'binance')).toBe(true);
  });
});

describe('sparkPoints', () => {
  it('spreads the closes across the box, the high at the top and the low at the bottom', () => {
    expect(sparkPoints([10, 30, 20], 100, 20)).toBe('0,20 50,0 100,10');
    expect(sparkPoints([5, 5], 10, 20)).toBe('0,10 10,10');
    expect(sparkPoints([5], 10, 20)).toBeNull();
    expect(sparkPoints([], 10, 20)).toBeNull();
  });
});
