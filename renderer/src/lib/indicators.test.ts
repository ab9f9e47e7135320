import { describe, expect, it } from 'vitest';
import { bollinger, bollingerLast, ema, emaLast, macd, macdLast, rsi, rsiLast, sma, smaLast } from './indicators';

const nan = NaN;

describe('moving averages', () => {
  it('SMA: the mean of the last `period` closes, none before', () => {
    expect(sma([1, 2, 3, 4, 5], 3)).toEqual([nan, nan, 2, 3, 4]);
    expect(smaLast([1, 2, 3, 4, 5], 3)).toBe(4);
  });

  it('EMA: seeded with the SMA, then each close weighs 2 / (period + 1)', () => {
    // Seed (2 + 4 + 6) / 3 = 4; k = 0.5: 4 + 0.5 × (8 − 4) = 6; 6 + 0.5 × (4 − 6) = 5.
    expect(ema([2, 4, 6, 8, 4], 3)).toEqual([nan, nan, 4, 6, 5]);
    expect(emaLast([2, 4, 6, 8, 4], 3)).toBe(5);
  });

  it('short series and flat prices', () => {
    expect(sma([5, 5], 3)).toEqual([nan, nan]);
    expect(ema([5, 5], 3)).toEqual([nan, nan]);
    expect(smaLast([5, 5], 3)).toBeNaN();
    expect(emaLast([], 3)).toBeNaN();
    expect(ema([7, 7, 7, 7], 2)).toEqual([nan, 7, 7, 7]);
  });
});

describe('Bollinger bands', () => {
  it('the SMA ± k population standard deviations', () => {
    // Window 1, 2, 3: mean 2, variance (1 + 0 + 1) / 3, sd √(2/3) ≈ 0.8165.
    const b = bollinger([1, 2, 3, 4, 5], 3, 2);
    expect(b.middle).toEqual([nan, nan, 2, 3, 4]);
    expect(b.upper[2]).toBeCloseTo(2 + 2 * Math.sqrt(2 / 3), 12);
    expect(b.lower[2]).toBeCloseTo(2 - 2 * Math.sqrt(2 / 3), 12);
    expect(bollingerLast([1, 2, 3, 4, 5], 3, 2)).toEqual({ middle: 4, upper: b.upper[4], lower: b.lower[4] });
  });

  it('close on a flat price and absent on a short series', () => {
    expect(bollingerLast([9, 9, 9], 3, 2)).toEqual({ middle: 9, upper: 9, lower: 9 });
    expect(bollingerLast([9, 9], 3, 2)).toBeUndefined();
    expect(bollinger([9], 3, 2).upper).toEqual([nan]);
  });
});

describe('RSI', () => {
  it("Wilder's smoothing", () => {
    // Changes +1, −1: average gain 0.5, loss 0.5 → 50. Then +1: gain (0.5 + 1) / 2 = 0.75, loss 0.25 → 75.
    expect(rsi([1, 2, 1, 2], 2)).toEqual([nan, nan, 50, 75]);
    expect(rsiLast([1, 2, 1, 2], 2)).toBe(75);
  });

  it('reads 100 on a flat or only-rising stretch (no loss), 0 on only falling, nothing on a short series', () => {
    expect(rsi([3, 3, 3, 3], 2)).toEqual([nan, nan, 100, 100]);
    expect(rsiLast([3, 2, 1], 2)).toBe(0);
    expect(rsi([1, 2], 2)).toEqual([nan, nan]);
    expect(rsiLast([1, 2], 2)).toBeNaN();
  });
});

describe('MACD', () => {
  it('EMA(fast) − EMA(slow), its EMA(signal), and their difference', () => {
    // EMA2 (k = 2/3): 1.5, 2.5, 3.5, 4.5, then 4.5 + 2/3 × (3 − 4.5) = 3.5.
    // EMA3 (k = 1/2): 2, 3, 4, then 4 + 1/2 × (3 − 4) = 3.5. The line: 0.5, 0.5, 0.5, 0.
    // Signal EMA2 of the line: seed 0.5 (index 3), 0.5, then 0.5 + 2/3 × (0 − 0.5) = 1/6.
    const m = macd([1, 2, 3, 4, 5, 3], 2, 3, 2);
    expect(m.macd.slice(0, 2)).toEqual([nan, nan]);
    expect(m.macd.slice(2)).toEqual([0.5, 0.5, 0.5, 0]);
    expect(m.signal.slice(0, 3)).toEqual([nan, nan, nan]);
    expect(m.signal[3]).toBe(0.5);
    expect(m.signal[5]).toBeCloseTo(1 / 6, 12);
    expect(m.histogram[5]).toBeCloseTo(-1 / 6, 12);
    expect(macdLast([1, 2, 3, 4, 5, 3], 2, 3, 2)).toEqual({
      macd: m.macd[5],
      signal: m.signal[5],
      histogram: m.histogram[5],
    });
  });

  it('is zero on a flat price and absent on a short series', () => {
    expect(macdLast([4, 4, 4, 4, 4, 4], 2, 3, 2)).toEqual({ macd: 0, signal: 0, histogram: 0 });
    expect(macdLast([4, 4], 2, 3, 2)).toBeUndefined();
    // The line has a value, the signal not yet.
    expect(macdLast([4, 4, 4], 2, 3, 2)).toEqual({ macd: 0, signal: nan, histogram: nan });
  });
});

describe('the last values agree with the series', () => {
  it('on a long wandering series', () => {
    let x = 1000;
    const closes = Array.from({ length: 700 }, (_, i) => (x += Math.sin(i * 1.7) * 13 + Math.cos(i * 0.31) * 5));
    const last = <T>(a: T[]) => a[a.length - 1];
    expect(emaLast(closes, 21)).toBe(last(ema(closes, 21)));
    expect(rsiLast(closes, 14)).toBe(last(rsi(closes, 14)));
    const b = bollinger(closes, 20, 2);
    expect(bollingerLast(closes, 20, 2)).toEqual({
      middle: last(b.middle),
      upper: last(b.upper),
      lower: last(b.lower),
    });
    const m = macd(closes, 12, 26, 9);
    expect(macdLast(closes, 12, 26, 9)).toEqual({
      macd: last(m.macd),
      signal: last(m.signal),
      histogram: last(m.histogram),
    });
    expect(smaLast(closes, 30)).toBeCloseTo(last(sma(closes, 30)), 9);
  });
});
