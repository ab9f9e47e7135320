/**
 * The normalised market data every exchange adapter yields, whatever the exchange's wire format.
 *
 * Every price and size is an integer in the market's minimal units, parsed from the exchange's decimal text
 * or JSON number without going through a float multiply:
 * - price: 10^-priceDecimals quote per ONE WHOLE base coin (KRW-BTC: priceDecimals 0, won per BTC;
 *   BTCUSDT: priceDecimals 2, cents per BTC);
 * - size: 10^-sizeDecimals base coin (8 for every market here).
 * Times are ms since the epoch (UTC).
 */

export type ExchangeId = 'upbit' | 'binance';

/** Which market's candles: FeedMarket satisfies it. */
export interface MarketKey {
  exchange: ExchangeId;
  /** The app's market id, e.g. "BTC-KRW". */
  id: string;
}

export interface FeedMarket {
  exchange: ExchangeId;
  /** The app's id, base-quote: "BTC-KRW", "ETH-USDT". */
  id: string;
  /** The exchange's own code: "KRW-BTC" (Upbit), "BTCUSDT" (Binance). */
  symbol: string;
  base: string;
  quote: string;
  priceDecimals: number;
  sizeDecimals: number;
}

/** Price level: [price, size], both in minimal units. */
export type Level = readonly [price: number, size: number];

export interface TickerEvent {
  type: 'ticker';
  market: string;
  ts: number;
  last: number;
  open: number;
  high: number;
  low: number;
  /** Previous day's close, where the exchange gives one (the reference for the change figures). */
  prevClose: number;
  /** Base volume over the exchange's rolling 24 h, size units. */
  volume24h: number;
}

export interface TradeEvent {
  type: 'trade';
  market: string;
  ts: number;
  price: number;
  size: number;
  /** The taker's side: 'buy' when the trade lifted an ask. */
  side: 'buy' | 'sell';
  /** The exchange's trade id, as text (unique per market). */
  tradeId: string;
}

/** A complete book, best first on both sides (Upbit sends it whole; Binance's is kept from snapshot + diffs). */
export interface BookEvent {
  type: 'book';
  market: string;
  ts: number;
  bids: Level[];
  asks: Level[];
}

export type CandleInterval = '1m' | '5m' | '15m' | '1h' | '4h' | '1d' | '1w' | '1M';

export interface Candle {
  /** Start of the candle's minute/hour/day, ms UTC. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base volume, size units. */
  volume: number;
}

export interface CandleEvent {
  type: 'candle';
  market: string;
  interval: CandleInterval;
  candle: Candle;
}

export type FeedStatus = 'live' | 'reconnecting' | 'stale' | 'offline';

export interface StatusEvent {
  type: 'status';
  market: string;
  status: FeedStatus;
  /** Why, in a few words ("no data for 10 s", "connection closed: 1006"). */
  reason?: string;
}

export type FeedEvent = TickerEvent | TradeEvent | BookEvent | CandleEvent | StatusEvent;

/** A page of 1m candles from REST history, oldest first, plus where the next (older) page ends. */
export interface CandlePage {
  candles: Candle[];
  /** Pass as `endBefore` to fetch the next older page; undefined when the exchange has nothing older. */
  nextEndBefore?: number;
}

/** What the candle history loader needs from an exchange: 1m candles ending before a time. */
/** Intervals too long to build from fetched minutes: taken from the exchange's own candles of them. */
export type LongCandleInterval = '1w' | '1M';

export interface CandleSource {
  /** 1m candles with openTime < endBefore, newest `limit` of them (gaps left as gaps), returned oldest first. */
  fetchMinuteCandles(market: FeedMarket, endBefore: number, limit: number, signal?: AbortSignal): Promise<CandlePage>;
  /**
   * The exchange's own weekly or monthly candles (weeks from Monday, months from the 1st, 00:00 UTC) with
   * openTime < endBefore, the newest `limit` of them, oldest first. Absent where the source has none.
   */
  fetchLongCandles?(
    market: FeedMarket,
    interval: LongCandleInterval,
    endBefore: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<CandlePage>;
}

/** What a subscription to one market can carry. `candle` is the exchange's own 1m candle stream where it has one. */
export type FeedChannel = 'ticker' | 'trade' | 'book' | 'candle';

/** Counters a feed client exposes (monotonic since it was created). */
export interface FeedStats {
  /** WebSocket data frames received (control replies included, ping/pong frames not). */
  frames: number;
  /** Frames that were valid and handled (an event emitted, a book updated, a reply matched). */
  parsed: number;
  /** Frames that failed validation: counted, logged, dropped — never applied. */
  malformed: number;
  /** Valid frames nobody asked for (a market just unsubscribed, an unknown reply id). */
  ignored: number;
  /** Events delivered to listeners. */
  events: number;
  /** Connections re-opened after a drop or a dead link. */
  reconnects: number;
  /** Books rebuilt from a fresh snapshot after a sequence gap or a bad diff (Binance). */
  bookResyncs: number;
  /** Exchange error replies (Upbit error objects, Binance request errors). */
  exchangeErrors: number;
  /** REST requests sent, and how many of them were answered 429/418. */
  restRequests: number;
  restRateLimited: number;
}
