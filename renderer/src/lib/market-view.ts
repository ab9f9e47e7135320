/**
 * A market "view": what the Market screen's panels need to show one market and trade on it, whichever engine
 * serves it — the offline LPJ practice market, paper trading on a real coin's feed or the live LPJ market. The
 * shapes only: the view stores that fill them are in stores/ (one per engine), and the panels read the one
 * shown through stores/view-context, so one set of components serves every market.
 *
 * Amounts stay integers in the market's own units: prices 10^-priceDecimals quote per coin, sizes
 * 10^-sizeDecimals coin, quote amounts (balances, totals, fees, PnL) 10^-quoteDecimals quote.
 */
import type {
  CandleBar,
  CandleInterval,
  CandlesProgress,
  FeedSourceName,
  FeedStatusName,
  FillMark,
  PaperPosition,
  OrderRequest,
} from '@protocol/api';

export type Level = [price: number, size: number];
export type PriceMove = 'up' | 'down' | 'flat';
export type Interval = CandleInterval;

export interface ViewMarket {
  id: string;
  base: string;
  quote: string;
  priceDecimals: number;
  sizeDecimals: number;
  quoteDecimals: number;
  /** Price step, price units. */
  tickSize: number;
  /** Size step, size units. */
  lotSize: number;
  /** Smallest order value, quote units. */
  minNotional: number;
  makerFeeBps: number;
  takerFeeBps: number;
  /** How far from the best price a market order may fill, when the engine bounds it. */
  priceBandBps?: number;
}

export interface ViewTrade {
  id: string;
  price: number;
  size: number;
  /** The side that took liquidity. */
  side: 'buy' | 'sell';
  ts: number;
}

export interface ViewBalance {
  asset: string;
  available: number;
  held: number;
  decimals: number;
}

/**
 * Another market's price, for valuing my holding of its base while a different market is on screen: its last
 * price in its own units, null while none is known.
 */
export interface ViewMark {
  market: string;
  base: string;
  quote: string;
  priceDecimals: number;
  sizeDecimals: number;
  quoteDecimals: number;
  price: number | null;
}

/** Money of mine in an account of its own beside my main one: a copy's sub-account on the live market. */
export interface ViewCopyAccount {
  key: string;
  /** Whom it copies (nickname). */
  leader: string;
  status: 'active' | 'paused' | 'closing' | 'ended';
  balances: ViewBalance[];
}

export interface ViewOrder {
  id: number;
  side: 'buy' | 'sell';
  type: 'limit' | 'market' | 'stop_market' | 'stop_limit' | 'trailing_stop';
  price: number;
  /** A trailing stop's trigger now. */
  stopPrice: number;
  quantity: number;
  remaining: number;
  triggered: boolean;
  ts: number;
  /** A trailing stop's distance (one of the two). */
  trailAmount?: number;
  trailBps?: number;
  /** An entry's exits, placed when it fills. */
  takeProfitPrice?: number;
  stopLossPrice?: number;
  stopLossLimitPrice?: number;
  /** An exit: its entry. */
  parentOrderId?: number;
  /** The other order of its OCO pair. */
  ocoOrderId?: number;
}

export interface ViewFill {
  key: string;
  side: 'buy' | 'sell';
  price: number;
  quantity: number;
  quoteAmount: number;
  fee: number;
  ts: number;
}

/** The day's figures for the ticker bar. */
export interface ViewTicker {
  last: number;
  /** The reference the change is measured from (previous close or the day's open). */
  reference: number;
  high: number;
  low: number;
  /** Size units. */
  volume: bigint;
}

/** Where a real-coin view's prices come from, and how fresh they are. */
export interface ViewFeed {
  source: FeedSourceName;
  status: FeedStatusName;
  reason?: string;
}

/** What an amend changes: the limit price, the total amount, or both (market units). */
export interface OrderChange {
  price?: number;
  quantity?: number;
}

export interface Outcome {
  status: 'accepted' | 'rejected';
  orderId?: number;
  reason?: string;
  fills: number;
}

/** A candle that changed: the forming candle of an interval, or raw trades the chart folds in itself. */
export type LiveCandles =
  { kind: 'candles'; interval: Interval; candle: CandleBar } | { kind: 'trades'; trades: ViewTrade[] };

export interface ViewState {
  kind: 'practice' | 'paper' | 'live';
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  market: ViewMarket | null;
  lastPrice: number;
  lastMove: PriceMove;
  bids: Level[];
  asks: Level[];
  /** Newest first. */
  trades: ViewTrade[];
  ticker: ViewTicker | null;
  balances: ViewBalance[];
  /** Prices of the other markets whose coins I hold (paper trading); empty where one market holds everything. */
  marks: ViewMark[];
  /** My copies' sub-accounts (live market): part of my money, shown and counted with my balances. */
  copies: ViewCopyAccount[];
  openOrders: ViewOrder[];
  /** My fills, where the engine keeps them; null where it does not. */
  fills: ViewFill[] | null;
  /** Positions with PnL, where the engine computes them; null where it does not. */
  positions: PaperPosition[] | null;
  /** Null for the local practice market, which has no feed to lose. */
  feed: ViewFeed | null;
  /** A new practice market's simulated past being run (ticks done of all); null once it is open. */
  preparing: { done: number; total: number } | null;
  /** History loading of a timeframe (exchange candle history is fetched page by page). */
  history: Partial<Record<Interval, CandlesProgress>>;
  /** Goes up when what was shown belongs to another time (a replay seek, a source switch): reload history. */
  epoch: number;
  refresh(): Promise<void>;
  place(order: OrderRequest): Promise<Outcome>;
  cancel(orderId: number): Promise<Outcome>;
  /** A new price and/or total amount (what has filled included) for one of my resting orders. */
  amend(orderId: number, change: OrderChange): Promise<Outcome>;
  cancelAll(): Promise<{ cancelled: number }>;
  /**
   * Oldest first; `loading` while missing history is still being fetched. With `before`, the candles opening
   * before that time (a chart scrolled back; fetched first where they are not stored).
   */
  candles(interval: Interval, limit: number, before?: number): Promise<{ bars: CandleBar[]; loading: boolean }>;
  /**
   * My fills as one mark per candle of `interval` and side, for the candles opening from `from`, where the engine
   * keeps them beyond `fills` (absent where it does not); `through`: the newest fill they count.
   */
  fillMarks?(interval: Interval, from: number): Promise<{ marks: FillMark[]; through: number }>;
  /** Live candle changes; returns the unsubscribe function. */
  onLive(listener: (live: LiveCandles) => void): () => void;
}

/**
 * The ticker's figures over a window of candles (oldest first): the change is measured from the first open,
 * the range includes the last price, and `since` adds volume traded after the candles were read (size units).
 */
export function windowTicker(
  bars: readonly { open: number; high: number; low: number; volume: number }[],
  last: number,
  since = 0n,
): ViewTicker {
  let high = last;
  let low = last;
  let volume = since;
  for (const b of bars) {
    if (b.high > high) high = b.high;
    if (!low || b.low < low) low = b.low;
    volume += BigInt(b.volume);
  }
  return { last, reference: bars[0]?.open ?? 0, high, low, volume };
}
