import { describe, expect, it } from 'vitest';
import { candlePage } from './page';

const c = (openTime: number) => ({ openTime, open: 1, high: 1, low: 1, close: 1, volume: 1 });

describe('candlePage', () => {
  const candles = [c(10), c(20), c(30), c(40), c(50)];
  it('gives the newest `limit` candles opening before `before`, oldest first', () => {
    expect(candlePage(candles, 2).map((x) => x.openTime)).toEqual([40, 50]);
    expect(candlePage(candles, 2, 40).map((x) => x.openTime)).toEqual([20, 30]);
    expect(candlePage(candles, 2, 35).map((x) => x.openTime)).toEqual([20, 30]);
    expect(candlePage(candles, 10, 30).map((x) => x.openTime)).toEqual([10, 20]);
  });
  it('is empty before the first candle, for an empty series and for a limit of 0', () => {
    expect(candlePage(candles, 5, 10)).toEqual([]);
    expect(candlePage([], 5, 10)).toEqual([]);
    expect(candlePage(candles, 0)).toEqual([]);
  });
});
