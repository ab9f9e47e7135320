/**
 * Seeded synthetic 1m candles for benchmarks and tests: a random walk with quiet minutes left as gaps.
 * Deterministic for a given seed, so a benchmark measures the same data every run. Not market data.
 */
import type { Candle } from '../feed/types';
import { MINUTE_MS } from './intervals';

/** Small, fast, seedable PRNG (mulberry32); returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const rand = seededRandom(options.seed ?? 1);
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
