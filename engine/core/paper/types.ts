/**
 * The paper matcher's contract: paper markets, commands in, events out.
 *
 * Units (all integers):
 * - price: the feed's price units, 10^-priceDecimals quote per ONE WHOLE base coin;
 * - quantity: the feed's size units, 10^-sizeDecimals base coin (also the base asset's balance unit);
 * - quote amounts (notional, fees, balances, PnL): 10^-quoteDecimals quote, one unit per quote asset shared by
 *   every market quoted in it (Upbit's coins have different price decimals, but one KRW balance pays for all).
 *
 * Events reuse the LPJ engine's shapes (../matching/types) wherever they apply, so one client decodes both.
 */
import type { ExchangeId, Level } from '../market-data/types';
import type { FillModel } from './resting-fills';
import type {
  AccountId,
  EngineEvent,
  ExpireReason,
  OrderId,
  OrderType,
  PlaceOrderType,
  RejectReason,
  Side,
} from '../matching/types';

export type { AccountId, OrderId, Side } from '../matching/types';
export type { FillModel } from './resting-fills';

/**
 * The exchange itself, counterparty of every paper fill. It stands for the whole outside market, so its
 * balances may go negative (it "sold" coins it never had in this ledger); for each asset, the sum over every
 * account including this one changes only through grants and resets.
 */
export const VENUE_ACCOUNT: AccountId = -1;

export interface PaperMarketConfig {
  /** The app's id, BASE-QUOTE ("BTC-KRW"). */
  id: string;
  exchange: ExchangeId;
  base: string;
  quote: string;
  /** As in the feed: a price unit is 10^-priceDecimals quote per whole coin. */
  priceDecimals: number;
  /** As in the feed: a size unit is 10^-sizeDecimals coin; also the base asset's balance unit. */
  sizeDecimals: number;
  /** The quote asset's balance unit, 10^-quoteDecimals quote; at least priceDecimals. Same for every market of a quote. */
  quoteDecimals: number;
  /** Fee rates in basis points, 0..1000 (the venue pays no rebates). */
  makerFeeBps: number;
  takerFeeBps: number;
  /** Smallest order value, quote balance units (0: none). */
  minNotional: number;
  /**
   * How far from its stop price a triggered stop-market may fill, basis points. It bounds what the order must
   * hold while it waits (its fill price is unknown until then); past it the order expires unfilled.
   */
  stopBandBps: number;
}

/** A book as a command carries it: the feed's levels, best first, and when and whether it was current. */
export interface PaperBook {
  /** When the app received it, on the trader's clock (ms). Staleness is judged against the command's ts. */
  receivedAt: number;
  /** False once the feed reported the market stale, reconnecting or offline. */
  live: boolean;
  bids: readonly Level[];
  asks: readonly Level[];
}

/**
 * What a user asks for; the trader adds the clock and the market data (see PlaceCommand). The order types and
 * their fields are the LPJ engine's (../matching/types PlaceCommand), without time in force or post-only: a
 * trailing stop, exits on an entry (a bracket) and an OCO pair on its own follow ../matching/trailing.ts and
 * ../matching/brackets.ts, with prices on the feed's grid (any price unit).
 */
export interface PaperOrderRequest {
  market: string;
  side: Side;
  orderType: PlaceOrderType;
  clientOrderId?: string;
  /** limit and stop_limit. */
  price?: number;
  /** stop_market and stop_limit: triggers when the last trade price reaches it (buy: ≥, sell: ≤). */
  stopPrice?: number;
  /** Base size units. */
  quantity?: number;
  /** Market buys only, instead of quantity: spend this much quote, fees included. */
  quoteAmount?: number;
  /** trailing_stop only, exactly one of: how far the trigger trails the last price, in price units … */
  trailAmount?: number;
  /** … or in basis points of the last price (1 to MAX_TRAIL_BPS). */
  trailBps?: number;
  /** Exits: on an entry, placed when it ends having filled; on an 'oco' order, the pair itself. */
  takeProfitPrice?: number;
  stopLossPrice?: number;
  stopLossLimitPrice?: number;
}

/**
 * Commands carry every input the engine reacts to — the caller's clock and the market data the order met — so
 * the engine never reads a clock or a feed itself, and replaying the journal yields the same events.
 */
export interface PlaceCommand extends PaperOrderRequest {
  type: 'place';
  ts: number;
  account: AccountId;
  /** The market's current book, if the app has one. */
  book?: PaperBook;
  /**
   * The market's last trade price, if known: a stop already reached triggers at once, a trailing stop's first
   * trigger trails it, and an entry's (or an OCO's) exits are judged against it.
   */
  last?: number;
}

export interface TradeCommand {
  type: 'trade';
  ts: number;
  market: string;
  price: number;
  size: number;
  /** Present when the trade triggers stops: the book they meet. */
  book?: PaperBook;
  /**
   * A price the market passed with no known volume at it (a replayed candle's path): it fills only resting
   * orders it trades through, never one it merely touches (see resting-fills.ts).
   */
  throughOnly?: boolean;
}

/**
 * Changes a resting limit order's total quantity and/or price, by the LPJ engine's rules (see PaperEngine's
 * amend). Like a place, it carries the book a moved order meets.
 */
export interface AmendCommand {
  type: 'amend';
  ts: number;
  account: AccountId;
  market: string;
  orderId: OrderId;
  /** The new total quantity, base size units (what has filled included). */
  quantity?: number;
  /** The new limit price. */
  price?: number;
  book?: PaperBook;
}

export type PaperCommand =
  | PlaceCommand
  | TradeCommand
  | AmendCommand
  /** Opens a paper account and grants it the starting balances. */
  | { type: 'open_account'; ts: number; account: AccountId }
  /** Cancels the account's orders, takes back all its balances and grants the starting balances again. */
  | { type: 'reset'; ts: number; account: AccountId }
  | { type: 'cancel'; ts: number; account: AccountId; market: string; orderId: OrderId }
  /** Adds a market, or changes an existing market's fees, minimum or band (never its units). */
  | { type: 'set_market'; ts: number; config: PaperMarketConfig }
  /**
   * Changes the journal's terms: the starting balances the next open or reset grants, and how resting limit
   * orders fill (orders resting now keep the queue they have; the model applies from the next trade).
   */
  | { type: 'set_terms'; ts: number; grants?: Readonly<Record<string, number>>; fillModel?: FillModel };

/** The LPJ engine's reasons, plus the ways live market data can be unusable for a paper order. */
export type PaperRejectReason =
  | RejectReason
  | 'NO_BOOK' // no order book received for the market yet
  | 'STALE_BOOK' // the book is older than allowed, or the feed reported the market not live
  | 'BOOK_TOO_THIN'; // the book's depth cannot fill the whole market order

/** 'amount_out_of_range': the fill the market offered would take a balance or the position past 2^53 − 1. */
export type PaperExpireReason = ExpireReason | 'no_book' | 'stale_book' | 'book_too_thin' | 'amount_out_of_range';

type Same<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
interface Head {
  seq: number;
  market: string;
  ts: number;
}

/**
 * Events on one stream per market plus LEDGER_STREAM (accounts, grants, resets), each with a gap-free seq.
 * In a `trade`, the user's order is the maker when it rested and was reached by the market, the taker when it
 * met the book on entry; the other side is VENUE_ACCOUNT with order id 0 and fee 0.
 */
export type PaperEvent =
  | Same<'accepted'>
  | Same<'trade'>
  | Same<'cancelled'>
  | Same<'triggered'>
  | Same<'amended'>
  | Same<'filled'>
  | Same<'deposited'>
  | Same<'withdrawn'>
  | (Omit<Same<'rejected'>, 'reason'> & { reason: PaperRejectReason })
  | (Omit<Same<'expired'>, 'reason'> & { reason: PaperExpireReason })
  /** A command's trades share one last price, so a paper order's trigger moves at most once per command. */
  | Same<'trigger_moved'>
  | (Head & { type: 'account_opened'; account: AccountId })
  /** Starts a reset; the cancellations, withdrawals and grants it causes follow. */
  | (Head & { type: 'reset'; account: AccountId });

export type PaperEventType = PaperEvent['type'];

export interface PaperOrderView {
  id: OrderId;
  market: string;
  side: Side;
  type: OrderType;
  price: number;
  stopPrice: number;
  /** 0 for a market buy by quote amount. */
  quantity: number;
  remaining: number;
  held: number;
  /** Size at the order's price that trades must take before it fills (see resting-fills.ts). */
  queueAhead: number;
  triggered: boolean;
  clientOrderId?: string;
  ts: number;
  /** A trailing stop's distance (stopPrice is its trigger now). */
  trailAmount?: number;
  trailBps?: number;
  /** The exits an entry carries, placed when it ends having filled. */
  takeProfitPrice?: number;
  stopLossPrice?: number;
  stopLossLimitPrice?: number;
  /** An exit: the entry it was placed for. */
  parentOrderId?: OrderId;
  /** The other order of its OCO pair. */
  ocoOrderId?: OrderId;
}

export interface PositionView {
  market: string;
  /** Base size units; negative when more was sold on this market than bought on it (coins bought elsewhere). */
  quantity: number;
  /** Fill value of the open quantity, quote units, fees excluded. */
  costBasis: number;
  /** Price units, rounded down; 0 when flat. */
  averagePrice: number;
  /** Gains of the closed parts, quote units, fees excluded. */
  realisedPnl: number;
  /** Fees paid on this market's fills, quote units. */
  feesPaid: number;
  /** At `markPrice`; undefined when no price is known. */
  markPrice?: number;
  unrealisedPnl?: number;
  /** realised + unrealised − fees (unrealised counted as 0 when unknown). */
  netPnl: number;
}
