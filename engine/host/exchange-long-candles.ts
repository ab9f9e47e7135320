/**
 * Weekly and monthly candles of an exchange's markets. Built from 1m candles they would need years of minutes
 * fetched page by page, so they come from the exchange's own week/month candles instead (Upbit's
 * /v1/candles/weeks and /months, Binance's 1w and 1M klines), kept in memory per market and interval.
 *
 * The forming candle is the exchange's, as it was when fetched, with every trade the feed delivered after that
 * fetch folded in: a trade stamped at or before the fetch is already inside the exchange's figures. Candles
 * before the forming one are final. A fetch that fails leaves what was there and reports the error.
 */
import { candlePage, intervalStart } from '../core/candles';
import type { Candle, CandleSource, FeedMarket, LongCandleInterval, TradeEvent } from '../core/market-data/types';

export const LONG_INTERVALS: readonly LongCandleInterval[] = ['1w', '1M'];

export function isLongInterval(interval: string): interval is LongCandleInterval {
  return (LONG_INTERVALS as readonly string[]).includes(interval);
}

interface Series {
  /** Oldest first. */
  candles: Candle[];
  /** When the newest page was fetched: later trades are folded into the forming candle. */
  fetchedAt: number;
  /** The exchange has nothing older than the oldest candle here. */
  exhausted: boolean;
  /** The fetch under way, if any (one at a time per series). */
  loading?: Promise<void>;
  /** When the last fetch failed: not tried again before RETRY_AFTER_MS, so an unreachable exchange is not hammered. */
  failedAt?: number;
}

const RETRY_AFTER_MS = 30_000;

export interface LongCandlesOptions {
  source: CandleSource;
  /** Candles per request (Upbit 200, Binance 1000). */
  pageLimit: number;
  now: () => number;
}

export interface LongCandlesResult {
  candles: Candle[];
  /** A fetch is under way: `done` settles when it ends. */
  loading: boolean;
  done?: Promise<void>;
}

export class LongCandles {
  private readonly series = new Map<string, Series>();

  constructor(private readonly o: LongCandlesOptions) {}

  /**
   * The newest `limit` candles opening before `before` (default: up to now) from what is kept. When fewer are
   * kept and the exchange may have more (or nothing was fetched yet), a fetch of the older ones starts and
   * `done` settles when it ends; an error there is thrown from `done`.
   */
  candles(market: FeedMarket, interval: LongCandleInterval, limit: number, before = Infinity): LongCandlesResult {
    const key = `${market.id}\u0000${interval}`;
    let s = this.series.get(key);
    if (!s) {
      s = { candles: [], fetchedAt: 0, exhausted: false };
      this.series.set(key, s);
    }
    // Copies: the forming candle changes in place as trades arrive.
    const page = candlePage(s.candles, limit, before).map((c) => ({ ...c }));
    const fresh = s.fetchedAt > 0;
    if (s.loading) return { candles: page, loading: true, done: s.loading };
    if (fresh && (page.length >= limit || s.exhausted)) return { candles: page, loading: false };
    if (s.failedAt !== undefined && this.o.now() - s.failedAt < RETRY_AFTER_MS)
      return { candles: page, loading: false };
    const series = s;
    const oldest = s.candles[0]?.openTime;
    // The first fetch reads the newest candles; later ones page back from the oldest kept.
    const endBefore = fresh && oldest !== undefined ? Math.min(before, oldest) : this.o.now() + 1;
    const want = Math.max(limit, this.o.pageLimit);
    const fetchLimit = Math.min(want, this.o.pageLimit * 5);
    series.loading = this.fetch(market, interval, series, endBefore, fetchLimit)
      .then(
        () => void (series.failedAt = undefined),
        (err: unknown) => {
          series.failedAt = this.o.now();
          throw err;
        },
      )
      .finally(() => {
        series.loading = undefined;
      });
    return { candles: page, loading: true, done: series.loading };
  }

  /** Folds a feed trade into the forming candles of its market (only trades after the fetch). */
  trade(t: TradeEvent): void {
    for (const interval of LONG_INTERVALS) {
      const s = this.series.get(`${t.market}\u0000${interval}`);
      const last = s?.candles.at(-1);
      if (!s || !last || t.ts <= s.fetchedAt) continue;
      const start = intervalStart(t.ts, interval);
      if (start === last.openTime) {
        if (t.price > last.high) last.high = t.price;
        if (t.price < last.low) last.low = t.price;
        last.close = t.price;
        last.volume += t.size;
      } else if (start > last.openTime) {
        s.candles.push({ openTime: start, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.size });
      }
    }
  }

  /** The forming candle of each long interval of a market, if one is kept. */
  current(marketId: string): { interval: LongCandleInterval; candle: Candle }[] {
    const now = this.o.now();
    const out: { interval: LongCandleInterval; candle: Candle }[] = [];
    for (const interval of LONG_INTERVALS) {
      const last = this.series.get(`${marketId}\u0000${interval}`)?.candles.at(-1);
      if (last && last.openTime === intervalStart(now, interval)) out.push({ interval, candle: { ...last } });
    }
    return out;
  }

  /** Forgets a market's candles (its feed stopped: trades after this would be missed). */
  forget(marketId: string): void {
    for (const interval of LONG_INTERVALS) {
      const key = `${marketId}\u0000${interval}`;
      if (!this.series.get(key)?.loading) this.series.delete(key);
    }
  }

  private async fetch(
    market: FeedMarket,
    interval: LongCandleInterval,
    s: Series,
    endBefore: number,
    limit: number,
  ): Promise<void> {
    if (!this.o.source.fetchLongCandles) throw new Error(`${market.exchange} serves no ${interval} candles`);
    const fetchedAt = this.o.now();
    const page = await this.o.source.fetchLongCandles(market, interval, endBefore, limit);
    const candles = page.candles.filter((c) => c.openTime < endBefore);
    const newest = s.candles.length === 0;
    // Older candles go in front; the first page also sets when the forming candle was read.
    const oldest = s.candles[0]?.openTime ?? Infinity;
    s.candles = [...candles.filter((c) => c.openTime < oldest), ...s.candles];
    if (newest) s.fetchedAt = fetchedAt;
    if (page.nextEndBefore === undefined || candles.length < limit) s.exhausted = true;
  }
}
