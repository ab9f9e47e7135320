/**
 * Random sequences of every copy-trading operation, valid or not, against the test ledger: refused operations
 * throw CopyError and change nothing, and after every step the ledger conserves each asset and agrees with the
 * copy state about every sub-account (the harness checks both). At the end every subscription is closed and
 * all that is left in the sub-accounts has gone back to the subscribers, less what the leader was paid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BTC_KRW, Harness, MARKET_MAKER } from './testing/harness';
import { CopyError } from './types';

const T0 = 1_767_225_600_000;
const LEADER = 1;
const SUBSCRIBERS = [10, 11, 12, 13];

type Op =
  | { k: 'subscribe'; who: number; amount: number; stop: number }
  | { k: 'fill'; buy: boolean; qty: number; equity: number; out: boolean }
  | { k: 'price'; move: number }
  | { k: 'stop' }
  | { k: 'settle' }
  | { k: 'time'; ms: number }
  | { k: 'add' | 'reduce'; sub: number; amount: number }
  | { k: 'pause' | 'resume' | 'unsubscribe'; sub: number }
  | { k: 'rate'; bps: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    k: fc.constant('subscribe' as const),
    who: fc.integer({ min: 0, max: 4 }),
    amount: fc.integer({ min: 50_000, max: 30_000_000 }),
    stop: fc.integer({ min: 0, max: 5_000 }),
  }),
  fc.record({
    k: fc.constant('fill' as const),
    buy: fc.boolean(),
    qty: fc.integer({ min: 1, max: 200_000_000 }),
    equity: fc.integer({ min: 1_000_000, max: 2_000_000_000 }),
    out: fc.boolean(),
  }),
  fc.record({ k: fc.constant('price' as const), move: fc.integer({ min: -1_500, max: 1_500 }) }),
  fc.constant({ k: 'stop' as const }),
  fc.constant({ k: 'settle' as const }),
  fc.record({ k: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 30 * 3_600_000 }) }),
  fc.record({
    k: fc.constantFrom('add' as const, 'reduce' as const),
    sub: fc.integer({ min: 1, max: 8 }),
    amount: fc.integer({ min: 0, max: 5_000_000 }),
  }),
  fc.record({
    k: fc.constantFrom('pause' as const, 'resume' as const, 'unsubscribe' as const),
    sub: fc.integer({ min: 1, max: 8 }),
  }),
  fc.record({ k: fc.constant('rate' as const), bps: fc.integer({ min: 0, max: 3_200 }) }),
);

function play(ops: Op[]): { refused: number; placed: number; settledPaid: number } {
  const h = new Harness({ markets: [BTC_KRW], minAllocation: 100_000 });
  h.deposit(MARKET_MAKER, 'KRW', 10 ** 13);
  h.deposit(MARKET_MAKER, 'BTC', 10 ** 12);
  for (const s of SUBSCRIBERS) h.deposit(s, 'KRW', 40_000_000);
  let price = 100_000_000;
  h.price.set(BTC_KRW.id, price);
  let ts = T0;
  let nextSubAccount = 1_000;
  let refused = 0;
  let placed = 0;
  h.run(h.copy.openStrategy({ leader: LEADER, profitShareBps: 1_500, ts }));
  const attempt = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof CopyError)) throw e;
      refused++;
    }
  };
  for (const o of ops) {
    ts += 1;
    attempt(() => {
      switch (o.k) {
        case 'subscribe': {
          const who = o.who === 4 ? LEADER : SUBSCRIBERS[o.who];
          h.run(
            h.copy.subscribe({
              subscriber: who,
              subAccount: nextSubAccount++,
              leader: LEADER,
              amount: o.amount,
              availableBalance: h.balance(who, 'KRW'),
              stopLossBps: o.stop === 0 ? undefined : o.stop,
              ts,
            }),
            ts,
          );
          return;
        }
        case 'fill': {
          const out = h.run(
            h.copy.mirrorFill({
              leader: LEADER,
              market: BTC_KRW.id,
              side: o.buy ? 'buy' : 'sell',
              price,
              quantity: o.qty,
              leaderEquity: o.equity,
              referencePrice: price,
              leaderPositionAfter: o.out ? 0 : undefined,
              ts,
            }),
            ts,
          );
          placed += out.orders.length;
          return;
        }
        case 'price':
          price = Math.max(1_000, Math.round((price * (10_000 + o.move)) / 10_000 / 1_000) * 1_000);
          h.price.set(BTC_KRW.id, price);
          return;
        case 'stop':
          h.run(h.copy.checkStopLoss({ prices: { [BTC_KRW.id]: price }, ts }), ts);
          return;
        case 'settle':
          h.run(h.copy.settle({ period: h.copy.periodOf(ts) - 1, prices: { [BTC_KRW.id]: price }, ts }), ts);
          return;
        case 'time':
          ts += o.ms;
          return;
        case 'add':
          h.run(
            h.copy.addFunds({
              subscriptionId: o.sub,
              amount: o.amount,
              availableBalance: h.balance(h.copy.subscription(o.sub).subscriber, 'KRW'),
              ts,
            }),
            ts,
          );
          return;
        case 'reduce':
          h.run(h.copy.reduceFunds({ subscriptionId: o.sub, amount: o.amount, ts }), ts);
          return;
        case 'pause':
        case 'resume':
        case 'unsubscribe':
          h.run(h.copy[o.k]({ subscriptionId: o.sub, ts }), ts);
          return;
        case 'rate':
          h.run(h.copy.setProfitShare({ leader: LEADER, profitShareBps: o.bps, ts }), ts);
          return;
      }
    });
  }
  // Close everything: all sub-accounts empty, subscribers whole but for gains, losses and fees.
  for (const id of h.copy.followersOf(LEADER)) {
    const v = h.copy.subscription(id);
    if (v.status === 'active' || v.status === 'paused')
      h.run(h.copy.unsubscribe({ subscriptionId: id, ts: ts + 1 }), ts + 1);
  }
  let feesPaid = 0;
  for (let id = 1; ; id++) {
    let v;
    try {
      v = h.copy.subscription(id);
    } catch {
      break;
    }
    expect(v.status).toBe('ended');
    expect(h.balance(v.subAccount, 'KRW')).toBe(0);
    expect(h.balance(v.subAccount, 'BTC')).toBe(0);
    feesPaid += v.feesPaid;
  }
  expect(h.balance(LEADER, 'KRW')).toBe(feesPaid);
  return { refused, placed, settledPaid: feesPaid };
}

describe('copy trading under random operations', () => {
  it('keeps the ledger whole and every sub-account in step with the copy state', () => {
    const seen = { refused: 0, placed: 0, paid: 0 };
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 120 }), (ops) => {
        const r = play(ops);
        seen.refused += r.refused;
        seen.placed += r.placed;
        seen.paid += r.settledPaid > 0 ? 1 : 0;
      }),
      { numRuns: 150 },
    );
    // The runs did reach every kind of outcome.
    expect(seen.refused).toBeGreaterThan(50);
    expect(seen.placed).toBeGreaterThan(50);
    expect(seen.paid).toBeGreaterThan(3);
  });
});
