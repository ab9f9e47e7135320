/**
 * What every exchange's feed client shares: the subscription table, per-market status (live / reconnecting /
 * stale / offline), typed listeners, counters, and the one WebSocket per exchange. The exchange subclasses
 * (UpbitFeedClient, BinanceFeedClient) speak the wire protocol.
 */
import { type BackoffPolicy, type Clock, type Random, systemClock } from '../../core/market-data/clock';
import { DecimalError } from '../../core/market-data/decimal';
import { excerpt, MalformedFrameError } from './frame-error';
import { consoleLogger, type FeedLogger, ThrottledWarn } from './logger';
import { MarketRegistry } from '../../core/market-data/markets';
import { RestClient, type RestClientOptions } from './rest-client';
import type {
  BookEvent,
  CandleSource,
  ExchangeId,
  FeedChannel,
  FeedEvent,
  FeedMarket,
  FeedStats,
  FeedStatus,
  StatusEvent,
} from '../../core/market-data/types';
import { ReconnectingConnection } from './ws-connection';

export interface FeedClientOptions {
  exchange: ExchangeId;
  /** WebSocket endpoint (Upbit: …/websocket/v1; Binance: the host, e.g. wss://stream.binance.com:9443). */
  wsUrl?: string;
  /** REST base URL (https://api.upbit.com, https://api.binance.com). */
  restUrl?: string;
  /** Markets whose metadata overrides the built-in table (see markets.ts). */
  markets?: FeedMarket[];
  /** Ping after this much silence (default 5 s). */
  heartbeatMs?: number;
  /** Reconnect after this much silence, pings unanswered (default 12 s). */
  deadAfterMs?: number;
  /** A market with no data for this long is 'stale' (default 10 s). */
  staleAfterMs?: number;
  /** A market unreachable for this long is 'offline' (reconnecting goes on; default 60 s). */
  offlineAfterMs?: number;
  backoff?: BackoffPolicy;
  connectTimeoutMs?: number;
  /** Levels per side in book events (default 30). */
  bookDepth?: number;
  /** Binance: levels in the REST snapshot the book is built on (default 1000). */
  depthSnapshotLimit?: number;
  /** Upbit: wire format to ask for (default DEFAULT). */
  upbitFormat?: 'DEFAULT' | 'SIMPLE';
  /** Outgoing WebSocket messages per second (default 4: both exchanges allow 5). */
  maxSendPerSec?: number;
  rest?: Partial<Omit<RestClientOptions, 'exchange' | 'baseURL'>>;
  clock?: Clock;
  random?: Random;
  logger?: FeedLogger;
  /** Called as each WebSocket data frame arrives, before it is parsed (instrumentation). */
  onFrame?: () => void;
}

export const DEFAULT_CHANNELS: readonly FeedChannel[] = ['ticker', 'trade', 'book'];

export interface Subscription {
  market: FeedMarket;
  channels: Set<FeedChannel>;
  status?: FeedStatus;
  lastDataAt: number;
  /** When the market stopped receiving because the link went down (for 'offline'). */
  downSince?: number;
  /** Set when the exchange said it does not have this market: no more tries. */
  rejected?: string;
}

type Listener<T> = (event: T) => void;
type EventOf<K extends FeedEvent['type']> = Extract<FeedEvent, { type: K }>;

export abstract class FeedClient {
  readonly exchange: ExchangeId;
  /** 1m candle history over REST (rate-limited). */
  abstract readonly candles: CandleSource;
  protected readonly clock: Clock;
  protected readonly random: Random;
  protected readonly logger: FeedLogger;
  protected readonly registry: MarketRegistry;
  protected readonly rest: RestClient;
  protected readonly subs = new Map<string, Subscription>();
  /** Subscribed markets by the exchange's own symbol/code (as frames name them). */
  protected readonly bySymbol = new Map<string, Subscription>();
  protected readonly connection: ReconnectingConnection;
  protected readonly bookDepth: number;
  protected readonly counters: FeedStats = {
    frames: 0,
    parsed: 0,
    malformed: 0,
    ignored: 0,
    events: 0,
    reconnects: 0,
    bookResyncs: 0,
    exchangeErrors: 0,
    restRequests: 0,
    restRateLimited: 0,
  };
  private readonly byType = new Map<string, Set<Listener<never>>>();
  private readonly anyListeners = new Set<Listener<FeedEvent>>();
  private readonly lastBooks = new Map<string, BookEvent>();
  private readonly badFrameLog: ThrottledWarn;
  private readonly staleAfterMs: number;
  private readonly offlineAfterMs: number;
  private readonly onFrameHook?: () => void;
  private statusTimer: unknown;
  private changeTimer: unknown;
  private closed = false;
  /** When the frame being handled arrived (clock time): what markData stamps, rather than reading the clock again. */
  private frameAt = 0;

  constructor(
    protected readonly options: FeedClientOptions & {
      heartbeat: 'ping-frame' | 'text-ping';
      defaultWsUrl: string;
      defaultRestUrl: string;
    },
  ) {
    this.exchange = options.exchange;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? consoleLogger;
    this.registry = new MarketRegistry(options.exchange, options.markets);
    this.bookDepth = options.bookDepth ?? 30;
    this.staleAfterMs = options.staleAfterMs ?? 10_000;
    this.offlineAfterMs = options.offlineAfterMs ?? 60_000;
    this.onFrameHook = options.onFrame;
    this.badFrameLog = new ThrottledWarn(this.logger);
    this.rest = new RestClient({
      clock: this.clock,
      random: this.random,
      logger: this.logger,
      ...options.rest,
      exchange: options.exchange,
      baseURL: options.restUrl ?? options.defaultRestUrl,
      onRequest: (status) => {
        this.counters.restRequests++;
        if (status === 429 || status === 418) this.counters.restRateLimited++;
      },
    });
    this.connection = new ReconnectingConnection(
      {
        name: options.exchange,
        url: () => this.connectionUrl(options.wsUrl ?? options.defaultWsUrl),
        clock: this.clock,
        random: this.random,
        logger: this.logger,
        heartbeatMs: options.heartbeatMs ?? 5000,
        deadAfterMs: options.deadAfterMs ?? 12_000,
        heartbeat: options.heartbeat,
        backoff: options.backoff ?? { baseMs: 500, maxMs: 30_000 },
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        maxSendPerSec: options.maxSendPerSec ?? 4,
      },
      {
        onOpen: () => {
          const now = this.clock.now();
          // Staleness counts from the moment data can flow again.
          for (const s of this.subs.values()) s.lastDataAt = now;
          this.counters.reconnects = this.connection.reconnects;
          this.onOpen();
        },
        onFrame: (data, isBinary, at) => {
          this.counters.frames++;
          this.frameAt = at;
          this.onFrameHook?.();
          this.handleFrame(data, isBinary);
        },
        onDown: (reason) => {
          if (this.closed) return;
          const now = this.clock.now();
          this.onDown();
          for (const s of this.subs.values()) {
            s.downSince ??= now;
            if (!s.rejected) this.setStatus(s, 'reconnecting', reason);
          }
        },
      },
    );
  }

  /** URL to connect to now. */
  protected abstract connectionUrl(base: string): string;
  /** The socket is open: (re)send every subscription. */
  protected abstract onOpen(): void;
  /** The socket went down: forget per-connection state (books are resynced after reconnecting). */
  protected abstract onDown(): void;
  /** Subscriptions changed at run time (coalesced: once per burst of subscribe/unsubscribe calls). */
  protected abstract onSubscriptionsChanged(): void;
  protected abstract handleFrame(data: Buffer, isBinary: boolean): void;

  /**
   * Subscribes to a market by app id ("BTC-KRW"). Channels add to any the market already has. Throws
   * UnknownMarketError for an id this exchange cannot serve.
   */
  subscribe(marketId: string, channels: readonly FeedChannel[] = DEFAULT_CHANNELS): FeedMarket {
    if (this.closed) throw new Error('feed client is closed');
    const market = this.registry.resolve(marketId);
    this.checkChannels(channels);
    let sub = this.subs.get(market.id);
    if (!sub) {
      sub = { market, channels: new Set(), lastDataAt: this.clock.now() };
      this.subs.set(market.id, sub);
      this.bySymbol.set(market.symbol, sub);
      if (!this.connection.isOpen) sub.downSince = this.clock.now();
      this.setStatus(sub, 'reconnecting', this.connection.isOpen ? 'subscribing' : 'connecting');
    }
    for (const c of channels) sub.channels.add(c);
    this.changed();
    return market;
  }

  /** Removes channels (all when omitted); a market left without channels is dropped. */
  unsubscribe(marketId: string, channels?: readonly FeedChannel[]): void {
    const market = this.registry.resolve(marketId);
    const sub = this.subs.get(market.id);
    if (!sub) return;
    for (const c of channels ?? [...sub.channels]) sub.channels.delete(c);
    if (sub.channels.size === 0) {
      this.subs.delete(market.id);
      this.bySymbol.delete(market.symbol);
      this.lastBooks.delete(market.id);
    }
    this.changed();
  }

  /** The markets subscribed now, with their channels. */
  subscriptions(): { market: string; channels: FeedChannel[] }[] {
    return [...this.subs.values()].map((s) => ({ market: s.market.id, channels: [...s.channels] }));
  }

  on<K extends FeedEvent['type']>(type: K, listener: Listener<EventOf<K>>): () => void {
    let set = this.byType.get(type);
    if (!set) this.byType.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  onEvent(listener: Listener<FeedEvent>): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Market metadata for an app id (throws UnknownMarketError like subscribe). */
  market(marketId: string): FeedMarket {
    return this.registry.resolve(marketId);
  }

  status(marketId: string): FeedStatus | undefined {
    return this.subs.get(marketId)?.status;
  }

  /** The latest book of a market (Binance: the locally kept one, once synced). */
  book(marketId: string): BookEvent | undefined {
    return this.lastBooks.get(marketId);
  }

  stats(): FeedStats {
    return { ...this.counters, reconnects: this.connection.reconnects };
  }

  /** Closes the socket and timers; every market goes 'offline'. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimeout(this.statusTimer);
    this.clock.clearTimeout(this.changeTimer);
    this.connection.stop();
    for (const s of this.subs.values()) this.setStatus(s, 'offline', 'feed closed');
  }

  // ---- for subclasses ----

  protected checkChannels(_channels: readonly FeedChannel[]): void {}

  private changed(): void {
    if (this.subs.size > 0 && !this.connection.isRunning) {
      this.connection.start();
      this.armStatusTimer();
    }
    this.clock.clearTimeout(this.changeTimer);
    // Coalesce a burst of calls into one message: both exchanges limit messages per second.
    this.changeTimer = this.clock.setTimeout(() => {
      if (this.subs.size === 0) {
        this.connection.stop();
        this.clock.clearTimeout(this.statusTimer);
      }
      this.onSubscriptionsChanged();
    }, 0);
  }

  /** Data for a market arrived in the frame being handled. */
  protected markData(sub: Subscription): void {
    sub.lastDataAt = this.frameAt;
    if (sub.status !== 'live') {
      sub.downSince = undefined;
      this.setStatus(sub, 'live');
    }
  }

  protected emit(event: FeedEvent): void {
    this.counters.events++;
    if (event.type === 'book') this.lastBooks.set(event.market, event);
    const set = this.byType.get(event.type);
    if (set) for (const l of set) this.deliver(l as Listener<FeedEvent>, event);
    for (const l of this.anyListeners) this.deliver(l, event);
  }

  private deliver(listener: Listener<FeedEvent>, event: FeedEvent): void {
    try {
      listener(event);
    } catch (err) {
      // A listener's bug must not take the feed down with it.
      this.logger.warn('feed listener threw', { error: String(err), event: event.type });
    }
  }

  protected setStatus(sub: Subscription, status: FeedStatus, reason?: string): void {
    if (sub.status === status) return;
    sub.status = status;
    const ev: StatusEvent =
      reason === undefined
        ? { type: 'status', market: sub.market.id, status }
        : { type: 'status', market: sub.market.id, status, reason };
    this.emit(ev);
  }

  /** The exchange says it does not list this market: stop trying and say so. */
  protected reject(sub: Subscription, reason: string): void {
    sub.rejected = reason;
    this.logger.warn('market rejected by the exchange', { exchange: this.exchange, market: sub.market.id, reason });
    this.setStatus(sub, 'offline', reason);
  }

  /** Counts and logs a frame that failed validation. Anything other than a validation error is rethrown. */
  protected badFrame(err: unknown, text: string | Buffer): void {
    if (!(err instanceof MalformedFrameError) && !(err instanceof DecimalError)) throw err;
    this.counters.malformed++;
    const shown = typeof text === 'string' ? text : text.subarray(0, 200).toString('utf8');
    this.badFrameLog.warn('malformed frame dropped', {
      exchange: this.exchange,
      error: err.message,
      frame: excerpt(shown),
    });
  }

  private armStatusTimer(): void {
    this.clock.clearTimeout(this.statusTimer);
    const period = Math.max(10, Math.min(this.staleAfterMs, this.offlineAfterMs) / 4);
    const tick = (): void => {
      if (this.closed || !this.connection.isRunning) return;
      const now = this.clock.now();
      for (const s of this.subs.values()) {
        if (s.rejected) continue;
        if (s.downSince !== undefined && !this.connection.isOpen) {
          if (now - s.downSince >= this.offlineAfterMs)
            this.setStatus(s, 'offline', `unreachable for ${Math.round((now - s.downSince) / 1000)} s`);
        } else if (now - s.lastDataAt >= this.staleAfterMs && s.status !== 'stale') {
          this.setStatus(s, 'stale', `no data for ${((now - s.lastDataAt) / 1000).toFixed(1)} s`);
        }
      }
      this.statusTimer = this.clock.setTimeout(tick, period);
    };
    this.statusTimer = this.clock.setTimeout(tick, period);
  }
}
