/**
 * The market price a leader's fill is copied against (see CopyTrading.mirrorFill): the last trade price of the
 * market in which that leader took no part.
 *
 * Why not the leader's own fill price, or the last price before it: a leader with a second account can print a
 * trade at any price the band allows, and step by step walk the price anywhere. Every trade of such a walk has
 * the leader on one side, so the price before the leader's run of consecutive trades is where the market was
 * when the run began, and it stays there however long the run. A trade the leader is not part of (anyone
 * else's, a follower's copy included) is the market moving, and becomes the reference.
 *
 * What this cannot tell apart: two accounts that are not the leader trading with each other to move the price
 * (wash trades) look like any other market move; the price band bounds each of those trades, not their sum.
 *
 * Kept per market in constant space: the last trade's price and, for each of its two sides, the price before
 * that account's run (an account not in the last trade has no run going, and its reference is the last price).
 */
import type { AccountId } from '../matching/types';

interface Last {
  price: number;
  /** For each side of the last trade: the market price before that account's run of trades (null: none). */
  before: Map<AccountId, number | null>;
}

export class MarketReference {
  private readonly markets = new Map<string, Last>();

  /**
   * Starts from the markets' last prices, with no run known: after a restart the reference is the last price
   * until the next trade by someone else.
   */
  constructor(lastPrices: Iterable<readonly [market: string, price: number]> = []) {
    for (const [market, price] of lastPrices) this.markets.set(market, { price, before: new Map() });
  }

  /** Records a trade between `taker` and `maker`, in the order trades happened. */
  trade(market: string, price: number, taker: AccountId, maker: AccountId): void {
    const last = this.markets.get(market);
    const before = new Map<AccountId, number | null>();
    for (const account of [taker, maker]) {
      const running = last?.before.has(account) === true;
      before.set(account, running ? last!.before.get(account)! : (last?.price ?? null));
    }
    this.markets.set(market, { price, before });
  }

  /** The price `account`'s fills in `market` are copied against, as of the last trade recorded; null with none. */
  referenceFor(market: string, account: AccountId): number | null {
    const last = this.markets.get(market);
    if (!last) return null;
    return last.before.has(account) ? last.before.get(account)! : last.price;
  }
}
