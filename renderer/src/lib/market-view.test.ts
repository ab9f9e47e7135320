import { describe, expect, it } from 'vitest';
import { windowTicker } from './market-view';

describe('the ticker over a window of candles', () => {
  const bars = [
    { open: 100, high: 120, low: 90, volume: 5 },
    { open: 110, high: 130, low: 105, volume: 7 },
  ];

  it('measures the change from the first open, and the range and volume over every candle', () => {
    expect(windowTicker(bars, 115)).toEqual({ last: 115, reference: 100, high: 130, low: 90, volume: 12n });
  });

  it('takes in a last price outside the candles, and volume traded since they were read', () => {
    expect(windowTicker(bars, 140, 3n)).toMatchObject({ high: 140, low: 90, volume: 15n });
    expect(windowTicker(bars, 80)).toMatchObject({ high: 130, low: 80 });
  });

  it('has no reference without candles, so no change is claimed', () => {
    expect(windowTicker([], 100)).toEqual({ last: 100, reference: 0, high: 100, low: 100, volume: 0n });
    expect(windowTicker([], 0)).toEqual({ last: 0, reference: 0, high: 0, low: 0, volume: 0n });
  });
});
