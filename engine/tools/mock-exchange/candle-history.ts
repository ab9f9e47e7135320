/**
 * Deterministic 1m candle history: each minute's candle is a pure function of (seed, symbol, minute), so any
 * page can be produced in any order and always the same. Some minutes have no trade — Upbit omits those,
 * Binance reports a zero-volume candle at the previous price.
 */
import type { Instrument } from './instruments';
import { hash01, hashString } from './prng';

export interface MinuteCandle {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Time of the minute's last trade. */
  lastTradeAt: number;
  trades: number;
}

/** One trade of the history (Binance publishes them merged per taker order and price: aggTrades). */
export interface HistoryTrade {
  /** Unique and increasing with time: minute × TRADE_ID_STRIDE + its place in the minute. */
  id: number;
  ts: number;
  price: number;
  size: number;
  side: 'buy' | 'sell';
}

/** Trade ids per minute (a minute has at most 50 trades). */
export const TRADE_ID_STRIDE = 64;

export class CandleHistory {
  private readonly key: number;

  constructor(
    private readonly instrument: Instrument,
    seed: number,
    /** Share of minutes without a trade. */
    private readonly gapRate = 0.1,
  ) {
    this.key = (seed ^ hashString(instrument.symbol)) >>> 0;
  }

  /** The reference price at the start of a minute. */
  priceAt(minute: number): number {
    const { startPrice, tick } = this.instrument;
    const w =
      0.04 * Math.sin((2 * Math.PI * minute) / 1440 + hash01(this.key, 1, 0) * 6) +
      0.015 * Math.sin((2 * Math.PI * minute) / 97 + hash01(this.key, 2, 0) * 6) +
      0.004 * (hash01(this.key, 3, minute) - 0.5);
    return Math.max(tick, Math.round((startPrice * (1 + w)) / tick) * tick);
  }

  hasTrades(minute: number): boolean {
    return hash01(this.key, 4, minute) >= this.gapRate;
  }

  /** The candle of a minute (index = ms / 60000), or undefined when nothing traded. */
  candle(minute: number): MinuteCandle | undefined {
    if (!this.hasTrades(minute)) return undefined;
    const tick = this.instrument.tick;
    const open = this.priceAt(minute);
    const close = this.priceAt(minute + 1);
    const high = Math.max(open, close) + tick * Math.floor(hash01(this.key, 5, minute) * 3);
    const low = Math.max(tick, Math.min(open, close) - tick * Math.floor(hash01(this.key, 6, minute) * 3));
    return {
      openTime: minute * 60_000,
      open,
      high,
      low,
      close,
      volume: 1 + Math.floor(hash01(this.key, 7, minute) * 300_000_000),
      lastTradeAt: minute * 60_000 + Math.floor(hash01(this.key, 8, minute) * 59_999),
      trades: 1 + Math.floor(hash01(this.key, 9, minute) * 50),
    };
  }

  /**
   * The trades of a minute, oldest first, consistent with its candle: the first at the open, the last at the
   * close, one at the high and one at the low, the volume split among them. None when nothing traded.
   */
  trades(minute: number): HistoryTrade[] {
    const c = this.candle(minute);
    if (!c) return [];
    // At least four, so the open, both extremes and the close each have a trade (a minute of tiny volume aside).
    const n = Math.max(1, Math.min(Math.max(4, c.trades), c.volume));
    const out: HistoryTrade[] = [];
    const tick = this.instrument.tick;
    const steps = Math.max(0, Math.round((c.high - c.low) / tick));
    // The extremes go in the middle, the higher first when the minute closes down.
    const hi = n >= 3 ? 1 + Math.floor(hash01(this.key, 10, minute) * (n - 2)) : -1;
    const lo = n >= 3 ? (hi + 1 < n - 1 ? hi + 1 : hi - 1) : -1;
    const first = c.openTime + Math.floor(hash01(this.key, 11, minute) * 1000);
    const span = Math.max(n, c.lastTradeAt - first);
    let left = c.volume;
    for (let k = 0; k < n; k++) {
      let price: number;
      if (k === 0) price = c.open;
      else if (k === n - 1) price = c.close;
      else if (k === hi) price = c.high;
      else if (k === lo) price = c.low;
      else price = c.low + tick * Math.floor(hash01(this.key, 12 + k, minute) * (steps + 1));
      const size = k === n - 1 ? left : Math.max(1, Math.floor(c.volume / n));
      left -= size;
      out.push({
        id: minute * TRADE_ID_STRIDE + k,
        ts: first + Math.floor((k * span) / n),
        price,
        size,
        side: hash01(this.key, 70 + k, minute) < 0.5 ? 'buy' : 'sell',
      });
    }
    return out;
  }

  /**
   * A long period's candle (a week or a month, [fromMs, toMs)) from the reference price sampled hourly: reading
   * every minute of years of months would take seconds per page. Open and close are the reference price at the
   * period's first and last sampled minute; volume is a deterministic hourly figure summed.
   */
  periodCandle(fromMs: number, toMs: number): MinuteCandle | undefined {
    const first = Math.ceil(fromMs / 60_000);
    const last = Math.ceil(toMs / 60_000) - 1;
    if (last < first) return undefined;
    const tick = this.instrument.tick;
    const open = this.priceAt(first);
    let high = open;
    let low = open;
    let volume = 0;
    let trades = 0;
    for (let m = first; m <= last; m += 60) {
      const p = this.priceAt(m);
      if (p > high) high = p;
      if (p < low) low = p;
      volume += 1 + Math.floor(hash01(this.key, 7, m) * 300_000_000) * 50;
      trades += 1 + Math.floor(hash01(this.key, 9, m) * 50) * 50;
    }
    const close = this.priceAt(last);
    return {
      openTime: fromMs,
      open,
      high: Math.max(high, close) + tick,
      low: Math.max(tick, Math.min(low, close) - tick),
      close,
      volume,
      lastTradeAt: last * 60_000,
      trades,
    };
  }
}
