/**
 * A replay timeline made from stored 1m candles, for practising over history when no recorded session exists.
 *
 * What it emits, per stored minute, at the minute's end (openTime + 60 s), with ts = that same time:
 *   - a CandleEvent for '1m' (the finished minute),
 *   - a CandleEvent for every other requested interval: that interval's candle so far, including this minute,
 *   - a TickerEvent: last = the minute's close; open/high/low = since the start of the day (UTC, or the
 *     configured day start); prevClose = the previous day's last close (the first open when there is none);
 *     volume24h = the volume of the stored minutes of the last 24 h.
 * No trades and no books: a candle says nothing about the individual trades or the depth inside it, and
 * inventing them would be made-up data. Minutes without a candle (no trade) emit nothing.
 */
import type { Candle, CandleEvent, CandleInterval, MarketKey, TickerEvent } from '../market-data/types';
import { fromColumns, type CandleColumns } from '../candles/columns';
import {
  CANDLE_INTERVALS,
  MINUTE_MS,
  bucketStart,
  intervalOffsetMs,
  intervalStart,
  type BoundaryOptions,
} from '../candles/intervals';
import type { TimeRange } from '../candles/time-ranges';
import type { ReplayTimeline } from './replay-player';
import type { SessionRecord } from './session-record';

/** Where stored 1m candles come from (the SQLite CandleStore in the app; structural, so replay needs no database). */
export interface StoredMinutes {
  readMinutes(market: MarketKey, range: TimeRange): CandleColumns;
}

export interface CandleTimelineOptions extends BoundaryOptions {
  /** Intervals to emit besides 1m (default all). */
  intervals?: readonly CandleInterval[];
}

/** Builds the timeline from candles (oldest first, strictly increasing 1m openTime) over `range`. */
export function candleTimeline(
  market: string,
  minutes: readonly Candle[],
  range: TimeRange,
  options: CandleTimelineOptions = {},
): ReplayTimeline {
  const intervals = (options.intervals ?? CANDLE_INTERVALS).filter((i) => i !== '1m');
  const dayOffset = intervalOffsetMs('1d', options);
  const records: SessionRecord[] = [];
  const current = new Map<CandleInterval, Candle>();
  let day = -Infinity;
  let dayOpen = 0;
  let dayHigh = 0;
  let dayLow = 0;
  let prevClose: number | undefined;
  let firstOpen: number | undefined;
  let lastClose: number | undefined;
  // Rolling 24 h volume over a queue of the minutes in the window.
  let windowStart = 0;
  let volume24h = 0;
  let prevOpenTime = -Infinity;

  for (let i = 0; i < minutes.length; i++) {
    const c = minutes[i];
    if (c.openTime <= prevOpenTime || c.openTime % MINUTE_MS !== 0) {
      throw new RangeError(`candle at ${c.openTime}: minutes must be whole and strictly increasing`);
    }
    prevOpenTime = c.openTime;
    if (c.openTime < range.from || c.openTime >= range.to) continue;
    firstOpen ??= c.open;
    const ts = c.openTime + MINUTE_MS;
    const at = ts - range.from;

    const d = bucketStart(c.openTime, 86_400_000, dayOffset);
    if (d !== day) {
      if (lastClose !== undefined) prevClose = lastClose;
      day = d;
      dayOpen = c.open;
      dayHigh = c.high;
      dayLow = c.low;
    } else {
      dayHigh = Math.max(dayHigh, c.high);
      dayLow = Math.min(dayLow, c.low);
    }
    lastClose = c.close;
    volume24h += c.volume;
    while (minutes[windowStart].openTime <= c.openTime - 86_400_000) {
      if (minutes[windowStart].openTime >= range.from) volume24h -= minutes[windowStart].volume;
      windowStart++;
    }

    records.push({ at, event: { type: 'candle', market, interval: '1m', candle: { ...c } } satisfies CandleEvent });
    for (const interval of intervals) {
      const start = intervalStart(c.openTime, interval, options);
      const cur = current.get(interval);
      let next: Candle;
      if (!cur || cur.openTime !== start) next = { ...c, openTime: start };
      else {
        next = {
          openTime: start,
          open: cur.open,
          high: Math.max(cur.high, c.high),
          low: Math.min(cur.low, c.low),
          close: c.close,
          volume: cur.volume + c.volume,
        };
      }
      current.set(interval, next);
      records.push({ at, event: { type: 'candle', market, interval, candle: next } satisfies CandleEvent });
    }
    const ticker: TickerEvent = {
      type: 'ticker',
      market,
      ts,
      last: c.close,
      open: dayOpen,
      high: dayHigh,
      low: dayLow,
      prevClose: prevClose ?? firstOpen,
      volume24h,
    };
    records.push({ at, event: ticker });
  }
  return { startTime: range.from, records, endAt: Math.max(0, range.to - range.from) };
}

/** The timeline of a market's stored minutes over `range` (whole minutes). */
export function storedCandleTimeline(
  store: StoredMinutes,
  market: MarketKey,
  range: TimeRange,
  options: CandleTimelineOptions = {},
): ReplayTimeline {
  return candleTimeline(market.id, fromColumns(store.readMinutes(market, range)), range, options);
}
