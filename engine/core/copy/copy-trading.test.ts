import { describe, expect, it } from 'vitest';
import { CopyError, type CopyOutput } from './types';
import { BTC_KRW, Harness, MARKET_MAKER } from './testing/harness';
import { settleProfitShare } from './settlement';
import { CopyTrading } from './copy-trading';
import { transferCommand } from './output';

const DAY = 86_400_000;
const T0 = 1_767_225_600_000; // a period start (00:00 UTC)
const LEADER = 1;
const ALICE = 10;
const ALICE_SUB = 110;
const BOB = 20;
const BOB_SUB = 120;
const COIN = 100_000_000;
const P = 100_000_000; // 100,000,000 KRW per BTC

function setup(extra: Partial<ConstructorParameters<typeof CopyTrading>[0]> = {}): Harness {
  const h = new Harness({ markets: [BTC_KRW], minAllocation: 100_000, ...extra });
  h.deposit(MARKET_MAKER, 'KRW', 1_000_000_000_000);
  h.deposit(MARKET_MAKER, 'BTC', 1_000 * COIN);
  h.deposit(ALICE, 'KRW', 50_000_000);
  h.deposit(BOB, 'KRW', 50_000_000);
  h.price.set('BTC-KRW', P);
  h.run(h.copy.openStrategy({ leader: LEADER, description: 'trend following', profitShareBps: 1_000, ts: T0 }));
  return h;
}

function subscribe(
  h: Harness,
  subscriber = ALICE,
  subAccount = ALICE_SUB,
  amount = 10_000_000,
  stopLossBps?: number,
): number {
  const out = h.run(
    h.copy.subscribe({
      subscriber,
      subAccount,
      leader: LEADER,
      amount,
      availableBalance: h.balance(subscriber, 'KRW'),
      stopLossBps,
      ts: T0 + 1,
    }),
  );
  return out.transfers[0].subscriptionId;
}

/** The leader (equity 100,000,000 KRW) fills `quantity` BTC at the market price. */
function leaderFill(
  h: Harness,
  side: 'buy' | 'sell',
  quantity: number,
  ts = T0 + 2,
  leaderPositionAfter?: number,
): CopyOutput {
  return h.run(
    h.copy.mirrorFill({
      leader: LEADER,
      market: 'BTC-KRW',
      side,
      price: h.price.get('BTC-KRW')!,
      quantity,
      leaderEquity: 100_000_000,
      referencePrice: h.price.get('BTC-KRW')!,
      leaderPositionAfter,
      ts,
    }),
    ts,
  );
}

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof CopyError) return e.code;
    throw e;
  }
  return 'no error';
};

describe('mirroring', () => {
  it('places allocation / leader equity × the leader fill, rounded down to the lot, as IOC at the slippage limit', () => {
    const h = setup();
    const id = subscribe(h);
    // 10,000,000 / 100,000,000 × 0.12345678 BTC = 0.012345678 → 1,234,567 units → 1,230,000 (lot 10,000).
    const out = leaderFill(h, 'buy', 12_345_678);
    expect(out.orders).toHaveLength(1);
    expect(out.orders[0].command).toEqual({
      type: 'place',
      ts: T0 + 2,
      market: 'BTC-KRW',
      account: ALICE_SUB,
      clientOrderId: 'copy-1-1',
      side: 'buy',
      orderType: 'limit',
      timeInForce: 'IOC',
      price: 101_000_000, // +1% slippage, on the tick
      quantity: 1_230_000,
    });
    // Filled at 100,000,000: 1,230,000 KRW + 615 fee.
    const v = h.copy.subscription(id);
    expect(v.holdings).toEqual({ 'BTC-KRW': 1_230_000 });
    expect(v.freeCash).toBe(10_000_000 - 1_230_000 - 615);
    expect(v.reservedQuote).toBe(0);
    const notices = h.log.flatMap((o) => o.notifications.map((n) => [n.to, n.notice.kind]));
    expect(notices).toContainEqual([ALICE, 'copy_placed']);
    expect(notices).toContainEqual([ALICE, 'copy_filled']);
    expect(notices).toContainEqual([LEADER, 'fill_mirrored']);
  });

  it('records copies below the lot size or the minimum notional as skipped, with the reason', () => {
    const h = setup();
    subscribe(h);
    const tiny = leaderFill(h, 'buy', 99_999); // → 9,999 units, under one lot
    expect(tiny.orders).toHaveLength(0);
    expect(tiny.skipped).toEqual([
      { subscriptionId: 1, subscriber: ALICE, market: 'BTC-KRW', side: 'buy', wanted: 9_999, reason: 'BELOW_LOT_SIZE' },
    ]);
    const h2 = new Harness({ markets: [{ ...BTC_KRW, minNotional: 50_000 }], minAllocation: 100_000 });
    h2.deposit(ALICE, 'KRW', 50_000_000);
    h2.price.set('BTC-KRW', P);
    h2.run(h2.copy.openStrategy({ leader: LEADER, profitShareBps: 0, ts: T0 }));
    subscribe(h2);
    // 40,000 units × 101,000,000 / 10^8 = 40,400 KRW < 50,000.
    expect(leaderFill(h2, 'buy', 400_000).skipped[0].reason).toBe('BELOW_MIN_NOTIONAL');
  });

  it('never spends more than the allocation: buys shrink to the free cash, then stop', () => {
    const h = setup();
    const id = subscribe(h, ALICE, ALICE_SUB, 1_000_000);
    // The leader puts 80% of its equity in at once, three times: the copy can afford 80%, then what is left.
    const first = leaderFill(h, 'buy', 80_000_000);
    expect(first.orders[0].command.quantity).toBe(800_000);
    const second = leaderFill(h, 'buy', 80_000_000);
    const q2 = second.orders[0].command.quantity as number;
    expect(q2).toBeLessThan(800_000);
    expect(second.orders[0].reserved).toBeLessThanOrEqual(1_000_000 - 800_000 - 400);
    const third = leaderFill(h, 'buy', 80_000_000);
    expect(third.skipped[0].reason).toBe('ALLOCATION_EXHAUSTED');
    const v = h.copy.subscription(id);
    expect(v.freeCash).toBeGreaterThanOrEqual(0);
    expect(1_000_000 - v.freeCash).toBeLessThanOrEqual(1_000_000);
  });

  it('sells in proportion, sells everything when the leader closes out, and skips when holding nothing', () => {
    const h = setup();
    const id = subscribe(h);
    expect(leaderFill(h, 'sell', COIN).skipped[0].reason).toBe('NO_POSITION');
    leaderFill(h, 'buy', 50_000_000); // copy buys 5,000,000
    const part = leaderFill(h, 'sell', 20_000_000);
    expect(part.orders[0].command).toMatchObject({
      side: 'sell',
      quantity: 2_000_000,
      price: 99_000_000,
      timeInForce: 'IOC',
    });
    // The leader sells 0.1 of its 0.3 BTC left and is out: the copy sells all its 3,000,000, not 1,000,000.
    const out = leaderFill(h, 'sell', 10_000_000, T0 + 3, 0);
    expect(out.orders[0].command.quantity).toBe(3_000_000);
    expect(h.copy.subscription(id).holdings).toEqual({});
  });

  it('keeps sizes exact when allocation × quantity passes 2^53', () => {
    const big = new Harness({ markets: [{ ...BTC_KRW, lotSize: 1, minNotional: 0 }], minAllocation: 1 });
    big.deposit(ALICE, 'KRW', 4_000_000_000_000_000); // 4 × 10^15
    big.deposit(MARKET_MAKER, 'BTC', 1_000_000 * COIN);
    big.price.set('BTC-KRW', 1_000);
    big.run(big.copy.openStrategy({ leader: LEADER, profitShareBps: 0, ts: T0 }));
    big.run(
      big.copy.subscribe({
        subscriber: ALICE,
        subAccount: ALICE_SUB,
        leader: LEADER,
        amount: 3_999_999_999_999_999,
        availableBalance: 4_000_000_000_000_000,
        ts: T0,
      }),
    );
    const out = big.run(
      big.copy.mirrorFill({
        leader: LEADER,
        market: 'BTC-KRW',
        side: 'buy',
        price: 1_000,
        quantity: 987_654_321,
        leaderEquity: 7_777_777_777_777_777,
        referencePrice: 1_000,
        ts: T0 + 1,
      }),
      T0 + 1,
    );
    const exact = (3_999_999_999_999_999n * 987_654_321n) / 7_777_777_777_777_777n;
    expect(out.orders[0].command.quantity).toBe(Number(exact));
  });

  it('skips paused copies and copies again after resume', () => {
    const h = setup();
    const id = subscribe(h);
    h.run(h.copy.pause({ subscriptionId: id, ts: T0 + 2 }));
    const paused = leaderFill(h, 'buy', 10_000_000);
    expect(paused.skipped[0].reason).toBe('PAUSED');
    expect(paused.notifications.map((n) => [n.to, n.notice.kind])).toEqual([[LEADER, 'fill_mirrored']]);
    expect(code(() => h.copy.pause({ subscriptionId: id, ts: T0 + 3 }))).toBe('SUBSCRIPTION_NOT_ACTIVE');
    h.run(h.copy.resume({ subscriptionId: id, ts: T0 + 3 }));
    expect(leaderFill(h, 'buy', 10_000_000).orders).toHaveLength(1);
  });

  it('mirrors one fill to many subscribers, each in its own proportion', () => {
    const h = setup();
    subscribe(h, ALICE, ALICE_SUB, 10_000_000);
    subscribe(h, BOB, BOB_SUB, 2_500_000);
    const out = leaderFill(h, 'buy', 40_000_000);
    expect(out.orders.map((o) => [o.subscriber, o.command.quantity])).toEqual([
      [ALICE, 4_000_000],
      [BOB, 1_000_000],
    ]);
  });
});

describe('stop-loss', () => {
  it('stops copying at the loss limit, closes the position at market and returns the funds', () => {
    const h = setup();
    const id = subscribe(h, ALICE, ALICE_SUB, 10_000_000, 2_000); // stop at −20%
    leaderFill(h, 'buy', 100_000_000); // all in: 0.1 BTC (fee leaves a little cash short of a full 0.1)
    const held = h.copy.subscription(id).holdings['BTC-KRW'];
    h.price.set('BTC-KRW', 85_000_000);
    expect(h.run(h.copy.checkStopLoss({ prices: { 'BTC-KRW': 85_000_000 }, ts: T0 + 10 })).orders).toHaveLength(0); // −15%
    h.price.set('BTC-KRW', 79_000_000);
    const out = h.run(h.copy.checkStopLoss({ prices: { 'BTC-KRW': 79_000_000 }, ts: T0 + 11 }), T0 + 11);
    expect(out.orders[0].command).toMatchObject({
      orderType: 'market',
      side: 'sell',
      quantity: held,
      account: ALICE_SUB,
    });
    const v = h.copy.subscription(id);
    expect(v.status).toBe('ended');
    expect(v.endReason).toBe('stop_loss');
    expect(h.balance(ALICE_SUB, 'KRW')).toBe(0);
    expect(h.balance(ALICE_SUB, 'BTC')).toBe(0);
    // No profit, so no profit share: Alice has her 50,000,000 less the loss and the fees.
    const proceeds = Math.floor((79_000_000 * held) / COIN);
    const cost = Math.floor((P * held) / COIN);
    const fees = Math.floor((cost * 5) / 10_000) + Math.floor((proceeds * 5) / 10_000);
    expect(h.balance(ALICE, 'KRW')).toBe(50_000_000 - cost + proceeds - fees);
    expect(h.balance(LEADER, 'KRW')).toBe(0);
    const kinds = h.log.flatMap((o) => o.notifications.map((n) => `${n.to}:${n.notice.kind}`));
    expect(kinds).toEqual(
      expect.arrayContaining([`${ALICE}:copy_stopping`, `${ALICE}:copy_ended`, `${LEADER}:follower_left`]),
    );
    // Leader's later fills no longer reach Alice, and she may subscribe again.
    expect(leaderFill(h, 'buy', 10_000_000, T0 + 12).orders).toHaveLength(0);
    expect(subscribe(h, ALICE, 111)).toBe(2);
  });
});

describe('funds', () => {
  it('adds and reduces funds within the free cash and the minimum', () => {
    const h = setup();
    const id = subscribe(h, ALICE, ALICE_SUB, 1_000_000);
    h.run(
      h.copy.addFunds({ subscriptionId: id, amount: 500_000, availableBalance: h.balance(ALICE, 'KRW'), ts: T0 + 2 }),
    );
    expect(h.copy.subscription(id).allocation).toBe(1_500_000);
    leaderFill(h, 'buy', 60_000_000); // spends ~900,000
    expect(code(() => h.copy.reduceFunds({ subscriptionId: id, amount: 700_000, ts: T0 + 3 }))).toBe(
      'INSUFFICIENT_FREE_FUNDS',
    );
    h.run(h.copy.reduceFunds({ subscriptionId: id, amount: 400_000, ts: T0 + 3 }));
    expect(h.copy.subscription(id).allocation).toBe(1_100_000);
    // 1,500,000 − 900,000 − 450 fee − 400,000 = 199,550 free.
    expect(code(() => h.copy.reduceFunds({ subscriptionId: id, amount: 199_551, ts: T0 + 3 }))).toBe(
      'INSUFFICIENT_FREE_FUNDS',
    );
    expect(
      code(() =>
        h.copy.addFunds({
          subscriptionId: id,
          amount: 60_000_000,
          availableBalance: h.balance(ALICE, 'KRW'),
          ts: T0 + 3,
        }),
      ),
    ).toBe('INSUFFICIENT_BALANCE');
    expect(code(() => h.copy.addFunds({ subscriptionId: id, amount: 0, availableBalance: 1, ts: T0 + 3 }))).toBe(
      'INVALID_INPUT',
    );
  });

  it('will not reduce an allocation below the minimum', () => {
    const h = setup();
    const id = subscribe(h, ALICE, ALICE_SUB, 150_000);
    expect(code(() => h.copy.reduceFunds({ subscriptionId: id, amount: 60_000, ts: T0 + 2 }))).toBe(
      'BELOW_MIN_ALLOCATION',
    );
  });

  it('unsubscribes: positions closed at market, profit share settled, the rest returned', () => {
    const h = setup();
    const id = subscribe(h);
    leaderFill(h, 'buy', 30_000_000); // 3,000,000 units
    h.price.set('BTC-KRW', 120_000_000);
    expect(leaderFill(h, 'sell', 50_000).skipped[0].reason).toBe('BELOW_LOT_SIZE'); // 5,000 units: half a lot
    const before = h.log.length;
    const out = h.run(h.copy.unsubscribe({ subscriptionId: id, ts: T0 + DAY / 2 }), T0 + DAY / 2);
    // The close-out fills come back as the result of the order, which completes the unsubscribe.
    const after = h.log.slice(before);
    const v = h.copy.subscription(id);
    expect(v.status).toBe('ended');
    expect(out.orders[0].command).toMatchObject({ orderType: 'market', quantity: 3_000_000 });
    // Profit: 3,000,000 units × 20,000,000 KRW / 10^8 = 600,000 less fees; 10% of it to the leader.
    const proceeds = 3_600_000;
    const fees = 1_500 + 1_800;
    const profit = proceeds - 3_000_000 - fees;
    const fee = Math.floor(profit / 10);
    expect(h.balance(LEADER, 'KRW')).toBe(fee);
    expect(h.balance(ALICE, 'KRW')).toBe(50_000_000 + profit - fee);
    expect(after.flatMap((o) => o.ranking.filter((r) => r.type === 'followers'))).toEqual([
      { type: 'followers', ts: T0 + DAY / 2, account: LEADER, delta: -1 },
    ]);
    expect(after.flatMap((o) => o.transfers.map((t) => [t.to, t.asset, t.reason]))).toEqual([
      [LEADER, 'KRW', 'profit_share'],
      [ALICE, 'KRW', 'return'],
    ]);
    expect(code(() => h.copy.unsubscribe({ subscriptionId: id, ts: T0 + DAY }))).toBe('SUBSCRIPTION_NOT_ACTIVE');
  });

  it('returns what cannot be sold in kind', () => {
    const h = setup({ markets: [{ ...BTC_KRW, minNotional: 3_000_000 }] });
    const id = subscribe(h);
    leaderFill(h, 'buy', 40_000_000); // 4,000,000 units = 4,000,000 KRW
    leaderFill(h, 'sell', 35_000_000); // sells 3,500,000 units; 500,000 units (500,000 KRW) left, under the minimum notional
    h.run(h.copy.unsubscribe({ subscriptionId: id, ts: T0 + 5 }), T0 + 5);
    expect(h.copy.subscription(id).status).toBe('ended');
    expect(h.balance(ALICE, 'BTC')).toBe(500_000);
    expect(h.balance(ALICE_SUB, 'BTC')).toBe(0);
  });
});

describe('settlement', () => {
  it('charges only profit above the high-water mark, across periods', () => {
    const r1 = settleProfitShare({
      equity: 11_000_000,
      allocation: 10_000_000,
      owed: 0,
      highWaterMark: 0,
      rateBps: 1_000,
      freeCash: 5_000_000,
      leaderDeleted: false,
    });
    expect(r1).toEqual({ profit: 1_000_000, fee: 100_000, paid: 100_000, owed: 0, highWaterMark: 900_000 });
    // After paying, equity 10,900,000; a loss period: nothing.
    const r2 = settleProfitShare({
      equity: 10_400_000,
      allocation: 10_000_000,
      owed: 0,
      highWaterMark: 900_000,
      rateBps: 1_000,
      freeCash: 5_000_000,
      leaderDeleted: false,
    });
    expect(r2).toMatchObject({ fee: 0, paid: 0, highWaterMark: 900_000 });
    // Back above: only the 200,000 above the mark is charged.
    const r3 = settleProfitShare({
      equity: 11_100_000,
      allocation: 10_000_000,
      owed: 0,
      highWaterMark: 900_000,
      rateBps: 1_000,
      freeCash: 5_000_000,
      leaderDeleted: false,
    });
    expect(r3).toEqual({ profit: 1_100_000, fee: 20_000, paid: 20_000, owed: 0, highWaterMark: 1_080_000 });
    // Short of cash: the rest is owed, counted as a liability so paying it later is not a loss.
    const r4 = settleProfitShare({
      equity: 12_080_000,
      allocation: 10_000_000,
      owed: 0,
      highWaterMark: 1_080_000,
      rateBps: 1_000,
      freeCash: 30_000,
      leaderDeleted: false,
    });
    expect(r4).toEqual({ profit: 2_080_000, fee: 100_000, paid: 30_000, owed: 70_000, highWaterMark: 1_980_000 });
    const r5 = settleProfitShare({
      equity: 12_050_000,
      allocation: 10_000_000,
      owed: 70_000,
      highWaterMark: 1_980_000,
      rateBps: 1_000,
      freeCash: 1_000_000,
      leaderDeleted: false,
    });
    expect(r5).toEqual({ profit: 1_980_000, fee: 0, paid: 70_000, owed: 0, highWaterMark: 1_980_000 });
  });

  it('settles on schedule from marks, once per period, and pays the leader', () => {
    const h = setup();
    const id = subscribe(h);
    leaderFill(h, 'buy', 50_000_000); // 5,000,000 units for 5,000,000 + 2,500 fee
    const settle = (period: number, price: number, ts: number) =>
      h.run(h.copy.settle({ period, prices: { 'BTC-KRW': price }, ts }), ts);
    const day0 = h.copy.periodOf(T0);
    expect(code(() => h.copy.settle({ period: day0, prices: {}, ts: T0 + 5 }))).toBe('FUTURE_PERIOD');
    // Day 0 closes at 110,000,000: profit 500,000 − 2,500 = 497,500 → fee 49,750.
    const first = settle(day0, 110_000_000, T0 + DAY);
    expect(first.settled).toBe(1);
    expect(first.transfers).toEqual([
      { subscriptionId: id, from: ALICE_SUB, to: LEADER, asset: 'KRW', amount: 49_750, reason: 'profit_share' },
    ]);
    expect(transferCommand(first.transfers[0], T0 + DAY)).toEqual({
      type: 'transfer',
      from: ALICE_SUB,
      to: LEADER,
      asset: 'KRW',
      amount: 49_750,
      reference: `copy:${id}:profit_share`,
      ts: T0 + DAY,
    });
    // Run again (a retry): nothing happens.
    const again = settle(day0, 130_000_000, T0 + DAY + 5);
    expect(again.settled).toBe(0);
    expect(again.alreadySettled).toBe(1);
    expect(again.transfers).toEqual([]);
    // Day 1 falls to 105,000,000: a loss against the mark, no fee.
    expect(settle(day0 + 1, 105_000_000, T0 + 2 * DAY).transfers).toEqual([]);
    // Day 2 rises to 120,000,000: profit now 1,000,000 − 2,500 − 49,750 = 947,750; the mark is
    // 497,500 − 49,750 = 447,750, so 500,000 is new and 50,000 is due.
    expect(settle(day0 + 2, 120_000_000, T0 + 3 * DAY).transfers[0].amount).toBe(50_000);
    expect(h.balance(LEADER, 'KRW')).toBe(99_750);
    const kinds = h.log.flatMap((o) => o.notifications.filter((n) => n.notice.kind === 'settled').map((n) => n.to));
    expect(kinds.filter((to) => to === LEADER)).toHaveLength(3);
    expect(kinds.filter((to) => to === ALICE)).toHaveLength(3);
  });

  it('applies a changed rate only from the next period of running subscriptions', () => {
    const h = setup();
    const id = subscribe(h);
    leaderFill(h, 'buy', 50_000_000);
    const change = h.run(h.copy.setProfitShare({ leader: LEADER, profitShareBps: 3_000, ts: T0 + 10 }));
    expect(change.notifications[0].notice).toMatchObject({ kind: 'profit_share_changed', profitShareBps: 3_000 });
    expect(h.copy.subscription(id).profitShareBps).toBe(1_000);
    const day0 = h.copy.periodOf(T0);
    const s0 = h.run(h.copy.settle({ period: day0, prices: { 'BTC-KRW': 110_000_000 }, ts: T0 + DAY }));
    expect(s0.transfers[0].amount).toBe(49_750); // still 10%
    expect(h.copy.subscription(id).profitShareBps).toBe(3_000);
    const s1 = h.run(h.copy.settle({ period: day0 + 1, prices: { 'BTC-KRW': 120_000_000 }, ts: T0 + 2 * DAY }));
    expect(s1.transfers[0].amount).toBe(150_000); // 30% of the new 500,000
    // A newcomer starts on the new rate at once.
    const bob = subscribe(h, BOB, BOB_SUB);
    expect(h.copy.subscription(bob).profitShareBps).toBe(3_000);
  });

  it('pays nothing to a deleted leader and closes every copy of it', () => {
    const h = setup();
    const a = subscribe(h);
    const b = subscribe(h, BOB, BOB_SUB);
    leaderFill(h, 'buy', 50_000_000);
    h.price.set('BTC-KRW', 150_000_000);
    const out = h.run(h.copy.leaderDeleted({ leader: LEADER, ts: T0 + 10 }), T0 + 10);
    expect(out.orders).toHaveLength(2);
    for (const id of [a, b])
      expect(h.copy.subscription(id)).toMatchObject({ status: 'ended', endReason: 'leader_deleted', feesPaid: 0 });
    expect(h.balance(LEADER, 'KRW')).toBe(0);
    expect(out.ranking.some((r) => r.type === 'followers')).toBe(false);
    expect(
      code(() =>
        h.copy.subscribe({
          subscriber: ALICE,
          subAccount: 999,
          leader: LEADER,
          amount: 1_000_000,
          availableBalance: 10_000_000,
          ts: T0 + 11,
        }),
      ),
    ).toBe('LEADER_DELETED');
    expect(code(() => h.copy.openStrategy({ leader: LEADER, profitShareBps: 0, ts: T0 + 11 }))).toBe('LEADER_DELETED');
  });
});

describe('bad input', () => {
  const h = setup();
  subscribe(h);
  const sub = (over: Record<string, unknown>) => () =>
    h.copy.subscribe({
      subscriber: BOB,
      subAccount: BOB_SUB,
      leader: LEADER,
      amount: 1_000_000,
      availableBalance: 5_000_000,
      ts: T0 + 5,
      ...over,
    } as never);
  const cases: [string, () => unknown, string][] = [
    ['subscribing to oneself', sub({ subscriber: LEADER }), 'SELF_SUBSCRIBE'],
    ['subscribing to a trader without a strategy', sub({ leader: 77 }), 'NO_STRATEGY'],
    ['subscribing twice', sub({ subscriber: ALICE, subAccount: 555 }), 'ALREADY_SUBSCRIBED'],
    ['allocating more than the balance', sub({ amount: 5_000_001 }), 'INSUFFICIENT_BALANCE'],
    ['allocating less than the minimum', sub({ amount: 99_999 }), 'BELOW_MIN_ALLOCATION'],
    ['a fractional amount', sub({ amount: 1_000_000.5 }), 'INVALID_INPUT'],
    ['reusing a sub-account', sub({ subAccount: ALICE_SUB }), 'INVALID_INPUT'],
    ['a stop-loss of 100%', sub({ stopLossBps: 10_000 }), 'INVALID_INPUT'],
    [
      'a profit share above 30%',
      () => h.copy.setProfitShare({ leader: LEADER, profitShareBps: 3_001, ts: T0 }),
      'RATE_OUT_OF_RANGE',
    ],
    [
      'a negative profit share',
      () => h.copy.openStrategy({ leader: 2, profitShareBps: -1, ts: T0 }),
      'RATE_OUT_OF_RANGE',
    ],
    [
      'opening a strategy twice',
      () => h.copy.openStrategy({ leader: LEADER, profitShareBps: 0, ts: T0 }),
      'STRATEGY_EXISTS',
    ],
    [
      'a long description',
      () => h.copy.openStrategy({ leader: 3, description: 'x'.repeat(501), profitShareBps: 0, ts: T0 }),
      'INVALID_INPUT',
    ],
    ['an unknown subscription', () => h.copy.pause({ subscriptionId: 42, ts: T0 }), 'UNKNOWN_SUBSCRIPTION'],
    [
      'an unknown market',
      () =>
        h.copy.mirrorFill({
          leader: LEADER,
          market: 'DOGE-KRW',
          side: 'buy',
          price: 1,
          quantity: 1,
          leaderEquity: 1,
          referencePrice: 1,
          ts: T0,
        }),
      'UNKNOWN_MARKET',
    ],
    [
      'a zero leader equity',
      () =>
        h.copy.mirrorFill({
          leader: LEADER,
          market: 'BTC-KRW',
          side: 'buy',
          price: P,
          quantity: 1,
          leaderEquity: 0,
          referencePrice: P,
          ts: T0,
        }),
      'INVALID_INPUT',
    ],
    [
      'a result for an unknown order',
      () => h.copy.copyOrderResult({ clientOrderId: 'copy-9-9', fills: [], ts: T0 }),
      'UNKNOWN_ORDER',
    ],
  ];
  for (const [name, f, expected] of cases) it(`rejects ${name} (${expected})`, () => expect(code(f)).toBe(expected));

  it('refuses subscriptions to a closed strategy but keeps running ones', () => {
    const g = setup();
    const id = subscribe(g);
    g.run(g.copy.closeStrategy({ leader: LEADER, ts: T0 + 3 }));
    expect(
      code(() =>
        g.copy.subscribe({
          subscriber: BOB,
          subAccount: BOB_SUB,
          leader: LEADER,
          amount: 1_000_000,
          availableBalance: 5_000_000,
          ts: T0 + 4,
        }),
      ),
    ).toBe('STRATEGY_CLOSED');
    expect(leaderFill(g, 'buy', 10_000_000).orders[0].subscriptionId).toBe(id);
  });

  it('refuses fills beyond what an order could take', () => {
    const g = setup();
    subscribe(g);
    const out = g.copy.mirrorFill({
      leader: LEADER,
      market: 'BTC-KRW',
      side: 'buy',
      price: P,
      quantity: 10_000_000,
      leaderEquity: 100_000_000,
      referencePrice: P,
      ts: T0 + 2,
    });
    const o = out.orders[0];
    const q = o.command.quantity as number;
    expect(
      code(() =>
        g.copy.copyOrderResult({
          clientOrderId: o.command.clientOrderId!,
          fills: [{ price: P, quantity: q + 1, quoteAmount: 1, fee: 0 }],
          ts: T0,
        }),
      ),
    ).toBe('FILL_EXCEEDS_ORDER');
    expect(
      code(() =>
        g.copy.copyOrderResult({
          clientOrderId: o.command.clientOrderId!,
          fills: [{ price: P, quantity: q, quoteAmount: o.reserved, fee: 1 }],
          ts: T0,
        }),
      ),
    ).toBe('FILL_EXCEEDS_ORDER');
  });

  it('rejects configurations outside the rules', () => {
    expect(code(() => new CopyTrading({ markets: [BTC_KRW], maxProfitShareBps: 3_500 }))).toBe('INVALID_CONFIG');
    expect(code(() => new CopyTrading({ markets: [BTC_KRW, { ...BTC_KRW, id: 'BTC-USDT', quote: 'USDT' }] }))).toBe(
      'INVALID_CONFIG',
    );
  });
});
