/**
 * Seeded synthetic 1m candles for benchmarks and tests: a random walk with quiet minutes left as gaps.
 * Deterministic for a given seed, so a benchmark measures the same data every run. Not market data.
 */
import { mulberry32 } from '../random/prng';
import type { Candle } from '../market-data/types';
import { MINUTE_MS } from './intervals';

export interface SyntheticMinutesOptions {
  seed?: number;
  /** First minute's open time (whole minute, ms UTC). */
  from: number;
  minutes: number;
  startPrice?: number;
  /** Share of minutes without a trade (no candle), 0–1. */
  gapRate?: number;
}

export function syntheticMinutes(options: SyntheticMinutesOptions): Candle[] {
  const rand = mulberry32(options.seed ?? 1);
  const gapRate = options.gapRate ?? 0.02;
  let price = options.startPrice ?? 140_000_000;
  const out: Candle[] = [];
  for (let i = 0; i < options.minutes; i++) {
    const step = Math.round((rand() - 0.5) * price * 0.002);
    if (rand() < gapRate) continue;
    const open = price;
    const close = Math.max(1, open + step);
    const high = Math.max(open, close) + Math.round(rand() * price * 0.0005);
    const low = Math.max(0, Math.min(open, close) - Math.round(rand() * price * 0.0005));
    out.push({ openTime: options.from + i * MINUTE_MS, open, high, low, close, volume: Math.round(rand() * 5e8) });
    price = close;
  }
  return out;
}
