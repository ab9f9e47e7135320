/**
 * Candle intervals and their UTC boundaries. Every interval below a day starts on a multiple of its length
 * since the epoch (so 4h candles open at 00, 04, 08 … UTC); the daily candle opens at a configurable minute of
 * the UTC day (default 00:00 UTC, which is also 09:00 KST, where Upbit's daily candles start). The weekly candle
 * opens on Monday and the monthly one on the 1st, each at that same day-start minute (by default Monday and the
 * 1st at 00:00 UTC = 09:00 KST, as Upbit's weeks/months and Binance's 1w/1M klines do), so a week or a month
 * is always made of whole days. Months differ in length: their boundaries come from the calendar
 * (`intervalStart`, `nextIntervalStart`), never from adding a length.
 */
import type { CandleInterval } from '../market-data/types';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Every interval, shortest first. Session files store an interval as its index here: a new one goes at the end. */
export const CANDLE_INTERVALS: readonly CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d', '1w', '1M'];

/**
 * Each interval's length; a month's is its longest (31 days), an upper bound for sizing ranges and buffers.
 * Boundaries come from `intervalStart`/`nextIntervalStart`, which know the calendar.
 */
export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': DAY_MS,
  '1w': 7 * DAY_MS,
  '1M': 31 * DAY_MS,
};

/** 1970-01-01 was a Thursday: Mondays fall 4 days past multiples of a week since the epoch. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;

export interface BoundaryOptions {
  /** Minute of the UTC day at which the daily candle opens, 0–1439 (default 0 = 00:00 UTC). */
  dayStartMinute?: number;
}

export function isCandleInterval(value: unknown): value is CandleInterval {
  return typeof value === 'string' && (CANDLE_INTERVALS as readonly string[]).includes(value);
}

/** The day-start minute in ms past 00:00 UTC (validated). */
function dayOffsetMs(options: BoundaryOptions): number {
  const minute = options.dayStartMinute ?? 0;
  if (!Number.isInteger(minute) || minute < 0 || minute >= 1440) {
    throw new RangeError(`dayStartMinute must be an integer 0–1439, got ${minute}`);
  }
  return minute * MINUTE_MS;
}

/**
 * Where the interval's boundaries sit relative to multiples of its length, in ms. For a month (no fixed
 * length) it is the day-start offset its 1st opens at.
 */
export function intervalOffsetMs(interval: CandleInterval, options: BoundaryOptions = {}): number {
  if (interval === '1d' || interval === '1M') return dayOffsetMs(options);
  if (interval === '1w') return MONDAY_OFFSET_MS + dayOffsetMs(options);
  return 0;
}

/** Start of the bucket of length `lengthMs` (shifted by `offsetMs`) that contains `time`. */
export function bucketStart(time: number, lengthMs: number, offsetMs = 0): number {
  const r = (time - offsetMs) % lengthMs;
  return time - (r < 0 ? r + lengthMs : r);
}

/** Start of the month (its 1st at the day-start offset) that contains `time`. */
function monthStart(time: number, offsetMs: number): number {
  const d = new Date(time - offsetMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) + offsetMs;
}

/** Start of the candle of `interval` that contains `time`. */
export function intervalStart(time: number, interval: CandleInterval, options: BoundaryOptions = {}): number {
  const offset = intervalOffsetMs(interval, options);
  if (interval === '1M') return monthStart(time, offset);
  return bucketStart(time, INTERVAL_MS[interval], offset);
}

/** Start of the candle after the one opening at `start` (a candle's end). */
export function nextIntervalStart(start: number, interval: CandleInterval, options: BoundaryOptions = {}): number {
  if (interval !== '1M') return start + INTERVAL_MS[interval];
  const offset = intervalOffsetMs(interval, options);
  const d = new Date(start - offset);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) + offset;
}

/** Start of the candle `count` candles before the one containing `time` (a negative count: after it). */
export function intervalsBefore(
  time: number,
  interval: CandleInterval,
  count: number,
  options: BoundaryOptions = {},
): number {
  const start = intervalStart(time, interval, options);
  if (interval !== '1M') return start - count * INTERVAL_MS[interval];
  const offset = intervalOffsetMs(interval, options);
  const d = new Date(start - offset);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - count, 1) + offset;
}

/**
 * Start of the oldest candle, of any interval, that contains `time` (the week's or the month's, whichever began
 * first): live candles are seeded with the stored minutes from here, so every forming candle is whole.
 */
export function longestCandleStart(time: number, options: BoundaryOptions = {}): number {
  return Math.min(...CANDLE_INTERVALS.map((i) => intervalStart(time, i, options)));
}

/** How an aggregator cuts time into candles: the start of the bucket containing a time, and a bucket's end. */
export interface Buckets {
  start(time: number): number;
  end(start: number): number;
}

/** Buckets of a fixed length, `offsetMs` past its multiples since the epoch. */
export function fixedBuckets(lengthMs: number, offsetMs = 0): Buckets {
  return { start: (t) => bucketStart(t, lengthMs, offsetMs), end: (s) => s + lengthMs };
}

/** The buckets of an interval (calendar months for 1M). Validates the options once, up front. */
export function intervalBuckets(interval: CandleInterval, options: BoundaryOptions = {}): Buckets {
  const offset = intervalOffsetMs(interval, options);
  if (interval !== '1M') return fixedBuckets(INTERVAL_MS[interval], offset);
  return { start: (t) => monthStart(t, offset), end: (s) => nextIntervalStart(s, '1M', options) };
}

/**
 * Whether every candle of `inner` lies inside one candle of `outer` (so `outer` can be built from `inner`):
 * the lengths divide and the boundaries agree. A month is made of whole days, so what nests in 1d nests in 1M.
 */
export function nestsIn(inner: CandleInterval, outer: CandleInterval, options: BoundaryOptions = {}): boolean {
  if (inner === '1M' || inner === outer) return false;
  const target = outer === '1M' ? '1d' : outer;
  if (inner === target) return true;
  const l = INTERVAL_MS[inner];
  const diff = intervalOffsetMs(target, options) - intervalOffsetMs(inner, options);
  return INTERVAL_MS[target] % l === 0 && diff % l === 0;
}

export function isMinuteAligned(time: number): boolean {
  return Number.isSafeInteger(time) && time % MINUTE_MS === 0;
}
