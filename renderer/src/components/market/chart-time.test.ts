import { describe, expect, it } from 'vitest';
import { crosshairTimeText, tickMarkText } from './chart-time';

// 2026-03-05 07:08:09 UTC, as the chart's (already shifted) seconds.
const t = Date.UTC(2026, 2, 5, 7, 8, 9) / 1000;

describe('chart time labels', () => {
  it('writes each tick mark type', () => {
    expect(tickMarkText(t, 0, 'en')).toBe('2026');
    expect(tickMarkText(t, 1, 'en')).toBe('Mar');
    expect(tickMarkText(t, 1, 'ko')).toBe('3월');
    expect(tickMarkText(t, 2, 'en')).toBe('5');
    expect(tickMarkText(t, 3, 'en')).toBe('07:08');
    expect(tickMarkText(t, 4, 'en')).toBe('07:08:09');
  });

  it('writes the crosshair time as the library does by default', () => {
    expect(crosshairTimeText(t, 'en')).toBe("05 Mar '26   07:08");
    expect(crosshairTimeText(t, 'ko')).toBe("05 3월 '26   07:08");
  });
});
