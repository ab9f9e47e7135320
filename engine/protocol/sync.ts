/**
 * The contract between the app (its sync client) and the sync server: WebSocket messages both ways and the
 * HTTP bodies of /api/v1. The server validates every incoming message against these schemas before anything
 * else sees it; the client validates what the server sends. One file, so both sides compile against the same
 * shapes.
 *
 * All amounts are integers in minimal units, as in ../matching/types.
 */
import { z } from 'zod';

/** Largest WebSocket frame the server accepts, in bytes; larger frames close the connection with 1009. */
export const MAX_WS_FRAME_BYTES = 16 * 1024;

const int = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const posInt = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const marketId = z.string().regex(/^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/, 'a market id such as LPJ-KRW');
/** Client-chosen request id, echoed in the reply. */
const requestId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);
export const ClientOrderId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '1–64 letters, digits or _.:-');

export const Side = z.enum(['buy', 'sell']);
export const CandleInterval = z.enum(['1m', '5m', '15m', '1h', '4h', '1d']);
export type CandleInterval = z.output<typeof CandleInterval>;

export const NewOrder = z
  .object({
    market: marketId,
    /** Required: it makes a resend after a reconnect idempotent. */
    clientOrderId: ClientOrderId,
    side: Side,
    type: z.enum(['limit', 'market', 'stop_market', 'stop_limit']),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK']).optional(),
    postOnly: z.boolean().optional(),
    price: posInt.optional(),
    stopPrice: posInt.optional(),
    quantity: posInt.optional(),
    quoteAmount: posInt.optional(),
  })
  .strict();
export type NewOrder = z.output<typeof NewOrder>;

export const Channel = z.enum(['book', 'trades', 'ticker', 'candles']);
export type Channel = z.output<typeof Channel>;

/** Messages from the app to the server. */
export const ClientMessage = z.discriminatedUnion('op', [
  z.object({ op: z.literal('auth'), id: requestId, token: z.string().min(1).max(512) }).strict(),
  z.object({ op: z.literal('subscribe'), id: requestId, channel: Channel, market: marketId, interval: CandleInterval.optional() }).strict(),
  z.object({ op: z.literal('unsubscribe'), id: requestId, channel: Channel, market: marketId, interval: CandleInterval.optional() }).strict(),
  /** Asks for a fresh book snapshot (after a gap in the deltas). */
  z.object({ op: z.literal('snapshot'), id: requestId, market: marketId }).strict(),
  z.object({ op: z.literal('order.new'), id: requestId, order: NewOrder }).strict(),
  z.object({ op: z.literal('order.cancel'), id: requestId, market: marketId, orderId: posInt }).strict(),
  z.object({ op: z.literal('order.cancel_all'), id: requestId, market: marketId.optional() }).strict(),
  z.object({ op: z.literal('order.amend'), id: requestId, market: marketId, orderId: posInt, quantity: posInt.optional(), price: posInt.optional() }).strict(),
  z.object({ op: z.literal('ping'), id: requestId }).strict(),
]);
export type ClientMessage = z.output<typeof ClientMessage>;
export type ClientOp = ClientMessage['op'];

export type Level = [price: number, quantity: number];

export const Candle = z.object({ openTime: int, open: posInt, high: posInt, low: posInt, close: posInt, volume: int });
export type Candle = z.output<typeof Candle>;

export const Ticker = z.object({
  market: marketId,
  ts: int,
  /** Rolling 24 h: first trade price in the window (0 when there was no trade). */
  open: int,
  high: int,
  low: int,
  last: int,
  /** Base volume and quote turnover over 24 h. */
  volume: int,
  quoteVolume: int,
  /** (last − open) / open in basis points, rounded toward zero; 0 without trades. */
  changeBps: z.number().int(),
});
export type Ticker = z.output<typeof Ticker>;

export const OrderView = z.object({
  orderId: posInt,
  market: marketId,
  clientOrderId: z.string().optional(),
  side: Side,
  type: z.enum(['limit', 'market', 'stop_market', 'stop_limit']),
  timeInForce: z.enum(['GTC', 'IOC', 'FOK']),
  price: int,
  stopPrice: int,
  quantity: int,
  quoteAmount: int,
  filled: int,
  status: z.enum(['open', 'waiting', 'filled', 'cancelled', 'expired', 'rejected']),
  reason: z.string().optional(),
  createdAt: int,
  updatedAt: int,
});
export type OrderView = z.output<typeof OrderView>;

export const Fill = z.object({
  tradeId: posInt,
  orderId: posInt,
  market: marketId,
  side: Side,
  price: posInt,
  quantity: posInt,
  quoteAmount: int,
  fee: z.number().int(),
  liquidity: z.enum(['maker', 'taker']),
  ts: int,
});
export type Fill = z.output<typeof Fill>;

export const BalanceView = z.object({ asset: z.string(), available: int, held: int });
export type BalanceView = z.output<typeof BalanceView>;

/** Messages from the server to the app. */
export type ServerMessage =
  | { type: 'welcome'; serverTime: number; version: string }
  | { type: 'ack'; id: string | number; op: ClientOp; orderId?: number; duplicate?: boolean; result?: unknown }
  /** A refused request: `reason` is an engine reject reason for orders, or a protocol code. */
  | { type: 'reject'; id: string | number | null; op: ClientOp | null; reason: string; message: string }
  /** `seq`: the market's event sequence this snapshot is consistent with. */
  | { type: 'book.snapshot'; market: string; seq: number; bids: Level[]; asks: Level[] }
  /**
   * Level totals (absolute; 0 = level gone) that changed in (prevSeq, seq]. Apply when prevSeq ≤ your seq < seq;
   * skip when seq ≤ your seq; prevSeq > your seq is a gap: ask for a snapshot.
   */
  | { type: 'book.delta'; market: string; prevSeq: number; seq: number; bids: Level[]; asks: Level[] }
  | { type: 'trade'; market: string; seq: number; tradeId: number; price: number; quantity: number; takerSide: 'buy' | 'sell'; ts: number }
  | ({ type: 'ticker' } & Ticker)
  | { type: 'candle'; market: string; interval: CandleInterval; candle: Candle }
  /** Private: one of my orders changed. */
  | { type: 'order'; order: OrderView }
  | { type: 'fill'; fill: Fill }
  | { type: 'balance'; balances: BalanceView[] }
  | { type: 'pong'; id: string | number; serverTime: number }
  /** Sent right before the server closes the connection, saying why. */
  | { type: 'bye'; code: string; message: string };

// ------------------------------------------------------------------ HTTP bodies (/api/v1)

export const Nickname = z.string().regex(/^[\p{L}\p{N}_]{2,20}$/u, '2–20 letters, digits or _');
export const Password = z.string().min(8, 'at least 8 characters').max(128);

export const SignUpBody = z.object({ nickname: Nickname, password: Password }).strict();
export const SignInBody = SignUpBody;
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) }).strict();

export const Session = z.object({
  accountId: posInt,
  nickname: z.string(),
  accessToken: z.string(),
  /** ms since epoch. */
  accessExpiresAt: int,
  refreshToken: z.string(),
  refreshExpiresAt: int,
});
export type Session = z.output<typeof Session>;

export const MarketInfo = z.object({
  id: marketId,
  base: z.string(),
  quote: z.string(),
  baseDecimals: int,
  tickSize: posInt,
  lotSize: posInt,
  minNotional: int,
  makerFeeBps: z.number().int(),
  takerFeeBps: z.number().int(),
  priceBandBps: posInt,
});
export type MarketInfo = z.output<typeof MarketInfo>;

/** One entry of the offline practice journal the app backs up to the server (kept apart from ranked trading). */
export const PracticeEntry = z
  .object({
    /** The app's own id for the entry; uploading it again changes nothing. */
    localId: z.string().min(1).max(100),
    kind: z.enum(['order', 'fill', 'cancel', 'reset']),
    market: z.string().min(1).max(40),
    ts: int,
    data: z.record(z.string(), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])),
  })
  .strict();
export type PracticeEntry = z.output<typeof PracticeEntry>;
export const PracticeUpload = z.object({ entries: z.array(PracticeEntry).max(1000) }).strict();

/** Error body of every failed HTTP request. */
export const HttpError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type HttpError = z.output<typeof HttpError>;

/** A notification as the SSE stream and the notification list carry it. */
export const Notification = z.object({
  id: posInt,
  ts: int,
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Notification = z.output<typeof Notification>;
