/**
 * A market's waiting stop orders, in the order they will trigger. A stop is not in the book: it holds its funds
 * (the risk stage placed the hold when it was accepted) and waits for the last trade price to reach its stop
 * price; then the engine takes it out of here and runs it as a market or limit order.
 *
 * Each side is an array sorted so that the next stop to trigger is LAST (a pop): buy stops by trigger price
 * descending, sell stops ascending; among equal trigger prices the older order triggers first.
 */
import { objectList } from './arrays';
import type { Order } from './order';

export class StopOrders {
  /** Sorted by trigger price descending (ties: newest first). */
  readonly buy = objectList<Order>();
  /** Sorted by trigger price ascending (ties: newest first). */
  readonly sell = objectList<Order>();

  add(order: Order): void {
    const buying = order.side === 'buy';
    const list = buying ? this.buy : this.sell;
    // Position: after every stop that triggers later, before those that trigger sooner.
    const stop = order.stopPrice;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = list[mid].stopPrice;
      const later = buying ? p > stop : p < stop;
      if (later || (p === stop && list[mid].id > order.id)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, order);
  }

  remove(order: Order): void {
    const list = order.side === 'buy' ? this.buy : this.sell;
    const i = list.indexOf(order);
    if (i >= 0) list.splice(i, 1);
  }

  /** Takes out the next stop that a last trade price of `last` triggers (buys first), if any. */
  takeTriggered(last: number): Order | undefined {
    const b = this.buy;
    if (b.length > 0 && b[b.length - 1].stopPrice <= last) return b.pop();
    const s = this.sell;
    if (s.length > 0 && s[s.length - 1].stopPrice >= last) return s.pop();
    return undefined;
  }
}
