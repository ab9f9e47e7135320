/**
 * Binance Spot feed client: one combined-stream WebSocket (`/stream?streams=…`) for every subscribed USDT
 * market. Streams present at connect time go in the URL (no messages spent); later changes are SUBSCRIBE /
 * UNSUBSCRIBE requests with ids, answered by {"result":null,"id":n}. Books are kept locally from a REST snapshot
 * plus the @depth diffs (DepthSync) and rebuilt whenever a diff is missing.
 */
import { backoffDelay } from '../../../core/market-data/clock';
import { FeedClient, type FeedClientOptions, type Subscription } from '../feed-client-base';
import { UnknownMarketError } from '../../../core/market-data/markets';
import type { BookEvent, FeedChannel, FeedEvent, FeedMarket } from '../../../core/market-data/types';
import {
  type BinanceFrame,
  binanceRequest,
  binanceStream,
  parseBinanceFrame,
  parseBinanceFrameFast,
} from './binance-protocol';
import { BinanceRest } from './binance-rest';
import { DepthSync } from './depth-sync';

export const BINANCE_WS_URL = 'wss://stream.binance.com:9443';
export const BINANCE_REST_URL = 'https://api.binance.com';

const ALL_CHANNELS: readonly FeedChannel[] = ['ticker', 'trade', 'book', 'candle'];
/** Streams per SUBSCRIBE message (the request must stay well under the frame size the server accepts). */
const STREAMS_PER_REQUEST = 100;

interface BookState {
  sync: DepthSync;
  snapshotInFlight: boolean;
  snapshotAttempt: number;
  retryTimer?: unknown;
  /** Fetches a snapshot when no diff came to prompt one (a quiet market, or one the exchange does not list). */
  probeTimer?: unknown;
}

/** How long a new book waits for its first diff before fetching the snapshot anyway. */
const PROBE_AFTER_MS = 1000;

export class BinanceFeedClient extends FeedClient {
  readonly candles: BinanceRest;
  private readonly restApi: BinanceRest;
  /** Streams the server has for this connection (URL-borne or requested). */
  private active = new Set<string>();
  private nextId = 1;
  private readonly pending = new Map<number, { method: string; params: string[] }>();
  private readonly books = new Map<string, BookState>();
  private readonly snapshotLimit: number;
  private closedForGood = false;
  private readonly lookup = (symbol: string): FeedMarket | undefined => this.bySymbol.get(symbol)?.market;

  constructor(options: Omit<FeedClientOptions, 'exchange'> = {}) {
    super({
      ...options,
      exchange: 'binance',
      heartbeat: 'ping-frame',
      defaultWsUrl: BINANCE_WS_URL,
      defaultRestUrl: BINANCE_REST_URL,
    });
    this.restApi = new BinanceRest(this.rest);
    this.candles = this.restApi;
    this.snapshotLimit = options.depthSnapshotLimit ?? 1000;
  }

  private desiredStreams(): Set<string> {
    const out = new Set<string>();
    for (const s of this.subs.values()) {
      if (s.rejected) continue;
      for (const c of ALL_CHANNELS) if (s.channels.has(c)) out.add(binanceStream(s.market, c));
    }
    return out;
  }

  protected connectionUrl(base: string): string {
    const streams = [...this.desiredStreams()];
    this.active = new Set(streams);
    const root = base.replace(/\/+$/, '');
    return streams.length ? `${root}/stream?streams=${streams.join('/')}` : `${root}/stream`;
  }

  protected onOpen(): void {
    this.syncStreams();
  }

  protected onDown(): void {
    this.pending.clear();
    for (const b of this.books.values()) b.sync.reset();
  }

  protected onSubscriptionsChanged(): void {
    // Books for markets that gained or lost the book channel.
    for (const s of this.subs.values()) {
      if (s.channels.has('book') && !this.books.has(s.market.id)) {
        const book: BookState = { sync: new DepthSync(), snapshotInFlight: false, snapshotAttempt: 0 };
        this.books.set(s.market.id, book);
        const sub = s;
        book.probeTimer = this.clock.setTimeout(() => {
          book.probeTimer = undefined;
          if (!book.sync.isSynced && this.books.get(sub.market.id) === book) this.fetchSnapshot(sub, book);
        }, PROBE_AFTER_MS);
      }
    }
    for (const [id, b] of this.books) {
      if (!this.subs.get(id)?.channels.has('book')) {
        this.clock.clearTimeout(b.retryTimer);
        this.clock.clearTimeout(b.probeTimer);
        this.books.delete(id);
      }
    }
    if (this.connection.isOpen) this.syncStreams();
  }

  override close(): void {
    this.closedForGood = true;
    for (const b of this.books.values()) {
      this.clock.clearTimeout(b.retryTimer);
      this.clock.clearTimeout(b.probeTimer);
    }
    super.close();
  }

  private syncStreams(): void {
    const desired = this.desiredStreams();
    const add = [...desired].filter((s) => !this.active.has(s));
    const remove = [...this.active].filter((s) => !desired.has(s));
    this.request('UNSUBSCRIBE', remove);
    this.request('SUBSCRIBE', add);
    this.active = desired;
  }

  private request(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', streams: string[]): void {
    for (let i = 0; i < streams.length; i += STREAMS_PER_REQUEST) {
      const params = streams.slice(i, i + STREAMS_PER_REQUEST);
      const id = this.nextId++;
      this.pending.set(id, { method, params });
      this.connection.send(binanceRequest(method, params, id));
    }
  }

  protected handleFrame(data: Buffer): void {
    // Trades and depth diffs, nearly every frame, are read straight from the bytes; the fast parser takes only
    // frames that validate and leaves everything else (replies, anything odd) to the full parser.
    let frame = parseBinanceFrameFast(data, this.lookup);
    if (frame === undefined) {
      const text = data.toString('utf8');
      try {
        frame = parseBinanceFrame(text, this.lookup);
      } catch (err) {
        this.badFrame(err, text);
        // A diff that failed validation is a diff this book will never see: rebuild the book.
        this.resyncIfDepthFrame(text);
        return;
      }
    }
    switch (frame.kind) {
      case 'trade':
      case 'ticker':
        this.deliverData(frame.event.market, frame.kind, frame.event);
        return;
      case 'kline': {
        const { market, candle } = frame.kline;
        this.deliverData(market.id, 'candle', { type: 'candle', market: market.id, interval: '1m', candle });
        return;
      }
      case 'depth':
        this.onDepth(frame.diff.market.id, frame);
        return;
      case 'result':
        if (this.pending.delete(frame.id)) this.counters.parsed++;
        else this.counters.ignored++;
        return;
      case 'error': {
        this.counters.parsed++;
        this.counters.exchangeErrors++;
        const req = frame.id === null ? undefined : this.pending.get(frame.id);
        if (frame.id !== null) this.pending.delete(frame.id);
        this.logger.warn('Binance request error', { code: frame.code, msg: frame.msg, request: req });
        return;
      }
      case 'shutdown':
        this.counters.parsed++;
        // The server warns before closing a connection that reached its 24 h: move now, on our terms.
        this.connection.restart('server shutdown notice');
        return;
      case 'ignored':
        this.counters.ignored++;
        return;
    }
  }

  private deliverData(marketId: string, channel: FeedChannel, event: FeedEvent): void {
    const sub = this.subs.get(marketId);
    if (!sub || !sub.channels.has(channel)) {
      this.counters.ignored++;
      return;
    }
    this.counters.parsed++;
    this.markData(sub);
    this.emit(event);
  }

  private onDepth(marketId: string, frame: Extract<BinanceFrame, { kind: 'depth' }>): void {
    const sub = this.subs.get(marketId);
    const book = this.books.get(marketId);
    if (!sub || !book) {
      this.counters.ignored++;
      return;
    }
    this.counters.parsed++;
    this.markData(sub);
    const outcome = book.sync.onDiff(frame.diff);
    if (outcome === 'applied') this.publishBook(sub, book, frame.diff.ts);
    else if (outcome === 'gap') {
      this.counters.bookResyncs++;
      this.logger.warn('Binance depth gap: rebuilding the book', { market: marketId });
      this.fetchSnapshot(sub, book);
    } else if (outcome === 'buffered' && !book.snapshotInFlight && book.retryTimer === undefined) {
      this.fetchSnapshot(sub, book);
    }
  }

  private resyncIfDepthFrame(text: string): void {
    const m = /"s"\s*:\s*"([A-Z0-9]+)"/.exec(text);
    if (!m || !text.includes('depthUpdate')) return;
    const sub = this.bySymbol.get(m[1]);
    const book = sub && this.books.get(sub.market.id);
    if (!sub || !book || !book.sync.isSynced) return;
    book.sync.reset();
    this.counters.bookResyncs++;
    this.fetchSnapshot(sub, book);
  }

  private publishBook(sub: Subscription, book: BookState, ts: number): void {
    const top = book.sync.top(this.bookDepth);
    const ev: BookEvent = { type: 'book', market: sub.market.id, ts, bids: top.bids, asks: top.asks };
    this.emit(ev);
  }

  private fetchSnapshot(sub: Subscription, book: BookState): void {
    if (book.snapshotInFlight || this.closedForGood) return;
    book.snapshotInFlight = true;
    this.clock.clearTimeout(book.retryTimer);
    this.clock.clearTimeout(book.probeTimer);
    book.retryTimer = undefined;
    book.probeTimer = undefined;
    this.restApi.fetchDepth(sub.market, this.snapshotLimit).then(
      (snapshot) => {
        book.snapshotInFlight = false;
        if (this.books.get(sub.market.id) !== book || this.closedForGood) return;
        const outcome = book.sync.onSnapshot(snapshot);
        if (outcome === 'synced') {
          book.snapshotAttempt = 0;
          this.publishBook(sub, book, this.clock.now());
        } else {
          // Too old for the diffs we hold, or the held diffs had a hole: ask again, a little later.
          if (outcome === 'gap') this.counters.bookResyncs++;
          this.retrySnapshot(sub, book);
        }
      },
      (err: unknown) => {
        book.snapshotInFlight = false;
        if (this.books.get(sub.market.id) !== book || this.closedForGood) return;
        if (err instanceof UnknownMarketError) {
          this.reject(sub, err.message);
          this.onSubscriptionsChanged();
          return;
        }
        this.logger.warn('Binance depth snapshot failed', { market: sub.market.id, error: String(err) });
        this.retrySnapshot(sub, book);
      },
    );
  }

  private retrySnapshot(sub: Subscription, book: BookState): void {
    const delay = 50 + backoffDelay({ baseMs: 250, maxMs: 10_000 }, book.snapshotAttempt++, this.random);
    book.retryTimer = this.clock.setTimeout(() => {
      book.retryTimer = undefined;
      this.fetchSnapshot(sub, book);
    }, delay);
  }
}
