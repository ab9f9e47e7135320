/**
 * 1m candles → longer intervals, computed locally so that every timeframe comes from the one stored series.
 *
 * An interval with no 1m candle in it gets no candle: a minute without trades is a gap on the exchange too,
 * and a flat candle invented to fill it would show a price nobody traded at. The last bucket may be partial
 * (the current hour so far); it is returned like any other, built from the minutes there are.
 */
import type { Candle, CandleInterval } from '../market-data/types';
import { allocColumns, fromColumns, toColumns, trimColumns, type CandleColumns } from './columns';
import {
  CANDLE_INTERVALS,
  fixedBuckets,
  intervalBuckets,
  nestsIn,
  type BoundaryOptions,
  type Buckets,
} from './intervals';

/**
 * Groups candles (oldest first) into buckets (fixed lengths, or calendar months).
 * Open is the first candle's open, close the last one's close, high/low the extremes, volume the sum.
 *
 * Fed in pieces (`push`, e.g. one stored day at a time) it never needs the whole 1m series in memory at once;
 * a bucket that spans two pieces (a day starting at 09:00 UTC) simply stays open across them.
 */
export class CandleAggregator {
  private out: CandleColumns;
  private k = -1;
  private bucketEnd = -Infinity;

  constructor(
    private readonly buckets: Buckets,
    capacity = 16,
  ) {
    this.out = allocColumns(Math.max(1, capacity));
  }

  /** Adds candles that all come after the ones pushed before. */
  push(src: CandleColumns): void {
    const n = src.length;
    const { openTime, open, high, low, close, volume } = src;
    const { buckets } = this;
    let out = this.out;
    let k = this.k;
    let bucketEnd = this.bucketEnd;
    for (let i = 0; i < n; i++) {
      const t = openTime[i];
      if (t >= bucketEnd) {
        k++;
        if (k === out.openTime.length) out = this.grow(k);
        const start = buckets.start(t);
        bucketEnd = buckets.end(start);
        out.openTime[k] = start;
        out.open[k] = open[i];
        out.high[k] = high[i];
        out.low[k] = low[i];
        out.close[k] = close[i];
        out.volume[k] = volume[i];
        continue;
      }
      if (high[i] > out.high[k]) out.high[k] = high[i];
      if (low[i] < out.low[k]) out.low[k] = low[i];
      out.close[k] = close[i];
      const v = out.volume[k] + volume[i];
      // Past 2^53 a sum is no longer exact; fail loudly rather than chart a rounded volume.
      if (v > Number.MAX_SAFE_INTEGER) throw new RangeError(`volume of the candle at ${out.openTime[k]} exceeds 2^53`);
      out.volume[k] = v;
    }
    this.k = k;
    this.bucketEnd = bucketEnd;
  }

  result(): CandleColumns {
    return trimColumns(this.out, this.k + 1);
  }

  private grow(filled: number): CandleColumns {
    const bigger = allocColumns(this.out.openTime.length * 2);
    for (const key of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const)
      bigger[key].set(this.out[key].subarray(0, filled));
    this.out = bigger;
    return bigger;
  }
}

/** Aggregates into buckets of `lengthMs` starting `offsetMs` past its multiples, or into the `buckets` given. */
export function aggregateColumns(src: CandleColumns, buckets: Buckets | number, offsetMs = 0): CandleColumns {
  // Never more buckets than candles.
  const agg = new CandleAggregator(typeof buckets === 'number' ? fixedBuckets(buckets, offsetMs) : buckets, src.length);
  agg.push(src);
  return agg.result();
}

/** Aggregates 1m candle columns (oldest first) into `interval` candles. '1m' returns the input itself. */
export function aggregateMinutes(
  minutes: CandleColumns,
  interval: CandleInterval,
  options: BoundaryOptions = {},
): CandleColumns {
  if (interval === '1m') return minutes;
  return aggregateColumns(minutes, intervalBuckets(interval, options));
}

/** The same as aggregateMinutes for `Candle` objects; validates the input (integers, order) first. */
export function aggregateCandles(
  minutes: readonly Candle[],
  interval: CandleInterval,
  options: BoundaryOptions = {},
): Candle[] {
  return fromColumns(aggregateMinutes(toColumns(minutes), interval, options));
}

/**
 * Every interval from one 1m series. Each interval is built from the longest one already built whose buckets
 * nest exactly inside it (5m → 15m → 1h → 4h, 1d from 1h when the day starts on the hour, 1w and 1M from 1d),
 * which reads far fewer rows than going back to the minutes each time and gives identical candles.
 */
export function aggregateAll(
  minutes: CandleColumns,
  options: BoundaryOptions = {},
): Record<CandleInterval, CandleColumns> {
  const built = new Map<CandleInterval, CandleColumns>([['1m', minutes]]);
  for (const interval of CANDLE_INTERVALS) {
    if (interval === '1m') continue;
    let from: CandleInterval = '1m';
    // Intervals are built shortest first, so a later candidate that nests is a longer (fewer rows) source.
    for (const [candidate] of built) if (nestsIn(candidate, interval, options)) from = candidate;
    built.set(interval, aggregateColumns(built.get(from)!, intervalBuckets(interval, options)));
  }
  return Object.fromEntries(built) as Record<CandleInterval, CandleColumns>;
}
