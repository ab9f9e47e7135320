/**
 * My fills per candle for the chart's marks: counted per minute and summed per candle of any timeframe, kept for
 * as long as the charts' minutes, and asked for through the host's front door, whose worst requests are refused
 * while my real fills (far more than the market view's latest 100) still come back as marks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../protocol/errors';
import { AppHost } from './app-host';
import { FillMinutes } from './fill-minutes';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 11, 7, 9, 0);

describe('FillMinutes', () => {
  it('sums my fills per candle and side, oldest first, buys before sells', () => {
    const f = new FillMinutes(7 * 24 * HOUR);
    f.add(T0 + 10, 'sell', T0);
    f.add(T0 + 20, 'buy', T0);
    f.add(T0 + MINUTE + 5, 'buy', T0);
    f.add(T0 + 2 * HOUR + 5, 'buy', T0);
    expect(f.marks('1m', T0)).toEqual({
      marks: [
        { time: T0, side: 'buy', count: 1 },
        { time: T0, side: 'sell', count: 1 },
        { time: T0 + MINUTE, side: 'buy', count: 1 },
        { time: T0 + 2 * HOUR, side: 'buy', count: 1 },
      ],
      through: T0 + 2 * HOUR + 5,
    });
    expect(f.marks('1h', T0).marks).toEqual([
      { time: T0, side: 'buy', count: 2 },
      { time: T0, side: 'sell', count: 1 },
      { time: T0 + 2 * HOUR, side: 'buy', count: 1 },
    ]);
    // Only the candles asked for: from the second minute, and before the second hour.
    expect(f.marks('1m', T0 + MINUTE, T0 + HOUR).marks).toEqual([{ time: T0 + MINUTE, side: 'buy', count: 1 }]);
    // A day's candle opens at midnight UTC, like the practice market's own daily candles.
    expect(f.marks('1d', 0).marks).toEqual([
      { time: Date.UTC(2026, 11, 7), side: 'buy', count: 3 },
      { time: Date.UTC(2026, 11, 7), side: 'sell', count: 1 },
    ]);
  });

  it('counts a fill stamped earlier than the last one (a clock set back) on its own minute', () => {
    const f = new FillMinutes(7 * 24 * HOUR);
    f.add(T0 + 5 * MINUTE, 'buy', T0);
    f.add(T0 + MINUTE, 'sell', T0);
    f.add(T0 + 5 * MINUTE + 1, 'buy', T0);
    expect(f.marks('1m', 0).marks).toEqual([
      { time: T0 + MINUTE, side: 'sell', count: 1 },
      { time: T0 + 5 * MINUTE, side: 'buy', count: 2 },
    ]);
  });

  it('keeps only the minutes of the kept span, and ignores a time that is not one', () => {
    const f = new FillMinutes(HOUR);
    f.add(T0, 'buy', T0);
    f.add(T0 + 30 * MINUTE, 'buy', T0 + 30 * MINUTE);
    f.add(T0 + 90 * MINUTE, 'sell', T0 + 90 * MINUTE);
    for (const ts of [Number.NaN, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, Infinity]) f.add(ts, 'buy', T0 + 90 * MINUTE);
    expect(f.marks('1m', 0).marks).toEqual([
      { time: T0 + 30 * MINUTE, side: 'buy', count: 1 },
      { time: T0 + 90 * MINUTE, side: 'sell', count: 1 },
    ]);
  });

  it('answers an empty or reversed range with no marks', () => {
    const f = new FillMinutes(HOUR);
    expect(f.marks('1M', 0)).toEqual({ marks: [], through: 0 });
    f.add(T0, 'buy', T0);
    expect(f.marks('1m', T0 + MINUTE, T0).marks).toEqual([]);
    expect(f.marks('1w', Number.MAX_SAFE_INTEGER).marks).toEqual([]);
  });
});

describe('practice.fillMarks', () => {
  const dirs: string[] = [];
  afterEach(() => {
    while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
  });

  it('refuses the worst requests, then marks every fill of mine, beyond the latest 100 the view carries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lpj-fill-marks-'));
    dirs.push(dir);
    const host = AppHost.open({ dataDir: dir, appVersion: '9.9.9', mode: 'web' });
    try {
      const bad: unknown[] = [
        null,
        {},
        { interval: '1m' },
        { interval: '1m', from: -1 },
        { interval: '1m', from: 1.5 },
        { interval: '1m', from: Number.MAX_SAFE_INTEGER + 2 },
        { interval: '1m', from: '0' },
        { interval: '1m', from: 0, before: -5 },
        { interval: '1m', from: 0, before: Number.NaN },
        { interval: '1y', from: 0 },
        { interval: '__proto__', from: 0 },
        { interval: '1m', from: 0, limit: 1e9 },
      ];
      for (const params of bad) {
        const err = await host.invoke('practice.fillMarks', params).catch((e: unknown) => e);
        expect(err, JSON.stringify(params)).toBeInstanceOf(ApiError);
        expect((err as ApiError).code).toBe('BAD_REQUEST');
      }
      // The widest honest request is answered, and the market still trades.
      expect(await host.invoke('practice.fillMarks', { interval: '1M', from: 0 })).toEqual({ marks: [], through: 0 });
      let fills = 0;
      for (let i = 0; fills < 120; i++) {
        const out = (await host.invoke('practice.place', {
          side: i % 2 ? 'sell' : 'buy',
          orderType: 'market',
          quantity: 20_000_000,
        })) as { status: string; fills: number };
        expect(out.status).toBe('accepted');
        fills += out.fills;
      }
      const state = (await host.invoke('practice.state', {})) as { fills: { ts: number }[] };
      expect(state.fills).toHaveLength(100);
      const { marks, through } = (await host.invoke('practice.fillMarks', { interval: '1m', from: 0 })) as {
        marks: { count: number }[];
        through: number;
      };
      expect(marks.reduce((n, m) => n + m.count, 0)).toBe(fills);
      expect(through).toBe(Math.max(...state.fills.map((f) => f.ts)));
    } finally {
      host.close();
    }
  }, 120_000);
});
