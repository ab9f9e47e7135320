import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandleStore } from '../../node/candles/candle-store';
import { MINUTE_MS } from '../candles/intervals';
import { useTempDirs } from '../../node/candles/testing/temp-dir';
import type { Candle } from '../market-data/types';
import { storedCandleTimeline } from './candle-timeline';
import { ManualClock } from './replay-clock';
import { ReplayPlayer } from './replay-player';

const tempDir = useTempDirs('candle-timeline-');
const DAY2 = Date.UTC(2024, 6, 2);
const at = (m: number) => DAY2 + m * MINUTE_MS;
const c = (m: number, o: number, h: number, l: number, cl: number, v: number): Candle => ({
  openTime: at(m),
  open: o,
  high: h,
  low: l,
  close: cl,
  volume: v,
});

describe('replaying stored candles', () => {
  it('emits, at each stored minute’s end, the 1m candle, the longer candles so far and a ticker', () => {
    const store = CandleStore.open(join(tempDir(), 'candles.db'));
    const market = { exchange: 'upbit' as const, id: 'BTC-KRW' };
    const minutes = [
      c(-2, 100, 110, 95, 105, 4),
      c(-1, 105, 106, 100, 101, 1),
      c(0, 101, 120, 101, 119, 2),
      c(3, 119, 119, 90, 91, 5),
    ];
    store.writeRange(market, { from: at(-2), to: at(5) }, minutes);
    const range = { from: at(-2), to: at(5) };
    const timeline = storedCandleTimeline(store, market, range, { intervals: ['1h'] });
    expect(timeline.endAt).toBe(7 * MINUTE_MS);
    const rows = timeline.records.map((r) => ({ at: r.at / MINUTE_MS, e: r.event }));
    expect(rows.map((r) => [r.at, r.e.type === 'candle' ? r.e.interval : r.e.type])).toEqual([
      [1, '1m'],
      [1, '1h'],
      [1, 'ticker'],
      [2, '1m'],
      [2, '1h'],
      [2, 'ticker'],
      [3, '1m'],
      [3, '1h'],
      [3, 'ticker'],
      [6, '1m'],
      [6, '1h'],
      [6, 'ticker'],
    ]);
    // 23:59 closes the old day's hour; 00:00 opens a new hour and a new day.
    expect(rows[4].e).toEqual({
      type: 'candle',
      market: 'BTC-KRW',
      interval: '1h',
      candle: { openTime: at(-60), open: 100, high: 110, low: 95, close: 101, volume: 5 },
    });
    expect(rows[10].e).toEqual({
      type: 'candle',
      market: 'BTC-KRW',
      interval: '1h',
      candle: { openTime: at(0), open: 101, high: 120, low: 90, close: 91, volume: 7 },
    });
    expect(rows[5].e).toEqual({
      type: 'ticker',
      market: 'BTC-KRW',
      ts: at(0),
      last: 101,
      open: 100,
      high: 110,
      low: 95,
      prevClose: 100,
      volume24h: 5,
    });
    expect(rows[11].e).toEqual({
      type: 'ticker',
      market: 'BTC-KRW',
      ts: at(4),
      last: 91,
      open: 101,
      high: 120,
      low: 90,
      prevClose: 101,
      volume24h: 12,
    });

    // Played at 60×, a minute of history passes per second.
    const clock = new ManualClock();
    const times: number[] = [];
    const player = new ReplayPlayer(timeline, {
      clock,
      speed: 60,
      onEvent: (e) => e.type === 'ticker' && times.push(clock.now()),
    });
    player.play();
    clock.runAll();
    expect(times).toEqual([1000, 2000, 3000, 6000]);
    expect(player.state).toBe('ended');
    expect(clock.now()).toBe(7000);
    store.close();
  });

  it('drops minutes older than 24 h from the ticker volume', () => {
    const store = CandleStore.open(join(tempDir(), 'candles.db'));
    const market = { exchange: 'upbit' as const, id: 'BTC-KRW' };
    store.writeRange(market, { from: at(0), to: at(1600) }, [
      c(0, 1, 1, 1, 1, 10),
      c(100, 1, 1, 1, 1, 20),
      c(1440, 1, 1, 1, 1, 1),
      c(1499, 1, 1, 1, 1, 2),
      c(1545, 1, 1, 1, 1, 4),
    ]);
    const tickers = storedCandleTimeline(
      store,
      market,
      { from: at(0), to: at(1600) },
      { intervals: [] },
    ).records.flatMap((r) => (r.event.type === 'ticker' ? [r.event.volume24h] : []));
    // At 1440 the minute at 0 has left the window; at 1545 the one at 100 has too.
    expect(tickers).toEqual([10, 30, 21, 23, 7]);
    store.close();
  });
});
