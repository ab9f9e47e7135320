/**
 * formatUnits is what every amount a user reads goes through (UI, exports, notifications): it must print the
 * exact value, never a larger one, whatever the magnitude.
 */
import { describe, expect, it } from 'vitest';
import { formatUnits, groupDigits } from './units';

describe('formatUnits', () => {
  it('prints minimal units as the shortest exact decimal, grouped unless told not to', () => {
    expect(formatUnits(150_000_000, 8)).toBe('1.5');
    expect(formatUnits(5, 8)).toBe('0.00000005');
    expect(formatUnits(123_456_789_000, 2)).toBe('1,234,567,890');
    expect(formatUnits(123_456_789_012, 2, { group: false })).toBe('1234567890.12');
    expect(formatUnits(-125, 1)).toBe('-12.5');
    expect(formatUnits(0, 8)).toBe('0');
  });

  it('cuts digits beyond maxFraction toward zero and pads to minFraction', () => {
    expect(formatUnits(199_999_999, 8, { maxFraction: 2 })).toBe('1.99');
    expect(formatUnits(-1, 8, { maxFraction: 2 })).toBe('0');
    expect(formatUnits(42, 0, { minFraction: 2 })).toBe('42.00');
    expect(formatUnits(6_700_012, 2, { group: false, minFraction: 8, maxFraction: 8 })).toBe('67000.12000000');
  });

  it('stays exact past 2^53, as a bigint or as an unsafe number', () => {
    expect(formatUnits(2n ** 64n + 1n, 8, { group: false })).toBe('184467440737.09551617');
    expect(formatUnits(2 ** 60, 0, { group: false })).toBe((2n ** 60n).toString());
  });

  it('groups digits with a sign', () => {
    expect(groupDigits('-1234567')).toBe('-1,234,567');
    expect(groupDigits('999')).toBe('999');
  });
});
