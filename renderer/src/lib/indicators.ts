/**
 * Chart studies. These are plotted, never booked: floating point is fine here, unlike for balances.
 * Each series function returns one value per input (NaN until enough data), so index i lines up with candle i.
 * Each `…Last` function gives the same number as the series' last element without building the series (a live
 * candle updates it up to every frame): the same arithmetic in the same order, no arrays allocated.
 */

/** Simple moving average of `period` values. */
export function sma(values: readonly number[], period: number): number[] {
  const out = new Array<number>(values.length).fill(NaN);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= period) sum -= values[i - period];
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/** The SMA of the last `period` values (summed afresh, so it may differ from sma()'s running sum in the last bits). */
export function smaLast(values: readonly number[], period: number): number {
  const n = values.length;
  if (n < period) return NaN;
  let sum = 0;
  for (let i = n - period; i < n; i++) sum += values[i];
  return sum / period;
}

/**
 * Exponential moving average: seeded with the SMA of the first `period` values, then each value weighs
 * 2 / (period + 1). NaN values at the start (another study's warm-up) are skipped: the seed is the first
 * `period` values that are numbers.
 */
export function ema(values: readonly number[], period: number): number[] {
  const out = new Array<number>(values.length).fill(NaN);
  emaWalk(values, period, (i, v) => (out[i] = v));
  return out;
}

export function emaLast(values: readonly number[], period: number): number {
  let last = NaN;
  emaWalk(values, period, (i, v) => {
    if (i === values.length - 1) last = v;
  });
  return last;
}

function emaWalk(values: readonly number[], period: number, emit: (i: number, v: number) => void): void {
  const k = 2 / (period + 1);
  let seen = 0;
  let sum = 0;
  let prev = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (seen < period) {
      sum += v;
      seen++;
      if (seen === period) emit(i, (prev = sum / period));
      continue;
    }
    prev = prev + k * (v - prev);
    emit(i, prev);
  }
}

export interface Bands {
  middle: number;
  upper: number;
  lower: number;
}

/** Bollinger bands: the SMA of `period` closes ± `deviations` population standard deviations of them. */
export function bollinger(
  values: readonly number[],
  period: number,
  deviations: number,
): { middle: number[]; upper: number[]; lower: number[] } {
  const n = values.length;
  const middle = new Array<number>(n).fill(NaN);
  const upper = new Array<number>(n).fill(NaN);
  const lower = new Array<number>(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    const b = bandsAt(values, i, period, deviations);
    middle[i] = b.middle;
    upper[i] = b.upper;
    lower[i] = b.lower;
  }
  return { middle, upper, lower };
}

export function bollingerLast(values: readonly number[], period: number, deviations: number): Bands | undefined {
  return values.length < period ? undefined : bandsAt(values, values.length - 1, period, deviations);
}

function bandsAt(values: readonly number[], i: number, period: number, deviations: number): Bands {
  let sum = 0;
  for (let j = i - period + 1; j <= i; j++) sum += values[j];
  const mean = sum / period;
  let squares = 0;
  for (let j = i - period + 1; j <= i; j++) squares += (values[j] - mean) ** 2;
  const sd = Math.sqrt(squares / period);
  return { middle: mean, upper: mean + deviations * sd, lower: mean - deviations * sd };
}

/** Relative strength index with Wilder's smoothing (the usual RSI 14). A flat stretch (no loss) reads 100. */
export function rsi(closes: readonly number[], period = 14): number[] {
  const out = new Array<number>(closes.length).fill(NaN);
  rsiWalk(closes, period, (i, v) => (out[i] = v));
  return out;
}

export function rsiLast(closes: readonly number[], period = 14): number {
  let last = NaN;
  rsiWalk(closes, period, (i, v) => {
    if (i === closes.length - 1) last = v;
  });
  return last;
}

function rsiWalk(closes: readonly number[], period: number, emit: (i: number, v: number) => void): void {
  if (closes.length <= period) return;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = closes[i] - closes[i - 1];
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  emit(period, loss === 0 ? 100 : 100 - 100 / (1 + gain / loss));
  for (let i = period + 1; i < closes.length; i++) {
    const d = closes[i] - closes[i - 1];
    gain = (gain * (period - 1) + Math.max(d, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-d, 0)) / period;
    emit(i, loss === 0 ? 100 : 100 - 100 / (1 + gain / loss));
  }
}

export interface MacdPoint {
  macd: number;
  signal: number;
  histogram: number;
}

/**
 * MACD: EMA(fast) − EMA(slow) of the closes (from the slow EMA's first value), its EMA(signal) as the signal
 * line, and their difference as the histogram (NaN until the signal has a value).
 */
export function macd(
  closes: readonly number[],
  fast: number,
  slow: number,
  signal: number,
): { macd: number[]; signal: number[]; histogram: number[] } {
  const f = ema(closes, fast);
  const s = ema(closes, slow);
  const line = f.map((v, i) => v - s[i]);
  const sig = ema(line, signal);
  return { macd: line, signal: sig, histogram: line.map((v, i) => v - sig[i]) };
}

export function macdLast(closes: readonly number[], fast: number, slow: number, signal: number): MacdPoint | undefined {
  // The three EMAs walked together, as macd() computes them one after another.
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  const kg = 2 / (signal + 1);
  let fSeen = 0;
  let fSum = 0;
  let fPrev = NaN;
  let sSeen = 0;
  let sSum = 0;
  let sPrev = NaN;
  let gSeen = 0;
  let gSum = 0;
  let gPrev = NaN;
  let line = NaN;
  for (let i = 0; i < closes.length; i++) {
    const v = closes[i];
    let fv = NaN;
    if (fSeen < fast) {
      fSum += v;
      if (++fSeen === fast) fv = fPrev = fSum / fast;
    } else fv = fPrev = fPrev + kf * (v - fPrev);
    let sv = NaN;
    if (sSeen < slow) {
      sSum += v;
      if (++sSeen === slow) sv = sPrev = sSum / slow;
    } else sv = sPrev = sPrev + ks * (v - sPrev);
    line = fv - sv;
    if (Number.isNaN(line)) continue;
    if (gSeen < signal) {
      gSum += line;
      if (++gSeen === signal) gPrev = gSum / signal;
      else gPrev = NaN;
    } else gPrev = gPrev + kg * (line - gPrev);
  }
  if (Number.isNaN(line)) return undefined;
  return { macd: line, signal: gPrev, histogram: line - gPrev };
}
