import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cumulate, depthWindow, readingAt, stepOutline, xOf } from './depth';
import type { Level } from './market-view';

/** The practice market's units: whole-won prices and amounts, 1e-8 LPJ sizes. */
const LPJ = { priceDecimals: 0, sizeDecimals: 8, quoteDecimals: 0 };
const COIN = 100_000_000;

const bids: Level[] = [
  [99_900, 2 * COIN],
  [99_800, 1 * COIN],
  [99_500, 5 * COIN],
];
const asks: Level[] = [
  [100_100, 1 * COIN],
  [100_300, 3 * COIN],
  [101_000, 4 * COIN],
];

describe('cumulate', () => {
  it('sums amounts and values from the best price outwards, as the book cumulative column does', () => {
    expect(cumulate(bids, LPJ)).toEqual([
      { price: 99_900, cumulative: 2 * COIN, value: 199_800n },
      { price: 99_800, cumulative: 3 * COIN, value: 299_600n },
      { price: 99_500, cumulative: 8 * COIN, value: 797_100n },
    ]);
  });

  it('floors each level’s value as the engines do and stays exact where floats would not', () => {
    // 0.00000001 LPJ at 99,999 won is 0.00099999 won: nothing, level by level.
    expect(cumulate([[99_999, 1]], LPJ)[0].value).toBe(0n);
    const big = cumulate(
      [
        [9_000_000_000, 900_000_000_000],
        [8_999_999_999, 900_000_000_000],
      ],
      LPJ,
    );
    expect(big[1].value).toBe(81_000_000_000_000n + 80_999_999_991_000n);
  });
});

describe('depthWindow', () => {
  it('centres on the mid and reaches as far as the shallower side', () => {
    const w = depthWindow(cumulate(bids, LPJ), cumulate(asks, LPJ))!;
    expect(w.mid).toBe(100_000);
    // Bids reach 500 below the mid, asks 1,000 above: the window is ±500.
    expect([w.low, w.high]).toEqual([99_500, 100_500]);
    // The 101,000 ask is outside: the scale tops at the deepest amount inside (bids' 8 LPJ).
    expect(w.maxCumulative).toBe(8 * COIN);
  });

  it('has a window for one-sided, one-level and empty books', () => {
    expect(depthWindow([], [])).toBeNull();
    const onlyBids = depthWindow(cumulate(bids, LPJ), [])!;
    expect(onlyBids.mid).toBe(99_900);
    expect(onlyBids.low).toBe(99_500);
    const lone = depthWindow(cumulate([[100, 5]], LPJ), [])!;
    expect(lone.high).toBeGreaterThan(lone.low);
  });
});

describe('stepOutline', () => {
  const plot = { width: 200, height: 100 };
  it('steps up at each level inside the window and closes on the baseline at the edge', () => {
    const b = cumulate(bids, LPJ);
    const a = cumulate(asks, LPJ);
    const w = depthWindow(b, a)!;
    const pts = stepOutline(a, 'ask', w, plot);
    expect(pts[0]).toEqual([xOf(w, plot, 100_100), 100]);
    expect(pts[pts.length - 1]).toEqual([200, 100]);
    // 101,000 is outside the window: the outline holds 4 LPJ from 100,300 to the edge.
    expect(pts.at(-2)).toEqual([200, 100 - (4 / 8) * 100]);
    const bidPts = stepOutline(b, 'bid', w, plot);
    expect(bidPts.at(-1)).toEqual([0, 100]);
    for (const [x, y] of [...pts, ...bidPts]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(200);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(100);
    }
  });
});

describe('readingAt', () => {
  const b = cumulate(bids, LPJ);
  const a = cumulate(asks, LPJ);
  it('reads the book’s cumulative amount of the level that holds at a price', () => {
    expect(readingAt(b, a, 100_000, 99_800)).toEqual({ side: 'bid', ...b[1] });
    expect(readingAt(b, a, 100_000, 99_700)).toEqual({ side: 'bid', ...b[1] });
    expect(readingAt(b, a, 100_000, 99_950)).toEqual({ side: 'bid', ...b[0] });
    expect(readingAt(b, a, 100_000, 99_000)).toEqual({ side: 'bid', ...b[2] });
    expect(readingAt(b, a, 100_000, 100_200)).toEqual({ side: 'ask', ...a[0] });
    expect(readingAt(b, a, 100_000, 100_300)).toEqual({ side: 'ask', ...a[1] });
    expect(readingAt([], a, 100_000, 99_000)).toBeNull();
  });

  it('agrees with a sum over the levels at least as good as the price, for any book', () => {
    const level = fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 10 * COIN }));
    fc.assert(
      fc.property(
        fc.array(level, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (raw, at) => {
          // Bids best first: distinct prices, descending.
          const seen = new Map<number, number>();
          for (const [p, q] of raw) seen.set(p, q);
          const levels = [...seen.entries()].sort((x, y) => y[0] - x[0]) as Level[];
          const steps = cumulate(levels, LPJ);
          const r = readingAt(steps, [], Number.MAX_SAFE_INTEGER, at)!;
          const holding = levels.filter(([p]) => p >= r.price);
          expect(r.cumulative).toBe(holding.reduce((s, [, q]) => s + q, 0));
          // It is the level at or above the price nearest to it (or the best one, above them all).
          if (at <= levels[0][0]) expect(levels.some(([p]) => p >= at && p < r.price)).toBe(false);
          else expect(r.price).toBe(levels[0][0]);
        },
      ),
    );
  });
});
