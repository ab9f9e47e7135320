/**
 * Live candles from trades: each trade updates the current 1m candle and the current candle of every longer
 * interval in place, and a CandleEvent goes out for each interval it changed.
 *
 * Longer intervals start from the closed minutes already stored (`seed`), so the current hour shows the whole
 * hour, not just the minutes since the app started. Closed minutes are handed to `onMinutesClosed` together
 * with the span of time that was watched without interruption, so the caller can store them as known (a
 * watched minute without a trade is a real gap). The minute in which watching began or was interrupted is
 * stored but not vouched for, since trades before or during the interruption may be missing from it.
 */
import type { Candle, CandleEvent, CandleInterval, FeedEvent, TradeEvent } from '../market-data/types';
import {
  CANDLE_INTERVALS,
  MINUTE_MS,
  bucketStart,
  intervalOffsetMs,
  intervalStart,
  type BoundaryOptions,
} from './intervals';
import type { MarketKey } from '../market-data/types';
import type { TimeRange } from './time-ranges';

export interface ClosedMinutes {
  market: string;
  /** The closed minute's candle — absent when the minute had no trade. */
  candle?: Candle;
  /**
   * The minutes now known from watching: every trade in them was seen, so a minute without a candle here had
   * no trade. It starts after `candle` when that minute was only partly watched (store the candle without
   * vouching for it); undefined when no whole minute was watched.
   */
  known?: TimeRange;
}

/** The two CandleStore writes closed minutes need (structural, so this module does not depend on SQLite). */
export interface ClosedMinutesSink {
  writeRange(market: MarketKey, range: TimeRange, candles: readonly Candle[]): void;
  putCandles(market: MarketKey, candles: readonly Candle[]): void;
}

/** Stores closed live minutes: vouched ranges with their candle in one write, a partly watched candle alone. */
export function storeClosedMinutes(store: ClosedMinutesSink, market: MarketKey, closed: ClosedMinutes): void {
  const { candle, known } = closed;
  const inside =
    candle !== undefined && known !== undefined && candle.openTime >= known.from && candle.openTime < known.to;
  if (known) store.writeRange(market, known, inside ? [candle] : []);
  if (candle && !inside) store.putCandles(market, [candle]);
}

export interface LiveCandlesOptions extends BoundaryOptions {
  /** Intervals to emit events for (default all). 1m is always kept internally. */
  intervals?: readonly CandleInterval[];
  /**
   * How long after a minute's end `advance(now)` waits before closing it without a trade, so that a trade
   * stamped just before the boundary but delivered late still lands in its minute (default 2000 ms).
   */
  closeGraceMs?: number;
  /**
   * `advance` is expected every second or so. When calls are further apart than this (the computer slept, the
   * process was stalled), nothing can be said about the time in between: watching restarts at `now` instead of
   * vouching for the whole stretch as quiet (default 15,000 ms).
   */
  maxAdvanceGapMs?: number;
  /** Trade ids remembered per market to drop repeats (a reconnect's snapshot resends the last trade). */
  rememberTradeIds?: number;
  onCandle?: (event: CandleEvent) => void;
  onMinutesClosed?: (closed: ClosedMinutes) => void;
}

interface LiveCandle extends Candle {
  /** Times of the trades (or minutes) that set `open` and `close`, so input out of time order merges right. */
  openTs: number;
  closeTs: number;
}

interface MarketState {
  /** The open 1m candle, if a trade arrived in it. */
  minute?: LiveCandle;
  /** Start of the minute being watched now (the open minute, with or without a trade). */
  minuteStart: number;
  /** Watching without interruption since this time (Infinity: not watching). */
  watchedSince: number;
  /** Current candle of each longer interval. */
  longer: Map<CandleInterval, LiveCandle>;
  /** First minute that live trades were merged from (Infinity: none yet); stored minutes merge only before it. */
  liveFrom: number;
  /** End of the stored minutes merged so far, so a second `watch` with stored minutes adds nothing twice. */
  seededTo: number;
  recentIds: Set<string>;
  recentOrder: string[];
  droppedLate: number;
}

export class LiveCandles {
  private readonly markets = new Map<string, MarketState>();
  private readonly longer: CandleInterval[];
  private readonly emit1m: boolean;
  private readonly grace: number;
  private readonly rememberIds: number;
  private readonly maxAdvanceGap: number;
  private lastAdvance: number | undefined;

  constructor(private readonly options: LiveCandlesOptions = {}) {
    const wanted = options.intervals ?? CANDLE_INTERVALS;
    this.emit1m = wanted.includes('1m');
    this.longer = CANDLE_INTERVALS.filter((i) => i !== '1m' && wanted.includes(i));
    for (const i of this.longer) intervalOffsetMs(i, options); // validates dayStartMinute up front
    this.grace = options.closeGraceMs ?? 2000;
    this.rememberIds = options.rememberTradeIds ?? 2000;
    this.maxAdvanceGap = options.maxAdvanceGapMs ?? 15_000;
  }

  /**
   * Starts (or restarts after an interruption) watching a market at `now`. `storedMinutes` are the stored,
   * closed 1m candles from at least the start of the longest interval's current candle, oldest first; they
   * become the base of the current longer candles.
   */
  watch(market: string, now: number, storedMinutes: readonly Candle[] = []): void {
    const state = this.state(market, now);
    state.watchedSince = now;
    for (const c of storedMinutes) {
      // The open minute, and any minute live trades already went into, come from trades only.
      if (c.openTime >= state.minuteStart || c.openTime >= state.liveFrom) break;
      if (c.openTime < state.seededTo) continue;
      for (const interval of this.longer) this.mergeLonger(state, interval, c, c.openTime);
      state.seededTo = c.openTime + MINUTE_MS;
    }
  }

  /** Stops vouching for a market's minutes (the feed went stale or is reconnecting); candles keep updating. */
  interrupt(market: string): void {
    const state = this.markets.get(market);
    if (state) state.watchedSince = Infinity;
  }

  /** Routes feed events: trades update candles; status 'live' (re)starts watching, any other status interrupts. */
  handle(event: FeedEvent, now: number): void {
    if (event.type === 'trade') this.trade(event);
    else if (event.type === 'status') {
      if (event.status === 'live') this.watch(event.market, now);
      else this.interrupt(event.market);
    }
  }

  trade(t: TradeEvent): void {
    if (!Number.isSafeInteger(t.price) || !Number.isSafeInteger(t.size) || t.price < 0 || t.size < 0) {
      throw new RangeError(`trade ${t.tradeId} on ${t.market}: price and size must be non-negative integers`);
    }
    const state = this.state(t.market, t.ts);
    if (state.recentIds.has(t.tradeId)) return;
    state.recentIds.add(t.tradeId);
    state.recentOrder.push(t.tradeId);
    if (state.recentOrder.length > this.rememberIds) state.recentIds.delete(state.recentOrder.shift()!);

    const minuteStart = bucketStart(t.ts, MINUTE_MS);
    if (minuteStart < state.minuteStart) {
      // Its minute is closed and handed on already; counted so a feed that delivers very late can be noticed.
      state.droppedLate++;
      return;
    }
    if (minuteStart > state.minuteStart) this.closeMinute(t.market, state, minuteStart);
    if (state.liveFrom === Infinity) state.liveFrom = minuteStart;
    const m = state.minute;
    const c: Candle = {
      openTime: minuteStart,
      open: t.price,
      high: t.price,
      low: t.price,
      close: t.price,
      volume: t.size,
    };
    if (!m) state.minute = { ...c, openTs: t.ts, closeTs: t.ts };
    else mergeInto(m, c, t.ts);
    if (this.emit1m) this.emitCandle(t.market, '1m', state.minute!);
    for (const interval of this.longer) this.emitCandle(t.market, interval, this.mergeLonger(state, interval, c, t.ts));
  }

  /** Closes minutes that ended (plus the grace) before `now` even without a trade, so quiet minutes get stored. */
  advance(now: number): void {
    const stalled = this.lastAdvance !== undefined && now - this.lastAdvance > this.maxAdvanceGap;
    this.lastAdvance = now;
    const target = bucketStart(now - this.grace, MINUTE_MS);
    for (const [market, state] of this.markets) {
      if (stalled && state.watchedSince !== Infinity) state.watchedSince = now;
      if (target > state.minuteStart) this.closeMinute(market, state, target);
    }
  }

  /** The current candle of an interval for a market, if any trade or stored minute made one. */
  current(market: string, interval: CandleInterval): Candle | undefined {
    const state = this.markets.get(market);
    if (!state) return undefined;
    const c = interval === '1m' ? state.minute : state.longer.get(interval);
    return c && strip(c);
  }

  /** Trades dropped because their minute had already been closed. */
  lateTrades(market: string): number {
    return this.markets.get(market)?.droppedLate ?? 0;
  }

  private state(market: string, now: number): MarketState {
    let state = this.markets.get(market);
    if (!state) {
      state = {
        minuteStart: bucketStart(now, MINUTE_MS),
        watchedSince: Infinity,
        longer: new Map(),
        liveFrom: Infinity,
        seededTo: -Infinity,
        recentIds: new Set(),
        recentOrder: [],
        droppedLate: 0,
      };
      this.markets.set(market, state);
    }
    return state;
  }

  private closeMinute(market: string, state: MarketState, nextMinuteStart: number): void {
    const closed = state.minute;
    state.minute = undefined;
    const from = state.minuteStart;
    state.minuteStart = nextMinuteStart;
    // Vouch from the first whole minute watched: the one in which watching began may lack earlier trades.
    const firstWhole =
      state.watchedSince === Infinity ? Infinity : bucketStart(state.watchedSince + MINUTE_MS - 1, MINUTE_MS);
    const knownFrom = Math.max(from, firstWhole);
    const known = knownFrom < nextMinuteStart ? { from: knownFrom, to: nextMinuteStart } : undefined;
    if (!closed && !known) return;
    this.options.onMinutesClosed?.({ market, candle: closed && strip(closed), known });
  }

  private mergeLonger(state: MarketState, interval: CandleInterval, c: Candle, ts: number): LiveCandle {
    const start = intervalStart(c.openTime, interval, this.options);
    const cur = state.longer.get(interval);
    if (!cur || start > cur.openTime) {
      const fresh: LiveCandle = { ...c, openTime: start, openTs: ts, closeTs: ts };
      state.longer.set(interval, fresh);
      return fresh;
    }
    if (start === cur.openTime) mergeInto(cur, c, ts);
    return cur;
  }

  private emitCandle(market: string, interval: CandleInterval, c: LiveCandle): void {
    this.options.onCandle?.({ type: 'candle', market, interval, candle: strip(c) });
  }
}

function mergeInto(into: LiveCandle, c: Candle, ts: number): void {
  if (c.high > into.high) into.high = c.high;
  if (c.low < into.low) into.low = c.low;
  if (ts < into.openTs) {
    into.open = c.open;
    into.openTs = ts;
  }
  if (ts >= into.closeTs) {
    into.close = c.close;
    into.closeTs = ts;
  }
  into.volume += c.volume;
}

function strip(c: LiveCandle): Candle {
  return { openTime: c.openTime, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}
