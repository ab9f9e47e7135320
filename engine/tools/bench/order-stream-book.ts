/**
 * The stream generator's own model of the book: plain price-time matching on a fixed grid of price levels,
 * without money, fees or self-trade prevention. The benchmark keeps buyers and sellers in separate accounts
 * and funds them far beyond what they can spend, so on its streams the engine's book evolves exactly like
 * this model. That lets the generator cancel and amend only orders that are really live, and predict the
 * order ids the engine will assign, without running the engine under test.
 */
import type { Side } from '../../core/matching/types';

export interface ModelOrder {
  readonly id: number;
  readonly account: number;
  readonly side: Side;
  /** Index into the price grid. */
  readonly level: number;
  /** Total quantity as the engine sees it (an amend down changes it). */
  quantity: number;
  remaining: number;
  live: boolean;
  /** Position in `BookModel.live`, for O(1) removal. */
  slot: number;
}

/** A FIFO queue at one price; cancelled orders stay in it as dead entries until matching reaches them. */
class ModelLevel {
  queue: ModelOrder[] = [];
  head = 0;
  live = 0;
}

export class BookModel {
  private readonly bids: ModelLevel[] = [];
  private readonly asks: ModelLevel[] = [];
  private bestBid = -1;
  private bestAsk: number;
  /** Every resting order, in no particular order, so a random live order is one index away. */
  readonly live: ModelOrder[] = [];
  private nextId = 1;

  constructor(readonly levels: number) {
    for (let i = 0; i < levels; i++) {
      this.bids.push(new ModelLevel());
      this.asks.push(new ModelLevel());
    }
    this.bestAsk = levels;
  }

  /** True when a market order on `side` would meet something (the engine refuses it otherwise). */
  hasLiquidityFor(side: Side): boolean {
    return side === 'buy' ? this.bestAsk < this.levels : this.bestBid >= 0;
  }

  /** Places a limit order (level given) or a market order (level null); returns its id, which the engine assigns alike. */
  place(account: number, side: Side, level: number | null, quantity: number): number {
    const id = this.nextId++;
    this.execute(
      { id, account, side, level: level ?? -1, quantity, remaining: quantity, live: false, slot: -1 },
      level !== null,
    );
    return id;
  }

  cancel(order: ModelOrder): void {
    this.kill(order);
  }

  /** Lowers the remaining quantity in place: the order keeps its queue position, as in the engine. */
  reduce(order: ModelOrder, newRemaining: number): void {
    order.quantity -= order.remaining - newRemaining;
    order.remaining = newRemaining;
  }

  /** Moves the order to a new price: it leaves its queue, may trade at once, and rests at the back. */
  reprice(order: ModelOrder, level: number): void {
    this.kill(order);
    this.execute({ ...order, level, live: false, slot: -1 }, true);
  }

  private execute(taker: ModelOrder, rests: boolean): void {
    const buying = taker.side === 'buy';
    const book = buying ? this.asks : this.bids;
    const limit = taker.level >= 0 ? taker.level : buying ? this.levels - 1 : 0;
    while (taker.remaining > 0) {
      const best = buying ? this.bestAsk : this.bestBid;
      if (buying ? best > limit : best < limit) break;
      const level = book[best];
      let maker = level.queue[level.head];
      while (!maker.live) maker = level.queue[++level.head];
      const quantity = Math.min(taker.remaining, maker.remaining);
      taker.remaining -= quantity;
      maker.remaining -= quantity;
      if (maker.remaining === 0) this.kill(maker);
    }
    if (taker.remaining > 0 && rests) this.rest(taker);
  }

  private rest(order: ModelOrder): void {
    const level = (order.side === 'buy' ? this.bids : this.asks)[order.level];
    level.queue.push(order);
    level.live++;
    order.live = true;
    order.slot = this.live.length;
    this.live.push(order);
    if (order.side === 'buy' && order.level > this.bestBid) this.bestBid = order.level;
    if (order.side === 'sell' && order.level < this.bestAsk) this.bestAsk = order.level;
  }

  private kill(order: ModelOrder): void {
    order.live = false;
    const last = this.live.pop() as ModelOrder;
    if (last !== order) {
      this.live[order.slot] = last;
      last.slot = order.slot;
    }
    const level = (order.side === 'buy' ? this.bids : this.asks)[order.level];
    if (--level.live === 0) {
      level.queue = [];
      level.head = 0;
      if (order.side === 'buy' && order.level === this.bestBid) {
        while (this.bestBid >= 0 && this.bids[this.bestBid].live === 0) this.bestBid--;
      } else if (order.side === 'sell' && order.level === this.bestAsk) {
        while (this.bestAsk < this.levels && this.asks[this.bestAsk].live === 0) this.bestAsk++;
      }
    } else if (level.head > 1024 && level.head * 2 > level.queue.length) {
      // Dead entries at the front are dropped now and then so a long-lived level does not grow without bound.
      level.queue = level.queue.slice(level.head);
      level.head = 0;
    }
  }
}
