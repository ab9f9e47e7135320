/**
 * The ranking records copy trading emits, fed to the ranking with the trades of the copies: every record is
 * accepted, allocations and profit share move no one's return, and the follower count tracks subscriptions.
 */
import { describe, expect, it } from 'vitest';
import { RankingService } from '../ranking/service';
import { BTC_KRW, Harness, MARKET_MAKER } from './testing/harness';
import type { CopyOutput } from './types';

const T0 = 1_767_225_600_000;
const H = 3_600_000;
const DAY = 86_400_000;
const LEADER = 1;
const ALICE = 10;
const ALICE_SUB = 110;
const P = 100_000_000;

describe('copy trading → ranking records', () => {
  it('are accepted in order and keep flows out of returns', () => {
    const ranking = new RankingService({ markets: [BTC_KRW], minTrades: 0, minAccountAgeMs: 0 });
    const h = new Harness({ markets: [BTC_KRW], minAllocation: 100_000 });
    ranking.apply({ type: 'price', ts: T0, market: BTC_KRW.id, price: P });
    for (const [id, name] of [
      [LEADER, 'leader'],
      [ALICE, 'alice'],
      [MARKET_MAKER, 'maker'],
    ] as const) {
      ranking.apply({ type: 'account', ts: T0, account: id, nickname: name, ranked: id !== MARKET_MAKER });
      ranking.apply({ type: 'flow', ts: T0, account: id, asset: 'KRW', amount: 50_000_000, kind: 'grant' });
      h.deposit(id, 'KRW', 50_000_000);
    }
    h.deposit(MARKET_MAKER, 'BTC', 100 * 100_000_000);
    ranking.apply({
      type: 'flow',
      ts: T0,
      account: MARKET_MAKER,
      asset: 'BTC',
      amount: 100 * 100_000_000,
      kind: 'grant',
    });
    h.onFill = (f) => {
      const buyer = f.side === 'buy' ? f.account : MARKET_MAKER;
      const seller = f.side === 'buy' ? MARKET_MAKER : f.account;
      ranking.apply({
        type: 'trade',
        ts: f.ts,
        market: f.market,
        price: f.price,
        quantity: f.quantity,
        quoteAmount: f.quoteAmount,
        buyer,
        seller,
        buyerFee: f.side === 'buy' ? f.fee : 0,
        sellerFee: f.side === 'buy' ? 0 : f.fee,
      });
    };
    // Ranking records of an operation go to the log before the fills of its orders.
    const run = (make: () => CopyOutput, ts: number) => {
      const out = make();
      for (const r of out.ranking) ranking.apply(r);
      const feed = (o: CopyOutput) => {
        if (o !== out) for (const r of o.ranking) ranking.apply(r);
      };
      const before = h.log.length;
      h.run(out, ts);
      for (const o of h.log.slice(before)) feed(o);
      return out;
    };
    h.price.set(BTC_KRW.id, P);
    run(() => h.copy.openStrategy({ leader: LEADER, profitShareBps: 2_000, ts: T0 }), T0);
    const sub = run(
      () =>
        h.copy.subscribe({
          subscriber: ALICE,
          subAccount: ALICE_SUB,
          leader: LEADER,
          amount: 10_000_000,
          availableBalance: 50_000_000,
          ts: T0 + 1,
        }),
      T0 + 1,
    ).transfers[0].subscriptionId;
    ranking.advanceTo(T0 + H);
    expect(ranking.figures('all', LEADER).followers).toBe(1);
    run(
      () =>
        h.copy.mirrorFill({
          leader: LEADER,
          market: BTC_KRW.id,
          side: 'buy',
          price: P,
          quantity: 50_000_000,
          leaderEquity: 50_000_000,
          referencePrice: P,
          ts: T0 + H + 1,
        }),
      T0 + H + 1,
    );
    // The price rises 10%; the sub-account gains, Alice's own account (which only moved money) does not.
    h.price.set(BTC_KRW.id, 110_000_000);
    ranking.apply({ type: 'price', ts: T0 + H + 2, market: BTC_KRW.id, price: 110_000_000 });
    ranking.advanceTo(T0 + 2 * H);
    const copyReturn = ranking.figures('all', ALICE_SUB).returnBps;
    expect(copyReturn).toBeGreaterThan(900);
    expect(ranking.figures('all', ALICE).returnBps).toBe(0);
    // Settlement pays the leader: a flow, not a gain for the leader or a loss for the sub-account.
    const settled = run(
      () => h.copy.settle({ period: h.copy.periodOf(T0), prices: { [BTC_KRW.id]: 110_000_000 }, ts: T0 + DAY }),
      T0 + DAY,
    );
    expect(settled.transfers[0].amount).toBeGreaterThan(0);
    ranking.advanceTo(T0 + DAY + H);
    expect(ranking.figures('all', LEADER).returnBps).toBe(0);
    expect(ranking.figures('all', ALICE_SUB).returnBps).toBe(copyReturn);
    run(() => h.copy.unsubscribe({ subscriptionId: sub, ts: T0 + DAY + H + 1 }), T0 + DAY + H + 1);
    ranking.advanceTo(T0 + DAY + 2 * H);
    expect(h.copy.subscription(sub).status).toBe('ended');
    expect(ranking.figures('all', LEADER).followers).toBe(0);
    expect(ranking.figures('all', ALICE).returnBps).toBe(0);
    expect(() => ranking.figures('all', ALICE_SUB)).toThrow(/closed/);
  });
});
