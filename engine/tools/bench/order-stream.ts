/**
 * Seeded order streams for the engine benchmark, generated whole before anything is timed, in two forms
 * that describe the same operations: commands for our MatchingEngine, and calls for nodejs-order-book.
 *
 * Buyers and sellers are different accounts (1..50 buy, 51..100 sell), so no order ever meets one of its
 * own account's: our engine's self-trade prevention never fires, and the peer (which has none unless asked)
 * sees the same trades. Deposits are far larger than the streams can spend, so no order is refused for funds.
 */
import type { LimitOrderOptions, MarketOrderOptions, OrderUpdatePrice, OrderUpdateSize } from 'nodejs-order-book';
import { Side as PeerSide } from 'nodejs-order-book';
import type { Command, MarketConfig, Side } from '../../core/matching/types';
import { BookModel, type ModelOrder } from './order-stream-book';
import { Prng } from '../../core/random/prng';

export const OP_LIMIT = 0;
export const OP_MARKET = 1;
export const OP_CANCEL = 2;
export const OP_AMEND = 3;

/** Quantity unit 0.01 LPJ, price in won per LPJ: notional = price × quantity / 100. */
export const BENCH_MARKET: MarketConfig = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  baseDecimals: 2,
  tickSize: 5,
  lotSize: 10,
  minNotional: 1_000,
  makerFeeBps: 10,
  takerFeeBps: 20,
  // Wider than any stream's price range, so a market order is never stopped by the band (the peer has none).
  priceBandBps: 2_000,
};

const MID_PRICE = 100_000;
const ACCOUNTS = 100;
const BUYERS = ACCOUNTS / 2;
/**
 * Per account and asset: many times what a million orders of at most 10 LPJ could move, while the hundred
 * deposits together stay within the ledger's bound on an asset's supply (2^53 − 1).
 */
const DEPOSIT = 10 ** 13;
const MAX_LOTS = 100;

export type PeerArg = LimitOrderOptions | MarketOrderOptions | OrderUpdatePrice | OrderUpdateSize | null;

export interface OrderStream {
  name: string;
  market: MarketConfig;
  /** Accounts and deposits: applied to our engine before timing starts. */
  setup: Command[];
  kinds: Uint8Array;
  commands: Command[];
  /** The peer's order id for limit, cancel and amend operations ('' for market orders, which have none). */
  peerIds: string[];
  /** limit(): LimitOrderOptions, market(): MarketOrderOptions, modify(): the update; null for cancel. */
  peerArgs: PeerArg[];
  counts: { limit: number; market: number; cancel: number; amend: number };
  /** Market orders met with an empty opposite side: our engine refuses them (NO_LIQUIDITY), the peer errs. */
  expectedRejects: number;
  /** Orders resting when the stream ends, by the generator's model. */
  restingAtEnd: number;
}

class StreamBuilder {
  readonly rng: Prng;
  readonly model: BookModel;
  private readonly stream: OrderStream;
  private readonly kinds: number[] = [];

  constructor(
    name: string,
    seed: number,
    readonly halfWidth: number,
  ) {
    this.rng = new Prng(seed);
    this.model = new BookModel(2 * halfWidth + 1);
    const setup: Command[] = [];
    for (let account = 1; account <= ACCOUNTS; account++) {
      setup.push({ type: 'open_account', account });
      setup.push({ type: 'deposit', account, asset: BENCH_MARKET.base, amount: DEPOSIT });
      setup.push({ type: 'deposit', account, asset: BENCH_MARKET.quote, amount: DEPOSIT });
    }
    this.stream = {
      name,
      market: BENCH_MARKET,
      setup,
      kinds: new Uint8Array(0),
      commands: [],
      peerIds: [],
      peerArgs: [],
      counts: { limit: 0, market: 0, cancel: 0, amend: 0 },
      expectedRejects: 0,
      restingAtEnd: 0,
    };
  }

  price(level: number): number {
    return MID_PRICE + (level - this.halfWidth) * BENCH_MARKET.tickSize;
  }

  account(side: Side): number {
    return side === 'buy' ? this.rng.int(1, BUYERS) : this.rng.int(BUYERS + 1, ACCOUNTS);
  }

  quantity(): number {
    return this.rng.int(1, MAX_LOTS) * BENCH_MARKET.lotSize;
  }

  private push(kind: number, command: Command, peerId: string, peerArg: PeerArg): void {
    this.kinds.push(kind);
    this.stream.commands.push(command);
    this.stream.peerIds.push(peerId);
    this.stream.peerArgs.push(peerArg);
  }

  limit(side: Side, level: number): void {
    const account = this.account(side);
    const quantity = this.quantity();
    const price = this.price(level);
    const id = this.model.place(account, side, level, quantity);
    this.stream.counts.limit++;
    this.push(
      OP_LIMIT,
      { type: 'place', market: BENCH_MARKET.id, account, side, orderType: 'limit', price, quantity },
      String(id),
      {
        id: String(id),
        side: peerSide(side),
        size: quantity,
        price,
      },
    );
  }

  market(side: Side): void {
    const account = this.account(side);
    const quantity = this.quantity();
    if (this.model.hasLiquidityFor(side)) this.model.place(account, side, null, quantity);
    else this.stream.expectedRejects++;
    this.stream.counts.market++;
    this.push(OP_MARKET, { type: 'place', market: BENCH_MARKET.id, account, side, orderType: 'market', quantity }, '', {
      side: peerSide(side),
      size: quantity,
    });
  }

  randomLive(): ModelOrder | undefined {
    const live = this.model.live;
    return live.length === 0 ? undefined : live[this.rng.int(0, live.length - 1)];
  }

  cancel(order: ModelOrder): void {
    this.model.cancel(order);
    this.stream.counts.cancel++;
    this.push(
      OP_CANCEL,
      { type: 'cancel', market: BENCH_MARKET.id, account: order.account, orderId: order.id },
      String(order.id),
      null,
    );
  }

  /**
   * Quantity down (keeps priority in our engine) or a new price. Our amend takes the new TOTAL quantity, the
   * peer's modify the new remaining size; both are given what leaves the same quantity resting.
   */
  amend(order: ModelOrder): void {
    const lot = BENCH_MARKET.lotSize;
    if (order.remaining >= 2 * lot && this.rng.chance(0.5)) {
      const remaining = this.rng.int(1, order.remaining / lot - 1) * lot;
      const quantity = order.quantity - order.remaining + remaining;
      this.model.reduce(order, remaining);
      this.stream.counts.amend++;
      this.push(
        OP_AMEND,
        { type: 'amend', market: BENCH_MARKET.id, account: order.account, orderId: order.id, quantity },
        String(order.id),
        { size: remaining },
      );
      return;
    }
    let level = this.rng.int(0, this.model.levels - 2);
    if (level >= order.level) level++; // any level but its own
    this.move(order, level);
  }

  /** A new price for a live order, at another level: it leaves its queue, may trade, and rests at the back. */
  move(order: ModelOrder, level: number): void {
    const price = this.price(level);
    this.model.reprice(order, level);
    this.stream.counts.amend++;
    this.push(
      OP_AMEND,
      { type: 'amend', market: BENCH_MARKET.id, account: order.account, orderId: order.id, price },
      String(order.id),
      { price },
    );
  }

  finish(): OrderStream {
    this.stream.kinds = Uint8Array.from(this.kinds);
    this.stream.restingAtEnd = this.model.live.length;
    return this.stream;
  }
}

function peerSide(side: Side): PeerSide {
  return side === 'buy' ? PeerSide.BUY : PeerSide.SELL;
}

/** Workload A keeps its book near this many resting orders (see `mixedStream`). */
const MIXED_BOOK_TARGET = 5_000;

/**
 * Workload A: `n` operations around a fixed mid price — 60% limit orders within ±50 ticks of it, 25% cancels
 * of live orders, 10% market orders, 5% amends.
 *
 * A limit order is priced on the far side of the mid (where it usually crosses) one time in five while the
 * book holds fewer than MIXED_BOOK_TARGET orders and two in five above that, about a quarter overall. A fixed
 * share cannot keep a book: more aggressive orders drain it to a handful of orders (and market orders then
 * meet an empty side), fewer let it grow with every operation. The feedback keeps it a few thousand deep.
 */
export function mixedStream(n: number, seed: number): OrderStream {
  const b = new StreamBuilder('A: mixed', seed, 50);
  const mid = b.halfWidth;
  for (let i = 0; i < n; i++) {
    const r = b.rng.next();
    const side: Side = b.rng.chance(0.5) ? 'buy' : 'sell';
    // With nothing live to cancel or amend (only at the very start), the operation becomes a limit order.
    const victim = r >= 0.6 && !(r >= 0.85 && r < 0.95) ? b.randomLive() : undefined;
    if (r >= 0.85 && r < 0.95) b.market(side);
    else if (victim && r < 0.85) b.cancel(victim);
    else if (victim) b.amend(victim);
    else {
      const aggressive = b.rng.chance(b.model.live.length < MIXED_BOOK_TARGET ? 0.2 : 0.4);
      const ticks = aggressive ? b.rng.int(0, mid) : -b.rng.int(1, mid); // towards the other side: positive
      b.limit(side, side === 'buy' ? mid + ticks : mid - ticks);
    }
  }
  return b.finish();
}

/**
 * Workload B: `inserts` limit orders that never cross (bids below the mid, asks above, over ±1000 ticks, so
 * the book ends about a million orders deep) with a cancel of a random live order after one insert in ten,
 * on average.
 */
export function insertStream(inserts: number, seed: number): OrderStream {
  const half = 1000;
  const b = new StreamBuilder('B: insert + 10% cancel', seed, half);
  let toInsert = inserts;
  let toCancel = Math.floor(inserts / 10);
  while (toInsert > 0 || toCancel > 0) {
    const victim = toCancel > 0 && b.rng.next() * (toInsert + toCancel) < toCancel ? b.randomLive() : undefined;
    if (victim) {
      b.cancel(victim);
      toCancel--;
    } else if (toInsert > 0) {
      const side: Side = b.rng.chance(0.5) ? 'buy' : 'sell';
      b.limit(side, side === 'buy' ? b.rng.int(0, half - 1) : b.rng.int(half + 1, 2 * half));
      toInsert--;
    } else break; // nothing left to cancel
  }
  return b.finish();
}

/** Workload C keeps its book near this many resting orders (see `moveStream`). */
const MOVE_BOOK_TARGET = 2_000;
/** Workload C's grid: the mid may drift this many ticks either way from where it starts. */
const MOVE_DRIFT = 800;

/**
 * Workload C: market makers requoting around a drifting mid — `n` operations: half of them move a live order to
 * a new price near the current mid (an amend with a price), two in five cancel a live order, one in ten places a
 * new limit order near the mid. A cancel while the book holds fewer than MOVE_BOOK_TARGET orders becomes a new
 * order instead, which keeps the book about that deep and replaces what trades away: the stream ends up about
 * 50% moves, 20% cancels and 30% new orders.
 *
 * The mid takes a one-tick step up or down once in a hundred operations on average (a random walk kept within
 * MOVE_DRIFT ticks of where it started), so quotes left behind are picked off by those placed for the new mid,
 * moved back or cancelled, and the book's levels keep appearing and emptying. A new price is 1 to 20 ticks
 * behind the mid on the order's own side, or one time in fifty up to 4 ticks past it.
 */
export function moveStream(n: number, seed: number): OrderStream {
  const half = MOVE_DRIFT + 100;
  const b = new StreamBuilder('C: moves + cancels, drifting mid', seed, half);
  let mid = half;
  const near = (side: Side): number => {
    const ticks = b.rng.chance(0.02) ? b.rng.int(0, 4) : -b.rng.int(1, 20); // towards the other side: positive
    return side === 'buy' ? mid + ticks : mid - ticks;
  };
  for (let i = 0; i < n; i++) {
    if (b.rng.chance(0.01))
      mid = Math.min(half + MOVE_DRIFT, Math.max(half - MOVE_DRIFT, mid + (b.rng.chance(0.5) ? 1 : -1)));
    const r = b.rng.next();
    const victim = r < 0.9 ? b.randomLive() : undefined;
    if (victim && r < 0.5) {
      const level = near(victim.side);
      // A move to the price it already has would change nothing (the engine refuses it): one tick further back.
      b.move(victim, level !== victim.level ? level : victim.side === 'buy' ? level - 1 : level + 1);
    } else if (victim && b.model.live.length >= MOVE_BOOK_TARGET) b.cancel(victim);
    else {
      const side: Side = b.rng.chance(0.5) ? 'buy' : 'sell';
      b.limit(side, near(side));
    }
  }
  return b.finish();
}
