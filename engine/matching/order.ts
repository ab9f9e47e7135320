/**
 * A live order, as one record: the fields the book works with (./order-book), the terms it was placed with, the
 * hold the risk stage keeps for it (./risk.ts) and its place in its owner's list of live orders (./accounts.ts).
 * One object per order, so that a walk through the book, its fills and the release of its funds touch the same
 * memory; each part of the engine reads only its own fields (the book and the matcher never `held` or `funds`).
 */
import type { Trader } from './accounts';
import type { BookOrder, Level } from './order-book';
import type { MarketFunds } from './risk';
import type { AccountId, OrderId, OrderType, Side, TimeInForce } from './types';

export class Order implements BookOrder<Order> {
  prev: Order | null = null;
  next: Order | null = null;
  level: Level<Order> | null = null;
  /** Neighbours in the owner's list of live orders. */
  ownerPrev: Order | null = null;
  ownerNext: Order | null = null;
  constructor(
    readonly id: OrderId,
    readonly account: AccountId,
    readonly market: string,
    readonly side: Side,
    readonly type: OrderType,
    readonly timeInForce: TimeInForce,
    readonly postOnly: boolean,
    /** Limit price (0 for market orders). */
    public price: number,
    /** Trigger price of a stop order (0 otherwise). */
    readonly stopPrice: number,
    /** Total base quantity; 0 marks a market buy by quote amount. */
    public quantity: number,
    /** Base quantity not yet filled. */
    public remaining: number,
    /** A market buy by quote amount: the quote it may still spend, fees included (0 for every other order). */
    public budget: number,
    readonly clientOrderId: string | undefined,
    readonly ts: number,
    readonly owner: Trader,
    /** The owner's balances in this market's quote and base, which the risk stage holds from and settles to. */
    readonly funds: MarketFunds,
    /** Quote (buys) or base (sells) the risk stage holds for this order. */
    public held: number,
  ) {}
}
