import { describe, expect, it } from 'vitest';
import {
  DecimalError,
  formatFixedUnits,
  formatUnitsTrimmed,
  numberToUnits,
  parseDecimalUnits,
  toUnits,
} from './decimal';

describe('parseDecimalUnits', () => {
  it('reads exchange decimal text exactly', () => {
    expect(parseDecimalUnits('67000.12000000', 2)).toBe(6_700_012);
    expect(parseDecimalUnits('0.00012345', 8)).toBe(12_345);
    expect(parseDecimalUnits('100', 8)).toBe(10_000_000_000);
    expect(parseDecimalUnits('0.29', 2)).toBe(29); // 0.29 * 100 = 28.999999999999996 in floats
    expect(parseDecimalUnits('1.005', 3)).toBe(1005);
    expect(parseDecimalUnits('.5', 1)).toBe(5);
    expect(parseDecimalUnits('5.', 0)).toBe(5);
    expect(parseDecimalUnits('000123.4500', 2)).toBe(12_345);
    expect(parseDecimalUnits('0', 8)).toBe(0);
    expect(parseDecimalUnits('0.00000000', 8)).toBe(0);
    expect(parseDecimalUnits('-12.5', 1)).toBe(-125);
    expect(Object.is(parseDecimalUnits('-0.0', 2), 0)).toBe(true);
  });

  it('reads exponent notation', () => {
    expect(parseDecimalUnits('1e-7', 8)).toBe(10);
    expect(parseDecimalUnits('1.5E+3', 0)).toBe(1500);
    expect(parseDecimalUnits('2.5e-8', 9)).toBe(25);
    expect(parseDecimalUnits('12345e-4', 4)).toBe(12345);
    expect(() => parseDecimalUnits('1e21', 0)).toThrow(/too large/);
    expect(parseDecimalUnits('1e15', 0)).toBe(1e15);
  });

  it('rejects digits below the unit unless they are zeros (exact)', () => {
    expect(() => parseDecimalUnits('67000.123', 2)).toThrow(/more than 2 decimal places/);
    expect(() => parseDecimalUnits('1e-9', 8)).toThrow(DecimalError);
    expect(parseDecimalUnits('67000.1200000000000000', 2)).toBe(6_700_012);
  });

  it('rounds or truncates aggregates when asked', () => {
    expect(parseDecimalUnits('1234.5600000000002', 8, 'nearest')).toBe(123_456_000_000);
    expect(parseDecimalUnits('0.123456785', 8, 'nearest')).toBe(12_345_679);
    expect(parseDecimalUnits('0.123456784999', 8, 'nearest')).toBe(12_345_678);
    expect(parseDecimalUnits('0.123456789', 8, 'down')).toBe(12_345_678);
    expect(parseDecimalUnits('-0.123456785', 8, 'nearest')).toBe(-12_345_679);
    expect(parseDecimalUnits('0.000000005', 8, 'nearest')).toBe(1);
    expect(parseDecimalUnits('0.000000004', 8, 'nearest')).toBe(0);
    expect(parseDecimalUnits('9.999999999', 8, 'nearest')).toBe(1_000_000_000);
  });

  it('rejects malformed text', () => {
    for (const bad of [
      '',
      '-',
      '.',
      'abc',
      '1.2.3',
      '1,5',
      ' 1',
      '1 ',
      '0x10',
      '1e',
      '1e+',
      'NaN',
      'Infinity',
      '1e5x',
      '--1',
    ]) {
      expect(() => parseDecimalUnits(bad, 8), bad).toThrow(DecimalError);
    }
  });

  it('refuses results that are not exact integers', () => {
    expect(() => parseDecimalUnits('90071992547.40993', 8)).toThrow(/too large/);
    expect(() => parseDecimalUnits('1e300', 0)).toThrow(/too large/);
    expect(parseDecimalUnits('90071992.54740991', 8)).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('numberToUnits', () => {
  it('converts JSON numbers through their shortest text', () => {
    expect(numberToUnits(0.00012345, 8)).toBe(12_345);
    expect(numberToUnits(1e-7, 8)).toBe(10);
    expect(numberToUnits(11436000.0, 0)).toBe(11_436_000);
    expect(numberToUnits(0.1 + 0.2, 8, 'nearest')).toBe(30_000_000); // 0.30000000000000004
    expect(() => numberToUnits(0.1 + 0.2, 8)).toThrow(DecimalError);
    expect(numberToUnits(1.48642105, 8)).toBe(148_642_105);
    expect(numberToUnits(95_000_000, 0)).toBe(95_000_000);
    expect(numberToUnits(3, 8)).toBe(300_000_000);
    expect(() => numberToUnits(Number.NaN, 2)).toThrow(DecimalError);
    expect(() => numberToUnits(Infinity, 2)).toThrow(DecimalError);
    expect(() => numberToUnits(1e16, 8)).toThrow(/too large/);
  });

  it('agrees with text parsing on many random 8-decimal values', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const units = Math.floor(rnd() * 1e13);
      const text = formatFixedUnits(units, 8);
      expect(parseDecimalUnits(text, 8)).toBe(units);
      expect(numberToUnits(Number(text), 8)).toBe(units);
    }
  });

  it('toUnits accepts only numbers and text', () => {
    expect(toUnits('1.5', 1)).toBe(15);
    expect(toUnits(1.5, 1)).toBe(15);
    expect(() => toUnits(null, 1)).toThrow(DecimalError);
    expect(() => toUnits(true, 1)).toThrow(DecimalError);
  });
});

describe('formatFixedUnits', () => {
  it('writes units back as decimal text', () => {
    expect(formatFixedUnits(6_700_012, 2, 8)).toBe('67000.12000000');
    expect(formatFixedUnits(5, 8)).toBe('0.00000005');
    expect(formatFixedUnits(-125, 1)).toBe('-12.5');
    expect(formatFixedUnits(42, 0, 2)).toBe('42.00');
    expect(formatUnitsTrimmed(148_642_100, 8)).toBe('1.486421');
    expect(formatUnitsTrimmed(300_000_000, 8)).toBe('3');
  });
});
