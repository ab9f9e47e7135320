/**
 * The matcher: walks the opposite side of the book for an incoming order (the taker), best price first and
 * oldest first within a price, trade by trade, and says why the walk ended. What becomes of the taker then
 * (rest, expire, cancel) is the order flow's decision (./order-flow.ts).
 *
 * Rules:
 * - A trade is at the maker's price, for the smaller of the two remaining quantities; a market buy by quote
 *   amount takes what its budget still affords at that price, fees included.
 * - Each side pays its fee rate on the trade's notional (a negative maker rate is a rebate), rounded down.
 * - Self-trade prevention: when the next maker belongs to the taker's own account or to another account of the
 *   same owner (its STP group: a main account and its copy sub-accounts), the taker account's mode decides:
 *   cancel_resting cancels the maker and walks on, cancel_incoming ends the walk (the taker is cancelled),
 *   cancel_both does both.
 * - The matcher reads no balance. It hands each trade to the risk stage, which settles it out of the two orders'
 *   holds, and a maker that is done to the order lifecycle, which releases what it still holds.
 */
import type { Trader } from './accounts';
import type { EventLog } from './events';
import type { Market } from './market';
import { affordableQuantity, fee, notional } from './money';
import type { Order } from './order';
import type { BookSide } from './order-book';
import type { LiveOrders } from './orders';
import type { RiskStage } from './risk';
import type { RejectReason, Side } from './types';

/** Why a taker's walk through the book ended. */
export const Walk = {
  Filled: 0,
  /** The opposite side ran out. */
  Empty: 1,
  /** The next level is beyond the limit (or the price band). */
  Limit: 2,
  /** A buy by quote amount cannot afford another lot. */
  Budget: 3,
  /** Self-trade prevention cancelled the taker. */
  SelfTrade: 4,
} as const;
export type WalkEnd = (typeof Walk)[keyof typeof Walk];

export class Matcher {
  nextTradeId = 1;

  constructor(
    private readonly risk: RiskStage,
    private readonly orders: LiveOrders,
    private readonly log: EventLog,
  ) {}

  /** Walks the opposite side from its best level while prices are within `limit`. */
  match(m: Market, taker: Order, limit: number): WalkEnd {
    const buying = taker.side === 'buy';
    const book = buying ? m.asks : m.bids;
    const byQuote = taker.quantity === 0;
    const group = taker.owner.stpGroup;
    for (;;) {
      if (!byQuote && taker.remaining === 0) return Walk.Filled;
      const level = book.best();
      if (level === null) return Walk.Empty;
      if (buying ? level.price > limit : level.price < limit) return Walk.Limit;
      const maker = level.head as Order;
      if (maker.owner.stpGroup === group) {
        const mode = taker.owner.stp;
        if (mode !== 'cancel_incoming') this.orders.cancel(m, maker, 'self_trade');
        if (mode !== 'cancel_resting') return Walk.SelfTrade;
        continue;
      }
      let quantity: number;
      if (byQuote) {
        quantity = Math.min(
          maker.remaining,
          affordableQuantity(taker.budget, level.price, m.unit, m.config.takerFeeBps, m.config.lotSize),
        );
        if (quantity === 0) return Walk.Budget;
      } else {
        quantity = taker.remaining < maker.remaining ? taker.remaining : maker.remaining;
      }
      this.trade(m, book, maker, taker, quantity);
    }
  }

  private trade(m: Market, book: BookSide<Order>, maker: Order, taker: Order, quantity: number): void {
    const c = m.config;
    const price = maker.price;
    const amount = notional(price, quantity, m.unit);
    const makerFee = fee(amount, c.makerFeeBps);
    const takerFee = fee(amount, c.takerFeeBps);
    this.risk.settle(m, maker, taker, quantity, amount, makerFee, takerFee);
    book.reduce(maker, quantity);
    // A taker by quote amount counts down its budget (its quantity stays 0); the taker fee is never negative.
    if (taker.quantity > 0) taker.remaining -= quantity;
    else taker.budget -= amount + takerFee;
    m.lastPrice = price;
    this.log.trade(m, this.nextTradeId++, price, quantity, amount, taker.side, maker, taker, makerFee, takerFee);
    // An OCO order that trades ends its pair (./brackets.ts); its partner is a waiting stop, never in this walk.
    if (maker.oco !== null) this.orders.endOco(m, maker);
    if (taker.oco !== null) this.orders.endOco(m, taker);
    if (maker.remaining === 0) {
      book.remove(maker);
      this.orders.fill(m, maker);
    } else if (maker.side === 'buy') this.risk.trim(m, maker);
  }

  /**
   * Why a fill-or-kill order on `side` for `quantity` up to `limit` could not fill whole right now, or null if
   * it could. Its own orders (or its STP group's) in the way count as a self-trade unless they would simply be
   * cancelled.
   */
  fokCheck(m: Market, trader: Trader, side: Side, limit: number, quantity: number): RejectReason | null {
    let available = 0;
    for (const level of (side === 'buy' ? m.asks : m.bids).levelsUpTo(limit)) {
      for (let o = level.head; o !== null; o = o.next) {
        if (o.owner.stpGroup === trader.stpGroup) {
          if (trader.stp !== 'cancel_resting') return 'SELF_TRADE_PREVENTED';
          continue;
        }
        available += o.remaining;
        if (available >= quantity) return null;
      }
    }
    return 'FOK_NOT_FILLABLE';
  }
}
