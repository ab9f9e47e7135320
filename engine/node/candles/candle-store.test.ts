import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../core/market-data/types';
import { CandleStore, CandleStoreCorruptError, type MarketKey } from './candle-store';
import { fromColumns } from '../../core/candles/columns';
import { encodeDay, decodeDay, allocDay, DayChunkError } from './day-chunk';
import { DAY_MS, MINUTE_MS } from '../../core/candles/intervals';
import { aggregateCandles } from '../../core/candles/aggregate';
import { syntheticMinutes } from '../../core/candles/synthetic-minutes';
import { useTempDirs } from './testing/temp-dir';

const tempDir = useTempDirs('candle-store-');
const BTC: MarketKey = { exchange: 'upbit', id: 'BTC-KRW' };
const ETH: MarketKey = { exchange: 'upbit', id: 'ETH-KRW' };
const T0 = Date.UTC(2024, 0, 1);
const at = (minute: number) => T0 + minute * MINUTE_MS;
const candle = (minute: number, close: number, volume = 100_000_000): Candle => ({
  openTime: at(minute),
  open: close - 1000,
  high: close + 500,
  low: close - 2000,
  close,
  volume,
});

function openStore(): CandleStore {
  return CandleStore.open(join(tempDir(), 'candles.db'));
}

describe('CandleStore', () => {
  it('round-trips candles across day boundaries, per market, and survives reopening', () => {
    const path = join(tempDir(), 'candles.db');
    let store = CandleStore.open(path);
    // Two days and a bit, including the last minute of a day and the first of the next.
    const candles = [candle(0, 140_000_000), candle(1439, 141_000_000), candle(1440, 139_999_000), candle(3000, 1, 0)];
    candles[3] = { openTime: at(3000), open: 1, high: 1, low: 1, close: 1, volume: 0 };
    store.writeRange(BTC, { from: at(0), to: at(3001) }, candles);
    store.writeRange(ETH, { from: at(0), to: at(10) }, [candle(5, 5_000_000)]);
    store.close();
    store = CandleStore.open(path);
    expect(fromColumns(store.readMinutes(BTC, { from: at(0), to: at(3001) }))).toEqual(candles);
    expect(fromColumns(store.readMinutes(BTC, { from: at(1), to: at(1441) }))).toEqual(candles.slice(1, 3));
    expect(store.readCandles(ETH, '1m', { from: at(0), to: at(10) })).toEqual([candle(5, 5_000_000)]);
    expect(store.readCandles({ exchange: 'binance', id: 'BTC-KRW' }, '1m', { from: at(0), to: at(10) })).toEqual([]);
    // The chart path: a day of 1m → one daily candle.
    expect(store.readCandles(BTC, '1d', { from: at(0), to: at(1440) })).toEqual([
      { openTime: T0, open: 139_999_000, high: 141_000_500, low: 139_998_000, close: 141_000_000, volume: 200_000_000 },
    ]);
    store.close();
  });

  it('the chart path (day by day) equals aggregating all the minutes at once, for days that straddle stored days', () => {
    const store = openStore();
    const minutes = syntheticMinutes({ seed: 9, from: at(0), minutes: 4 * 1440, gapRate: 0.2, startPrice: 50_000_000 });
    store.writeRange(BTC, { from: at(0), to: at(4 * 1440) }, minutes);
    const range = { from: at(700), to: at(3 * 1440 + 77) }; // starts and ends mid-day
    const inRange = minutes.filter((c) => c.openTime >= range.from && c.openTime < range.to);
    for (const interval of ['5m', '1h', '4h', '1d'] as const) {
      for (const dayStartMinute of [0, 540]) {
        expect(store.readCandles(BTC, interval, range, { dayStartMinute })).toEqual(
          aggregateCandles(inRange, interval, { dayStartMinute }),
        );
      }
    }
    expect(store.readCandles(BTC, '1d', range, { dayStartMinute: 540 })).toHaveLength(3);
    store.close();
  });

  it('records known ranges, merges touching ones, and tells gaps from unknown minutes', () => {
    const store = openStore();
    store.writeRange(BTC, { from: at(10), to: at(20) }, [candle(12, 100_000)]);
    store.writeRange(BTC, { from: at(30), to: at(40) }, []);
    expect(store.knownRanges(BTC, { from: at(0), to: at(100) })).toEqual([
      { from: at(10), to: at(20) },
      { from: at(30), to: at(40) },
    ]);
    expect(store.missingRanges(BTC, { from: at(0), to: at(100) })).toEqual([
      { from: at(0), to: at(10) },
      { from: at(20), to: at(30) },
      { from: at(40), to: at(100) },
    ]);
    // Minute 15: known, no candle → a real gap. Minute 25: unknown.
    expect(store.knownRanges(BTC, { from: at(15), to: at(16) })).toEqual([{ from: at(15), to: at(16) }]);
    expect(store.knownRanges(BTC, { from: at(25), to: at(26) })).toEqual([]);
    // Filling the hole joins all three into one range.
    store.writeRange(BTC, { from: at(20), to: at(30) }, []);
    expect(store.knownRanges(BTC, { from: at(0), to: at(100) })).toEqual([{ from: at(10), to: at(40) }]);
    const rows = store.db.prepare('SELECT COUNT(*) FROM candle_known').pluck().get();
    expect(rows).toBe(1);
    expect(store.missingRanges(ETH, { from: at(0), to: at(5) })).toEqual([{ from: at(0), to: at(5) }]);
    store.close();
  });

  it('a write replaces what the range held (a minute gone from the exchange becomes a gap) and keeps the rest', () => {
    const store = openStore();
    store.writeRange(BTC, { from: at(0), to: at(10) }, [candle(1, 10_000), candle(5, 11_000), candle(9, 12_000)]);
    store.putCandles(BTC, [candle(20, 13_000)]); // seen in part only: stored, not known
    store.writeRange(BTC, { from: at(4), to: at(8) }, [candle(6, 11_500)]);
    expect(store.readCandles(BTC, '1m', { from: at(0), to: at(30) })).toEqual([
      candle(1, 10_000),
      candle(6, 11_500),
      candle(9, 12_000),
      candle(20, 13_000),
    ]);
    expect(store.knownRanges(BTC, { from: at(0), to: at(30) })).toEqual([{ from: at(0), to: at(10) }]);
    // Emptying a whole day removes its row.
    store.writeRange(BTC, { from: at(0), to: at(1440) }, []);
    expect(store.db.prepare('SELECT COUNT(*) FROM candle_days').pluck().get()).toBe(0);
    store.close();
  });

  it('rejects candles that are not whole-minute, valid or inside the range, without writing anything', () => {
    const store = openStore();
    expect(() => store.writeRange(BTC, { from: at(0), to: at(5) }, [candle(5, 100_000)])).toThrow(/outside/);
    expect(() =>
      store.writeRange(BTC, { from: at(0), to: at(5) }, [{ ...candle(1, 100_000), openTime: at(1) + 1 }]),
    ).toThrow(/whole minute/);
    expect(() => store.writeRange(BTC, { from: at(0), to: at(5) }, [{ ...candle(1, 100_000), volume: 0.5 }])).toThrow(
      /safe integer/,
    );
    expect(() => store.writeRange(BTC, { from: at(0), to: at(5) }, [candle(2, 100_000), candle(1, 100_000)])).toThrow(
      /oldest first/,
    );
    expect(() => store.writeRange(BTC, { from: at(0) + 1, to: at(5) }, [])).toThrow(/whole minutes/);
    expect(store.knownRanges(BTC, { from: at(0), to: at(5) })).toEqual([]);
    store.close();
  });

  it('names a damaged row instead of returning garbage', () => {
    const path = join(tempDir(), 'candles.db');
    const store = CandleStore.open(path);
    store.writeRange(BTC, { from: at(0), to: at(3000) }, [candle(1, 100_000), candle(2000, 100_500)]);
    store.close();
    const raw = new Database(path);
    const blob = raw
      .prepare('SELECT candles FROM candle_days WHERE day = ?')
      .pluck()
      .get(T0 / DAY_MS + 1) as Buffer;
    blob[3] ^= 0x55;
    raw.prepare('UPDATE candle_days SET candles = ? WHERE day = ?').run(blob, T0 / DAY_MS + 1);
    raw.close();
    const reopened = CandleStore.open(path);
    // The undamaged day still reads.
    expect(reopened.readCandles(BTC, '1m', { from: at(0), to: at(1440) })).toEqual([candle(1, 100_000)]);
    expect(() => reopened.readMinutes(BTC, { from: at(0), to: at(3000) })).toThrow(CandleStoreCorruptError);
    expect(() => reopened.readMinutes(BTC, { from: at(0), to: at(3000) })).toThrow(
      /BTC-KRW day 2024-01-02 is corrupt \(checksum mismatch\)/,
    );
    reopened.dropMarket(BTC);
    expect(reopened.readMinutes(BTC, { from: at(0), to: at(3000) }).length).toBe(0);
    reopened.close();
  });
});

describe('day chunk format', () => {
  it('round-trips extreme values and rejects truncated or padded bytes', () => {
    const day = allocDay(3);
    const rows = [
      [0, 2 ** 52 - 2, 2 ** 52 - 1, 0, 1, Number.MAX_SAFE_INTEGER],
      [1, 1, 1, 1, 1, 0],
      [1439, 300, 400, 200, 250, 1],
    ];
    rows.forEach(([mi, o, h, l, c, v], i) => {
      day.minute[i] = mi;
      day.open[i] = o;
      day.high[i] = h;
      day.low[i] = l;
      day.close[i] = c;
      day.volume[i] = v;
    });
    day.length = 3;
    const bytes = encodeDay(day);
    const back = decodeDay(bytes);
    expect(Array.from(back.minute)).toEqual([0, 1, 1439]);
    expect(Array.from(back.open)).toEqual([2 ** 52 - 2, 1, 300]);
    expect(Array.from(back.volume)).toEqual([Number.MAX_SAFE_INTEGER, 0, 1]);
    expect(() => decodeDay(bytes.subarray(0, bytes.length - 1))).toThrow(DayChunkError);
    expect(() => decodeDay(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/stray bytes/);
    expect(() => decodeDay(Buffer.from([9, 0]))).toThrow(/format version 9/);
    day.high[0] = 2 ** 52;
    expect(() => encodeDay(day)).toThrow(/too large/);
  });
});
