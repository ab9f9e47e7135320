/**
 * One side of a price-time priority book: price levels, and a FIFO queue of orders at each.
 *
 * The book knows an order's side, price, remaining quantity and place in its queue — nothing else. It holds no
 * balances and refuses nothing: funds are the risk stage's (./risk.ts), who may trade with whom is the
 * matcher's (./matcher.ts), and whatever reaches the book has been checked by them.
 *
 * Levels are kept in an array sorted with the best level LAST (bids ascending, asks descending), so the common
 * changes — a new best level, the best level emptied by a taker — are a push or a pop, the best level is one
 * read, and a level deeper in the book costs a binary search and a short memmove. A Map from price to level
 * finds any level in O(1). Within a level, orders form an intrusive doubly-linked FIFO list, so removing any
 * order (cancel, fill, a move to another price) is O(1) given the order.
 *
 * Every level whose total changes during a command is listed once in its `LevelChanges`, with the total it
 * had before, so the engine can publish one `book` event per changed level at the end of the command instead of
 * one per fill.
 */
import type { Side } from './types';

/** What the book needs of an order: the order record itself carries these fields (see ./order.ts). */
export interface BookOrder<O extends BookOrder<O>> {
  readonly side: Side;
  price: number;
  /** Base quantity not yet filled: what the order adds to its level's total. */
  remaining: number;
  prev: O | null;
  next: O | null;
  /** The level the order rests at, or null when it is not in the book. */
  level: Level<O> | null;
}

/** A level's totals as the `book` events report them. */
export interface LevelTotals {
  readonly side: Side;
  readonly price: number;
  total: number;
  /** Total at the start of the current command, or -1 when the level has not changed in it. */
  totalBefore: number;
}

export class Level<O extends BookOrder<O>> implements LevelTotals {
  head: O | null = null;
  tail: O | null = null;
  /** Sum of the remaining quantity of the orders at this level. */
  total = 0;
  count = 0;
  totalBefore = -1;
  constructor(
    readonly side: Side,
    readonly price: number,
  ) {}
}

/** The levels changed during the current command, each once, in the order they first changed. */
export class LevelChanges {
  readonly levels: LevelTotals[] = [];
  count = 0;

  /** Forgets the list (the slots are cleared so dropped levels can be collected). */
  clear(): void {
    const levels = this.levels;
    for (let i = 0; i < this.count; i++) {
      levels[i].totalBefore = -1;
      (levels as (LevelTotals | undefined)[])[i] = undefined;
    }
    this.count = 0;
  }
}

export class BookSide<O extends BookOrder<O>> {
  /** Sorted with the best price last. */
  private readonly levels: Level<O>[] = [];
  private readonly byPrice = new Map<number, Level<O>>();
  private readonly buy: boolean;

  constructor(
    readonly side: Side,
    private readonly changes: LevelChanges,
  ) {
    this.buy = side === 'buy';
  }

  private touch(level: Level<O>): void {
    if (level.totalBefore < 0) {
      level.totalBefore = level.total;
      this.changes.levels[this.changes.count++] = level;
    }
  }

  /** True when `a` is a better price than `b` on this side. */
  better(a: number, b: number): boolean {
    return this.buy ? a > b : a < b;
  }

  best(): Level<O> | null {
    const n = this.levels.length;
    return n === 0 ? null : this.levels[n - 1];
  }

  /** The best price, or 0 on an empty side. */
  bestPrice(): number {
    const n = this.levels.length;
    return n === 0 ? 0 : this.levels[n - 1].price;
  }

  get levelCount(): number {
    return this.levels.length;
  }

  level(price: number): Level<O> | undefined {
    return this.byPrice.get(price);
  }

  /** Appends the order at the back of its price level's queue, creating the level if needed. */
  append(order: O): void {
    let level = this.byPrice.get(order.price);
    if (level === undefined) {
      level = new Level<O>(this.side, order.price);
      this.byPrice.set(order.price, level);
      this.insertLevel(level);
    }
    this.touch(level);
    order.level = level;
    order.prev = level.tail;
    order.next = null;
    if (level.tail !== null) level.tail.next = order;
    else level.head = order;
    level.tail = order;
    level.total += order.remaining;
    level.count++;
  }

  /** Unlinks the order; drops its level when it was the last one there. */
  remove(order: O): void {
    const level = order.level as Level<O>;
    this.touch(level);
    const prev = order.prev;
    const next = order.next;
    if (prev !== null) prev.next = next;
    else level.head = next;
    if (next !== null) next.prev = prev;
    else level.tail = prev;
    order.prev = order.next = order.level = null;
    level.total -= order.remaining;
    if (--level.count === 0) this.dropLevel(level);
  }

  /** Takes `quantity` off a resting order in place (a fill, or an amend down); it keeps its queue position. */
  reduce(order: O, quantity: number): void {
    const level = order.level as Level<O>;
    this.touch(level);
    order.remaining -= quantity;
    level.total -= quantity;
  }

  private dropLevel(level: Level<O>): void {
    this.byPrice.delete(level.price);
    const levels = this.levels;
    const n = levels.length;
    if (levels[n - 1] === level) levels.pop();
    else levels.splice(this.indexOf(level.price), 1);
  }

  private insertLevel(level: Level<O>): void {
    const levels = this.levels;
    const n = levels.length;
    if (n === 0 || this.better(level.price, levels[n - 1].price)) levels.push(level);
    else levels.splice(this.indexOf(level.price), 0, level);
  }

  /** Index of `price` in the sorted array, or where it would go (binary search, worst price first). */
  private indexOf(price: number): number {
    const levels = this.levels;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(price, levels[mid].price)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The best `depth` levels as [price, total quantity], best first. */
  depth(depth: number): [number, number][] {
    const out: [number, number][] = [];
    for (let i = this.levels.length - 1; i >= 0 && out.length < depth; i--) out.push([this.levels[i].price, this.levels[i].total]);
    return out;
  }

  /** Every resting order, best level first, FIFO within a level. */
  *orders(): Generator<O> {
    for (let i = this.levels.length - 1; i >= 0; i--) {
      for (let o = this.levels[i].head; o !== null; o = o.next) yield o;
    }
  }

  /** Levels from the best down to (and including) `limit`, for fill-or-kill checks. */
  *levelsUpTo(limit: number): Generator<Level<O>> {
    for (let i = this.levels.length - 1; i >= 0; i--) {
      const level = this.levels[i];
      if (this.better(limit, level.price)) return;
      yield level;
    }
  }
}
