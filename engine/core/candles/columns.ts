/**
 * Candles as parallel typed arrays. A year of 1m candles is half a million objects as `Candle[]`; as columns
 * it is six flat arrays that read, aggregate and copy without allocating per candle. Float64Array holds every
 * integer up to 2^53 exactly, which covers every price, size and ms timestamp here.
 */
import type { Candle } from '../market-data/types';

export interface CandleColumns {
  length: number;
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export function allocColumns(capacity: number): CandleColumns {
  return {
    length: 0,
    openTime: new Float64Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
  };
}

/** Views of the first `length` entries (no copy), so a result does not expose its spare capacity. */
export function trimColumns(c: CandleColumns, length = c.length): CandleColumns {
  return {
    length,
    openTime: c.openTime.subarray(0, length),
    open: c.open.subarray(0, length),
    high: c.high.subarray(0, length),
    low: c.low.subarray(0, length),
    close: c.close.subarray(0, length),
    volume: c.volume.subarray(0, length),
  };
}

/** Checks that a candle holds safe integers with low ≤ open, close ≤ high and volume ≥ 0; returns why not. */
export function candleProblem(c: Candle): string | undefined {
  for (const key of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const) {
    if (!Number.isSafeInteger(c[key])) return `${key} is not a safe integer (${String(c[key])})`;
  }
  if (c.low < 0) return `low is negative (${c.low})`;
  if (c.volume < 0) return `volume is negative (${c.volume})`;
  if (c.low > Math.min(c.open, c.close) || c.high < Math.max(c.open, c.close)) {
    return `prices out of order (o ${c.open} h ${c.high} l ${c.low} c ${c.close})`;
  }
  return undefined;
}

/**
 * Candles (oldest first, strictly increasing openTime) to columns. Throws on a candle that is not valid or out
 * of order, since every aggregation downstream relies on both.
 */
export function toColumns(candles: readonly Candle[]): CandleColumns {
  const out = allocColumns(candles.length);
  let prev = -Infinity;
  for (let i = 0; i < candles.length; i++) {
    const c = candles[i];
    const problem = candleProblem(c);
    if (problem) throw new RangeError(`candle ${i} (openTime ${c.openTime}): ${problem}`);
    if (c.openTime <= prev) throw new RangeError(`candle ${i} (openTime ${c.openTime}) is not after the one before it`);
    prev = c.openTime;
    out.openTime[i] = c.openTime;
    out.open[i] = c.open;
    out.high[i] = c.high;
    out.low[i] = c.low;
    out.close[i] = c.close;
    out.volume[i] = c.volume;
  }
  out.length = candles.length;
  return out;
}

export function fromColumns(c: CandleColumns): Candle[] {
  const out: Candle[] = new Array(c.length);
  for (let i = 0; i < c.length; i++) {
    out[i] = {
      openTime: c.openTime[i],
      open: c.open[i],
      high: c.high[i],
      low: c.low[i],
      close: c.close[i],
      volume: c.volume[i],
    };
  }
  return out;
}
