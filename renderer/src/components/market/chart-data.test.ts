import { describe, expect, it } from 'vitest';
import type { CandleBar } from '@protocol/api';
import { CandleSet, TIMEFRAMES, chartTime, timeframeStart } from './chart-data';

const MINUTE = 60_000;

function bar(openTime: number, close: number): CandleBar {
  return { openTime, open: close, high: close, low: close, close, volume: 1 };
}

describe('timeframeStart', () => {
  it('puts a trade in the candle the host makes: weeks from Monday, months from the 1st (00:00 UTC)', () => {
    const sunday = Date.UTC(2024, 2, 31, 23, 59, 30); // Sunday 31 March 2024
    expect(timeframeStart(sunday, '1m')).toBe(Date.UTC(2024, 2, 31, 23, 59));
    expect(timeframeStart(sunday, '4h')).toBe(Date.UTC(2024, 2, 31, 20));
    expect(timeframeStart(sunday, '1d')).toBe(Date.UTC(2024, 2, 31));
    expect(timeframeStart(sunday, '1w')).toBe(Date.UTC(2024, 2, 25));
    expect(timeframeStart(sunday, '1M')).toBe(Date.UTC(2024, 2, 1));
    expect(timeframeStart(Date.UTC(2024, 3, 1), '1w')).toBe(Date.UTC(2024, 3, 1));
    expect(timeframeStart(Date.UTC(2024, 1, 29, 12), '1M')).toBe(Date.UTC(2024, 1, 1));
    expect(TIMEFRAMES).toEqual(['1m', '5m', '15m', '1h', '4h', '1d', '1w', '1M']);
  });
});

describe('CandleSet', () => {
  it('opens a new monthly candle on the 1st as trades arrive', () => {
    const set = new CandleSet([bar(Date.UTC(2024, 1, 1), 100)], '1M');
    set.apply([{ id: '1', price: 120, size: 2, side: 'buy', ts: Date.UTC(2024, 1, 29, 23) }]);
    set.apply([{ id: '2', price: 90, size: 3, side: 'sell', ts: Date.UTC(2024, 2, 1) }]);
    expect(set.bars.map((b) => [b.openTime, b.close, b.volume])).toEqual([
      [Date.UTC(2024, 1, 1), 120, 3],
      [Date.UTC(2024, 2, 1), 90, 3],
    ]);
  });

  it('keeps the closes in step with the candles, live updates and older candles put in front', () => {
    const set = new CandleSet([bar(10 * MINUTE, 500), bar(11 * MINUTE, 510)], '1m', 1);
    expect(set.closes()).toEqual([50, 51]);
    set.upsert(bar(11 * MINUTE, 530));
    set.upsert(bar(12 * MINUTE, 540));
    expect(set.closes()).toEqual([50, 53, 54]);
    // Older ones only: a candle at or after the oldest shown is already there.
    expect(set.prepend([bar(8 * MINUTE, 480), bar(9 * MINUTE, 490), bar(10 * MINUTE, 999)])).toBe(2);
    expect(set.bars.map((b) => b.openTime / MINUTE)).toEqual([8, 9, 10, 11, 12]);
    expect(set.closes()).toEqual([48, 49, 50, 53, 54]);
    expect(set.prepend([bar(12 * MINUTE, 1)])).toBe(0);
    expect(set.points([NaN, 1, 2, NaN, 4]).map((p) => p.value)).toEqual([1, 2, 4]);
    expect(set.indexOfTime(chartTime(9 * MINUTE))).toBe(1);
    expect(set.indexOfTime(chartTime(12 * MINUTE))).toBe(4);
    expect(set.indexOfTime(chartTime(13 * MINUTE))).toBeUndefined();
  });
});
