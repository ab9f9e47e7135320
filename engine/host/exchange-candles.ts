/**
 * Candles of one exchange's markets: live candles built from the feed's trades (closed minutes stored in
 * candles.db), and chart history — what is stored at once, then the missing minutes fetched over REST with
 * progress reported, so a chart opens instantly and works offline with what was kept. Weeks and months come
 * from the exchange's own candles of them (exchange-long-candles.ts).
 */
import {
  CANDLE_INTERVALS,
  LiveCandles,
  MINUTE_MS,
  candlePage,
  fromColumns,
  intervalsBefore,
  storeClosedMinutes,
} from '../core/candles';
import { LongCandles, isLongInterval } from './exchange-long-candles';
import { CandleHistoryLoader, chartRange, type CandleStore, type HistoryProgress } from '../node/candles';
import type {
  Candle,
  CandleInterval,
  CandleSource,
  ExchangeId,
  FeedEvent,
  FeedMarket,
} from '../core/market-data/types';
import type { CandlesProgress } from '../protocol/api';

export interface ExchangeCandlesOptions {
  exchange: ExchangeId;
  store: CandleStore;
  source: CandleSource;
  onProgress: (p: CandlesProgress) => void;
  onError: (err: unknown) => void;
  now?: () => number;
}

/** Candles per REST page each exchange allows. */
const PAGE_LIMIT: Record<ExchangeId, number> = { upbit: 200, binance: 1000 };
/** Live minutes are closed (and stored) by a tick this often, trades or not. */
const ADVANCE_EVERY_MS = 1000;

export class ExchangeCandles {
  private readonly live: LiveCandles;
  private readonly loader: CandleHistoryLoader;
  private readonly long: LongCandles;
  private readonly loads = new Map<string, AbortController>();
  private readonly watched = new Map<string, FeedMarket>();
  /** Markets whose feed said 'live' last: only their watching may be restarted by a re-seed. */
  private readonly liveNow = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly o: ExchangeCandlesOptions) {
    this.now = o.now ?? Date.now;
    this.live = new LiveCandles({
      // Weeks and months are the exchange's own (LongCandles): built from today's minutes they would be wrong.
      intervals: CANDLE_INTERVALS.filter((i) => !isLongInterval(i)),
      onMinutesClosed: (closed) => {
        const market = this.watched.get(closed.market);
        if (!market) return;
        try {
          storeClosedMinutes(o.store, market, closed);
        } catch (err) {
          o.onError(err);
        }
      },
    });
    this.loader = new CandleHistoryLoader(o.store, o.source, { pageLimit: PAGE_LIMIT[o.exchange], now: this.now });
    this.long = new LongCandles({ source: o.source, pageLimit: PAGE_LIMIT[o.exchange], now: this.now });
    this.timer = setInterval(() => {
      try {
        this.live.advance(this.now());
      } catch (err) {
        o.onError(err);
      }
    }, ADVANCE_EVERY_MS);
    this.timer.unref();
  }

  /**
   * Starts building live candles for a market, its longer candles seeded with the stored minutes of the day.
   * Call before subscribing: watching is vouched for only from the feed's next 'live' status.
   */
  watch(market: FeedMarket): void {
    this.watched.set(market.id, market);
    this.liveNow.delete(market.id);
    this.seed(market);
  }

  unwatch(marketId: string): void {
    this.live.interrupt(marketId);
    this.long.forget(marketId);
    this.watched.delete(marketId);
    this.liveNow.delete(marketId);
  }

  handle(e: FeedEvent): void {
    if (!this.watched.has(e.market)) return;
    if (e.type === 'status') {
      if (e.status === 'live') this.liveNow.add(e.market);
      else this.liveNow.delete(e.market);
    }
    this.live.handle(e, this.now());
    if (e.type === 'trade') this.long.trade(e);
  }

  /** The forming candle of every interval. */
  current(marketId: string): { interval: CandleInterval; candle: Candle }[] {
    const out: { interval: CandleInterval; candle: Candle }[] = [];
    for (const interval of CANDLE_INTERVALS) {
      if (isLongInterval(interval)) continue; // the exchange's own, below
      const candle = this.live.current(marketId, interval);
      if (candle) out.push({ interval, candle });
    }
    return [...out, ...this.long.current(marketId)];
  }

  /**
   * The last `limit` candles: stored ones now (with the forming one), and — unless a load of this market is
   * already running — the missing minutes fetched in the background, reported through onProgress.
   */
  candles(market: FeedMarket, interval: CandleInterval, limit: number): { candles: Candle[]; loading: boolean } {
    if (isLongInterval(interval)) {
      const { candles, loading, done } = this.long.candles(market, interval, limit);
      // A chart showing what there is reads again when the fetch ends (the renderer waits for loading → done).
      if (done) this.finished(market.id, interval, 'loading');
      void done?.then(
        () => this.finished(market.id, interval, 'complete'),
        (err: Error) => this.finished(market.id, interval, 'error', err.message),
      );
      return { candles, loading };
    }
    const now = this.now();
    const from = intervalsBefore(now, interval, limit - 1);
    const key = `${market.id}\u0000${interval}`;
    let stored: Candle[];
    let loading = this.loads.has(key);
    if (loading) {
      stored = this.o.store.readCandles(market, interval, chartRange(interval, from, now, now));
    } else {
      const abort = new AbortController();
      const history = this.loader.open(
        { market, interval, from, to: now },
        { signal: abort.signal, onProgress: (p) => this.progress(market.id, interval, 'loading', p) },
      );
      stored = history.stored;
      loading = history.missing.length > 0;
      if (loading) {
        this.loads.set(key, abort);
        void history.done.then((result) => {
          this.loads.delete(key);
          // Minutes fetched now may belong to the forming candles: fold them in (already-merged minutes are skipped).
          if (this.watched.has(market.id)) this.seed(market);
          const total = sumMinutes(history.range);
          this.o.onProgress({
            market: market.id,
            interval,
            state: result.state,
            pagesDone: result.pages,
            pagesEstimated: result.pages,
            minutesCovered: total - sumMissing(result.missing),
            minutesTotal: total,
            ...(result.error ? { error: result.error.message } : {}),
          });
        });
      }
    }
    return { candles: withForming(stored, this.live.current(market.id, interval)).slice(-limit), loading };
  }

  /**
   * Scrolling back: the newest `limit` candles opening before `before`, from the store, with the missing minutes
   * (or the older weeks and months) fetched first. Settles with what is known when the fetch ends; an exchange
   * that cannot be reached leaves the stored candles and says why.
   */
  async older(
    market: FeedMarket,
    interval: CandleInterval,
    limit: number,
    before: number,
  ): Promise<{ candles: Candle[]; error?: string }> {
    if (isLongInterval(interval)) {
      const first = this.long.candles(market, interval, limit, before);
      if (!first.done) return { candles: first.candles };
      try {
        await first.done;
      } catch (err) {
        return { candles: first.candles, error: (err as Error).message };
      }
      return { candles: this.long.candles(market, interval, limit, before).candles };
    }
    const from = intervalsBefore(before - 1, interval, limit - 1);
    // No progress events: they describe the chart's own window, which this does not change.
    const history = this.loader.open({ market, interval, from, to: before });
    const result = await history.done;
    return {
      candles: candlePage(result.candles, limit, before),
      ...(result.error ? { error: result.error.message } : {}),
    };
  }

  close(): void {
    clearInterval(this.timer);
    for (const abort of this.loads.values()) abort.abort(new Error('feed source closed'));
    this.loads.clear();
    this.watched.clear();
  }

  /** Says a week/month fetch started or ended, so a chart showing what there was reads them again. */
  private finished(
    market: string,
    interval: CandleInterval,
    state: 'loading' | 'complete' | 'error',
    error?: string,
  ): void {
    this.o.onProgress({
      market,
      interval,
      state,
      pagesDone: state === 'loading' ? 0 : 1,
      pagesEstimated: 1,
      minutesCovered: 0,
      minutesTotal: 0,
      ...(error ? { error } : {}),
    });
  }

  private progress(market: string, interval: CandleInterval, state: 'loading', p: HistoryProgress): void {
    this.o.onProgress({
      market,
      interval,
      state,
      pagesDone: p.pagesDone,
      pagesEstimated: p.pagesEstimated,
      minutesCovered: p.minutesCovered,
      minutesTotal: p.minutesTotal,
    });
  }

  /** Merges the stored closed minutes of today into the market's forming longer candles. */
  private seed(market: FeedMarket): void {
    const now = this.now();
    const to = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const from = intervalsBefore(now, '1d', 0);
    let minutes: Candle[] = [];
    try {
      minutes = fromColumns(this.o.store.readMinutes(market, { from, to }));
    } catch (err) {
      this.o.onError(err);
    }
    // watch() also (re)starts vouching for quiet minutes: only right while the feed is live.
    this.live.watch(market.id, now, minutes);
    if (!this.liveNow.has(market.id)) this.live.interrupt(market.id);
  }
}

function withForming(stored: Candle[], forming: Candle | undefined): Candle[] {
  if (!forming) return stored;
  const last = stored.at(-1);
  if (last && last.openTime === forming.openTime) return [...stored.slice(0, -1), forming];
  if (!last || forming.openTime > last.openTime) return [...stored, forming];
  return stored;
}

const sumMinutes = (r: { from: number; to: number }): number => Math.max(0, (r.to - r.from) / MINUTE_MS);
const sumMissing = (rs: readonly { from: number; to: number }[]): number => rs.reduce((n, r) => n + sumMinutes(r), 0);
