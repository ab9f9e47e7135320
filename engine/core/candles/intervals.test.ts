import { describe, expect, it } from 'vitest';
import {
  CANDLE_INTERVALS,
  intervalBuckets,
  intervalStart,
  intervalsBefore,
  longestCandleStart,
  nestsIn,
  nextIntervalStart,
} from './intervals';
import { aggregateCandles } from './aggregate';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

describe('weekly candles', () => {
  it('open on Monday at the day start (00:00 UTC = 09:00 KST by default)', () => {
    // Sunday 7 January 2024 23:59 UTC still belongs to the week of Monday 1 January.
    expect(intervalStart(utc(2024, 1, 7, 23, 59), '1w')).toBe(utc(2024, 1, 1));
    expect(intervalStart(utc(2024, 1, 8), '1w')).toBe(utc(2024, 1, 8));
    expect(new Date(intervalStart(utc(2026, 12, 7, 18), '1w')).getUTCDay()).toBe(1);
    expect(nextIntervalStart(utc(2024, 1, 1), '1w')).toBe(utc(2024, 1, 8));
  });

  it('follow a day that starts at another minute', () => {
    // Days starting 09:00 UTC: Monday 8 January 08:59 UTC is still Sunday's day, so still the week before.
    const options = { dayStartMinute: 540 };
    expect(intervalStart(utc(2024, 1, 8, 8, 59), '1w', options)).toBe(utc(2024, 1, 1, 9));
    expect(intervalStart(utc(2024, 1, 8, 9), '1w', options)).toBe(utc(2024, 1, 8, 9));
  });
});

describe('monthly candles', () => {
  it('open on the 1st and last to the next 1st, whatever the month length', () => {
    expect(intervalStart(utc(2024, 2, 29, 23, 59), '1M')).toBe(utc(2024, 2, 1));
    expect(nextIntervalStart(utc(2024, 2, 1), '1M')).toBe(utc(2024, 3, 1)); // 29 days in a leap year
    expect(nextIntervalStart(utc(2023, 2, 1), '1M')).toBe(utc(2023, 3, 1));
    expect(nextIntervalStart(utc(2023, 12, 1), '1M')).toBe(utc(2024, 1, 1));
    expect(intervalStart(utc(2024, 3, 1), '1M')).toBe(utc(2024, 3, 1));
  });

  it('count back by the calendar across a year', () => {
    expect(intervalsBefore(utc(2024, 2, 10), '1M', 3)).toBe(utc(2023, 11, 1));
    expect(intervalsBefore(utc(2024, 2, 10), '1M', -2)).toBe(utc(2024, 4, 1));
    expect(intervalsBefore(utc(2024, 2, 10), '1w', 1)).toBe(utc(2024, 1, 29));
  });

  it('follow a day that starts at another minute', () => {
    const options = { dayStartMinute: 540 };
    expect(intervalStart(utc(2024, 3, 1, 8), '1M', options)).toBe(utc(2024, 2, 1, 9));
    expect(nextIntervalStart(utc(2024, 2, 1, 9), '1M', options)).toBe(utc(2024, 3, 1, 9));
  });
});

describe('interval arithmetic', () => {
  it('buckets agree with intervalStart and nextIntervalStart for every interval', () => {
    const t = utc(2025, 7, 16, 13, 27);
    for (const interval of CANDLE_INTERVALS) {
      const b = intervalBuckets(interval);
      const start = b.start(t);
      expect(start, interval).toBe(intervalStart(t, interval));
      expect(b.end(start), interval).toBe(nextIntervalStart(start, interval));
      expect(b.start(b.end(start)), interval).toBe(b.end(start));
    }
  });

  it('weeks and months are built from days; nothing is built from a month', () => {
    expect(nestsIn('1d', '1w')).toBe(true);
    expect(nestsIn('1d', '1M')).toBe(true);
    expect(nestsIn('4h', '1M')).toBe(true);
    expect(nestsIn('1w', '1M')).toBe(false); // a week can straddle the 1st
    expect(nestsIn('1M', '1M')).toBe(false);
    expect(nestsIn('1h', '1d', { dayStartMinute: 15 })).toBe(false);
    expect(nestsIn('15m', '1M', { dayStartMinute: 15 })).toBe(true);
  });

  it('the oldest forming candle is the week when it began in the month before', () => {
    // Thursday 2 May 2024: its week began Monday 29 April, before the month did.
    expect(longestCandleStart(utc(2024, 5, 2, 12))).toBe(utc(2024, 4, 29));
    expect(longestCandleStart(utc(2024, 5, 20, 12))).toBe(utc(2024, 5, 1));
  });

  it('refuses a day start outside the day for weeks and months as for days', () => {
    expect(() => intervalStart(0, '1w', { dayStartMinute: 1440 })).toThrow(/0–1439/);
    expect(() => intervalStart(0, '1M', { dayStartMinute: -1 })).toThrow(/0–1439/);
  });
});

describe('weekly and monthly aggregation', () => {
  it('splits minutes at Monday and at the 1st', () => {
    const m = (t: number, price: number, volume: number) => ({
      openTime: t,
      open: price,
      high: price,
      low: price,
      close: price,
      volume,
    });
    // Sunday 31 March 2024 23:59, Monday 1 April 00:00 (a new week and a new month), Sunday 7 April, Monday 8 April.
    const minutes = [
      m(utc(2024, 3, 31, 23, 59), 10, 1),
      m(utc(2024, 4, 1), 20, 2),
      m(utc(2024, 4, 7, 12), 5, 3),
      m(utc(2024, 4, 8), 30, 4),
    ];
    expect(aggregateCandles(minutes, '1w')).toEqual([
      { openTime: utc(2024, 3, 25), open: 10, high: 10, low: 10, close: 10, volume: 1 },
      { openTime: utc(2024, 4, 1), open: 20, high: 20, low: 5, close: 5, volume: 5 },
      { openTime: utc(2024, 4, 8), open: 30, high: 30, low: 30, close: 30, volume: 4 },
    ]);
    expect(aggregateCandles(minutes, '1M')).toEqual([
      { openTime: utc(2024, 3, 1), open: 10, high: 10, low: 10, close: 10, volume: 1 },
      { openTime: utc(2024, 4, 1), open: 20, high: 30, low: 5, close: 30, volume: 9 },
    ]);
  });
});
