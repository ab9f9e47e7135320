/**
 * The contract between the app (its sync client) and the sync server: WebSocket messages both ways and the
 * HTTP bodies of /api/v1. The server validates every incoming message against these schemas before anything
 * else sees it; the client validates what the server sends. One file, so both sides compile against the same
 * shapes.
 *
 * All amounts are integers in minimal units, as in ../core/matching/types.
 */
import { z } from 'zod';
import { FLOW_KINDS } from './flow-kinds';

/** Largest WebSocket frame the server accepts, in bytes; larger frames close the connection with 1009. */
export const MAX_WS_FRAME_BYTES = 16 * 1024;

const int = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const posInt = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const marketId = z.string().regex(/^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/, 'a market id such as LPJ-KRW');
/** Client-chosen request id, echoed in the reply. */
const requestId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]);
export const ClientOrderId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, '1–64 letters, digits or _.:-');

export const Side = z.enum(['buy', 'sell']);
export const CandleInterval = z.enum(['1m', '5m', '15m', '1h', '4h', '1d', '1w', '1M']);
export type CandleInterval = z.output<typeof CandleInterval>;

export const NewOrder = z
  .object({
    market: marketId,
    /** Required: it makes a resend after a reconnect idempotent. */
    clientOrderId: ClientOrderId,
    side: Side,
    /** trailing_stop: a stop-market whose trigger follows the last price; oco: a take-profit and a stop-loss, linked. */
    type: z.enum(['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop', 'oco']),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK']).optional(),
    postOnly: z.boolean().optional(),
    price: posInt.optional(),
    stopPrice: posInt.optional(),
    quantity: posInt.optional(),
    quoteAmount: posInt.optional(),
    /**
     * trailing_stop, exactly one: the distance in quote units, or in basis points of the last price. Any positive
     * integer passes here; the engine refuses what it cannot trade with its reason (INVALID_TRAIL, OFF_TICK).
     */
    trailAmount: posInt.optional(),
    trailBps: posInt.optional(),
    /** Exits: on an entry, placed when it fills (a bracket); on an oco order, the pair itself. */
    takeProfitPrice: posInt.optional(),
    stopLossPrice: posInt.optional(),
    stopLossLimitPrice: posInt.optional(),
  })
  .strict();
export type NewOrder = z.output<typeof NewOrder>;

export const Channel = z.enum(['book', 'trades', 'ticker', 'candles']);
export type Channel = z.output<typeof Channel>;

/** Messages from the app to the server. */
export const ClientMessage = z.discriminatedUnion('op', [
  z.object({ op: z.literal('auth'), id: requestId, token: z.string().min(1).max(512) }).strict(),
  z
    .object({
      op: z.literal('subscribe'),
      id: requestId,
      channel: Channel,
      market: marketId,
      interval: CandleInterval.optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('unsubscribe'),
      id: requestId,
      channel: Channel,
      market: marketId,
      interval: CandleInterval.optional(),
    })
    .strict(),
  /** Asks for a fresh book snapshot (after a gap in the deltas). */
  z.object({ op: z.literal('snapshot'), id: requestId, market: marketId }).strict(),
  z.object({ op: z.literal('order.new'), id: requestId, order: NewOrder }).strict(),
  z.object({ op: z.literal('order.cancel'), id: requestId, market: marketId, orderId: posInt }).strict(),
  z.object({ op: z.literal('order.cancel_all'), id: requestId, market: marketId.optional() }).strict(),
  z
    .object({
      op: z.literal('order.amend'),
      id: requestId,
      market: marketId,
      orderId: posInt,
      quantity: posInt.optional(),
      price: posInt.optional(),
    })
    .strict(),
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
  type: z.enum(['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop']),
  timeInForce: z.enum(['GTC', 'IOC', 'FOK']),
  price: int,
  /**
   * A stop's trigger (0 for other orders). A trailing stop's is its trigger now: it follows the last price, and
   * each move is pushed to the owner as an `order` message.
   */
  stopPrice: int.describe(
    "The stop's trigger price (0 for orders without one). A trailing stop's trigger follows the last trade price: this is where it is now, and each move is pushed on the WebSocket as an `order` message.",
  ),
  quantity: int,
  quoteAmount: int,
  filled: int,
  trailAmount: posInt.optional(),
  trailBps: posInt.optional(),
  /** An entry's exits, placed when it fills. */
  takeProfitPrice: posInt.optional(),
  stopLossPrice: posInt.optional(),
  stopLossLimitPrice: posInt.optional(),
  /** An exit: the entry it was placed for. */
  parentOrderId: posInt.optional(),
  /** The other order of its OCO pair (cancelled with reason oco when this one trades or triggers). */
  ocoOrderId: posInt.optional(),
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

/**
 * Messages from the server to the app. A text frame holds one message, or an array of messages to be handled
 * in order (what one turn of the server said to the connection: say an order's update, its fill, the balance
 * and the reply to the request that placed it). Read frames with `frameMessages`.
 */
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
  | {
      type: 'trade';
      market: string;
      seq: number;
      tradeId: number;
      price: number;
      quantity: number;
      takerSide: 'buy' | 'sell';
      ts: number;
    }
  | ({ type: 'ticker' } & Ticker)
  | { type: 'candle'; market: string; interval: CandleInterval; candle: Candle }
  /**
   * Private: one of my orders changed (a fill, a trigger, an amend, its end, or a trailing stop's trigger moving
   * after the price: at most one message per order for what one batch of the market changed).
   */
  | { type: 'order'; order: OrderView }
  | { type: 'fill'; fill: Fill }
  | { type: 'balance'; balances: BalanceView[] }
  /** Private: the balances of one of my copy sub-accounts (CopyAccountView.account) changed. */
  | { type: 'copy_balance'; account: number; balances: BalanceView[] }
  | { type: 'pong'; id: string | number; serverTime: number }
  /** Private: a device of my account uploaded synced changes (see ./cloud): pull after your cursor. */
  | { type: 'cloud.changed'; cursor: number; device: string }
  /** Sent right before the server closes the connection, saying why. */
  | { type: 'bye'; code: string; message: string };

// ------------------------------------------------------------------ HTTP bodies (/api/v1)

export const Nickname = z.string().regex(/^[\p{L}\p{N}_]{2,20}$/u, '2–20 letters, digits or _');
export const Password = z.string().min(8, 'at least 8 characters').max(128);

export const SignUpBody = z.object({ nickname: Nickname, password: Password }).strict();
export const SignInBody = SignUpBody;
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(512) }).strict();
/** DELETE /api/v1/me: the password again, so an access token alone cannot delete an account. */
export const DeleteAccountBody = z.object({ password: z.string().min(1).max(128) }).strict();
export type DeleteAccountBody = z.output<typeof DeleteAccountBody>;
/** POST /api/v1/notifications/ticket: opens one notification stream (`?ticket=`) within 30 s. */
export const StreamTicket = z.object({ ticket: z.string().min(1).max(128), expiresAt: int });
export type StreamTicket = z.output<typeof StreamTicket>;

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

/**
 * A notification as the SSE stream and the notification list carry it: its kind and that kind's data (see
 * notification-kinds.ts), which the app puts into words. `title` and `body` are the finished English text of
 * notifications stored before that, kept so they still read.
 */
export const Notification = z.object({
  id: posInt,
  ts: int,
  kind: z.string(),
  title: z.string().optional(),
  body: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Notification = z.output<typeof Notification>;

// ------------------------------------------------------------------ Ranking and copy trading (/api/v1)
//
// Leaderboards and trader profiles are public (no token); strategy, subscriptions, followers and settlements
// are the caller's own (Bearer token). Returns and rates are whole basis points (1% = 100 bps); money is in the
// quote asset's minimal units (KRW: won).

/** Leaderboard period: the last day, 7 days, 30 days, or since the account was created. */
export const RankingPeriod = z.enum(['1d', '7d', '30d', 'all']);
export type RankingPeriod = z.output<typeof RankingPeriod>;

/** Columns a leaderboard can be sorted by. `rank` is the board's own order (best return first). */
export const LeaderboardSort = z.enum([
  'rank',
  'returnBps',
  'pnl',
  'maxDrawdownBps',
  'winRateBps',
  'trades',
  'followers',
]);
export type LeaderboardSort = z.output<typeof LeaderboardSort>;

/** Query string of GET /api/v1/leaderboards/:period. */
export const LeaderboardQuery = z
  .object({
    sort: LeaderboardSort.default('rank'),
    /** Default: best first for the column (ascending for rank and max drawdown, descending otherwise). */
    order: z.enum(['asc', 'desc']).optional(),
    /** Case-insensitive substring of the nickname. */
    search: z.string().max(20).optional(),
    /** Only traders with at least this many fills in the period (on top of the board's own minimum). */
    minTrades: z.coerce.number().int().min(0).max(1_000_000).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type LeaderboardQuery = z.output<typeof LeaderboardQuery>;

/** Figures of one trader over one period. */
export const TraderStats = z.object({
  /** Place on the board; 0 when not on it (too few trades, too new, or no return yet). */
  rank: int,
  /** Time-weighted return: deposits, grants, copy allocations and profit share are not profit. */
  returnBps: z.number().int(),
  /** Equity change less money moved in or out, quote minimal units. */
  pnl: z.number().int(),
  /** Largest fall from a running peak over the period, bps (≥ 0). */
  maxDrawdownBps: int,
  /** Share of round trips closed in the period that made money, bps; null with none closed. */
  winRateBps: int.nullable(),
  closedRoundTrips: int,
  /** Fills in the period. */
  trades: int,
  followers: int,
  /** Places gained (+) or lost (−) since the end of the previous day; null if not on the board then. */
  rankChange: z.number().int().nullable(),
});
export type TraderStats = z.output<typeof TraderStats>;

export const LeaderboardRow = TraderStats.extend({ nickname: z.string() });
export type LeaderboardRow = z.output<typeof LeaderboardRow>;

/** What it takes to appear on a board, as the server is configured. */
export const BoardRules = z.object({
  /** Fills within the board's period. */
  minTrades: int,
  /** Age of the account at the board's mark, ms. */
  minAccountAgeMs: int,
  /** Boards move on at marks this far apart, ms. */
  markIntervalMs: posInt,
});
export type BoardRules = z.output<typeof BoardRules>;

export const LeaderboardPage = z.object({
  period: RankingPeriod,
  /** Time of the mark the board describes (boards move on at each hourly mark); null before the first one. */
  asOf: int.nullable(),
  /** Absent from older servers. */
  rules: BoardRules.optional(),
  /** Rows matching the search and filters, for paging. */
  total: int,
  rows: z.array(LeaderboardRow),
});
export type LeaderboardPage = z.output<typeof LeaderboardPage>;

export const EquityPoint = z.object({ ts: int, equity: z.number().int() });
export type EquityPoint = z.output<typeof EquityPoint>;

/** How money came into or left an account without being profit: a step in its equity curve. */
export const FlowKind = z.enum(FLOW_KINDS);
export type FlowKind = z.output<typeof FlowKind>;

export const EquityFlow = z.object({
  ts: int,
  kind: FlowKind,
  asset: z.string(),
  /** Minimal units of the asset; negative when it left the account. */
  amount: z.number().int(),
  /** Its value when it moved, quote minimal units: the step it made in equity. */
  value: z.number().int(),
});
export type EquityFlow = z.output<typeof EquityFlow>;

/** A strategy as others see it. `open: false` = closed to new subscribers (running copies carry on). */
export const StrategyInfo = z.object({
  open: z.boolean(),
  description: z.string(),
  /** Profit share charged to new periods, bps (0–3,000). */
  profitShareBps: int,
});
export type StrategyInfo = z.output<typeof StrategyInfo>;

export const PublicTrade = z.object({ market: marketId, side: Side, price: posInt, quantity: posInt, ts: int });
export type PublicTrade = z.output<typeof PublicTrade>;

/**
 * Who trades through an account: a person who signed up, or the server's liquidity provider (simulated traders
 * an operator may switch on for depth; their accounts never rank on a board and cannot be copied).
 */
export const AccountKind = z.enum(['user', 'liquidity']);
export type AccountKind = z.output<typeof AccountKind>;

/** GET /api/v1/traders/:nickname */
export const TraderProfile = z.object({
  nickname: z.string(),
  /** 'liquidity': an account of the server's liquidity provider, for the app to badge; absent from older servers. */
  kind: AccountKind.optional(),
  /** Account creation time, ms since epoch. */
  joinedAt: int,
  asOf: int.nullable(),
  stats: z.object({ '1d': TraderStats, '7d': TraderStats, '30d': TraderStats, all: TraderStats }),
  /**
   * Equity at each mark of the last day and at each day start kept, oldest first, and the flows in that time
   * (a point at mark T includes every flow before T); older servers send no flows.
   */
  equity: z.object({
    hourly: z.array(EquityPoint),
    daily: z.array(EquityPoint),
    flows: z.array(EquityFlow).default([]),
  }),
  /** Latest fills, newest first. */
  recentTrades: z.array(PublicTrade),
  followers: int,
  strategy: StrategyInfo.nullable(),
});
export type TraderProfile = z.output<typeof TraderProfile>;

const Description = z.string().max(500, 'at most 500 characters');
/** The largest share of a follower's profit a leader may ask: 30%, in basis points (the copy engine's own ceiling). */
export const MAX_PROFIT_SHARE_BPS = 3_000;
const ProfitShareBps = z.number().int().min(0).max(MAX_PROFIT_SHARE_BPS, 'at most 3,000 bps (30%)');
const StopLossBps = z.number().int().min(1).max(10_000);

/** POST /api/v1/strategy: open my strategy for copying (or reopen a closed one). */
export const OpenStrategyBody = z
  .object({ description: Description.optional(), profitShareBps: ProfitShareBps })
  .strict();
export type OpenStrategyBody = z.output<typeof OpenStrategyBody>;

/** PATCH /api/v1/strategy: a new rate binds new subscribers at once and running ones from their next period. */
export const UpdateStrategyBody = z
  .object({ description: Description.optional(), profitShareBps: ProfitShareBps.optional() })
  .strict()
  .refine(
    (b) => b.description !== undefined || b.profitShareBps !== undefined,
    'give a description or a profitShareBps',
  );
export type UpdateStrategyBody = z.output<typeof UpdateStrategyBody>;

/** GET/POST/PATCH/DELETE /api/v1/strategy answer with my strategy (GET: 404 NO_STRATEGY if never opened). */
export const MyStrategy = StrategyInfo.extend({ followers: int });
export type MyStrategy = z.output<typeof MyStrategy>;

/** POST /api/v1/subscriptions */
export const CreateSubscriptionBody = z
  .object({
    leader: Nickname,
    /** Quote moved from my main account into the copy's own sub-account. */
    allocation: posInt,
    /** Stop copying and close out once the copy has lost this share of its net allocation (set at subscribing). */
    stopLossBps: StopLossBps.max(9_999).optional(),
  })
  .strict();
export type CreateSubscriptionBody = z.output<typeof CreateSubscriptionBody>;

/** PATCH /api/v1/subscriptions/:id, one action per request. */
export const UpdateSubscriptionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause') }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
  z.object({ action: z.literal('addFunds'), amount: posInt }).strict(),
  z.object({ action: z.literal('reduceFunds'), amount: posInt }).strict(),
  /** Sets or changes the copy stop-loss (a loss in bps of the allocation); null removes it. */
  z.object({ action: z.literal('stopLoss'), stopLossBps: StopLossBps.nullable() }).strict(),
]);
export type UpdateSubscriptionBody = z.output<typeof UpdateSubscriptionBody>;

/** `closing`: positions are being sold before the funds go back; `ended` comes with its reason. */
export const SubscriptionStatus = z.enum(['active', 'paused', 'closing', 'ended']);
export const EndReason = z.enum(['unsubscribed', 'stop_loss', 'leader_deleted']);

/** One profit-share settlement, as both sides see it. */
export const SettlementView = z.object({
  id: posInt,
  subscriptionId: posInt,
  /** Settlement period number (period length from the server's schedule); with the subscription, unique. */
  period: z.number().int(),
  /** "subscription:period": the idempotency key, also the ledger transfer's reference. */
  periodKey: z.string(),
  /** My side: the leader receives, the subscriber pays. */
  role: z.enum(['leader', 'subscriber']),
  counterparty: z.string(),
  /** Copy profit at settlement (equity − owed − net allocation). */
  profit: z.number().int(),
  /** Profit share newly charged above the high-water mark. */
  fee: int,
  /** Moved subscriber → leader now. */
  paid: int,
  /** Still due (the copy had no free cash to pay it all). */
  owed: int,
  highWaterMark: z.number().int(),
  profitShareBps: int,
  ts: int,
});
export type SettlementView = z.output<typeof SettlementView>;

export const SubscriptionView = z.object({
  id: posInt,
  leader: z.string(),
  status: SubscriptionStatus,
  endReason: EndReason.nullable(),
  /** Net quote put in: allocation plus additions less reductions. */
  allocation: int,
  /** Sub-account value at the last prices. */
  equity: int,
  /** equity − allocation − owed (+ profit share already paid, so fees do not hide the copy's own result). */
  pnl: z.number().int(),
  /** Quote not tied up in an order; what reduceFunds can take out. */
  freeCash: int,
  /** Coins held, by market. */
  holdings: z.record(z.string(), int),
  stopLossBps: int.nullable(),
  /** Rate of the period in progress. */
  profitShareBps: int,
  highWaterMark: z.number().int(),
  owed: int,
  feesPaid: int,
  createdAt: int,
  endedAt: int.nullable(),
  settlements: z.array(SettlementView),
});
export type SubscriptionView = z.output<typeof SubscriptionView>;

/**
 * GET /api/v1/copy-accounts: what each of my copies that has not ended holds, as its sub-account's ledger balances
 * (the allocation not yet spent, coins bought, what its orders hold): money of mine that is not in my balances.
 */
export const CopyAccountView = z.object({
  subscriptionId: posInt,
  /** The sub-account's ledger id (named by `copy_balance` messages). */
  account: posInt,
  leader: z.string(),
  status: SubscriptionStatus,
  balances: z.array(BalanceView),
});
export type CopyAccountView = z.output<typeof CopyAccountView>;

/** GET /api/v1/followers: my strategy's running subscriptions. */
export const FollowerView = z.object({
  subscriptionId: posInt,
  nickname: z.string(),
  status: SubscriptionStatus,
  allocation: int,
  equity: int,
  since: int,
  profitShareBps: int,
  feesPaid: int,
});
export type FollowerView = z.output<typeof FollowerView>;

/** Query of GET /api/v1/settlements (both roles, newest first). */
export const SettlementsQuery = z.object({
  role: z.enum(['leader', 'subscriber']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * Error codes of the ranking and copy endpoints (in HttpError.error.code), with their status:
 * 400 BAD_REQUEST / INVALID_INPUT / RATE_OUT_OF_RANGE / BELOW_MIN_ALLOCATION / SELF_SUBSCRIBE / INSUFFICIENT_BALANCE
 *     / INSUFFICIENT_FREE_FUNDS (reducing by more than the copy's free cash or below the minimum allocation);
 * 404 UNKNOWN_TRADER / NO_STRATEGY / UNKNOWN_SUBSCRIPTION (also another account's);
 * 409 STRATEGY_EXISTS / STRATEGY_CLOSED / ALREADY_SUBSCRIBED / SUBSCRIPTION_NOT_ACTIVE / LEADER_DELETED.
 */
export const CopyErrorCode = z.enum([
  'UNKNOWN_TRADER',
  'INVALID_INPUT',
  'RATE_OUT_OF_RANGE',
  'BELOW_MIN_ALLOCATION',
  'SELF_SUBSCRIBE',
  'INSUFFICIENT_BALANCE',
  'INSUFFICIENT_FREE_FUNDS',
  'NO_STRATEGY',
  'UNKNOWN_SUBSCRIPTION',
  'STRATEGY_EXISTS',
  'STRATEGY_CLOSED',
  'ALREADY_SUBSCRIBED',
  'SUBSCRIPTION_NOT_ACTIVE',
  'LEADER_DELETED',
]);
export type CopyErrorCode = z.output<typeof CopyErrorCode>;

/** GET /api/v1/settlements */
export const SettlementPage = z.object({ settlements: z.array(SettlementView), nextBefore: posInt.optional() });
export type SettlementPage = z.output<typeof SettlementPage>;

/**
 * The messages of one server frame, in order: the parsed frame itself, or the items of an array frame. Throws
 * (SyntaxError) on text that is not JSON; the items are as the server sent them, not checked.
 */
export function frameMessages(text: string): unknown[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}
