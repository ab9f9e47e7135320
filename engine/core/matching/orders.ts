/**
 * The order lifecycle: live orders by id, how an order opens (registered with its owner, funds looked up once)
 * and how it ends — filled, expired or cancelled — each ending taking it out of the book or the stops, releasing
 * what it still holds through the risk stage, and publishing its event.
 *
 * An ended order's record goes back to a pool and is reused by the next order (see ./order.ts for why records
 * are never let go). Nothing may hold on to a record past the end of its order: the book, the stops, the index
 * and the owner's list have all let go of it by then, and its event has been built.
 *
 * Ending an order also ends what is linked to it (./brackets.ts): its OCO partner is cancelled ('oco'), and an
 * entry's exits are queued for the order flow to place once the walk that ended it is over (they may trade,
 * and no walk may start inside another).
 *
 * Closed orders are remembered (the last CLOSED_MEMORY ids) so that a late cancel or amend is told
 * ORDER_CLOSED rather than UNKNOWN_ORDER: slot id % CLOSED_MEMORY holds the id and its account, side by side
 * (one cache line per close). A ring indexed by id needs no hashing and no eviction scan (order ids only grow).
 */
import type { Trader } from './accounts';
import { objectList } from './arrays';
import type { PendingExits } from './brackets';
import type { EventLog } from './events';
import type { Market } from './market';
import { blankOrder, type Order } from './order';
import { OrderIndex } from './order-index';
import type { RiskStage } from './risk';
import type {
  AccountId,
  CancelReason,
  ExpireReason,
  OrderId,
  OrderType,
  RejectReason,
  Side,
  TimeInForce,
} from './types';
import { isPosInt } from './validation';

const CLOSED_MEMORY = 65_536;

export class LiveOrders {
  readonly index = new OrderIndex();
  nextOrderId = 1;
  /** [id, account] of the last order closed in each slot. */
  private readonly closedRing = new Float64Array(2 * CLOSED_MEMORY);
  /** Records of ended orders, waiting to be reused: at most as many as were ever live at once. */
  private readonly spare = objectList<Order>();
  /** Exits of entries that ended in the current command, oldest first, waiting for the order flow. */
  readonly pendingExits = objectList<PendingExits>();

  constructor(
    private readonly risk: RiskStage,
    private readonly log: EventLog,
  ) {}

  /**
   * Opens an order: a record (reused or new) with these terms, listed as live by id and among its owner's
   * orders. It holds nothing yet (the risk stage sets its hold). Ids come from the caller (`nextOrderId` for a
   * new order, the snapshot's for a restored one).
   */
  open(
    id: OrderId,
    owner: Trader,
    m: Market,
    side: Side,
    type: OrderType,
    timeInForce: TimeInForce,
    postOnly: boolean,
    price: number,
    stopPrice: number,
    quantity: number,
    remaining: number,
    budget: number,
    clientOrderId: string | undefined,
    ts: number,
  ): Order {
    const funds = this.risk.funds(owner, m);
    const o = this.spare.pop() ?? blankOrder(owner, funds);
    o.id = id;
    o.account = owner.id;
    o.market = m.id;
    o.side = side;
    o.type = type;
    o.timeInForce = timeInForce;
    o.postOnly = postOnly;
    o.price = price;
    o.stopPrice = stopPrice;
    o.quantity = quantity;
    o.remaining = remaining;
    o.budget = budget;
    o.clientOrderId = clientOrderId;
    o.ts = ts;
    o.owner = owner;
    o.funds = funds;
    o.held = 0;
    o.trailAmount = 0;
    o.trailBps = 0;
    o.oco = null;
    o.exits = null;
    o.parent = 0;
    this.index.set(o);
    owner.add(o);
    return o;
  }

  /** The live order `orderId` of `account` in market `m`, or a rejection saying why there is none. */
  find(m: Market, account: AccountId, orderId: OrderId, command: 'cancel' | 'amend'): Order | undefined {
    const order = this.index.get(orderId);
    if (order !== undefined && order.account === account && order.market === m.id) return order;
    const slot = isPosInt(orderId) ? 2 * (orderId % CLOSED_MEMORY) : -1;
    const closedHere =
      order === undefined && slot >= 0 && this.closedRing[slot] === orderId && this.closedRing[slot + 1] === account;
    const reason: RejectReason = closedHere ? 'ORDER_CLOSED' : 'UNKNOWN_ORDER';
    this.log.reject(m, account, reason, command, undefined, orderId);
    return undefined;
  }

  fill(m: Market, order: Order): void {
    if (order.exits !== null) this.queueExits(order);
    this.close(order);
    this.log.filled(m, order);
    if (order.oco !== null) this.endOco(m, order);
    this.spare.push(order);
  }

  expire(m: Market, order: Order, reason: ExpireReason): void {
    if (order.exits !== null) this.queueExits(order);
    this.close(order);
    this.log.expired(m, order, reason);
    if (order.oco !== null) this.endOco(m, order);
    this.spare.push(order);
  }

  cancel(m: Market, order: Order, reason: CancelReason): void {
    if (order.level !== null) (order.side === 'buy' ? m.bids : m.asks).remove(order);
    else if (order.type === 'stop_market' || order.type === 'stop_limit') m.stops.remove(order);
    else if (order.type === 'trailing_stop') m.trailing.remove(order);
    // Cancelled by its owner, an entry takes its bracket with it; ended otherwise, it protects what filled.
    if (order.exits !== null && reason !== 'user' && reason !== 'cancel_all') this.queueExits(order);
    this.close(order);
    this.log.cancelled(m, order, reason);
    if (order.oco !== null) this.endOco(m, order);
    this.spare.push(order);
  }

  /** The account's live orders in market `only`, or in every market: oldest first, so the events read in placing order. */
  cancelAll(trader: Trader, markets: ReadonlyMap<string, Market>, only: Market | undefined): void {
    for (const order of trader.list()) {
      // An OCO partner cancelled on the way is no longer live.
      if (order.ownerSlot === -1) continue;
      if (only === undefined || order.market === only.id)
        this.cancel(only ?? markets.get(order.market)!, order, 'cancel_all');
    }
  }

  /** Unlinks an OCO order from its partner and cancels the partner ('oco'). */
  endOco(m: Market, order: Order): void {
    const partner = order.oco!;
    order.oco = null;
    partner.oco = null;
    this.cancel(m, partner, 'oco');
  }

  /** Queues the exits of an ending entry for what it filled (nothing if it filled nothing). */
  private queueExits(order: Order): void {
    const exits = order.exits!;
    order.exits = null;
    const filled = order.quantity - order.remaining;
    if (filled <= 0) return;
    this.pendingExits.push({
      owner: order.owner,
      side: order.side === 'buy' ? 'sell' : 'buy',
      quantity: filled,
      takeProfit: exits.takeProfit,
      stopLoss: exits.stopLoss,
      stopLossLimit: exits.stopLossLimit,
      parent: order.id,
    });
  }

  /** Forgets an ending order and releases whatever it still holds. */
  private close(order: Order): void {
    this.index.delete(order.id);
    order.owner.delete(order);
    this.remember(order.id, order.account);
    this.risk.release(order);
  }

  remember(id: OrderId, account: AccountId): void {
    const slot = 2 * (id % CLOSED_MEMORY);
    this.closedRing[slot] = id;
    this.closedRing[slot + 1] = account;
  }

  /** The remembered closed orders as [id, account], by id. */
  closed(): [number, number][] {
    const out: [number, number][] = [];
    const ring = this.closedRing;
    for (let i = 0; i < ring.length; i += 2) if (ring[i] !== 0) out.push([ring[i], ring[i + 1]]);
    return out.sort((a, b) => a[0] - b[0]);
  }
}
