/**
 * Copy trading contract: configuration, the inputs the server feeds in, and the intents and notifications that
 * come out. The copy logic never touches a ledger or a book: it returns what should happen (orders to place,
 * transfers to book, records for the ranking log, messages to send) and the server carries it out.
 */
import type { AccountId, MarketConfig, PlaceCommand, Side } from '../matching/types';
import type { RankingRecord } from '../ranking/records';

export type CopyErrorCode =
  | 'INVALID_INPUT' // a field missing, not a safe integer, out of range
  | 'INVALID_CONFIG'
  | 'UNKNOWN_MARKET'
  | 'STRATEGY_EXISTS'
  | 'NO_STRATEGY'
  | 'STRATEGY_CLOSED'
  | 'LEADER_DELETED'
  | 'SELF_SUBSCRIBE'
  | 'ALREADY_SUBSCRIBED'
  | 'BELOW_MIN_ALLOCATION'
  | 'INSUFFICIENT_BALANCE' // more than the subscriber's available balance
  | 'INSUFFICIENT_FREE_FUNDS' // reducing by more than the sub-account's uncommitted cash
  | 'RATE_OUT_OF_RANGE'
  | 'UNKNOWN_SUBSCRIPTION'
  | 'SUBSCRIPTION_NOT_ACTIVE' // paused, closing or ended where the operation needs it running (or vice versa)
  | 'UNKNOWN_ORDER'
  | 'FILL_EXCEEDS_ORDER'
  | 'FUTURE_PERIOD';

export class CopyError extends Error {
  constructor(
    readonly code: CopyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CopyError';
  }
}

export interface CopyConfig {
  /** Markets leaders may trade; all quoted in one asset, the asset allocations are made in. */
  markets: readonly MarketConfig[];
  /** Smallest allocation, and the floor an allocation may be reduced to (quote units; default 10,000). */
  minAllocation?: number;
  /** Highest profit-share rate a leader may set, bps (default and at most 3,000 = 30%). */
  maxProfitShareBps?: number;
  /** How far from the market's reference price (see mirrorFill) a copy may fill, bps (default 100 = 1%). */
  slippageBps?: number;
  /** Settlement period length and start offset from 00:00 UTC (default one day from 00:00 UTC). */
  settlementPeriodMs?: number;
  settlementOffsetMs?: number;
}

export type SubscriptionStatus = 'active' | 'paused' | 'closing' | 'ended';
export type EndReason = 'unsubscribed' | 'stop_loss' | 'leader_deleted';

/** Why a copy was not placed. */
export type SkipReason =
  | 'PAUSED'
  | 'BELOW_LOT_SIZE' // the proportional quantity rounds down to zero lots
  | 'BELOW_MIN_NOTIONAL'
  | 'ALLOCATION_EXHAUSTED' // the sub-account's free cash cannot buy a single lot at the slippage limit
  | 'NO_POSITION' // the leader sold, the subscriber holds nothing of it
  | 'AWAY_FROM_MARKET' // the leader's fill is beyond the slippage limit from the market's reference price
  | 'NO_MARKET_PRICE' // the market has no price but the leader's own trades to copy against
  | 'AMOUNT_OUT_OF_RANGE'; // the copy's limit or value would pass 2^53 − 1

export interface CopyOrder {
  subscriptionId: number;
  subscriber: AccountId;
  /** Place exactly this on the matching engine; report the outcome with copyOrderResult. */
  command: PlaceCommand;
  /** Quote (buys) or base (sells) set aside for the order until its result comes back. */
  reserved: number;
  /** A copy of a leader fill, or a close-out at unsubscribe / stop-loss / leader deletion. */
  purpose: 'copy' | 'close';
}

export interface CopySkip {
  subscriptionId: number;
  subscriber: AccountId;
  market: string;
  side: Side;
  /** The proportional quantity before rounding to the lot, base units. */
  wanted: number;
  reason: SkipReason;
}

export type TransferReason = 'allocation' | 'add_funds' | 'reduce_funds' | 'return' | 'profit_share';

/** Move `amount` of `asset` between ledger accounts (the server books it; the copy state already counts it). */
export interface Transfer {
  subscriptionId: number;
  from: AccountId;
  to: AccountId;
  asset: string;
  amount: number;
  reason: TransferReason;
}

export type CopyNotice =
  | { kind: 'subscribed'; leader: AccountId; amount: number }
  | { kind: 'follower_joined'; subscriber: AccountId; amount: number }
  | { kind: 'copy_placed'; leader: AccountId; market: string; side: Side; quantity: number; price: number }
  | { kind: 'copy_skipped'; leader: AccountId; market: string; side: Side; wanted: number; reason: SkipReason }
  | {
      kind: 'copy_filled';
      leader: AccountId;
      market: string;
      side: Side;
      quantity: number;
      quoteAmount: number;
      fee: number;
    }
  | { kind: 'fill_mirrored'; market: string; side: Side; placed: number; skipped: number }
  | { kind: 'paused' | 'resumed'; leader: AccountId }
  | { kind: 'stop_loss_set'; leader: AccountId; stopLossBps: number | null }
  | { kind: 'funds_added' | 'funds_reduced'; leader: AccountId; amount: number; allocation: number }
  | { kind: 'copy_stopping'; leader: AccountId; reason: EndReason }
  | {
      kind: 'copy_ended';
      leader: AccountId;
      reason: EndReason;
      returnedQuote: number;
      returnedCoins: Record<string, number>;
    }
  | { kind: 'follower_left'; subscriber: AccountId; reason: EndReason }
  | {
      kind: 'settled';
      counterparty: AccountId;
      period: number;
      profit: number;
      fee: number;
      paid: number;
      owed: number;
      role: 'leader' | 'subscriber';
    }
  /** amount_out_of_range: a figure of the settlement (the sub-account valued at the marks) passes 2^53 − 1. */
  | { kind: 'settlement_skipped'; leader: AccountId; period: number; reason: 'leader_deleted' | 'amount_out_of_range' }
  | { kind: 'profit_share_changed'; leader: AccountId; profitShareBps: number; fromPeriod: number }
  | { kind: 'strategy_closed'; leader: AccountId };

export interface Notification {
  to: AccountId;
  subscriptionId?: number;
  ts: number;
  notice: CopyNotice;
}

/** Everything one operation asks the server to do, in order. */
export interface CopyOutput {
  orders: CopyOrder[];
  skipped: CopySkip[];
  transfers: Transfer[];
  /** Append to the ranking log: flows for allocations and profit share, follower changes, sub-accounts. */
  ranking: RankingRecord[];
  notifications: Notification[];
}

export interface SubscriptionView {
  id: number;
  subscriber: AccountId;
  subAccount: AccountId;
  leader: AccountId;
  status: SubscriptionStatus;
  endReason: EndReason | null;
  /** Net quote put in: the allocation plus additions less reductions. */
  allocation: number;
  /** Quote in the sub-account not committed to an open order. */
  freeCash: number;
  reservedQuote: number;
  holdings: Record<string, number>;
  stopLossBps: number | null;
  /** Rate of the period in progress. */
  profitShareBps: number;
  highWaterMark: number;
  owed: number;
  lastSettledPeriod: number;
  feesPaid: number;
}
