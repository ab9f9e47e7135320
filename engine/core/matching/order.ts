/**
 * A live order, as one record: the fields the book works with (./order-book), the terms it was placed with, the
 * hold the risk stage keeps for it (./risk.ts) and its place among its owner's live orders (./accounts.ts). One
 * record per order, so that a walk through the book, its fills and the release of its funds touch the same
 * memory; each stage reads only its own fields (the book and the matcher never `held` or `funds`).
 *
 * Records are reused: a closed order's record goes back to the pool of ./orders.ts and becomes the next order.
 * They are plain object literals made in one place (`blankOrder`), not class instances, on purpose. V8 records
 * whether the objects a literal allocates outlive minor GCs; since no order record ever becomes garbage, it
 * learns to allocate them straight into the old generation instead of copying every one of them out of the
 * young generation, which in a stream of resting orders took a third of the time. (A class instance has no
 * allocation site for V8 to learn from.)
 */
import type { Trader } from './accounts';
import type { BookOrder, Level } from './order-book';
import type { MarketFunds } from './risk';
import type { AccountId, OrderId, OrderType, Side, TimeInForce } from './types';

/** The exits an entry order carries (0 = none), placed when it fills (see ./brackets.ts). */
export interface Exits {
  takeProfit: number;
  stopLoss: number;
  stopLossLimit: number;
}

export interface Order extends BookOrder<Order> {
  // The fields a cancel or a fill touches come first, so that they share as few cache lines as possible.
  prev: Order | null;
  next: Order | null;
  level: Level<Order> | null;
  id: OrderId;
  account: AccountId;
  market: string;
  side: Side;
  /** Base quantity not yet filled. */
  remaining: number;
  /** Quote (buys) or base (sells) the risk stage holds for this order. */
  held: number;
  /** The owner's balances in this market's quote and base, which the risk stage holds from and settles to. */
  funds: MarketFunds;
  owner: Trader;
  /** Position in the owner's list of live orders. */
  ownerSlot: number;
  type: OrderType;
  /** Limit price (0 for market orders). */
  price: number;
  /** Total base quantity; 0 marks a market buy by quote amount. */
  quantity: number;
  clientOrderId: string | undefined;
  timeInForce: TimeInForce;
  postOnly: boolean;
  /** Trigger price of a stop order (0 otherwise). */
  stopPrice: number;
  /** A market buy by quote amount: the quote it may still spend, fees included (0 for every other order). */
  budget: number;
  ts: number;
  /** A trailing stop's distance: in quote units, or in basis points of the last price (the other is 0). */
  trailAmount: number;
  trailBps: number;
  /** The other order of its OCO pair, while both are live. */
  oco: Order | null;
  /** An entry's exits, until it ends. */
  exits: Exits | null;
  /** An exit's entry order id (0 otherwise). */
  parent: OrderId;
}

/** A new, empty record (see above for why a literal); every field is set when it is opened as an order. */
export function blankOrder(owner: Trader, funds: MarketFunds): Order {
  return {
    prev: null,
    next: null,
    level: null,
    id: 0,
    account: 0,
    market: '',
    side: 'buy',
    remaining: 0,
    held: 0,
    funds,
    owner,
    ownerSlot: -1,
    type: 'limit',
    price: 0,
    quantity: 0,
    clientOrderId: undefined,
    timeInForce: 'GTC',
    postOnly: false,
    stopPrice: 0,
    budget: 0,
    ts: 0,
    trailAmount: 0,
    trailBps: 0,
    oco: null,
    exits: null,
    parent: 0,
  };
}
