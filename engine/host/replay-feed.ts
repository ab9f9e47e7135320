/**
 * The 'replay' feed source: a session file played through ReplayPlayer, plus the 1m candles of what has been
 * played so far (for charts).
 *
 * Candles come from the session's own trades up to the play position, rebuilt on every seek, so a chart never
 * shows minutes the replay has not reached and a replayed session never mixes into the stored candle history
 * of the real exchange (a generated session is made-up data, not market history).
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
import { ReplayPlayer, readSessionFile, sessionTimeline, type PlayerState, type Session } from '../node/replay';

export interface ReplayFeedOptions {
  path: string;
  speed: number;
  onEvent: (event: FeedEvent, replayed: boolean) => void;
  onState: (info: ReplayInfo) => void;
}

export class ReplayFeed {
  readonly markets: readonly FeedMarket[];
  private readonly player: ReplayPlayer;
  private readonly minutes = new Map<string, Candle[]>();
  private started = false;
  private closed = false;

  /** Reads and validates the whole file first: a bad file throws (SessionFileError) before anything changes. */
  static load(options: ReplayFeedOptions): ReplayFeed {
    return new ReplayFeed(readSessionFile(options.path), options);
  }

  private constructor(
    private readonly session: Session,
    private readonly options: ReplayFeedOptions,
  ) {
    this.markets = session.header.markets;
    this.player = new ReplayPlayer(sessionTimeline(session), {
      speed: options.speed,
      onEvent: (event, _at, replayed) => {
        if (this.closed) return;
        if (event.type === 'trade') this.record(event.market, event.ts, event.price, event.size);
        options.onEvent(event, replayed);
      },
      onState: () => {
        if (!this.closed) options.onState(this.info());
      },
    });
  }

  /** The session as data; the UI words its title (kind, markets, start, length) in the user's language. */
  info(): ReplayInfo {
    const { header } = this.session;
    return {
      path: this.options.path,
      kind: header.kind,
      ...(header.note ? { note: header.note } : {}),
      markets: this.markets.map((m) => m.id),
      startTime: header.startTime,
      endAt: sessionTimeline(this.session).endAt,
      position: Math.floor(this.player.position),
      state: this.player.state,
      speed: this.player.speed,
    };
  }

  get state(): PlayerState {
    return this.player.state;
  }

  /** The session's clock: the time the replay has reached (stands still while paused). */
  sessionTime(): number {
    return this.session.header.startTime + Math.floor(this.player.position);
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

  /** Moves to `at` ms since the session's start; candles are rebuilt from the trades before it. */
  seek(at: number): void {
    this.started = true;
    const target = Math.max(0, at);
    this.minutes.clear();
    for (const r of this.session.records) {
      if (r.at >= target) break;
      if (r.event.type === 'trade') this.record(r.event.market, r.event.ts, r.event.price, r.event.size);
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
