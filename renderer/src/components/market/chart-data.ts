/**
 * Candles as the chart draws them, and the in-place update of the live candle from trades.
 */
import type { CandlestickData, HistogramData, LineData, UTCTimestamp } from 'lightweight-charts';
import type { CandleBar } from '@protocol/api';
import type { ViewTrade } from '../../lib/market-view';

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d', '1w', '1M'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const FIXED_MS: Record<Exclude<Timeframe, '1M'>, number> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': DAY,
  '1w': 7 * DAY,
};

/**
 * Start of the candle holding `ts`, by the host's rule (engine/core/candles/intervals.ts): multiples of the
 * length since the epoch, days from 00:00 UTC (09:00 KST), weeks from Monday (the epoch was a Thursday, so
 * 4 days past multiples of a week) and months from the 1st.
 */
export function timeframeStart(ts: number, tf: Timeframe): number {
  if (tf === '1M') {
    const d = new Date(ts);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const len = FIXED_MS[tf];
  const offset = tf === '1w' ? 4 * DAY : 0;
  return Math.floor((ts - offset) / len) * len + offset;
}

/**
 * The chart's time axis shows UTC; shifting each time by the local offset makes it show the user's wall
 * clock instead (the documented approach for lightweight-charts).
 */
export function chartTime(ms: number): UTCTimestamp {
  return Math.floor((ms - new Date(ms).getTimezoneOffset() * MINUTE) / 1000) as UTCTimestamp;
}

/** Size units → whole coins for the volume bars: a plotted height, never a balance. */
export function volumeValue(units: number, baseDecimals: number): number {
  return units / 10 ** baseDecimals;
}

/** The candles of one timeframe plus the studies derived from them, kept in step as trades arrive. */
export class CandleSet {
  bars: CandleBar[];
  /** Price units per whole quote: the chart plots prices as people read them (a plot, never an amount). */
  private readonly priceScale: number;
  constructor(
    bars: CandleBar[],
    readonly timeframe: Timeframe,
    readonly priceDecimals = 0,
  ) {
    this.bars = bars.slice();
    this.priceScale = 10 ** priceDecimals;
  }

  /**
   * The host's forming candle of this timeframe replaces the last one, or opens the next; returns false for a
   * candle older than the last (already final in the history).
   */
  upsert(bar: CandleBar): boolean {
    const last = this.bars[this.bars.length - 1];
    if (last && bar.openTime === last.openTime) this.bars[this.bars.length - 1] = { ...bar };
    else if (!last || bar.openTime > last.openTime) this.bars.push({ ...bar });
    else return false;
    return true;
  }

  /**
   * Folds trades (oldest first) into the last candle, or opens new ones; returns whether anything changed
   * and whether a new candle was opened (the studies then need one more point).
   */
  apply(trades: readonly ViewTrade[]): boolean {
    let changed = false;
    for (const t of trades) {
      const openTime = timeframeStart(t.ts, this.timeframe);
      const last = this.bars[this.bars.length - 1];
      if (last && openTime === last.openTime) {
        if (t.price > last.high) last.high = t.price;
        if (t.price < last.low) last.low = t.price;
        last.close = t.price;
        last.volume += t.size;
      } else if (!last || openTime > last.openTime) {
        this.bars.push({ openTime, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.size });
      } else continue; // older than the last candle: already counted in the history
      changed = true;
    }
    return changed;
  }

  candle(bar: CandleBar): CandlestickData<UTCTimestamp> {
    const k = this.priceScale;
    return {
      time: chartTime(bar.openTime),
      open: bar.open / k,
      high: bar.high / k,
      low: bar.low / k,
      close: bar.close / k,
    };
  }

  volume(bar: CandleBar, baseDecimals: number, up: string, down: string): HistogramData<UTCTimestamp> {
    return {
      time: chartTime(bar.openTime),
      value: volumeValue(bar.volume, baseDecimals),
      color: bar.close >= bar.open ? up : down,
    };
  }

  /** A study's points, skipping the warm-up where it has no value yet (index i is candle i). */
  points(values: readonly number[]): LineData<UTCTimestamp>[] {
    const out: LineData<UTCTimestamp>[] = [];
    values.forEach((value, i) => {
      if (!Number.isNaN(value) && i < this.bars.length) out.push({ time: chartTime(this.bars[i].openTime), value });
    });
    return out;
  }

  /** The index of the candle drawn at chart time `time` (see chartTime), or undefined. */
  indexOfTime(time: UTCTimestamp): number | undefined {
    let lo = 0;
    let hi = this.bars.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = chartTime(this.bars[mid].openTime);
      if (t === time) return mid;
      if (t < time) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The closes as plotted (whole quote per coin), kept in step with the bars for the studies. */
  closes(): number[] {
    const n = this.bars.length;
    const c = this.closeCache;
    if (c.length > n) c.length = n;
    // Only the last close changes as a candle forms; earlier ones are final unless older candles came in front.
    for (let i = Math.max(0, c.length - 1); i < n; i++) c[i] = this.bars[i].close / this.priceScale;
    return c;
  }

  private closeCache: number[] = [];

  /**
   * Older candles (oldest first) put in front of the ones shown, for a chart scrolled back; returns how many
   * were added (none of them at or after the oldest shown).
   */
  prepend(older: readonly CandleBar[]): number {
    const first = this.bars[0]?.openTime ?? Infinity;
    const fresh = older.filter((b) => b.openTime < first).map((b) => ({ ...b }));
    if (!fresh.length) return 0;
    this.bars = [...fresh, ...this.bars];
    this.closeCache = [];
    return fresh.length;
  }
}
