/**
 * The 'replay' feed source: a session file, or a past window of an exchange downloaded (./../node/replay/
 * history-download), played through ReplayPlayer, plus the 1m candles of what has been played so far (charts).
 *
 * Candles of a session come from its own trades up to the play position, rebuilt on every seek, so a chart
 * never shows minutes the replay has not reached and a replayed session never mixes into the stored candle
 * history of the real exchange (a generated session is made-up data, not market history). A past window plays
 * its published 1m candles (each at its minute's end, with a ticker) and, where the exchange gave them, its
 * trades; its paper fills follow HistoryFills (../core/replay/history-fills), whose model the info names.
 */
import {
  aggregateCandles,
  candlePage,
  CANDLE_INTERVALS,
  MINUTE_MS,
  intervalStart,
  nextIntervalStart,
} from '../core/candles';
import type { Candle, CandleInterval, FeedEvent, FeedMarket } from '../core/market-data/types';
import type { ReplayInfo } from '../protocol/api';
import {
  ReplayPlayer,
  candleTimeline,
  readSessionFile,
  sessionTimeline,
  type PlayerState,
  type ReplayTimeline,
  type Session,
  type SessionRecord,
} from '../node/replay';
import { SESSION_FORMAT_VERSION } from '../node/replay/session-format';
import { HistoryFills, type HistoryFillSink } from '../core/replay/history-fills';
import type { PastHistory } from '../node/replay/history-download';

export interface ReplayFeedOptions {
  path: string;
  /** 1–1000, or Infinity: as fast as possible. */
  speed: number;
  onEvent: (event: FeedEvent, replayed: boolean) => void;
  onState: (info: ReplayInfo) => void;
}

/** A past window to play, with where its paper fills go. */
export interface HistoryReplay {
  history: PastHistory;
  sink: HistoryFillSink;
}

export class ReplayFeed {
  readonly markets: readonly FeedMarket[];
  private readonly player: ReplayPlayer;
  private readonly timeline: ReplayTimeline;
  private readonly minutes = new Map<string, Candle[]>();
  /** A past window's fills (undefined for a session file, whose trades reach the paper trader as live ones do). */
  readonly fills: HistoryFills | undefined;
  private started = false;
  private closed = false;
  /** The `at` of the event being delivered, if one is. */
  private emitting: number | undefined;

  /** Reads and validates the whole file first: a bad file throws (SessionFileError) before anything changes. */
  static load(options: ReplayFeedOptions): ReplayFeed {
    const session = readSessionFile(options.path);
    return new ReplayFeed(session, sessionTimeline(session), options);
  }

  /** A downloaded past window: its candles (and trades) in time order, paused at its start. */
  static ofHistory(replay: HistoryReplay, options: ReplayFeedOptions): ReplayFeed {
    const h = replay.history;
    const range = { from: h.from, to: h.to };
    const timeline = candleTimeline(h.market.id, h.minutes, range, { intervals: [] });
    const records: SessionRecord[] = [...timeline.records];
    if (h.trades.length > 0) {
      // A minute's trades come before its candle, which is emitted at the minute's end.
      const trades = h.trades.map((t) => ({ at: t.ts - h.from, event: t }));
      records.length = 0;
      let i = 0;
      for (const r of timeline.records) {
        while (i < trades.length && trades[i].at <= r.at) records.push(trades[i++]);
        records.push(r);
      }
      while (i < trades.length) records.push(trades[i++]);
    }
    const session: Session = {
      header: { format: SESSION_FORMAT_VERSION, kind: 'recorded', startTime: h.from, markets: [h.market] },
      records,
      truncated: false,
    };
    const fills = new HistoryFills(h.market.id, h.model, h.minutes, replay.sink);
    return new ReplayFeed(session, { ...timeline, records }, options, { history: h, fills });
  }

  private constructor(
    private readonly session: Session,
    timeline: ReplayTimeline,
    private readonly options: ReplayFeedOptions,
    private readonly past?: { history: PastHistory; fills: HistoryFills },
  ) {
    this.markets = session.header.markets;
    this.timeline = timeline;
    this.fills = past?.fills;
    this.player = new ReplayPlayer(timeline, {
      speed: options.speed,
      onEvent: (event, at, replayed) => {
        if (this.closed) return;
        // What an event causes happens at its own time, however late the clock delivered it.
        this.emitting = at;
        try {
          this.take(event, replayed);
          options.onEvent(event, replayed);
        } finally {
          this.emitting = undefined;
        }
      },
      onState: () => {
        if (!this.closed) options.onState(this.info());
      },
    });
  }

  /** The session as data; the UI words its title (kind, markets, start, length) in the user's language. */
  info(): ReplayInfo {
    const { header } = this.session;
    const h = this.past?.history;
    return {
      path: this.options.path,
      kind: h ? 'history' : header.kind,
      ...(header.note ? { note: header.note } : {}),
      markets: this.markets.map((m) => m.id),
      startTime: header.startTime,
      endAt: this.timeline.endAt,
      position: Math.floor(this.player.position),
      state: this.player.state,
      speed: speedInfo(this.player.speed),
      ...(h
        ? {
            history: {
              exchange: h.market.exchange,
              market: h.market.id,
              from: h.from,
              to: h.to,
              fillModel: h.model,
              ...(h.tradesNote ? { tradesNote: h.tradesNote } : {}),
              minutes: h.minutes.length,
              trades: h.trades.length,
            },
          }
        : {}),
    };
  }

  get state(): PlayerState {
    return this.player.state;
  }

  /**
   * The session's clock: the time the replay has reached (stands still while paused), and while an event is
   * delivered, that event's time, so the fills it causes are stamped the same at any speed.
   */
  sessionTime(): number {
    return this.session.header.startTime + (this.emitting ?? Math.floor(this.player.position));
  }

  /** Starts playing the first time a market is looked at; later pauses are the user's to undo. */
  autoStart(): void {
    if (this.started) return;
    this.play();
  }

  /** Plays on; a session at its end starts over. */
  play(): void {
    this.started = true;
    if (this.player.state === 'ended') this.seek(0);
    this.player.play();
  }

  pause(): void {
    this.player.pause();
  }

  setSpeed(speed: number): void {
    this.player.setSpeed(speed);
    this.options.onState(this.info());
  }

  /** Moves to `at` ms since the session's start; candles are rebuilt from the records before it. */
  seek(at: number): void {
    this.started = true;
    const target = Math.max(0, at);
    this.minutes.clear();
    this.fills?.reset();
    for (const r of this.timeline.records) {
      if (r.at >= target) break;
      this.chart(r.event);
    }
    this.player.seek(target);
    this.options.onState(this.info());
  }

  /** Candles of `interval` played so far that open before `before`, oldest first (the last one may be forming). */
  candles(market: string, interval: CandleInterval, limit: number, before = Infinity): Candle[] {
    const minutes = this.minutes.get(market) ?? [];
    const all = interval === '1m' ? minutes : aggregateCandles(minutes, interval);
    return candlePage(all, limit, before).map((c) => ({ ...c }));
  }

  /** The forming candle of every interval, from the minutes of its own span only. */
  currentCandles(market: string): { interval: CandleInterval; candle: Candle }[] {
    const minutes = this.minutes.get(market);
    const last = minutes?.at(-1);
    if (!minutes || !last) return [];
    const out: { interval: CandleInterval; candle: Candle }[] = [];
    for (const interval of CANDLE_INTERVALS) {
      const start = intervalStart(last.openTime, interval);
      let i = minutes.length - 1;
      while (i > 0 && minutes[i - 1].openTime >= start) i--;
      const candle = interval === '1m' ? last : aggregateCandles(minutes.slice(i), interval).at(-1);
      if (candle && nextIntervalStart(candle.openTime, interval) > last.openTime)
        out.push({ interval, candle: { ...candle } });
    }
    return out;
  }

  close(): void {
    this.closed = true;
    this.player.dispose();
  }

  /** What an event played means here: chart minutes, and for a past window its paper fills. */
  private take(event: FeedEvent, replayed: boolean): void {
    if (!replayed) this.chart(event);
    const fills = this.fills;
    if (!fills) return;
    if (event.type === 'trade' && !replayed) fills.onTrade(event);
    else if (event.type === 'candle' && event.interval === '1m') {
      // The state a seek re-sends sets the price in force; only a minute played runs its path.
      if (replayed) fills.settle(event.candle);
      else fills.onCandle(event.candle);
    }
  }

  /** Charts of a session are its trades; of a past window, its published 1m candles. */
  private chart(event: FeedEvent): void {
    if (this.past) {
      if (event.type === 'candle' && event.interval === '1m') this.addMinute(event.market, event.candle);
    } else if (event.type === 'trade') this.record(event.market, event.ts, event.price, event.size);
  }

  private addMinute(market: string, c: Candle): void {
    let list = this.minutes.get(market);
    if (!list) this.minutes.set(market, (list = []));
    if (!list.length || c.openTime > list.at(-1)!.openTime) list.push({ ...c });
  }

  private record(market: string, ts: number, price: number, size: number): void {
    let list = this.minutes.get(market);
    if (!list) this.minutes.set(market, (list = []));
    const openTime = Math.floor(ts / MINUTE_MS) * MINUTE_MS;
    const last = list.at(-1);
    if (last && last.openTime === openTime) {
      if (price > last.high) last.high = price;
      if (price < last.low) last.low = price;
      last.close = price;
      last.volume += size;
    } else if (!last || openTime > last.openTime) {
      list.push({ openTime, open: price, high: price, low: price, close: price, volume: size });
    }
  }
}

/** The player's speed as the API carries it (JSON has no Infinity). */
export function speedInfo(speed: number): number | 'max' {
  return Number.isFinite(speed) ? speed : 'max';
}
