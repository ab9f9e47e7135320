/**
 * One side of a price-time priority book.
 *
 * Levels are kept in a price-sorted array with the best level LAST (bids ascending, asks descending), so the
 * common changes — a new best level, the best level emptied by a taker — are a push or a pop, and a level
 * deeper in the book costs a binary search and a short memmove. A Map from price to level finds a level in
 * O(1). Within a level, orders form an intrusive doubly-linked FIFO list, so removing any order (cancel, fill)
 * is O(1) given the order, which the engine finds through its id → order map.
 */
import type { AccountId, Balance, OrderId, OrderType, Side, TimeInForce } from './types';

export class Order {
  prev: Order | null = null;
  next: Order | null = null;
  level: Level | null = null;
  /** The owner's balances in this market's quote and base, and its set of live orders (set when registered). */
  quoteBalance: Balance | null = null;
  baseBalance: Balance | null = null;
  owner: unknown = null;
  /** Neighbours in the owner's list of live orders. */
  ownerPrev: Order | null = null;
  ownerNext: Order | null = null;
  constructor(
    readonly id: OrderId,
    readonly account: AccountId,
    readonly market: string,
    readonly side: Side,
    public type: OrderType,
    public timeInForce: TimeInForce,
    public postOnly: boolean,
    /** Limit price (0 for market orders). */
    public price: number,
    /** Trigger price of a stop order (0 otherwise). */
    public stopPrice: number,
    /** Total base quantity; 0 marks a market buy by quote amount. */
    public quantity: number,
    /** Base quantity not yet filled. */
    public remaining: number,
    /** Quote (buys) or base (sells) still held for this order; for a buy by quote amount, the budget left. */
    public held: number,
    readonly clientOrderId: string | undefined,
    readonly ts: number,
  ) {}
}

export class Level {
  head: Order | null = null;
  tail: Order | null = null;
  /** Sum of the remaining quantity of the orders at this level. */
  total = 0;
  count = 0;
  /** Total at the start of the current command, or -1 when the level has not changed in it. */
  totalBefore = -1;
  constructor(
    readonly side: Side,
    readonly price: number,
  ) {}
}

export class BookSide {
  /** Sorted with the best price last. */
  private readonly prices: number[] = [];
  private readonly levels = new Map<number, Level>();

  /**
   * @param changed collects the levels whose total changes during a command (each once), so the engine can
   * publish one `book` event per changed level at the end of the command instead of one per fill.
   */
  constructor(
    readonly side: Side,
    private readonly changed: Level[],
  ) {}

  private touch(level: Level): void {
    if (level.totalBefore < 0) {
      level.totalBefore = level.total;
      this.changed.push(level);
    }
  }

  /** True when `a` is a better price than `b` on this side. */
  better(a: number, b: number): boolean {
    return this.side === 'buy' ? a > b : a < b;
  }

  best(): Level | null {
    const n = this.prices.length;
    return n === 0 ? null : (this.levels.get(this.prices[n - 1]) as Level);
  }

  /** The best price, or 0 on an empty side (no level lookup: for checks that need only the price). */
  bestPrice(): number {
    const n = this.prices.length;
    return n === 0 ? 0 : this.prices[n - 1];
  }

  get levelCount(): number {
    return this.prices.length;
  }

  level(price: number): Level | undefined {
    return this.levels.get(price);
  }

  /** Appends the order at the back of its price level's queue, creating the level if needed. */
  append(order: Order): Level {
    let level = this.levels.get(order.price);
    if (level === undefined) {
      level = new Level(this.side, order.price);
      this.levels.set(order.price, level);
      this.insertPrice(order.price);
    }
    this.touch(level);
    order.level = level;
    order.prev = level.tail;
    order.next = null;
    if (level.tail) level.tail.next = order;
    else level.head = order;
    level.tail = order;
    level.total += order.remaining;
    level.count++;
    return level;
  }

  /** Unlinks the order; drops its level when it was the last one there. */
  remove(order: Order): Level {
    const level = order.level as Level;
    this.touch(level);
    if (order.prev) order.prev.next = order.next;
    else level.head = order.next;
    if (order.next) order.next.prev = order.prev;
    else level.tail = order.prev;
    order.prev = order.next = order.level = null;
    level.total -= order.remaining;
    level.count--;
    if (level.count === 0) this.dropLevel(level);
    return level;
  }

  /** Takes `quantity` off a resting order in place (a fill, or an amend down); it keeps its queue position. */
  reduce(order: Order, quantity: number): void {
    const level = order.level as Level;
    this.touch(level);
    order.remaining -= quantity;
    level.total -= quantity;
  }

  private dropLevel(level: Level): void {
    this.levels.delete(level.price);
    const n = this.prices.length;
    if (this.prices[n - 1] === level.price) {
      this.prices.pop();
      return;
    }
    this.prices.splice(this.indexOf(level.price), 1);
  }

  private insertPrice(price: number): void {
    const n = this.prices.length;
    if (n === 0 || this.better(price, this.prices[n - 1])) {
      this.prices.push(price);
      return;
    }
    this.prices.splice(this.indexOf(price), 0, price);
  }

  /** Index of `price` in the sorted array, or where it would go (binary search, worst price first). */
  private indexOf(price: number): number {
    let lo = 0;
    let hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(price, this.prices[mid])) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The best `depth` levels as [price, total quantity], best first. */
  depth(depth: number): [number, number][] {
    const out: [number, number][] = [];
    for (let i = this.prices.length - 1; i >= 0 && out.length < depth; i--) {
      const price = this.prices[i];
      out.push([price, (this.levels.get(price) as Level).total]);
    }
    return out;
  }

  /** Every resting order, best level first, FIFO within a level. */
  *orders(): Generator<Order> {
    for (let i = this.prices.length - 1; i >= 0; i--) {
      for (let o = (this.levels.get(this.prices[i]) as Level).head; o; o = o.next) yield o;
    }
  }

  /** Levels from the best down to (and including) `limit`, for fill-or-kill checks. */
  *levelsUpTo(limit: number): Generator<Level> {
    for (let i = this.prices.length - 1; i >= 0; i--) {
      const price = this.prices[i];
      if (this.better(limit, price)) return;
      yield this.levels.get(price) as Level;
    }
  }
}
