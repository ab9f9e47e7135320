/**
 * Copy sizing and settlement against the worst numbers a leader's fill, the market and the marks can carry:
 * prices, quantities, leader equities and reference prices from 1 to 2^53 − 1, on a market whose unit makes
 * values as large as they get (baseDecimals 0).
 *
 * Mirroring a fill of safe integers never throws: every copy placed is an order an engine can take (price,
 * quantity and what it sets aside are safe integers, a buy within the free cash), priced within the slippage
 * of the market's reference and never of the leader's price; everything else is a skip with its reason, told
 * to the subscriber. Stop-loss checks and settlements at any marks never throw either, and leave every figure
 * of a subscription a safe integer. The test ledger (./testing/harness) books every order and transfer and
 * checks after each step that it agrees with the copy state and that no asset was created or destroyed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketConfig } from '../matching/types';
import { Harness, MARKET_MAKER } from './testing/harness';
import { BPS } from '../matching/money';
import { CopyError, type CopyOutput, type SkipReason } from './types';

const MAX = Number.MAX_SAFE_INTEGER;
const T0 = 1_767_225_600_000;
const DAY = 86_400_000;
const LEADER = 1;
const SUBSCRIBERS = [10, 11];
const SLIPPAGE = 100;

/** One coin per unit: a price is the value of one unit, so values reach the top of the range soonest. */
const WHOLE: MarketConfig = {
  id: 'WHL-KRW',
  base: 'WHL',
  quote: 'KRW',
  baseDecimals: 0,
  tickSize: 1,
  lotSize: 1,
  minNotional: 1,
  makerFeeBps: 0,
  takerFeeBps: 30,
  priceBandBps: 1_000,
};

const SKIPS: readonly SkipReason[] = [
  'PAUSED',
  'BELOW_LOT_SIZE',
  'BELOW_MIN_NOTIONAL',
  'ALLOCATION_EXHAUSTED',
  'NO_POSITION',
  'AWAY_FROM_MARKET',
  'NO_MARKET_PRICE',
  'AMOUNT_OUT_OF_RANGE',
];

const num = fc.oneof(
  fc.constantFrom(1, 2, 3, 10, 1_000, MAX, MAX - 1, 2 ** 52, 10 ** 15, 10 ** 9),
  fc.integer({ min: 1, max: MAX }),
  fc.integer({ min: 1, max: 100_000 }),
);

type Step =
  | { k: 'fill'; buy: boolean; price: number; reference: number | null; quantity: number; equity: number; out: boolean }
  | { k: 'market'; price: number }
  /** With the leader's own mark, as the server passes it when the leader's trades moved the last price. */
  | { k: 'stop' | 'settle'; own: number | null }
  | { k: 'unsubscribe' | 'pause' | 'resume'; sub: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('fill' as const),
      buy: fc.boolean(),
      price: num,
      reference: fc.option(num, { freq: 8 }),
      quantity: num,
      equity: num,
      out: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('market' as const), price: num }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('stop' as const, 'settle' as const), own: fc.option(num) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constantFrom('unsubscribe' as const, 'pause' as const, 'resume' as const),
      sub: fc.integer({ min: 1, max: 2 }),
    }),
  },
);

/** Every order in an output is one an engine can take, priced around the reference; every skip has a reason. */
function checkOutput(
  out: CopyOutput,
  fill: Extract<Step, { k: 'fill' }> | null,
  cashBefore: Map<number, number>,
): void {
  for (const o of out.orders) {
    const c = o.command;
    expect(Number.isSafeInteger(c.quantity) && (c.quantity as number) > 0).toBe(true);
    expect(Number.isSafeInteger(o.reserved) && o.reserved >= 0).toBe(true);
    if (c.orderType === 'market') continue;
    const price = c.price as number;
    expect(Number.isSafeInteger(price) && price > 0).toBe(true);
    if (fill && o.purpose === 'copy') {
      // Within the slippage of the market, never of the leader's own price.
      const ref = fill.reference as number;
      if (c.side === 'buy') {
        expect(BigInt(price) * BigInt(BPS)).toBeLessThanOrEqual(BigInt(ref) * BigInt(BPS + SLIPPAGE));
        expect(fill.price).toBeLessThanOrEqual(price);
        expect(o.reserved).toBeLessThanOrEqual(cashBefore.get(o.subscriptionId)!);
      } else {
        expect(BigInt(price) * BigInt(BPS)).toBeGreaterThanOrEqual(BigInt(ref) * BigInt(BPS - SLIPPAGE));
        expect(fill.price).toBeGreaterThanOrEqual(price);
      }
    }
  }
  for (const s of out.skipped) {
    expect(SKIPS).toContain(s.reason);
    expect(Number.isSafeInteger(s.wanted)).toBe(true);
    if (fill?.reference === null) expect(['PAUSED', 'NO_MARKET_PRICE']).toContain(s.reason);
  }
  for (const n of out.notifications) {
    for (const v of Object.values(n.notice)) if (typeof v === 'number') expect(Number.isSafeInteger(v)).toBe(true);
  }
}

const own = (mark: number | null) => (mark === null ? undefined : { [LEADER]: { [WHOLE.id]: mark } });

function play(steps: Step[]): { placed: number; skipped: Map<string, number>; settled: number } {
  const h = new Harness({ markets: [WHOLE], minAllocation: 1, slippageBps: SLIPPAGE });
  // Supplies as a ledger can hold them: the total of each asset within the range.
  h.deposit(MARKET_MAKER, 'KRW', Math.floor(MAX / 2));
  h.deposit(MARKET_MAKER, 'WHL', Math.floor(MAX / 2));
  for (const s of SUBSCRIBERS) h.deposit(s, 'KRW', Math.floor(MAX / 8));
  h.price.set(WHOLE.id, 1_000);
  let ts = T0;
  const seen = { placed: 0, skipped: new Map<string, number>(), settled: 0 };
  h.run(h.copy.openStrategy({ leader: LEADER, profitShareBps: 3_000, ts }));
  SUBSCRIBERS.forEach((s, i) =>
    h.run(
      h.copy.subscribe({
        subscriber: s,
        subAccount: 100 + i,
        leader: LEADER,
        amount: i === 0 ? Math.floor(MAX / 8) : 1_000_000,
        availableBalance: h.balance(s, 'KRW'),
        ts,
      }),
      ts,
    ),
  );
  const cash = () => new Map([1, 2].map((id) => [id, h.copy.subscription(id).freeCash]));
  // Refusals with a code are fine for the operations that validate state; nothing else may throw.
  const refusable = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof CopyError)) throw e;
    }
  };
  for (const s of steps) {
    ts += 1;
    switch (s.k) {
      case 'fill': {
        const before = cash();
        const out = h.run(
          h.copy.mirrorFill({
            leader: LEADER,
            market: WHOLE.id,
            side: s.buy ? 'buy' : 'sell',
            price: s.price,
            quantity: s.quantity,
            leaderEquity: s.equity,
            referencePrice: s.reference,
            leaderPositionAfter: s.out ? 0 : undefined,
            ts,
          }),
          ts,
        );
        checkOutput(out, s, before);
        seen.placed += out.orders.length;
        for (const k of out.skipped) seen.skipped.set(k.reason, (seen.skipped.get(k.reason) ?? 0) + 1);
        break;
      }
      case 'market':
        h.price.set(WHOLE.id, s.price);
        break;
      case 'stop':
        checkOutput(
          h.run(
            h.copy.checkStopLoss({ prices: { [WHOLE.id]: h.price.get(WHOLE.id)! }, leaderPrices: own(s.own), ts }),
            ts,
          ),
          null,
          cash(),
        );
        break;
      case 'settle': {
        ts += DAY;
        const out = h.run(
          h.copy.settle({
            period: h.copy.periodOf(ts) - 1,
            prices: { [WHOLE.id]: h.price.get(WHOLE.id)! },
            leaderPrices: own(s.own),
            ts,
          }),
          ts,
        );
        checkOutput(out, null, cash());
        seen.settled += out.notifications.filter(
          (n) => n.notice.kind === 'settled' || n.notice.kind === 'settlement_skipped',
        ).length;
        break;
      }
      case 'unsubscribe':
      case 'pause':
      case 'resume':
        refusable(() => checkOutput(h.run(h.copy[s.k]({ subscriptionId: s.sub, ts }), ts), null, cash()));
        break;
    }
    for (const id of [1, 2]) {
      const v = h.copy.subscription(id);
      for (const x of [
        v.allocation,
        v.freeCash,
        v.reservedQuote,
        v.highWaterMark,
        v.owed,
        v.feesPaid,
        ...Object.values(v.holdings),
      ])
        expect(Number.isSafeInteger(x), JSON.stringify(v)).toBe(true);
    }
  }
  return seen;
}

describe('copy sizing and settlement with numbers at the edge of the range', () => {
  it('never throws on safe integers, places only orders an engine can take around the market, and keeps the ledger whole', () => {
    let placed = 0;
    let settled = 0;
    const skipped = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 50 }), (steps) => {
        const r = play(steps);
        placed += r.placed;
        settled += r.settled;
        for (const [k, v] of r.skipped) skipped.set(k, (skipped.get(k) ?? 0) + v);
      }),
      { numRuns: 250 },
    );
    // The runs placed copies, met the range's edge, the market's reference and the settlement.
    expect(placed).toBeGreaterThan(100);
    for (const reason of [
      'AWAY_FROM_MARKET',
      'NO_MARKET_PRICE',
      'AMOUNT_OUT_OF_RANGE',
      'ALLOCATION_EXHAUSTED',
    ] as const)
      expect(skipped.get(reason) ?? 0, reason).toBeGreaterThan(0);
    expect(settled).toBeGreaterThan(50);
  });

  it('settles and checks stop-losses at the leader’s own marks where given, not at the price the leader printed', () => {
    const h = new Harness({ markets: [WHOLE], minAllocation: 1 });
    h.deposit(MARKET_MAKER, 'WHL', 1_000_000);
    h.deposit(10, 'KRW', 10_000_000);
    h.price.set(WHOLE.id, 1_000);
    h.run(h.copy.openStrategy({ leader: LEADER, profitShareBps: 2_000, ts: T0 }));
    h.run(
      h.copy.subscribe({
        subscriber: 10,
        subAccount: 100,
        leader: LEADER,
        amount: 1_000_000,
        availableBalance: 10_000_000,
        stopLossBps: 1_000,
        ts: T0,
      }),
    );
    h.run(
      h.copy.mirrorFill({
        leader: LEADER,
        market: WHOLE.id,
        side: 'buy',
        price: 1_000,
        quantity: 500,
        leaderEquity: 1_000_000,
        referencePrice: 1_000,
        ts: T0 + 1,
      }),
      T0 + 1,
    );
    expect(h.copy.subscription(1).holdings[WHOLE.id]).toBe(500);
    // The leader printed 500 (half the market): at that price the copy is past its 10% stop; at its own mark not.
    const kept = h.run(
      h.copy.checkStopLoss({
        prices: { [WHOLE.id]: 500 },
        leaderPrices: { [LEADER]: { [WHOLE.id]: 1_000 } },
        ts: T0 + 2,
      }),
      T0 + 2,
    );
    expect(kept.orders).toEqual([]);
    expect(h.copy.subscription(1).status).toBe('active');
    // The leader printed 2,000: at that price the copy gained 500,000 and would pay 20% of it; at its mark nothing.
    const t = T0 + DAY;
    const settled = h.run(
      h.copy.settle({
        period: h.copy.periodOf(t) - 1,
        prices: { [WHOLE.id]: 2_000 },
        leaderPrices: { [LEADER]: { [WHOLE.id]: 1_000 } },
        ts: t,
      }),
      t,
    );
    expect(settled.transfers).toEqual([]);
    expect(h.copy.subscription(1)).toMatchObject({ highWaterMark: 0, owed: 0 });
    // Without the leader's mark, the same settlement would have charged.
    const h2 = h.copy.settle({ period: h.copy.periodOf(t + DAY) - 1, prices: { [WHOLE.id]: 2_000 }, ts: t + DAY });
    expect(h2.transfers.map((x) => x.reason)).toEqual(['profit_share']);
    h.run(h2, t + DAY);
  });

  it('a copy is priced against the market: a leader buying at ten times the reference is not copied', () => {
    const h = new Harness({ markets: [WHOLE], minAllocation: 1 });
    h.deposit(10, 'KRW', 10_000_000);
    h.price.set(WHOLE.id, 1_000);
    h.run(h.copy.openStrategy({ leader: LEADER, profitShareBps: 0, ts: T0 }));
    h.run(
      h.copy.subscribe({
        subscriber: 10,
        subAccount: 100,
        leader: LEADER,
        amount: 1_000_000,
        availableBalance: 10_000_000,
        ts: T0,
      }),
    );
    const fill = (price: number, referencePrice: number | null) =>
      h.run(
        h.copy.mirrorFill({
          leader: LEADER,
          market: WHOLE.id,
          side: 'buy',
          price,
          quantity: 100,
          leaderEquity: 1_000_000,
          referencePrice,
          ts: T0 + 1,
        }),
        T0 + 1,
      );
    const pumped = fill(10_000, 1_000);
    expect(pumped.orders).toEqual([]);
    expect(pumped.skipped.map((s) => s.reason)).toEqual(['AWAY_FROM_MARKET']);
    expect(pumped.notifications.map((n) => [n.to, n.notice.kind])).toEqual([
      [10, 'copy_skipped'],
      [LEADER, 'fill_mirrored'],
    ]);
    expect(fill(1_000, null).skipped.map((s) => s.reason)).toEqual(['NO_MARKET_PRICE']);
    // At the market (or better than it), the copy is placed with its limit 1% above the reference.
    const atMarket = fill(995, 1_000);
    expect(atMarket.orders.map((o) => [o.command.price, o.command.quantity])).toEqual([[1_010, 100]]);
  });
});
