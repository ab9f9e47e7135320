/**
 * Candles as the chart draws them, and the in-place update of the live candle from trades.
 */
import type { CandlestickData, HistogramData, LineData, UTCTimestamp } from 'lightweight-charts';
import type { CandleBar } from '@protocol/api';
import type { ViewTrade } from '../../lib/market-view';
import { rsi, sma } from '../../lib/indicators';

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE = 60_000;
export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1_440 * MINUTE,
};

export const MA_PERIODS = [7, 25] as const;
export const RSI_PERIOD = 14;

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
    const len = TIMEFRAME_MS[this.timeframe];
    let changed = false;
    for (const t of trades) {
      // Buckets start at multiples of the length from the epoch (UTC days for 1d), as the host aggregates.
      const openTime = Math.floor(t.ts / len) * len;
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

  /** A study's points, skipping the warm-up where it has no value yet. */
  private line(values: number[]): LineData<UTCTimestamp>[] {
    const out: LineData<UTCTimestamp>[] = [];
    values.forEach((value, i) => {
      if (!Number.isNaN(value)) out.push({ time: chartTime(this.bars[i].openTime), value });
    });
    return out;
  }

  ma(period: number): LineData<UTCTimestamp>[] {
    return this.line(
      sma(
        this.bars.map((b) => b.close / this.priceScale),
        period,
      ),
    );
  }

  rsi(): LineData<UTCTimestamp>[] {
    return this.line(
      rsi(
        this.bars.map((b) => b.close / this.priceScale),
        RSI_PERIOD,
      ),
    );
  }

  /**
   * The studies' newest points, for the in-place update of a live candle (up to every frame): each MA from its
   * last `period` closes, the RSI from the smoothed averages up to the candle before (final once a newer one
   * exists, so kept), instead of recomputing every study over the whole history. The RSI is the same number
   * rsi() gives for that candle; the MA may differ from sma()'s running sum in the last binary digits.
   */
  lastStudies(): { ma: (LineData<UTCTimestamp> | undefined)[]; rsi: LineData<UTCTimestamp> | undefined } {
    const n = this.bars.length;
    if (n === 0) return { ma: MA_PERIODS.map(() => undefined), rsi: undefined };
    const time = chartTime(this.bars[n - 1].openTime);
    const k = this.priceScale;
    const ma = MA_PERIODS.map((period) => {
      if (n < period) return undefined;
      let sum = 0;
      for (let i = n - period; i < n; i++) sum += this.bars[i].close / k;
      return { time, value: sum / period };
    });
    return { ma, rsi: this.lastRsi(time) };
  }

  /** Wilder's averages after the close at `index`, as rsi() builds them; advanced from the last one kept. */
  private rsiState: { index: number; gain: number; loss: number } | null = null;

  private lastRsi(time: UTCTimestamp): LineData<UTCTimestamp> | undefined {
    const n = this.bars.length;
    const period = RSI_PERIOD;
    if (n <= period) return undefined;
    const close = (i: number) => this.bars[i].close / this.priceScale;
    const value = (gain: number, loss: number) => (loss === 0 ? 100 : 100 - 100 / (1 + gain / loss));
    // The initial averages cover the first `period` changes (closes 0..period).
    const seed = () => {
      let gain = 0;
      let loss = 0;
      for (let i = 1; i <= period; i++) {
        const d = close(i) - close(i - 1);
        if (d > 0) gain += d;
        else loss -= d;
      }
      return { index: period, gain: gain / period, loss: loss / period };
    };
    const step = (s: { index: number; gain: number; loss: number }) => {
      const i = s.index + 1;
      const d = close(i) - close(i - 1);
      return {
        index: i,
        gain: (s.gain * (period - 1) + Math.max(d, 0)) / period,
        loss: (s.loss * (period - 1) + Math.max(-d, 0)) / period,
      };
    };
    if (n === period + 1) {
      // The last candle is the seed's own: it still forms, so nothing is kept.
      const s = seed();
      return { time, value: value(s.gain, s.loss) };
    }
    // Kept: the state at the candle before the last (final). Built or advanced as candles open.
    let s = this.rsiState && this.rsiState.index <= n - 2 ? this.rsiState : seed();
    while (s.index < n - 2) s = step(s);
    this.rsiState = s;
    const last = step(s);
    return { time, value: value(last.gain, last.loss) };
  }
}
