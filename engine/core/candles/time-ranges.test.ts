import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipRanges, mergeRanges, subtractRanges, type TimeRange } from './time-ranges';

const range = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }))
  .map(([a, b]): TimeRange => ({ from: Math.min(a, b), to: Math.max(a, b) }));
const covered = (rs: readonly TimeRange[], t: number) => rs.some((r) => t >= r.from && t < r.to);

describe('time ranges', () => {
  it('merge joins overlapping and touching ranges only', () => {
    expect(
      mergeRanges([
        { from: 5, to: 7 },
        { from: 0, to: 2 },
        { from: 2, to: 3 },
        { from: 6, to: 9 },
        { from: 4, to: 4 },
      ]),
    ).toEqual([
      { from: 0, to: 3 },
      { from: 5, to: 9 },
    ]);
  });

  it('missing = range minus known, point by point, sorted and disjoint', () => {
    fc.assert(
      fc.property(range, fc.array(range, { maxLength: 6 }), (want, known) => {
        const merged = mergeRanges(known);
        const missing = subtractRanges(want, merged);
        for (let t = 0; t <= 100; t++) {
          expect(covered(missing, t)).toBe(t >= want.from && t < want.to && !covered(known, t));
        }
        for (let i = 1; i < missing.length; i++) expect(missing[i].from).toBeGreaterThan(missing[i - 1].to);
        expect(clipRanges(merged, want).every((r) => r.from >= want.from && r.to <= want.to && r.to > r.from)).toBe(
          true,
        );
      }),
    );
  });
});
