/**
 * The one contract between the UI and the app host, whichever transport carries it (Electron IPC or the web
 * mode WebSocket). Every method names its params and result schema; every pushed event names its payload.
 * The host validates every incoming request against these schemas before any handler sees it.
 */
import { z } from 'zod';
import { SESSION_HANDLE } from './session-files';
import { MAX_PROFIT_SHARE_BPS, CandleInterval as ServerCandleInterval } from './sync';
import { FLOW_KINDS } from './flow-kinds';
import { watchlistEvents, watchlistMethods } from './watchlist';
import { paperPortfolioEvents, paperPortfolioMethods } from './paper-portfolios';
import { NewPriceAlert, PriceAlert } from './alerts';
import { Portfolio } from './portfolio';
import { resultMethods } from './results';
import { recordingEvents, recordingMethods } from './recording';
import { ChartIndicators } from './chart-indicators';

export const Language = z.enum(['en', 'ko']);
export const Theme = z.enum(['dark', 'light']);
/** Which way prices are coloured: red up and blue down (the Korean convention), or green up and red down. */
export const UpDownColours = z.enum(['red-up', 'green-up']);
/** Which kinds of notification reach the notification centre (and the desktop): each on unless turned off. */
export const NotifySwitches = z
  .object({ fills: z.boolean(), stops: z.boolean(), alerts: z.boolean(), copy: z.boolean() })
  .strict();

export const Settings = z.object({
  language: Language,
  theme: Theme,
  colours: UpDownColours,
  notify: NotifySwitches,
});

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  engineVersion: z.string(),
  /** Which transport serves this UI: the desktop shell or a browser over the web bridge. */
  mode: z.enum(['desktop', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  dbPath: z.string(),
});

/**
 * What a commit to one of the app's local databases survives: SQLite's journal mode and `synchronous` level
 * (under WAL, `normal` survives an app crash but a power cut can take the latest commits; `full` survives both).
 */
export const LocalDatabaseDurability = z.object({
  /** app.db, practice.db, paper.db, candles.db or results.db. */
  file: z.string(),
  path: z.string(),
  journalMode: z.string(),
  synchronous: z.enum(['off', 'normal', 'full']),
});

export const EngineStatus = z.enum(['starting', 'ready', 'error']);

export const Health = z.object({
  status: EngineStatus,
  schemaVersion: z.number().int(),
  uptimeMs: z.number().int().nonnegative(),
  message: z.string().optional(),
});

const NoParams = z.object({}).strict();

const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const positive = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const Level = z.tuple([amount, amount]);

export const MarketSettings = z.object({
  id: z.string(),
  base: z.string(),
  quote: z.string(),
  baseDecimals: amount,
  tickSize: positive,
  lotSize: positive,
  minNotional: amount,
  makerFeeBps: z.number().int(),
  takerFeeBps: z.number().int(),
  priceBandBps: positive,
});

/**
 * The fields of the newer order types (the engine checks them and refuses with its reasons, e.g. INVALID_TRAIL,
 * INVALID_BRACKET): a trailing stop's distance (exactly one), and exits — on an entry, placed when it fills (a
 * bracket); on an 'oco' order, the pair itself.
 */
export const OrderExtras = z.object({
  trailAmount: positive.optional(),
  trailBps: positive.optional(),
  takeProfitPrice: positive.optional(),
  stopLossPrice: positive.optional(),
  stopLossLimitPrice: positive.optional(),
});

/** What an open order shows of those: its trailing distance, its exits, its entry and its OCO partner. */
export const OrderLinks = OrderExtras.extend({
  parentOrderId: positive.optional(),
  ocoOrderId: positive.optional(),
});

/**
 * An order as the order form builds it, for every market it trades on: the offline practice market
 * (practice.place), the live market (live.place) and, with its market added, paper trading (PaperOrderRequest).
 */
export const OrderRequest = z
  .object({
    side: z.enum(['buy', 'sell']),
    orderType: z.enum(['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop', 'oco']),
    price: positive.optional(),
    stopPrice: positive.optional(),
    quantity: positive.optional(),
    quoteAmount: positive.optional(),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK']).optional(),
    postOnly: z.boolean().optional(),
    ...OrderExtras.shape,
  })
  .strict();

export const TapeTrade = z.object({
  tradeId: positive,
  price: positive,
  quantity: positive,
  takerSide: z.enum(['buy', 'sell']),
  ts: amount,
});

export const OpenOrder = z.object({
  id: positive,
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop']),
  price: amount,
  /** A trailing stop's trigger now. */
  stopPrice: amount,
  quantity: amount,
  remaining: amount,
  triggered: z.boolean(),
  ts: amount,
  ...OrderLinks.shape,
});

export const BalanceRow = z.object({ asset: z.string(), available: amount, held: amount });

export const PracticeFill = z.object({
  tradeId: positive,
  orderId: positive,
  side: z.enum(['buy', 'sell']),
  price: positive,
  quantity: positive,
  quoteAmount: amount,
  fee: z.number().int(),
  ts: amount,
});

/** A new practice market's simulated past being run: simulator ticks done of all (see practice.preparing). */
export const PracticePreparing = z.object({ done: amount, total: amount });

export const PracticeState = z.object({
  market: MarketSettings,
  /** Present while the market's simulated past is run: its book and tape are not the present's yet. */
  preparing: PracticePreparing.optional(),
  seq: amount,
  lastPrice: amount,
  bids: z.array(Level),
  asks: z.array(Level),
  trades: z.array(TapeTrade),
  balances: z.array(BalanceRow),
  openOrders: z.array(OpenOrder),
  fills: z.array(PracticeFill),
});

export const OrderOutcome = z.object({
  status: z.enum(['accepted', 'rejected']),
  orderId: positive.optional(),
  reason: z.string().optional(),
  /** Trades this order made right away. */
  fills: amount,
});

export const CandleBar = z.object({
  openTime: amount,
  open: amount,
  high: amount,
  low: amount,
  close: amount,
  volume: amount,
});

/** My fills in one candle on one side (see practice.fillMarks): the candle's open time and how many. */
export const FillMark = z.object({ time: amount, side: z.enum(['buy', 'sell']), count: positive });

// ---- Real coins: the market feed (Upbit, Binance or a replayed session) and paper trading on it ----
//
// Units: prices are integers of 10^-priceDecimals quote per whole coin, sizes 10^-sizeDecimals coin, and quote
// amounts (balances, fees, PnL, notional) 10^-quoteDecimals quote — one unit per quote currency, shared by every
// market quoted in it (KRW 1e-4 won, USDT 1e-8). Each market and balance row carries its decimals for display.

const signedInt = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const decimals = z.number().int().min(0).max(18);
/** Market ids are BASE-QUOTE in upper case ("BTC-KRW"); the host says whether the current source serves it. */
const MarketId = z.string().min(3).max(33);

export const FeedSource = z.enum(['upbit', 'binance', 'replay']);
export const FeedStatus = z.enum(['live', 'reconnecting', 'stale', 'offline']);
/** One list of intervals for the app and the server. */
export const CandleInterval = ServerCandleInterval;
/** Scrolling back: only candles that open before this time (ms UTC); absent = up to now. */
const CandlesBefore = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional();

export const PaperMarketInfo = z.object({
  id: z.string(),
  exchange: z.enum(['upbit', 'binance']),
  base: z.string(),
  quote: z.string(),
  priceDecimals: decimals,
  sizeDecimals: decimals,
  /** Decimals of quote amounts: balances, fees, PnL. */
  quoteDecimals: decimals,
  makerFeeBps: amount,
  takerFeeBps: amount,
  /** Smallest order value, quote units. */
  minNotional: amount,
});

/** A replay's speed: 1–1000 times real time, or 'max' (as fast as possible). */
export const ReplaySpeed = z.union([z.number().min(1).max(1000), z.literal('max')]);

export const ReplayInfo = z.object({
  /** Session file being played ('' for a past window of an exchange). */
  path: z.string(),
  /**
   * 'generated': a simulated practice session, not real market data; 'recorded': captured from an exchange;
   * 'history': a past window downloaded from an exchange (see `history`).
   * The UI words the session's title from this, its markets, start and length, in the user's language.
   */
  kind: z.enum(['recorded', 'generated', 'history']),
  /** The session file's own note (free text of its author), shown as it is. */
  note: z.string().optional(),
  /** Market ids of the session ("BTC-KRW"). */
  markets: z.array(z.string()),
  /** ms UTC the session starts at; positions are ms since then. */
  startTime: amount,
  /** The session's length in ms: where its last position is. */
  endAt: amount,
  position: amount,
  state: z.enum(['paused', 'playing', 'ended']),
  speed: ReplaySpeed,
  /**
   * A past window: what was downloaded, and how paper orders fill — 'trades' (the exchange's own trades) or
   * 'candle_path' (open, nearer extreme, other extreme, close of each 1m candle); limits fill only when the
   * price trades through them. `tradesNote` says why a window plays on the candle path.
   */
  history: z
    .object({
      exchange: z.enum(['upbit', 'binance']),
      market: z.string(),
      from: amount,
      to: amount,
      fillModel: z.enum(['trades', 'candle_path']),
      tradesNote: z
        .enum(['TRADES_NOT_PUBLISHED', 'TRADES_WINDOW_TOO_LONG', 'TRADES_TOO_MANY', 'TRADES_FAILED'])
        .optional(),
      minutes: amount,
      trades: amount,
    })
    .optional(),
});

/** How far the download of a past window has come (0–1 of its phase). */
export const ReplayDownload = z.object({
  market: z.string(),
  phase: z.enum(['candles', 'trades']),
  done: z.number().min(0).max(1),
});

export const FeedSourceInfo = z.object({ source: FeedSource, replay: ReplayInfo.optional() });

/**
 * A session file the user picked in the app, by handle: the desktop shell's open dialog or a web page's upload
 * registers the file with the host and hands the UI this; `feed.setSource` takes the handle, never a path.
 */
export const PickedSession = z.object({
  /** Opaque, random, valid while the app runs. */
  session: z.string().regex(SESSION_HANDLE),
  /** The file's name, for display. */
  name: z.string().max(255),
});

export const FeedTrade = z.object({
  tradeId: z.string(),
  price: positive,
  size: positive,
  side: z.enum(['buy', 'sell']),
  ts: amount,
});
export const FeedTicker = z.object({
  ts: amount,
  last: amount,
  open: amount,
  high: amount,
  low: amount,
  prevClose: amount,
  volume24h: amount,
});

export const PaperBalance = z.object({ asset: z.string(), available: amount, held: amount, decimals });

export const PaperOpenOrder = z.object({
  id: positive,
  market: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop']),
  price: amount,
  stopPrice: amount,
  quantity: amount,
  remaining: amount,
  /** Quote (buys) or base (sells) units held for the order. */
  held: amount,
  triggered: z.boolean(),
  clientOrderId: z.string().optional(),
  ts: amount,
  ...OrderLinks.shape,
});

export const PaperPosition = z.object({
  market: z.string(),
  /** Size units; negative when more was sold on this market than bought on it. */
  quantity: signedInt,
  /** Quote units, fees excluded. */
  costBasis: signedInt,
  /** Price units. */
  averagePrice: amount,
  realisedPnl: signedInt,
  feesPaid: amount,
  markPrice: amount.optional(),
  unrealisedPnl: signedInt.optional(),
  /** realised + unrealised − fees, quote units. */
  netPnl: signedInt,
});

/**
 * What a holding of another market's base is valued at: that market's own last price (price units), absent while
 * none is known. One per paper market whose base the account holds, so a total counts every holding at its own
 * market's price whichever market is on screen.
 */
export const PaperMark = z.object({
  market: z.string(),
  base: z.string(),
  quote: z.string(),
  priceDecimals: decimals,
  sizeDecimals: decimals,
  quoteDecimals: decimals,
  price: positive.optional(),
});

export const PaperAccount = z.object({
  balances: z.array(PaperBalance),
  openOrders: z.array(PaperOpenOrder),
  positions: z.array(PaperPosition),
});

export const PaperMarketState = z.object({
  source: FeedSource,
  market: PaperMarketInfo,
  status: FeedStatus,
  statusReason: z.string().optional(),
  bids: z.array(Level),
  asks: z.array(Level),
  /** Newest first. */
  trades: z.array(FeedTrade),
  ticker: FeedTicker.optional(),
  lastPrice: amount.optional(),
  account: PaperAccount,
  marks: z.array(PaperMark),
  /** My latest fills on this market, newest first. */
  fills: z.array(PracticeFill),
  replay: ReplayInfo.optional(),
});

export const PaperOrderRequest = z
  .object({
    market: MarketId,
    side: z.enum(['buy', 'sell']),
    orderType: z.enum(['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop', 'oco']),
    price: positive.optional(),
    stopPrice: positive.optional(),
    quantity: positive.optional(),
    /** Market buys only: spend this much quote (quote units, fees included). */
    quoteAmount: positive.optional(),
    clientOrderId: z.string().min(1).max(64).optional(),
    /** As on the LPJ markets, in the feed's price units; the paper engine refuses with the same reasons. */
    ...OrderExtras.shape,
  })
  .strict();

export const PaperOrderOutcome = z.object({
  status: z.enum(['accepted', 'rejected']),
  orderId: positive.optional(),
  /** The matcher's reason code, e.g. INSUFFICIENT_FUNDS, NO_BOOK, STALE_BOOK, BOOK_TOO_THIN. */
  reason: z.string().optional(),
  /** Fills this order made right away. */
  fills: amount,
});

/**
 * A change to one of my open orders, on any market the app trades (order.amend): a new limit price and/or a new
 * total quantity (what has filled included). Every engine applies the same rules: only a resting limit order can
 * be amended; a smaller quantity at the same price keeps its place in the queue, a new price or a larger
 * quantity goes to the back and meets the book like a new order; a refusal is an answer with the engine's
 * reason code (ORDER_NOT_AMENDABLE, INSUFFICIENT_FUNDS, PRICE_OUT_OF_BAND, …), and changes nothing.
 */
export const OrderAmend = z
  .object({
    venue: z.enum(['practice', 'paper', 'live']),
    /** Paper trading only, where one account trades many markets; the LPJ markets have one each. */
    market: MarketId.optional(),
    orderId: positive,
    price: positive.optional(),
    quantity: positive.optional(),
  })
  .strict()
  .refine((a) => a.price !== undefined || a.quantity !== undefined, { message: 'a new price or quantity' })
  .refine((a) => (a.venue === 'paper') === (a.market !== undefined), { message: 'a market for paper orders only' });

export const PaperCandles = z.object({
  market: z.string(),
  interval: CandleInterval,
  /** Oldest first; the last one may still be forming. */
  candles: z.array(CandleBar),
  /** True while missing history is being fetched (candles.progress events follow). */
  loading: z.boolean(),
});

export const ReplayControl = z.discriminatedUnion('action', [
  z.object({ action: z.literal('play') }).strict(),
  z.object({ action: z.literal('pause') }).strict(),
  /** `at`: ms since the session's start. */
  z.object({ action: z.literal('seek'), at: amount }).strict(),
  z.object({ action: z.literal('speed'), speed: ReplaySpeed }).strict(),
  /** Ends the run (its result is kept, see ./results) and waits at the session's start. */
  z.object({ action: z.literal('stop') }).strict(),
]);

export const PaperUpdate = z.object({
  market: z.string(),
  source: FeedSource,
  status: FeedStatus,
  /** Trades since the previous update, newest first. */
  trades: z.array(FeedTrade),
  /** Present when the book changed: its top levels. */
  bids: z.array(Level).optional(),
  asks: z.array(Level).optional(),
  ticker: FeedTicker.optional(),
  lastPrice: amount.optional(),
  /** The forming candle of each interval, when trades moved it. */
  candles: z.array(z.object({ interval: CandleInterval, candle: CandleBar })).optional(),
  /** My position on this market, marked at the last price. */
  position: PaperPosition.optional(),
  /** Present when my orders or balances changed. */
  account: PaperAccount.optional(),
  /** The marks of every market I hold the base of, as of this update. */
  marks: z.array(PaperMark).optional(),
  /** With `account`: my latest fills on this market, newest first. */
  fills: z.array(PracticeFill).optional(),
});

export const CandlesProgress = z.object({
  market: z.string(),
  interval: CandleInterval,
  state: z.enum(['loading', 'complete', 'partial', 'aborted', 'error']),
  pagesDone: amount,
  pagesEstimated: amount,
  minutesCovered: amount,
  minutesTotal: amount,
  error: z.string().optional(),
});

// ---- The live LPJ market on the sync server, and my account there ----

/**
 * offline: the server cannot be reached (the host keeps retrying); connecting/reconnecting: on the way;
 * online: connected and signed in; signed_out: connected, market data only, no account.
 */
export const LiveConnection = z.enum(['offline', 'connecting', 'online', 'reconnecting', 'signed_out']);

/** An http(s) origin of a sync server, e.g. http://127.0.0.1:7780 (a path, query or credentials are refused). */
export const ServerUrl = z
  .string()
  .trim()
  .min(1)
  .max(2_048)
  .refine((text) => {
    try {
      const u = new URL(text);
      return (
        (u.protocol === 'http:' || u.protocol === 'https:') &&
        !u.username &&
        !u.password &&
        (u.pathname === '/' || u.pathname === '') &&
        !u.search &&
        !u.hash
      );
    } catch {
      return false;
    }
  }, 'an address such as http://127.0.0.1:7780');

export const LiveStatus = z.object({
  serverUrl: z.string(),
  connection: LiveConnection,
  /** Why, when offline or signed out (e.g. the session ended). */
  reason: z.string().optional(),
  /** Who is signed in (never the tokens). */
  account: z.object({ id: positive, nickname: z.string() }).optional(),
});

export const Credentials = z
  .object({ nickname: z.string().min(1).max(40), password: z.string().min(1).max(128) })
  .strict();

/** The server's rolling 24 h figures of the live market (prices in won, volume in LPJ units). */
export const LiveTicker = z.object({
  last: amount,
  open: amount,
  high: amount,
  low: amount,
  volume: amount,
  changeBps: z.number().int(),
});

/** The live market as the UI sees it; `market` is absent until the server has been reached once. */
/** One of my copies on the live market: its sub-account's balances, money of mine outside my own balances. */
export const LiveCopyAccount = z.object({
  subscriptionId: positive,
  leader: z.string(),
  status: z.enum(['active', 'paused', 'closing', 'ended']),
  balances: z.array(BalanceRow),
});

export const LiveState = z.object({
  status: LiveStatus,
  market: MarketSettings.optional(),
  seq: amount,
  lastPrice: amount,
  ticker: LiveTicker.optional(),
  bids: z.array(Level),
  asks: z.array(Level),
  /** Trades seen since the app connected, newest first. */
  trades: z.array(TapeTrade),
  balances: z.array(BalanceRow),
  /** My copies that have not ended (signed in), each with its own balances. */
  copies: z.array(LiveCopyAccount),
  openOrders: z.array(OpenOrder),
  fills: z.array(PracticeFill),
});

export const LiveUpdate = z.object({
  seq: amount,
  trades: z.array(TapeTrade),
  bids: z.array(Level),
  asks: z.array(Level),
  lastPrice: amount,
  ticker: LiveTicker.optional(),
  mine: z.boolean(),
});

/**
 * A notification from the sync server: its kind and data (notification-kinds.ts), which the UI puts into words;
 * `title` and `body` only on notifications stored as finished English text before that. Data values are flat,
 * but for a set of amounts by asset (the coins a copy returned).
 */
export const AppNotification = z.object({
  id: positive,
  /** Where it comes from: the sync server (absent, as before) or this app (fills, stops and alerts it saw). */
  origin: z.literal('app').optional(),
  ts: amount,
  kind: z.string(),
  title: z.string().optional(),
  body: z.string().optional(),
  read: z.boolean(),
  data: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.record(z.string(), z.number())]))
    .optional(),
});

/**
 * A desktop notification as the UI words it (the desktop shell shows it while the window is not in front; a
 * browser shows none).
 */
export const DesktopNote = z.object({ title: z.string().min(1).max(200), body: z.string().max(500) }).strict();

// ---- Ranking, trader profiles and copy trading (the sync server's, read through the host) ----
//
// Returns, rates and drawdowns are whole basis points (1% = 100 bps); money is in the quote asset's minimal
// units (KRW: won). Boards and profiles can be read signed out; everything under copy.* is my own account's.

export const RankingPeriod = z.enum(['1d', '7d', '30d', 'all']);
/** Board columns a user can sort by; `rank` is the board's own order (best return first). */
export const RankingSort = z.enum([
  'rank',
  'nickname',
  'returnBps',
  'pnl',
  'maxDrawdownBps',
  'winRateBps',
  'trades',
  'followers',
  'rankChange',
]);

export const TraderStats = z.object({
  /** Place on the board; 0 when not on it (too few trades, too new, or no return yet). */
  rank: amount,
  returnBps: signedInt,
  pnl: signedInt,
  maxDrawdownBps: amount,
  /** null with no round trip closed in the period. */
  winRateBps: amount.nullable(),
  closedRoundTrips: amount,
  trades: amount,
  followers: amount,
  /** Places gained (+) or lost (−) since the previous day's board; null if not on it then. */
  rankChange: signedInt.nullable(),
});

export const RankingRow = TraderStats.extend({ nickname: z.string() });

export const RankingQuery = z
  .object({
    period: RankingPeriod,
    sort: RankingSort.default('rank'),
    /** Default: best first for the column. */
    order: z.enum(['asc', 'desc']).optional(),
    /** Part of a nickname, any case. */
    search: z.string().trim().max(20).optional(),
    limit: z.number().int().min(1).max(200).default(50),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

/** What it takes to appear on a board: fills in the period and account age (the server's settings). */
export const BoardRules = z.object({ minTrades: amount, minAccountAgeMs: amount, markIntervalMs: positive });

export const RankingBoard = z.object({
  period: RankingPeriod,
  /** Time of the mark the board describes; null before the first one. */
  asOf: amount.nullable(),
  /** Absent when the server does not say (an older server). */
  rules: BoardRules.optional(),
  /** Rows matching the search, for paging. */
  total: amount,
  rows: z.array(RankingRow),
  /** Set when a sort the server does not offer was applied by the host to only the board's first `sortedWithin` rows. */
  sortedWithin: amount.optional(),
});

export const EquityPoint = z.object({ ts: amount, equity: signedInt });
/** Money or coins moved in or out from outside trading (a grant, a deposit, a copy allocation): not profit. */
export const EquityFlow = z.object({
  ts: amount,
  kind: z.enum(FLOW_KINDS),
  asset: z.string(),
  /** Minimal units of the asset; negative when it left. */
  amount: signedInt,
  /** Quote minimal units when it moved: the step it made in equity. */
  value: signedInt,
});
export const PublicTrade = z.object({
  market: z.string(),
  side: z.enum(['buy', 'sell']),
  price: positive,
  quantity: positive,
  ts: amount,
});
export const StrategyInfo = z.object({ open: z.boolean(), description: z.string(), profitShareBps: amount });
export const MyStrategy = StrategyInfo.extend({ followers: amount });

export const TraderProfile = z.object({
  nickname: z.string(),
  joinedAt: amount,
  asOf: amount.nullable(),
  stats: z.object({ '1d': TraderStats, '7d': TraderStats, '30d': TraderStats, all: TraderStats }),
  /** Equity at each mark of the last day and at each day start kept, oldest first; the flows in that time. */
  equity: z.object({ hourly: z.array(EquityPoint), daily: z.array(EquityPoint), flows: z.array(EquityFlow) }),
  /** Newest first. */
  recentTrades: z.array(PublicTrade),
  followers: amount,
  strategy: StrategyInfo.nullable(),
  /** Who is asking: this trader is me, and my running copy of this trader if I have one. */
  viewer: z.object({ signedIn: z.boolean(), self: z.boolean(), subscriptionId: positive.optional() }),
});

export const CopyStatus = z.enum(['active', 'paused', 'closing', 'ended']);
export const CopyEndReason = z.enum(['unsubscribed', 'stop_loss', 'leader_deleted']);

export const CopySubscription = z.object({
  id: positive,
  leader: z.string(),
  status: CopyStatus,
  endReason: CopyEndReason.nullable(),
  /** Net quote put in: allocation plus additions less reductions. */
  allocation: amount,
  /** The copy's value at the last prices. */
  equity: amount,
  pnl: signedInt,
  /** Quote not tied up in an order: what can be taken out. */
  freeCash: amount,
  /** Coins held, by market. */
  holdings: z.record(z.string(), amount),
  stopLossBps: amount.nullable(),
  profitShareBps: amount,
  owed: amount,
  feesPaid: amount,
  createdAt: amount,
  endedAt: amount.nullable(),
});

export const CopyFollower = z.object({
  subscriptionId: positive,
  nickname: z.string(),
  status: CopyStatus,
  allocation: amount,
  equity: amount,
  since: amount,
  profitShareBps: amount,
  feesPaid: amount,
});

export const CopySettlement = z.object({
  id: positive,
  subscriptionId: positive,
  period: z.number().int(),
  /** My side: the leader receives, the subscriber pays. */
  role: z.enum(['leader', 'subscriber']),
  counterparty: z.string(),
  profit: signedInt,
  fee: amount,
  paid: amount,
  owed: amount,
  profitShareBps: amount,
  ts: amount,
});

// ---- My orders and trades across markets: the offline practice market, paper trading, the live market ----
//
// Each venue answers on its own (one that cannot be reached says so, the others still list); every market
// listed carries its units, so each row is shown by its own market's number rule.

export const HistoryVenue = z.enum(['practice', 'paper', 'live']);

export const HistoryMarket = z.object({
  venue: HistoryVenue,
  id: z.string(),
  base: z.string(),
  quote: z.string(),
  priceDecimals: decimals,
  sizeDecimals: decimals,
  quoteDecimals: decimals,
  tickSize: positive,
  lotSize: positive,
});

/** open: resting, nothing filled; partial: resting, partly filled; waiting: a stop not triggered yet. */
export const HistoryOrderStatus = z.enum(['open', 'partial', 'waiting', 'filled', 'cancelled', 'expired', 'rejected']);

export const HistoryOrder = z.object({
  venue: HistoryVenue,
  market: z.string(),
  id: positive,
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop']),
  /** 0 for a market order. */
  price: amount,
  /** 0 unless a stop. */
  stopPrice: amount,
  /** 0 for a market buy by quote amount. */
  quantity: amount,
  filled: amount,
  status: HistoryOrderStatus,
  /** Why it was cancelled or expired (the engine's reason), when it says. */
  reason: z.string().optional(),
  ts: amount,
  /** When it last changed (a fill, a trigger, the end). */
  updatedAt: amount,
});

export const HistoryFill = z.object({
  venue: HistoryVenue,
  market: z.string(),
  tradeId: positive,
  orderId: positive,
  side: z.enum(['buy', 'sell']),
  price: positive,
  quantity: positive,
  quoteAmount: amount,
  fee: signedInt,
  liquidity: z.enum(['maker', 'taker']),
  ts: amount,
});

export const VenueHistory = z.object({
  venue: HistoryVenue,
  /** ok; signed_out / offline: the live market without an account or a server; error: it failed (see error). */
  state: z.enum(['ok', 'signed_out', 'offline', 'error']),
  error: z.string().optional(),
  markets: z.array(HistoryMarket),
  /** Newest first. */
  orders: z.array(HistoryOrder),
  /** Newest first. */
  fills: z.array(HistoryFill),
});

const ProfitShareBps = z.number().int().min(0).max(MAX_PROFIT_SHARE_BPS);
/** A copy stop-loss: the loss, in bps of the allocation, at which copying stops and positions close. */
const StopLossBps = z.number().int().min(1).max(9_999);

/** One change to a running copy. */
export const CopyChange = z.discriminatedUnion('action', [
  z.object({ action: z.literal('pause') }).strict(),
  z.object({ action: z.literal('resume') }).strict(),
  z.object({ action: z.literal('addFunds'), amount: positive }).strict(),
  z.object({ action: z.literal('reduceFunds'), amount: positive }).strict(),
  z.object({ action: z.literal('stopLoss'), stopLossBps: StopLossBps.nullable() }).strict(),
]);

export const methods = {
  'app.info': { params: NoParams, result: AppInfo },
  'app.health': { params: NoParams, result: Health },
  /** How durable each local database's commits are (shown in Settings). */
  'app.durability': { params: NoParams, result: z.object({ databases: z.array(LocalDatabaseDurability) }) },
  'settings.get': { params: NoParams, result: Settings },
  'settings.update': { params: Settings.partial().strict(), result: Settings },
  /** The price chart's chosen studies, in order (the defaults until the user chooses). */
  'chart.indicators': { params: NoParams, result: z.object({ indicators: ChartIndicators }) },
  'chart.setIndicators': {
    params: z.object({ indicators: ChartIndicators }).strict(),
    result: z.object({ indicators: ChartIndicators }),
  },
  'practice.state': { params: NoParams, result: PracticeState },
  'practice.place': { params: OrderRequest, result: OrderOutcome },
  'practice.cancel': { params: z.object({ orderId: positive }).strict(), result: OrderOutcome },
  'practice.cancelAll': { params: NoParams, result: z.object({ cancelled: amount }) },
  /** Cancels my practice orders and restores the practice account's starting funds (the market goes on). */
  'practice.reset': {
    params: NoParams,
    result: z.object({ balances: z.array(z.object({ asset: z.string(), available: amount, held: amount })) }),
  },
  /** Amends one of my open orders on the practice market, a paper market or the live market. */
  'order.amend': { params: OrderAmend, result: OrderOutcome },
  /** My latest orders and fills on every venue, each venue's newest `limit` of each. */
  'history.list': {
    params: z.object({ limit: z.number().int().min(1).max(500).default(200) }).strict(),
    result: z.object({ venues: z.array(VenueHistory) }),
  },
  /** My whole trade history (offline practice, paper trading and, signed in, the live market) as CSV, for the user to save. */
  'history.exportCsv': { params: NoParams, result: z.object({ filename: z.string(), csv: z.string(), rows: amount }) },
  /** Every account of mine valued in won, with PnL and the total's record over time (./portfolio). */
  'portfolio.get': { params: NoParams, result: Portfolio },
  'practice.candles': {
    params: z
      .object({
        interval: CandleInterval,
        limit: z.number().int().min(1).max(5_000).default(500),
        before: CandlesBefore,
      })
      .strict(),
    result: z.array(CandleBar),
  },
  /**
   * My fills on the practice market as one mark per candle of `interval` and side, for the candles opening from
   * `from` (and before `before`); `through` is the newest fill counted.
   */
  'practice.fillMarks': {
    params: z
      .object({
        interval: CandleInterval,
        from: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        before: CandlesBefore,
      })
      .strict(),
    result: z.object({ marks: z.array(FillMark), through: amount }),
  },
  /** Markets the current feed source offers, with their units. */
  'paper.markets': {
    params: NoParams,
    result: z.object({ source: FeedSource, markets: z.array(PaperMarketInfo), replay: ReplayInfo.optional() }),
  },
  /** Opens a market view (subscribes it; views are counted, so two charts of one market need two closes). */
  'paper.open': { params: z.object({ market: MarketId }).strict(), result: PaperMarketState },
  'paper.close': { params: z.object({ market: MarketId }).strict(), result: z.object({ views: amount }) },
  'paper.state': { params: z.object({ market: MarketId }).strict(), result: PaperMarketState },
  'paper.place': { params: PaperOrderRequest, result: PaperOrderOutcome },
  'paper.cancel': { params: z.object({ market: MarketId, orderId: positive }).strict(), result: PaperOrderOutcome },
  /** Cancels every order and restores the starting balances of the current source's paper account. */
  'paper.reset': { params: NoParams, result: PaperAccount },
  'paper.candles': {
    params: z
      .object({
        market: MarketId,
        interval: CandleInterval,
        limit: z.number().int().min(1).max(5_000).default(500),
        before: CandlesBefore,
      })
      .strict(),
    result: PaperCandles,
  },
  'feed.source': { params: NoParams, result: FeedSourceInfo },
  /**
   * Switches the feed: an exchange, or a session file replayed — one the user picked (`session`, a
   * PickedSession handle), else the one chosen before, else the shipped generated practice session.
   */
  'feed.setSource': {
    params: z
      .object({
        source: FeedSource,
        speed: ReplaySpeed.optional(),
        session: PickedSession.shape.session.optional(),
      })
      .strict(),
    result: FeedSourceInfo,
  },
  /**
   * Downloads a past window of an exchange's market (progress as 'replay.download' events; cached in the data
   * folder) and switches the feed to replaying it, paused at its start. A window longer than 31 days, not over
   * yet or not in whole minutes is refused (BAD_WINDOW), as is one the exchange could not give (HISTORY_UNAVAILABLE).
   */
  'replay.history': {
    params: z
      .object({
        exchange: z.enum(['upbit', 'binance']),
        market: MarketId,
        from: amount,
        to: amount,
        /** false: candles only, even where the exchange has the trades. */
        trades: z.boolean().default(true),
      })
      .strict(),
    result: FeedSourceInfo,
  },
  'replay.control': { params: ReplayControl, result: ReplayInfo },
  /** The live LPJ market: connection, server address and who is signed in. */
  'live.status': { params: NoParams, result: LiveStatus },
  /** Points the app at another sync server (kept in app.db) and reconnects. */
  'live.setServer': { params: z.object({ url: ServerUrl }).strict(), result: LiveStatus },
  'live.signUp': { params: Credentials, result: LiveStatus },
  'live.signIn': { params: Credentials, result: LiveStatus },
  'live.signOut': { params: NoParams, result: LiveStatus },
  /** Deletes my account on the sync server (its password asked again); signs out. */
  'live.deleteAccount': { params: z.object({ password: z.string().min(1).max(128) }).strict(), result: LiveStatus },
  'live.state': { params: NoParams, result: LiveState },
  /** Candles of the live market from the server, oldest first, the forming one included. */
  'live.candles': {
    params: z
      .object({
        interval: CandleInterval,
        limit: z.number().int().min(1).max(1_000).default(500),
        before: CandlesBefore,
      })
      .strict(),
    result: z.array(CandleBar),
  },
  'live.place': { params: OrderRequest, result: OrderOutcome },
  'live.cancel': { params: z.object({ orderId: positive }).strict(), result: OrderOutcome },
  'live.cancelAll': { params: NoParams, result: z.object({ cancelled: amount }) },
  /**
   * My notifications from the sync server, newest first (empty when signed out), with the server's markets:
   * the units of the figures they carry.
   */
  'notifications.list': {
    params: NoParams,
    result: z.object({ items: z.array(AppNotification), unread: amount, markets: z.array(MarketSettings) }),
  },
  'notifications.markRead': {
    params: z
      .object({
        ids: z.array(positive).max(1_000).optional(),
        /** Ids of the app's own notifications (origin 'app'), a numbering of their own. */
        appIds: z.array(positive).max(1_000).optional(),
        all: z.boolean().optional(),
      })
      .strict(),
    result: z.object({ unread: amount }),
  },
  /** My price alerts, waiting first then fired, newest first in each. */
  'alerts.list': { params: NoParams, result: z.object({ items: z.array(PriceAlert) }) },
  /** Sets an alert (refused with UNKNOWN_MARKET, NO_PRICE for a move with no price known, or ALERT_LIMIT). */
  'alerts.create': { params: NewPriceAlert, result: PriceAlert },
  'alerts.delete': { params: z.object({ id: positive }).strict(), result: z.object({ deleted: z.boolean() }) },
  /** A leaderboard page: period, sort, nickname search, paging. Readable signed out. */
  'ranking.board': { params: RankingQuery, result: RankingBoard },
  /** A trader's public profile (stats per period, equity curve, recent trades, strategy) and how I stand to them. */
  'ranking.profile': {
    params: z.object({ nickname: z.string().trim().min(1).max(40) }).strict(),
    result: TraderProfile,
  },
  /** My strategy (null if I never opened one). */
  'copy.strategy.get': { params: NoParams, result: z.object({ strategy: MyStrategy.nullable() }) },
  /** Opens my strategy for copying, changes its description or rate, or closes it to new subscribers. */
  'copy.strategy.set': {
    params: z
      .object({
        open: z.boolean(),
        description: z.string().max(500).optional(),
        profitShareBps: ProfitShareBps.optional(),
      })
      .strict(),
    result: z.object({ strategy: MyStrategy.nullable() }),
  },
  /** My copies of other traders, newest first. */
  'copy.subscriptions': { params: NoParams, result: z.object({ items: z.array(CopySubscription) }) },
  'copy.subscribe': {
    params: z
      .object({ leader: z.string().trim().min(1).max(40), allocation: positive, stopLossBps: StopLossBps.optional() })
      .strict(),
    result: CopySubscription,
  },
  'copy.update': { params: z.object({ id: positive, change: CopyChange }).strict(), result: CopySubscription },
  /** Stops copying: positions are sold and the funds come back. */
  'copy.unsubscribe': { params: z.object({ id: positive }).strict(), result: CopySubscription },
  /** Who copies me. */
  'copy.followers': { params: NoParams, result: z.object({ items: z.array(CopyFollower) }) },
  /** Profit-share settlements, both roles, newest first. */
  'copy.settlements': { params: NoParams, result: z.object({ items: z.array(CopySettlement) }) },
  ...watchlistMethods,
  ...resultMethods,
  ...recordingMethods,
  ...paperPortfolioMethods,
} as const;

export const events = {
  'engine.status': Health,
  /** The desktop shell asks the UI to show a screen (application menu, a playground777:// link). */
  'app.navigate': z.object({
    hash: z
      .string()
      .regex(/^#\/[A-Za-z0-9%_./-]*$/)
      .max(200),
  }),
  'settings.changed': Settings,
  /** The practice market moved: new trades, the book's top levels, and whether my orders or balances changed. */
  'practice.update': z.object({
    seq: amount,
    trades: z.array(TapeTrade),
    bids: z.array(Level),
    asks: z.array(Level),
    lastPrice: amount,
    mine: z.boolean(),
  }),
  /** How far a new practice market's simulated past has been run; done = total when the market opens. */
  'practice.preparing': PracticePreparing,
  /** A real-coin market view moved (at most ~10 per second per market). */
  'paper.update': PaperUpdate,
  /** A market's feed status changed (live, reconnecting, stale, offline), with why. */
  'feed.status': z.object({
    market: z.string(),
    source: FeedSource,
    status: FeedStatus,
    reason: z.string().optional(),
  }),
  'feed.source': FeedSourceInfo,
  'candles.progress': CandlesProgress,
  'replay.state': ReplayInfo,
  'replay.download': ReplayDownload,
  'live.status': LiveStatus,
  /** The live market moved (at most ~10 per second): new trades, the book's top levels, whether my account changed. */
  'live.update': LiveUpdate,
  /** A notification arrived from the sync server. */
  notification: AppNotification,
  /** The list changed as a whole (an account's backlog was read, or notifications were marked read): read it again. */
  'notifications.changed': z.object({ unread: amount }),
  ...watchlistEvents,
  ...paperPortfolioEvents,
  /** An alert was set, fired or deleted: the list as it now is. */
  'alerts.changed': z.object({ items: z.array(PriceAlert) }),
  ...recordingEvents,
} as const;

export type Methods = typeof methods;
export type Method = keyof Methods;
export type Params<M extends Method> = z.input<Methods[M]['params']>;
export type Result<M extends Method> = z.output<Methods[M]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
/** A pushed event as it crosses a boundary: the name tells the payload's type. */
export type EventFrame = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export type Settings = z.output<typeof Settings>;
export type Language = z.output<typeof Language>;
export type Theme = z.output<typeof Theme>;
export type UpDownColours = z.output<typeof UpDownColours>;
export type NotifySwitches = z.output<typeof NotifySwitches>;
export type AppInfo = z.output<typeof AppInfo>;
export type PickedSession = z.output<typeof PickedSession>;
export type LocalDatabaseDurability = z.output<typeof LocalDatabaseDurability>;
export type Health = z.output<typeof Health>;
export type PracticeState = z.output<typeof PracticeState>;
export type OrderRequest = z.output<typeof OrderRequest>;
export type OrderOutcome = z.output<typeof OrderOutcome>;
export type OrderAmend = z.output<typeof OrderAmend>;
export type TapeTrade = z.output<typeof TapeTrade>;
export type CandleBar = z.output<typeof CandleBar>;
export type FillMark = z.output<typeof FillMark>;
export type OpenOrder = z.output<typeof OpenOrder>;
export type PracticeFill = z.output<typeof PracticeFill>;
export type MarketSettings = z.output<typeof MarketSettings>;
export type FeedSourceName = z.output<typeof FeedSource>;
export type FeedStatusName = z.output<typeof FeedStatus>;
export type PaperMarketInfo = z.output<typeof PaperMarketInfo>;
export type PaperMarketState = z.output<typeof PaperMarketState>;
export type PaperAccount = z.output<typeof PaperAccount>;
export type PaperPosition = z.output<typeof PaperPosition>;
export type PaperMark = z.output<typeof PaperMark>;
export type PaperOrderRequest = z.output<typeof PaperOrderRequest>;
export type PaperOrderOutcome = z.output<typeof PaperOrderOutcome>;
export type PaperCandles = z.output<typeof PaperCandles>;
export type CandleInterval = z.output<typeof CandleInterval>;
export type PaperUpdate = z.output<typeof PaperUpdate>;
export type FeedTrade = z.output<typeof FeedTrade>;
export type FeedTicker = z.output<typeof FeedTicker>;
export type FeedSourceInfo = z.output<typeof FeedSourceInfo>;
export type ReplayInfo = z.output<typeof ReplayInfo>;
export type ReplayControl = z.output<typeof ReplayControl>;
export type ReplaySpeed = z.output<typeof ReplaySpeed>;
export type ReplayDownload = z.output<typeof ReplayDownload>;
export type CandlesProgress = z.output<typeof CandlesProgress>;
export type LiveStatus = z.output<typeof LiveStatus>;
export type LiveConnection = z.output<typeof LiveConnection>;
export type LiveState = z.output<typeof LiveState>;
export type LiveUpdate = z.output<typeof LiveUpdate>;
export type LiveCopyAccount = z.output<typeof LiveCopyAccount>;
export type LiveTicker = z.output<typeof LiveTicker>;
export type AppNotification = z.output<typeof AppNotification>;
export type DesktopNote = z.output<typeof DesktopNote>;
export type RankingPeriod = z.output<typeof RankingPeriod>;
export type RankingSort = z.output<typeof RankingSort>;
export type RankingQuery = z.output<typeof RankingQuery>;
export type RankingRow = z.output<typeof RankingRow>;
export type RankingBoard = z.output<typeof RankingBoard>;
export type TraderStats = z.output<typeof TraderStats>;
export type TraderProfile = z.output<typeof TraderProfile>;
export type PublicTrade = z.output<typeof PublicTrade>;
export type EquityPoint = z.output<typeof EquityPoint>;
export type EquityFlow = z.output<typeof EquityFlow>;
export type BoardRules = z.output<typeof BoardRules>;
export type MyStrategy = z.output<typeof MyStrategy>;
export type StrategyInfo = z.output<typeof StrategyInfo>;
export type CopySubscription = z.output<typeof CopySubscription>;
export type CopyFollower = z.output<typeof CopyFollower>;
export type CopySettlement = z.output<typeof CopySettlement>;
export type CopyChange = z.output<typeof CopyChange>;
export type CopyStatus = z.output<typeof CopyStatus>;
export type HistoryVenue = z.output<typeof HistoryVenue>;
export type HistoryMarket = z.output<typeof HistoryMarket>;
export type HistoryOrder = z.output<typeof HistoryOrder>;
export type HistoryOrderStatus = z.output<typeof HistoryOrderStatus>;
export type HistoryFill = z.output<typeof HistoryFill>;
export type VenueHistory = z.output<typeof VenueHistory>;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
