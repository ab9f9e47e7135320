/**
 * The path of an order command through the engine's stages, as in exchange-core's pipeline:
 *
 *   place:  validation (./validation) → risk: hold the worst cost (./risk) → accepted → the matcher walks the
 *           book (./matcher) → the taker rests, fills, expires or is cancelled (./orders), releasing what it no
 *           longer holds → triggered stops run the same way (./stops).
 *   amend:  validation → risk: hold more or release the difference → a new price leaves the queue and meets the
 *           book like a new order; a smaller quantity keeps its place.
 *   cancel: the order leaves the book or the stops and its hold is released.
 *
 * Trailing stops wait beside the other stops (./trailing.ts) and follow the last price each time stops are
 * checked; the triggers that moved are published once each when the command's stops are done. Brackets and
 * OCO pairs (./brackets.ts): an entry's exits are placed after the walk that ended it, where stops are checked;
 * an OCO stop-loss that triggers first cancels its take-profit and takes over the pair's hold.
 *
 * Every check comes before any change: a refused command produces exactly one `rejected` event and leaves
 * books and balances as they were.
 */
import { exitHold, exitPricing, type PendingExits } from './brackets';
import type { Trader } from './accounts';
import type { EventLog } from './events';
import type { Market } from './market';
import { Walk, type Matcher } from './matcher';
import type { Order } from './order';
import type { LiveOrders } from './orders';
import { bandPrice, inBand } from './price-band';
import type { RiskStage } from './risk';
import type { EngineState } from './state';
import {
  FEE_ACCOUNT,
  type AccountId,
  type OrderId,
  type OrderType,
  type PlaceCommand,
  type RejectReason,
  type Side,
} from './types';
import { AmendTerms, PlaceTerms, checkAmend, checkPlace } from './validation';

export class OrderFlow {
  // The stages, held directly: a command's path through them is a chain of monomorphic calls.
  private readonly log: EventLog;
  private readonly risk: RiskStage;
  private readonly orders: LiveOrders;
  private readonly matcher: Matcher;
  private readonly placeTerms = new PlaceTerms();
  private readonly amendTerms = new AmendTerms();

  constructor(private readonly state: EngineState) {
    this.log = state.log;
    this.risk = state.risk;
    this.orders = state.orders;
    this.matcher = state.matcher;
  }

  place(cmd: PlaceCommand): void {
    const m = this.state.market(cmd.market);
    if (m === undefined) return this.log.rejectLedger(cmd.account, 'UNKNOWN_MARKET', 'place', cmd.clientOrderId);
    const refused = this.placeIn(m, cmd);
    if (refused !== null) this.log.reject(m, cmd.account, refused, 'place', cmd.clientOrderId);
  }

  /** Checks and places the order; returns why it was refused (and then nothing has changed), or null. */
  private placeIn(m: Market, cmd: PlaceCommand): RejectReason | null {
    const trader = this.state.traders.get(cmd.account);
    if (trader === undefined || cmd.account === FEE_ACCOUNT) return 'UNKNOWN_ACCOUNT';
    const t = this.placeTerms;
    const invalid = checkPlace(m, trader, cmd, t, this.risk);
    if (invalid !== null) return invalid;
    const isOco = t.orderType === 'oco';
    const hold = t.byQuote ? t.quoteAmount : isOco ? t.exits.hold : this.risk.holdFor(m, t.side, t.worst, t.quantity);
    const unfunded = this.risk.refuseHold(trader, m, t.side, hold, 0);
    if (unfunded !== null) return unfunded;
    if (t.timeInForce === 'FOK' && !t.isStop) {
      const why = this.matcher.fokCheck(m, trader, t.side, t.price, t.quantity);
      if (why !== null) return why;
    }
    if (isOco) {
      const ex = t.exits;
      this.openExits(
        m,
        trader,
        t.side,
        t.quantity,
        ex.takeProfit,
        ex.stopLoss,
        ex.stopLossLimit,
        hold,
        0,
        t.clientOrderId,
      );
      this.runStops(m);
      return null;
    }

    const orderType = t.orderType as OrderType;
    const worst = t.worst;
    const order = this.orders.open(
      this.orders.nextOrderId++,
      trader,
      m,
      t.side,
      orderType,
      t.timeInForce,
      t.postOnly,
      t.price,
      t.stopPrice,
      t.quantity,
      t.quantity,
      t.quoteAmount,
      t.clientOrderId,
      this.log.ts,
    );
    this.risk.setHold(order, hold);
    if (t.hasExits || orderType === 'trailing_stop') {
      order.trailAmount = t.trailAmount;
      order.trailBps = t.trailBps;
      const ex = t.exits;
      if (t.hasExits)
        order.exits = { takeProfit: ex.takeProfit, stopLoss: ex.stopLoss, stopLossLimit: ex.stopLossLimit };
      this.log.acceptedWith(m, order, t.hasLimit, t.isStop);
    } else this.log.accepted(m, order, t.hasLimit, t.isStop, t.byQuote ? t.quoteAmount : undefined);
    // A stop whose condition already holds triggers at once, like one that was resting when the price moved.
    if (orderType === 'trailing_stop') m.trailing.place(order, m.lastPrice);
    else if (t.isStop) m.stops.add(order);
    else if (orderType === 'market') this.execMarket(m, order, worst);
    else this.execLimit(m, order);
    this.runStops(m);
    return null;
  }

  /**
   * Opens exits on `side` for `quantity` (an OCO pair when both a take-profit and a stop-loss are given) holding
   * `hold` between them, as a bracket's (`parent`: its entry) or on their own: the stop-loss waits, the
   * take-profit meets the book.
   */
  private openExits(
    m: Market,
    owner: Trader,
    side: Side,
    quantity: number,
    takeProfit: number,
    stopLoss: number,
    stopLossLimit: number,
    hold: number,
    parent: OrderId,
    clientOrderId: string | undefined,
  ): void {
    const orders = this.orders;
    const ts = this.log.ts;
    const tp =
      takeProfit === 0
        ? null
        : orders.open(
            orders.nextOrderId++,
            owner,
            m,
            side,
            'limit',
            'GTC',
            false,
            takeProfit,
            0,
            quantity,
            quantity,
            0,
            clientOrderId,
            ts,
          );
    const sl =
      stopLoss === 0
        ? null
        : orders.open(
            orders.nextOrderId++,
            owner,
            m,
            side,
            stopLossLimit === 0 ? 'stop_market' : 'stop_limit',
            stopLossLimit === 0 ? 'IOC' : 'GTC',
            false,
            stopLossLimit,
            stopLoss,
            quantity,
            quantity,
            0,
            tp === null ? clientOrderId : undefined,
            ts,
          );
    if (tp !== null && sl !== null) {
      tp.oco = sl;
      sl.oco = tp;
    }
    // The take-profit holds for the pair (./brackets.ts); a stop-loss on its own holds for itself.
    if (tp !== null) {
      tp.parent = parent;
      this.risk.setHold(tp, hold);
      this.log.acceptedWith(m, tp, true, false);
    }
    if (sl !== null) {
      sl.parent = parent;
      if (tp === null) this.risk.setHold(sl, hold);
      this.log.acceptedWith(m, sl, stopLossLimit !== 0, true);
      m.stops.add(sl);
    }
    if (tp !== null) this.execLimit(m, tp);
  }

  /** Places the exits of an entry that has ended, if the owner can fund them (./brackets.ts). */
  private placeExits(m: Market, p: PendingExits): void {
    const { owner, side, quantity, takeProfit, stopLoss, stopLossLimit, parent } = p;
    const hold = exitHold(exitPricing(this.risk, m), side, quantity, takeProfit, stopLoss, stopLossLimit);
    const unfunded = this.risk.refuseHold(owner, m, side, hold, 0);
    if (unfunded !== null) return this.log.reject(m, owner.id, unfunded, 'bracket', undefined, parent);
    this.openExits(m, owner, side, quantity, takeProfit, stopLoss, stopLossLimit, hold, parent, undefined);
  }

  cancel(marketId: string, account: AccountId, orderId: OrderId): void {
    const m = this.state.market(marketId);
    if (m === undefined) return this.log.rejectLedger(account, 'UNKNOWN_MARKET', 'cancel', undefined, orderId);
    const order = this.orders.find(m, account, orderId, 'cancel');
    if (order !== undefined) this.orders.cancel(m, order, 'user');
  }

  cancelAll(account: AccountId, marketId: string | undefined): void {
    const m = marketId === undefined ? undefined : this.state.market(marketId);
    if (marketId !== undefined && m === undefined)
      return this.log.rejectLedger(account, 'UNKNOWN_MARKET', 'cancel_all');
    const trader = this.state.traders.get(account);
    if (trader === undefined || account === FEE_ACCOUNT) {
      if (m !== undefined) return this.log.reject(m, account, 'UNKNOWN_ACCOUNT', 'cancel_all');
      return this.log.rejectLedger(account, 'UNKNOWN_ACCOUNT', 'cancel_all');
    }
    this.orders.cancelAll(trader, this.state.markets, m);
  }

  amend(
    marketId: string,
    account: AccountId,
    orderId: OrderId,
    quantity: number | undefined,
    price: number | undefined,
  ): void {
    const m = this.state.market(marketId);
    if (m === undefined) return this.log.rejectLedger(account, 'UNKNOWN_MARKET', 'amend', undefined, orderId);
    const order = this.orders.find(m, account, orderId, 'amend');
    if (order === undefined) return;
    const refused = this.amendIn(m, order, quantity, price);
    if (refused !== null) this.log.reject(m, account, refused, 'amend', order.clientOrderId, orderId);
  }

  /** Checks and applies the amend; returns why it was refused (and then nothing has changed), or null. */
  private amendIn(
    m: Market,
    order: Order,
    newQuantity: number | undefined,
    newPrice: number | undefined,
  ): RejectReason | null {
    const t = this.amendTerms;
    const invalid = checkAmend(m, order, newQuantity, newPrice, t);
    if (invalid !== null) return invalid;
    const { price, quantity, remaining } = t;
    const need = this.risk.holdFor(m, order.side, price, remaining);
    const unfunded = this.risk.refuseHold(order.owner, m, order.side, need, order.held);
    if (unfunded !== null) return unfunded;

    // Reducing the quantity keeps the order's place in the queue; a new price or a larger quantity is a new
    // promise to the book and goes to the back, as on every exchange.
    const keptPriority = price === order.price && quantity < order.quantity;
    const book = order.side === 'buy' ? m.bids : m.asks;
    if (keptPriority) {
      book.reduce(order, order.remaining - remaining);
      order.quantity = quantity;
    } else {
      book.remove(order);
      order.quantity = quantity;
      order.remaining = remaining;
      order.price = price;
    }
    this.risk.setHold(order, need);
    this.log.amended(m, order, keptPriority);
    if (!keptPriority) {
      this.execLimit(m, order);
      this.runStops(m);
    }
    return null;
  }

  /**
   * Publishes the trailing stops whose trigger moved in this command, once each, at their trigger now: they all
   * still wait (one that triggered was published before its `triggered` and left the set).
   */
  private publishMoves(m: Market): void {
    const moved = m.trailing.moved;
    for (const o of moved) this.log.triggerMoved(m, o);
    moved.clear();
  }

  /** A limit order (new, moved, or a triggered stop-limit) meets the book; what is left rests or ends. */
  private execLimit(m: Market, order: Order): void {
    if (order.timeInForce === 'FOK' && order.type === 'stop_limit') {
      // Checked when placed for plain FOK orders; a triggered stop-limit meets the book only now.
      if (this.matcher.fokCheck(m, order.owner, order.side, order.price, order.remaining) !== null)
        return this.orders.expire(m, order, 'fok');
    }
    const before = order.remaining;
    const end = this.matcher.match(m, order, order.price);
    if (end === Walk.Filled) return this.orders.fill(m, order);
    if (end === Walk.SelfTrade) return this.orders.cancel(m, order, 'self_trade');
    if (order.timeInForce !== 'GTC') return this.orders.expire(m, order, order.timeInForce === 'FOK' ? 'fok' : 'ioc');
    (order.side === 'buy' ? m.bids : m.asks).append(order);
    // A buy holds exactly what its remaining quantity can cost (placed or amended so); only fills on entry, at
    // better prices, can leave it holding more.
    if (order.remaining !== before) this.risk.trim(m, order);
  }

  private execMarket(m: Market, order: Order, worst: number): void {
    const end = this.matcher.match(m, order, worst);
    if (end === Walk.Filled || end === Walk.Budget) return this.orders.fill(m, order);
    if (end === Walk.SelfTrade) return this.orders.cancel(m, order, 'self_trade');
    this.orders.expire(m, order, end === Walk.Limit ? 'price_band' : 'market_remainder');
  }

  /**
   * Places the exits of entries that ended, moves trailing stops after the last price, and triggers every stop
   * the last trade price has reached, including those reached by the trades of triggered orders and exits.
   */
  private runStops(m: Market): void {
    const pending = this.orders.pendingExits;
    const trailing = m.trailing;
    for (;;) {
      if (pending.length !== 0) {
        this.placeExits(m, pending.shift()!);
        continue;
      }
      const last = m.lastPrice;
      if (last === 0) return;
      // Moved triggers are of waiting trailing stops: with none waiting there is nothing to follow or publish.
      const trails = trailing.buy.length !== 0 || trailing.sell.length !== 0;
      if (trails) trailing.follow(last, m.config.tickSize);
      const order = m.stops.takeTriggered(last) ?? trailing.takeTriggered(last);
      if (order === undefined) {
        if (trails && trailing.moved.size !== 0) this.publishMoves(m);
        return;
      }
      // If its trigger moved in this command, the move goes first: its history ends at the trigger it fired at.
      if (trails && trailing.moved.delete(order)) this.log.triggerMoved(m, order);
      this.log.triggered(m, order, last);
      const isLimit = order.type === 'stop_limit';
      if (order.oco !== null) {
        // The pair's hold moves from the take-profit (cancelled now) to the stop-loss, which needs no more.
        const worst = isLimit ? order.price : bandPrice(m, order.side, order.stopPrice);
        const need = this.risk.holdFor(m, order.side, worst, order.remaining);
        this.orders.endOco(m, order);
        this.risk.setHold(order, need);
      }
      if (!isLimit) this.execMarket(m, order, bandPrice(m, order.side, order.stopPrice));
      else if (!inBand(m, order.side, order.price)) this.orders.expire(m, order, 'price_band');
      else this.execLimit(m, order);
    }
  }
}
