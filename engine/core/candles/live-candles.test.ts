import { describe, expect, it } from 'vitest';
import type { Candle, CandleEvent, TradeEvent } from '../market-data/types';
import { join } from 'node:path';
import { CandleStore } from '../../node/candles/candle-store';
import { MINUTE_MS } from './intervals';
import { LiveCandles, storeClosedMinutes, type ClosedMinutes } from './live-candles';
import { useTempDirs } from '../../node/candles/testing/temp-dir';

const tempDir = useTempDirs('live-candles-');
const T0 = Date.UTC(2024, 4, 1, 10, 0); // 10:00 UTC
let nextId = 0;
const trade = (secondsFromT0: number, price: number, size: number, tradeId = String(++nextId)): TradeEvent => ({
  type: 'trade',
  market: 'BTC-KRW',
  ts: T0 + secondsFromT0 * 1000,
  price,
  size,
  side: 'buy',
  tradeId,
});

function harness(options: ConstructorParameters<typeof LiveCandles>[0] = {}) {
  const events: CandleEvent[] = [];
  const closed: ClosedMinutes[] = [];
  const live = new LiveCandles({ ...options, onCandle: (e) => events.push(e), onMinutesClosed: (c) => closed.push(c) });
  return { live, events, closed };
}

describe('LiveCandles', () => {
  it('updates the current 1m candle and every longer one in place, one event per interval per trade', () => {
    const { live, events } = harness();
    live.trade(trade(1, 100, 5));
    expect(events.map((e) => e.interval)).toEqual(['1m', '5m', '15m', '1h', '4h', '1d', '1w', '1M']);
    expect(events[0].candle).toEqual({ openTime: T0, open: 100, high: 100, low: 100, close: 100, volume: 5 });
    expect(events[5].candle.openTime).toBe(Date.UTC(2024, 4, 1));
    // 1 May 2024 was a Wednesday: its week opened on Monday 29 April, its month on the 1st.
    expect(events[6].candle.openTime).toBe(Date.UTC(2024, 3, 29));
    expect(events[7].candle.openTime).toBe(Date.UTC(2024, 4, 1));
    live.trade(trade(20, 90, 1));
    live.trade(trade(59, 95, 2));
    expect(live.current('BTC-KRW', '1m')).toEqual({
      openTime: T0,
      open: 100,
      high: 100,
      low: 90,
      close: 95,
      volume: 8,
    });
    live.trade(trade(61, 120, 1)); // next minute: new 1m candle, same 5m candle
    expect(live.current('BTC-KRW', '1m')).toEqual({
      openTime: T0 + MINUTE_MS,
      open: 120,
      high: 120,
      low: 120,
      close: 120,
      volume: 1,
    });
    expect(live.current('BTC-KRW', '5m')).toEqual({
      openTime: T0,
      open: 100,
      high: 120,
      low: 90,
      close: 120,
      volume: 9,
    });
    live.trade(trade(5 * 60, 80, 1)); // 10:05 → new 5m candle, same 15m
    expect(live.current('BTC-KRW', '5m')).toEqual({
      openTime: T0 + 5 * MINUTE_MS,
      open: 80,
      high: 80,
      low: 80,
      close: 80,
      volume: 1,
    });
    expect(live.current('BTC-KRW', '15m')).toEqual({
      openTime: T0,
      open: 100,
      high: 120,
      low: 80,
      close: 80,
      volume: 10,
    });
    expect(events.filter((e) => e.interval === '1h').at(-1)!.candle.volume).toBe(10);
  });

  it('builds the longer candles on the stored minutes of the current interval', () => {
    const { live } = harness({ intervals: ['1h'] });
    const stored: Candle[] = [
      { openTime: T0 - 2 * 60 * MINUTE_MS, open: 1, high: 1, low: 1, close: 1, volume: 1 }, // an earlier hour
      { openTime: T0, open: 50, high: 70, low: 40, close: 60, volume: 3 },
      { openTime: T0 + MINUTE_MS, open: 60, high: 65, low: 55, close: 61, volume: 2 },
    ];
    live.watch('BTC-KRW', T0 + 2 * MINUTE_MS + 500, stored);
    live.watch('BTC-KRW', T0 + 2 * MINUTE_MS + 600, stored); // a second watch adds nothing twice
    live.trade(trade(150, 62, 1));
    expect(live.current('BTC-KRW', '1h')).toEqual({ openTime: T0, open: 50, high: 70, low: 40, close: 62, volume: 6 });
  });

  it('takes a late trade inside the open minute without moving close back, and drops repeats', () => {
    const { live } = harness();
    live.trade(trade(10, 100, 1, 'a'));
    live.trade(trade(30, 110, 1, 'b'));
    live.trade(trade(20, 130, 1, 'c')); // stamped before b, delivered after: high and volume, not close
    live.trade(trade(30, 110, 1, 'b')); // a reconnect resent b
    live.trade(trade(5, 90, 1, 'd')); // earliest trade of the minute: it sets the open
    expect(live.current('BTC-KRW', '1m')).toEqual({
      openTime: T0,
      open: 90,
      high: 130,
      low: 90,
      close: 110,
      volume: 4,
    });
    live.trade(trade(70, 100, 1));
    live.trade(trade(50, 100, 1)); // its minute is closed and stored already
    expect(live.lateTrades('BTC-KRW')).toBe(1);
  });

  it('vouches only for whole minutes watched without interruption, quiet ones included', () => {
    // advance is called only at the moments below; a long allowed gap keeps them from counting as a stall.
    const { live, closed } = harness({ closeGraceMs: 2000, maxAdvanceGapMs: 10 * MINUTE_MS });
    live.watch('BTC-KRW', T0 + 30_000); // began mid-minute: 10:00 is not vouched for
    live.trade(trade(40, 100, 1));
    live.trade(trade(61, 101, 1)); // closes 10:00
    expect(closed).toEqual([
      {
        market: 'BTC-KRW',
        candle: { openTime: T0, open: 100, high: 100, low: 100, close: 100, volume: 1 },
        known: undefined,
      },
    ]);
    live.advance(T0 + 2 * MINUTE_MS + 1000); // within the grace: 10:01 stays open
    expect(closed).toHaveLength(1);
    live.advance(T0 + 4 * MINUTE_MS + 2000); // quiet 10:02 and 10:03 close with 10:01
    expect(closed[1]).toEqual({
      market: 'BTC-KRW',
      candle: { openTime: T0 + MINUTE_MS, open: 101, high: 101, low: 101, close: 101, volume: 1 },
      known: { from: T0 + MINUTE_MS, to: T0 + 4 * MINUTE_MS },
    });
    live.handle({ type: 'status', market: 'BTC-KRW', status: 'reconnecting' }, T0 + 4 * MINUTE_MS + 5000);
    live.trade(trade(4 * 60 + 30, 102, 1));
    live.handle({ type: 'status', market: 'BTC-KRW', status: 'live' }, T0 + 5 * MINUTE_MS + 10_000);
    live.advance(T0 + 7 * MINUTE_MS + 2000);
    // 10:04 (interrupted) and 10:05 (watching resumed inside it) are not vouched; 10:06 is.
    expect(closed.slice(2)).toEqual([
      {
        market: 'BTC-KRW',
        candle: { openTime: T0 + 4 * MINUTE_MS, open: 102, high: 102, low: 102, close: 102, volume: 1 },
        known: { from: T0 + 6 * MINUTE_MS, to: T0 + 7 * MINUTE_MS },
      },
    ]);
  });

  it('does not vouch for a stretch in which advance was not called (the computer slept)', () => {
    const { live, closed } = harness({ maxAdvanceGapMs: 15_000 });
    live.watch('BTC-KRW', T0);
    live.advance(T0 + 5_000);
    live.trade(trade(30, 100, 1));
    live.advance(T0 + 10_000);
    // Three hours later: the open minute and everything up to now are closed, but only the candle is stored.
    live.advance(T0 + 3 * 3_600_000 + 5_000);
    expect(closed).toEqual([
      {
        market: 'BTC-KRW',
        candle: { openTime: T0, open: 100, high: 100, low: 100, close: 100, volume: 1 },
        known: undefined,
      },
    ]);
    // Watching resumed at the wake-up: the first whole minute after it is vouched once it ends.
    for (let t = T0 + 3 * 3_600_000 + 10_000; t <= T0 + 3 * 3_600_000 + 2 * MINUTE_MS + 10_000; t += 10_000)
      live.advance(t);
    expect(closed.slice(1)).toEqual([
      {
        market: 'BTC-KRW',
        candle: undefined,
        known: { from: T0 + 3 * 3_600_000 + MINUTE_MS, to: T0 + 3 * 3_600_000 + 2 * MINUTE_MS },
      },
    ]);
  });

  it('closed minutes stored through storeClosedMinutes become known ranges and gaps', () => {
    const store = CandleStore.open(join(tempDir(), 'candles.db'));
    const market = { exchange: 'upbit' as const, id: 'BTC-KRW' };
    const live = new LiveCandles({ onMinutesClosed: (c) => storeClosedMinutes(store, market, c) });
    live.watch('BTC-KRW', T0 + 30_000);
    live.trade(trade(40, 100, 1));
    live.trade(trade(61, 101, 1));
    live.advance(T0 + 3 * MINUTE_MS + 5000);
    expect(store.readCandles(market, '1m', { from: T0, to: T0 + 10 * MINUTE_MS }).map((c) => c.close)).toEqual([
      100, 101,
    ]);
    expect(store.knownRanges(market, { from: T0, to: T0 + 10 * MINUTE_MS })).toEqual([
      { from: T0 + MINUTE_MS, to: T0 + 3 * MINUTE_MS },
    ]);
    store.close();
  });

  it('refuses fractional prices', () => {
    const { live } = harness();
    expect(() => live.trade(trade(1, 100.5, 1))).toThrow(/integers/);
  });
});
