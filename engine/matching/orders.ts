/**
 * The order lifecycle: live orders by id, how an order opens (registered with its owner, funds looked up once)
 * and how it ends — filled, expired or cancelled — each ending taking it out of the book or the stops, releasing
 * what it still holds through the risk stage, and publishing its event.
 *
 * Closed orders are remembered (the last CLOSED_MEMORY ids) so that a late cancel or amend is told
 * ORDER_CLOSED rather than UNKNOWN_ORDER: slot id % CLOSED_MEMORY holds the id and its account. A ring indexed
 * by id needs no hashing and no eviction scan (order ids only grow).
 */
import type { Trader } from './accounts';
import type { EventLog } from './events';
import type { Market } from './market';
import type { Order } from './order';
import { OrderIndex } from './order-index';
import type { RiskStage } from './risk';
import type { AccountId, CancelReason, ExpireReason, OrderId, RejectReason } from './types';

const CLOSED_MEMORY = 65_536;

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

export class LiveOrders {
  readonly index = new OrderIndex();
  nextOrderId = 1;
  private readonly closedIds = new Float64Array(CLOSED_MEMORY);
  private readonly closedAccounts = new Float64Array(CLOSED_MEMORY);

  constructor(
    private readonly risk: RiskStage,
    private readonly log: EventLog,
  ) {}

  /** Lists a new (or restored) order as live: by id, and among its owner's orders. */
  register(order: Order): void {
    this.index.set(order);
    order.owner.add(order);
  }

  /** The live order `orderId` of `account` in market `m`, or a rejection saying why there is none. */
  find(m: Market, account: AccountId, orderId: OrderId, command: 'cancel' | 'amend'): Order | undefined {
    const order = this.index.get(orderId);
    if (order !== undefined && order.account === account && order.market === m.id) return order;
    const slot = isPosInt(orderId) ? orderId % CLOSED_MEMORY : -1;
    const closedHere = order === undefined && slot >= 0 && this.closedIds[slot] === orderId && this.closedAccounts[slot] === account;
    const reason: RejectReason = closedHere ? 'ORDER_CLOSED' : 'UNKNOWN_ORDER';
    this.log.reject(m, account, reason, command, undefined, orderId);
    return undefined;
  }

  fill(m: Market, order: Order): void {
    this.close(order);
    this.log.filled(m, order);
  }

  expire(m: Market, order: Order, reason: ExpireReason): void {
    this.close(order);
    this.log.expired(m, order, reason);
  }

  cancel(m: Market, order: Order, reason: CancelReason): void {
    if (order.level !== null) (order.side === 'buy' ? m.bids : m.asks).remove(order);
    else if (order.type === 'stop_market' || order.type === 'stop_limit') m.stops.remove(order);
    this.close(order);
    this.log.cancelled(m, order, reason);
  }

  /** Every account's live orders in every market, cancelled oldest first so the events read in placing order. */
  cancelAll(trader: Trader, markets: ReadonlyMap<string, Market>, only: Market | undefined): void {
    for (const order of trader.list()) {
      if (only === undefined || order.market === only.id) this.cancel(only ?? markets.get(order.market)!, order, 'cancel_all');
    }
  }

  /** Forgets a finished order and releases whatever it still holds. */
  private close(order: Order): void {
    this.index.delete(order.id);
    order.owner.delete(order);
    this.remember(order.id, order.account);
    this.risk.release(order);
  }

  remember(id: OrderId, account: AccountId): void {
    const slot = id % CLOSED_MEMORY;
    this.closedIds[slot] = id;
    this.closedAccounts[slot] = account;
  }

  /** The remembered closed orders as [id, account], by id. */
  closed(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < CLOSED_MEMORY; i++) if (this.closedIds[i] !== 0) out.push([this.closedIds[i], this.closedAccounts[i]]);
    return out.sort((a, b) => a[0] - b[0]);
  }
}
