import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatShare, shares } from './allocation';

describe('allocation shares', () => {
  it('splits by value and gives the leftover points to the largest remainders', () => {
    // 1/3 each: 3,333 + 3,333 + 3,333 = 9,999; the point left goes to the first of the equal remainders.
    expect(shares([1n, 1n, 1n])).toEqual([3_334, 3_333, 3_333]);
    // 2/3 = 6,666.67 and 1/3 = 3,333.33: the larger remainder takes the point.
    expect(shares([2n, 1n])).toEqual([6_667, 3_333]);
    expect(shares([10_000_000n, 0n])).toEqual([10_000, 0]);
  });

  it('has no shares of nothing, and counts nothing negative', () => {
    expect(shares([])).toEqual([]);
    expect(shares([0n, 0n])).toEqual([0, 0]);
    expect(shares([-5n, 5n])).toEqual([0, 10_000]);
  });

  it('always adds up to 100.00 % of a positive total, exactly, at any size', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { minLength: 1, maxLength: 20 }), (values) => {
        const s = shares(values);
        const total = values.reduce((a, b) => a + b, 0n);
        expect(s.reduce((a, b) => a + b, 0)).toBe(total > 0n ? 10_000 : 0);
        s.forEach((x) => expect(x).toBeGreaterThanOrEqual(0));
      }),
    );
  });

  it('writes basis points as a percentage', () => {
    expect(formatShare(10_000)).toBe('100.00%');
    expect(formatShare(1_234)).toBe('12.34%');
    expect(formatShare(5)).toBe('0.05%');
  });
});
