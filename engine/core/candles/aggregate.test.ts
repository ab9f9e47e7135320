import { describe, expect, it } from 'vitest';
import type { Candle } from '../market-data/types';
import { CandleAggregator, aggregateAll, aggregateCandles, aggregateColumns } from './aggregate';
import { fromColumns, toColumns } from './columns';
import { CANDLE_INTERVALS, INTERVAL_MS, MINUTE_MS, fixedBuckets, intervalStart } from './intervals';

const T0 = Date.UTC(2024, 2, 10, 0, 0); // a Sunday at 00:00 UTC
const m = (minute: number, o: number, h: number, l: number, c: number, v: number): Candle => ({
  openTime: T0 + minute * MINUTE_MS,
  open: o,
  high: h,
  low: l,
  close: c,
  volume: v,
});

describe('aggregation of 1m candles', () => {
  it('builds 5m candles by hand-computed values, keeping gaps as gaps', () => {
    const minutes = [
      m(0, 100, 105, 99, 104, 10),
      m(1, 104, 110, 103, 108, 5),
      m(4, 108, 108, 90, 95, 7), // minutes 2 and 3 had no trade
      // minutes 5–9: no trade at all → no 5m candle at 00:05
      m(10, 96, 97, 96, 97, 1),
      m(14, 97, 120, 97, 119, 2),
      m(15, 119, 119, 118, 118, 3), // first minute of the next bucket
    ];
    expect(aggregateCandles(minutes, '5m')).toEqual([
      { openTime: T0, open: 100, high: 110, low: 90, close: 95, volume: 22 },
      { openTime: T0 + 10 * MINUTE_MS, open: 96, high: 120, low: 96, close: 119, volume: 3 },
      { openTime: T0 + 15 * MINUTE_MS, open: 119, high: 119, low: 118, close: 118, volume: 3 },
    ]);
  });

  it('puts a candle on each side of an hour boundary, and a partial current hour holds only its minutes so far', () => {
    const minutes = [
      m(58, 10, 12, 9, 11, 1),
      m(59, 11, 11, 11, 11, 1),
      m(60, 20, 25, 19, 21, 4),
      m(61, 21, 30, 21, 22, 6),
    ];
    expect(aggregateCandles(minutes, '1h')).toEqual([
      { openTime: T0, open: 10, high: 12, low: 9, close: 11, volume: 2 },
      // 01:00 so far: two minutes
      { openTime: T0 + 60 * MINUTE_MS, open: 20, high: 30, low: 19, close: 22, volume: 10 },
    ]);
  });

  it('starts 4h candles at multiples of 4 h UTC and daily candles at the configured minute of the day', () => {
    const minutes = [
      m(3 * 60 + 59, 1, 1, 1, 1, 1),
      m(4 * 60, 2, 2, 2, 2, 1),
      m(8 * 60 + 59, 3, 3, 3, 3, 1),
      m(9 * 60, 4, 4, 4, 4, 1),
    ];
    expect(aggregateCandles(minutes, '4h').map((c) => (c.openTime - T0) / 3_600_000)).toEqual([0, 4, 8]);
    expect(aggregateCandles(minutes, '1d')).toEqual([{ openTime: T0, open: 1, high: 4, low: 1, close: 4, volume: 4 }]);
    // A day starting at 09:00 UTC (dayStartMinute 540) splits them: the first three belong to the day before.
    const shifted = aggregateCandles(minutes, '1d', { dayStartMinute: 540 });
    expect(shifted).toEqual([
      { openTime: T0 - 15 * 3_600_000, open: 1, high: 3, low: 1, close: 3, volume: 3 },
      { openTime: T0 + 9 * 3_600_000, open: 4, high: 4, low: 4, close: 4, volume: 1 },
    ]);
    expect(() => aggregateCandles(minutes, '1d', { dayStartMinute: 1440 })).toThrow(/0–1439/);
  });

  it('returns nothing for no candles, and rejects unsorted or fractional input', () => {
    expect(aggregateCandles([], '1h')).toEqual([]);
    expect(() => aggregateCandles([m(1, 1, 1, 1, 1, 1), m(0, 1, 1, 1, 1, 1)], '5m')).toThrow(/not after/);
    expect(() => aggregateCandles([m(0, 1.5, 2, 1, 1, 1)], '5m')).toThrow(/safe integer/);
    expect(() => aggregateCandles([m(0, 5, 4, 1, 1, 1)], '5m')).toThrow(/out of order/);
  });

  it('aggregateAll (chained) equals aggregating each interval straight from the minutes, for any day start', () => {
    // A random walk with random gaps over three days.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const minutes: Candle[] = [];
    let price = 50_000;
    for (let i = 0; i < 3 * 1440; i++) {
      if (rand() < 0.3) continue;
      const o = price;
      const c = Math.max(1, o + Math.round((rand() - 0.5) * 200));
      minutes.push(
        m(
          i,
          o,
          Math.max(o, c) + Math.round(rand() * 50),
          Math.min(o, c) - Math.round(rand() * 50),
          c,
          Math.round(rand() * 1e8),
        ),
      );
      price = c;
    }
    const cols = toColumns(minutes);
    for (const dayStartMinute of [0, 540, 15, 7]) {
      const all = aggregateAll(cols, { dayStartMinute });
      for (const interval of CANDLE_INTERVALS) {
        expect(fromColumns(all[interval]), `${interval} @${dayStartMinute}`).toEqual(
          aggregateCandles(minutes, interval, { dayStartMinute }),
        );
      }
      // Every bucket lies on its boundary.
      for (const c of fromColumns(all['1d']))
        expect(intervalStart(c.openTime, '1d', { dayStartMinute })).toBe(c.openTime);
    }
    expect(all5m(cols).length).toBeLessThan(3 * 288 + 1);
  });

  it('aggregates pieces pushed one after another like the whole, growing its output as needed', () => {
    const minutes: Candle[] = [];
    for (let i = 0; i < 200; i++) if (i % 7 !== 3) minutes.push(m(i * 3, 100 + i, 110 + i, 90 + i, 105 + i, i));
    const whole = fromColumns(aggregateColumns(toColumns(minutes), INTERVAL_MS['5m']));
    const agg = new CandleAggregator(fixedBuckets(INTERVAL_MS['5m']), 1);
    for (let i = 0; i < minutes.length; i += 13) agg.push(toColumns(minutes.slice(i, i + 13)));
    expect(fromColumns(agg.result())).toEqual(whole);
    expect(whole.length).toBeGreaterThan(100);
  });

  it('refuses a volume sum that would no longer be exact', () => {
    const big = Number.MAX_SAFE_INTEGER - 10;
    expect(() => aggregateColumns(toColumns([m(0, 1, 1, 1, 1, big), m(1, 1, 1, 1, 1, 20)]), INTERVAL_MS['5m'])).toThrow(
      /2\^53/,
    );
  });
});

function all5m(cols: ReturnType<typeof toColumns>) {
  return fromColumns(aggregateColumns(cols, INTERVAL_MS['5m']));
}
