/**
 * Candle intervals and their UTC boundaries. Every interval below a day starts on a multiple of its length
 * since the epoch (so 4h candles open at 00, 04, 08 … UTC); the daily candle opens at a configurable minute of
 * the UTC day (default 00:00 UTC, which is also 09:00 KST, where Upbit's daily candles start).
 */
import type { CandleInterval } from '../market-data/types';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** Every interval, shortest first. */
export const CANDLE_INTERVALS: readonly CandleInterval[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': DAY_MS,
};

export interface BoundaryOptions {
  /** Minute of the UTC day at which the daily candle opens, 0–1439 (default 0 = 00:00 UTC). */
  dayStartMinute?: number;
}

export function isCandleInterval(value: unknown): value is CandleInterval {
  return typeof value === 'string' && (CANDLE_INTERVALS as readonly string[]).includes(value);
}

/** Where the interval's boundaries sit relative to multiples of its length, in ms. */
export function intervalOffsetMs(interval: CandleInterval, options: BoundaryOptions = {}): number {
  if (interval !== '1d') return 0;
  const minute = options.dayStartMinute ?? 0;
  if (!Number.isInteger(minute) || minute < 0 || minute >= 1440) {
    throw new RangeError(`dayStartMinute must be an integer 0–1439, got ${minute}`);
  }
  return minute * MINUTE_MS;
}

/** Start of the bucket of length `lengthMs` (shifted by `offsetMs`) that contains `time`. */
export function bucketStart(time: number, lengthMs: number, offsetMs = 0): number {
  const r = (time - offsetMs) % lengthMs;
  return time - (r < 0 ? r + lengthMs : r);
}

/** Start of the candle of `interval` that contains `time`. */
export function intervalStart(time: number, interval: CandleInterval, options: BoundaryOptions = {}): number {
  return bucketStart(time, INTERVAL_MS[interval], intervalOffsetMs(interval, options));
}

export function isMinuteAligned(time: number): boolean {
  return Number.isSafeInteger(time) && time % MINUTE_MS === 0;
}
