import { describe, expect, it } from 'vitest';
import { DEFAULT_FAIR_VALUE, FairValue } from './fair-value';
import { seedToU32, streamPrng } from './seeds';

const walk = (config: Partial<typeof DEFAULT_FAIR_VALUE>, tick: number, start: number, steps: number, seed = 1) => {
  const fv = new FairValue(
    { ...DEFAULT_FAIR_VALUE, followLastPrice: 0, ...config },
    tick,
    start,
    streamPrng(seedToU32(seed), 0),
  );
  return Array.from({ length: steps }, () => fv.step(undefined));
};

describe('FairValue', () => {
  it('moves in whole ticks and never below its floor', () => {
    const prices = walk({ volatilityBps: 200, jumpProbability: 0.05, floorPrice: 9_990 }, 5, 10_000, 5000);
    expect(prices.every((p) => Number.isSafeInteger(p) && p % 5 === 0 && p >= 9_990)).toBe(true);
    expect(prices.filter((p) => p === 9_990).length).toBeGreaterThan(0); // it did press against the floor
    expect(new Set(prices).size).toBeGreaterThan(50);
  });

  it('still moves when one step is worth less than a tick', () => {
    // 1 bp of 100 is a hundredth of a tick: rounding to nearest would freeze the price.
    const prices = walk({ volatilityBps: 1, jumpProbability: 0 }, 1, 100, 20_000);
    expect(new Set(prices).size).toBeGreaterThan(3);
  });

  it('jumps: with jumps on, some single steps are far larger than the volatility allows', () => {
    const steps = (prices: number[]) => prices.slice(1).map((p, i) => Math.abs(p - prices[i]));
    const calm = Math.max(...steps(walk({ volatilityBps: 2, jumpProbability: 0 }, 1, 100_000, 3000)));
    const jumpy = Math.max(
      ...steps(walk({ volatilityBps: 2, jumpProbability: 0.01, jumpMinBps: 100, jumpMaxBps: 200 }, 1, 100_000, 3000)),
    );
    expect(calm).toBeLessThan(100); // 2 bp of 100,000 is 20; four uniforms never reach 3.5 sd
    expect(jumpy).toBeGreaterThanOrEqual(900);
  });

  it('leans toward the last traded price when told to', () => {
    const fv = new FairValue(
      { ...DEFAULT_FAIR_VALUE, volatilityBps: 0, jumpProbability: 0, followLastPrice: 0.5 },
      1,
      10_000,
      streamPrng(1, 0),
    );
    for (let i = 0; i < 20; i++) fv.step(11_000);
    expect(fv.price).toBeGreaterThan(10_990);
    expect(fv.price).toBeLessThanOrEqual(11_000);
  });

  it('is the same walk for the same seed, and another for another seed', () => {
    expect(walk({}, 1, 10_000, 500, 7)).toEqual(walk({}, 1, 10_000, 500, 7));
    expect(walk({}, 1, 10_000, 500, 8)).not.toEqual(walk({}, 1, 10_000, 500, 7));
    expect(seedToU32('7')).not.toBe(seedToU32(7));
  });
});
