import { describe, expect, it } from 'vitest';
import type { EquityFlow } from '@protocol/api';
import { equitySeries, flowMarks } from './equity-curve';
import { durationParts } from './time';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 1);
const grant = (ts: number, asset: string, value: number): EquityFlow => ({
  ts,
  kind: 'grant',
  asset,
  amount: value,
  value,
});

describe('the equity curve of a profile', () => {
  it('starts at the first funded mark and prefers the hourly points where both resolutions cover a time', () => {
    const points = equitySeries({
      daily: [
        { ts: T0 - 24 * H, equity: 0 },
        { ts: T0, equity: 5 },
      ],
      hourly: [
        { ts: T0, equity: 20_000_000 },
        { ts: T0 + H, equity: 21_000_000 },
      ],
      flows: [],
    });
    expect(points).toEqual([
      { time: T0 / 1000, value: 20_000_000 },
      { time: (T0 + H) / 1000, value: 21_000_000 },
    ]);
  });

  it('marks each flow on the first point after it, summed per point, and leaves out flows not marked yet', () => {
    const points = [T0, T0 + H, T0 + 2 * H].map((ts, i) => ({ time: ts / 1000, value: 10_000_000 * (i + 1) }));
    const signUp = T0 - 10 * 60_000;
    const marks = flowMarks(points, [
      grant(signUp, 'KRW', 10_000_000),
      grant(signUp, 'LPJ', 10_000_000),
      // A flow at exactly a mark's time is after that mark: it shows in the next point.
      { ts: T0 + H, kind: 'allocation', asset: 'KRW', amount: -2_000_000, value: -2_000_000 },
      { ts: T0 + 2 * H + 1, kind: 'deposit', asset: 'KRW', amount: 5, value: 5 },
    ]);
    expect(marks.map((m) => [m.time, m.value, m.flows.length])).toEqual([
      [T0 / 1000, 20_000_000, 2],
      [(T0 + 2 * H) / 1000, -2_000_000, 1],
    ]);
    expect(flowMarks([], [grant(T0, 'KRW', 1)])).toEqual([]);
  });
});

describe('durations in words', () => {
  it('uses the largest whole unit', () => {
    expect(durationParts(86_400_000)).toEqual({ n: 1, unit: 'day' });
    expect(durationParts(2 * 86_400_000)).toEqual({ n: 2, unit: 'day' });
    expect(durationParts(36 * H)).toEqual({ n: 36, unit: 'hour' });
    expect(durationParts(90 * 60_000)).toEqual({ n: 90, unit: 'minute' });
    expect(durationParts(1_500)).toEqual({ n: 1, unit: 'second' });
    expect(durationParts(0)).toEqual({ n: 0, unit: 'second' });
  });
});
