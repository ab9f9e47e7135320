/**
 * One side of a price-time priority book: price levels, and a FIFO queue of orders at each.
 *
 * The book knows an order's side, price, remaining quantity and place in its queue — nothing else. It holds no
 * balances and refuses nothing: funds are the risk stage's (./risk.ts), who may trade with whom is the
 * matcher's (./matcher.ts), and whatever reaches the book has been checked by them.
 *
 * Levels are kept in an array sorted with the best level LAST (bids ascending, asks descending), beside an
 * array of their prices in the same order: the best level is one read, a new best level or an emptied best
 * level is a push or a pop, and any other level is found by a binary search over the prices (plain numbers side
 * by side in memory, no level record touched on the way). There is no map from price to level: adding and
 * deleting map entries as levels come and go cost more than the search.
 * Within a level, orders form an intrusive doubly-linked FIFO list, so removing any order (cancel, fill, a move
 * to another price) is O(1) given the order.
 *
 * Every level whose total changes during a command is listed once in the market's `LevelChanges`, with the
 * total it had before, so the engine can publish one `book` event per changed level at the end of the command
 * instead of one per fill. A level that empties leaves the book at once but stays listed until then; only after
 * that is its record reused for another level.
 */
import { objectList, objectSlots } from './arrays';
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

export interface Level<O extends BookOrder<O>> {
  side: Side;
  price: number;
  head: O | null;
  tail: O | null;
  /** Sum of the remaining quantity of the orders at this level. */
  total: number;
  count: number;
  /** Total at the start of the current command, or -1 when the level has not changed in it. */
  totalBefore: number;
}

/**
 * A level record. Like order records (see ./order.ts) they are reused and made by one object literal, so that
 * V8 allocates them where long-lived objects go.
 */
function newLevel<O extends BookOrder<O>>(side: Side, price: number): Level<O> {
  return { side, price, head: null, tail: null, total: 0, count: 0, totalBefore: -1 };
}

/** The levels changed during the current command, each once, in the order they first changed. */
export class LevelChanges<O extends BookOrder<O>> {
  readonly levels = objectSlots<Level<O>>(64);
  count = 0;
  /** Records of levels that left the book, to be reused once the command that emptied them has ended. */
  readonly spare = objectList<Level<O>>();

  /** Forgets the list at the end of a command, and takes back the records of the levels that left the book. */
  clear(): void {
    const levels = this.levels;
    for (let i = 0; i < this.count; i++) {
      const level = levels[i] as Level<O>;
      level.totalBefore = -1;
      if (level.count === 0) this.spare.push(level);
      levels[i] = undefined;
    }
    this.count = 0;
  }
}

export class BookSide<O extends BookOrder<O>> {
  /** Sorted with the best price last. */
  private readonly levels = objectList<Level<O>>();
  /** levels[i].price, for the search. */
  private readonly prices: number[] = [];
  private readonly buy: boolean;

  constructor(
    readonly side: Side,
    private readonly changes: LevelChanges<O>,
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
    const n = this.prices.length;
    return n === 0 ? 0 : this.prices[n - 1];
  }

  get levelCount(): number {
    return this.levels.length;
  }

  level(price: number): Level<O> | undefined {
    const i = this.indexOf(price);
    return i < this.prices.length && this.prices[i] === price ? this.levels[i] : undefined;
  }

  /** Appends the order at the back of its price level's queue, creating the level if needed. */
  append(order: O): void {
    const levels = this.levels;
    const prices = this.prices;
    const price = order.price;
    const n = prices.length;
    let level: Level<O>;
    if (n > 0 && prices[n - 1] === price) level = levels[n - 1];
    else {
      const i = n === 0 || this.better(price, prices[n - 1]) ? n : this.indexOf(price);
      if (i < n && prices[i] === price) level = levels[i];
      else {
        level = this.changes.spare.pop() ?? newLevel<O>(this.side, price);
        level.side = this.side;
        level.price = price;
        // Into the sorted arrays at i: the levels from i on (all better) move up one place.
        levels.push(level);
        prices.push(price);
        for (let j = n; j > i; j--) {
          levels[j] = levels[j - 1];
          prices[j] = prices[j - 1];
        }
        levels[i] = level;
        prices[i] = price;
      }
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

  /** Unlinks the order; drops its level from the book when it was the last one there. */
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

  /** Takes an empty level out of the array (its record is reused after the command, see LevelChanges). */
  private dropLevel(level: Level<O>): void {
    const levels = this.levels;
    const prices = this.prices;
    const last = levels.length - 1;
    if (levels[last] !== level) {
      // The levels above it (all better) move down one place.
      for (let j = this.indexOf(level.price); j < last; j++) {
        levels[j] = levels[j + 1];
        prices[j] = prices[j + 1];
      }
    }
    levels.pop();
    prices.pop();
    level.head = level.tail = null;
  }

  /** Index of `price` in the sorted arrays, or where it would go (binary search, worst price first). */
  private indexOf(price: number): number {
    const prices = this.prices;
    let lo = 0;
    let hi = prices.length;
    if (this.buy) {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (price > prices[mid]) lo = mid + 1;
        else hi = mid;
      }
    } else {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (price < prices[mid]) lo = mid + 1;
        else hi = mid;
      }
    }
    return lo;
  }

  /** The best `depth` levels as [price, total quantity], best first. */
  depth(depth: number): [number, number][] {
    const out: [number, number][] = [];
    for (let i = this.levels.length - 1; i >= 0 && out.length < depth; i--)
      out.push([this.levels[i].price, this.levels[i].total]);
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
