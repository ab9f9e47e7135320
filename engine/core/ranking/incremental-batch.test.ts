/**
 * The live service, fed one record at a time with clock ticks and reads in between, must end with exactly the
 * figures the batch recompute derives from the same records. Histories are random: trades at drifting prices,
 * external prices, deposits, withdrawals, coin transfers, accounts opening, renaming and closing, followers,
 * and gaps of minutes to days so that every period window and day boundary is crossed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, type RankingConfig } from './config';
import { PERIODS } from './core';
import { recomputeRanking } from './batch';
import { RankingService } from './service';
import { account, BTC, COIN, flow, LPJ, price, trade } from './testing/history';
import type { RankingRecord } from './records';

const T0 = 1_700_006_400_000; // 2023-11-15 00:00 UTC

type Step =
  | { k: 'gap'; ms: number }
  | { k: 'trade'; m: number; buyer: number; seller: number; move: number; q: number; fee: number }
  | { k: 'price'; m: number; move: number }
  | { k: 'cash'; a: number; amount: number }
  | { k: 'coin'; a: number; m: number; q: number }
  | { k: 'open'; ranked: boolean }
  | { k: 'rename'; a: number }
  | { k: 'close'; a: number }
  | { k: 'follow'; a: number; delta: 1 | -1 }
  | { k: 'tick' };

const acct = fc.integer({ min: 0, max: 9 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('gap' as const),
      ms: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: 2 * HOUR_MS }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * DAY_MS }) },
      ),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      k: fc.constant('trade' as const),
      m: fc.integer({ min: 0, max: 1 }),
      buyer: acct,
      seller: acct,
      move: fc.integer({ min: -300, max: 300 }),
      q: fc.integer({ min: 1, max: 5 * COIN }),
      fee: fc.integer({ min: -5, max: 50 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('price' as const),
      m: fc.integer({ min: 0, max: 1 }),
      move: fc.integer({ min: -2_000, max: 2_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('cash' as const),
      a: acct,
      amount: fc.integer({ min: -3_000_000, max: 5_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('coin' as const),
      a: acct,
      m: fc.integer({ min: 0, max: 1 }),
      q: fc.integer({ min: -COIN, max: 2 * COIN }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('open' as const), ranked: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('rename' as const), a: acct }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('close' as const), a: acct }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('follow' as const),
      a: acct,
      delta: fc.constantFrom(1 as const, -1 as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'tick' as const }) },
);

interface History {
  records: RankingRecord[];
  /** Index into records before which the live service is ticked to that record's time minus one. */
  ticks: Set<number>;
  end: number;
}

/** Turns steps into a valid record stream (skipping steps that would name a closed or missing account). */
function build(steps: Step[]): History {
  const markets = [LPJ, BTC];
  const prices = [10_000, 50_000_000];
  const records: RankingRecord[] = [];
  const ticks = new Set<number>();
  const ids: number[] = [];
  const live = new Set<number>();
  const followers = new Map<number, number>();
  let ts = T0;
  let next = 1;
  const openAccount = (ranked: boolean) => {
    const id = next++;
    ids.push(id);
    live.add(id);
    records.push(account(ts, id, `t${id}`, ranked));
    records.push(flow(ts, id, 10_000_000, 'KRW', 'grant'));
  };
  for (let i = 0; i < 3; i++) openAccount(true);
  const pick = (i: number): number | undefined => {
    const id = ids[i % ids.length];
    return live.has(id) ? id : undefined;
  };
  for (const s of steps) {
    switch (s.k) {
      case 'gap':
        ts += s.ms;
        break;
      case 'tick':
        ticks.add(records.length);
        ts += 1;
        break;
      case 'trade': {
        const b = pick(s.buyer);
        const sl = pick(s.seller);
        if (b === undefined || sl === undefined || b === sl) break;
        prices[s.m] = Math.max(1, prices[s.m] + Math.trunc((prices[s.m] * s.move) / 10_000));
        records.push(trade(ts, markets[s.m], b, sl, prices[s.m], s.q, s.fee, s.fee));
        break;
      }
      case 'price':
        prices[s.m] = Math.max(1, prices[s.m] + Math.trunc((prices[s.m] * s.move) / 10_000));
        records.push(price(ts, markets[s.m], prices[s.m]));
        break;
      case 'cash': {
        const a = pick(s.a);
        if (a !== undefined && s.amount !== 0)
          records.push(flow(ts, a, s.amount, 'KRW', s.amount > 0 ? 'deposit' : 'withdrawal'));
        break;
      }
      case 'coin': {
        const a = pick(s.a);
        if (a !== undefined && s.q !== 0) records.push(flow(ts, a, s.q, markets[s.m].base, 'transfer'));
        break;
      }
      case 'open':
        openAccount(s.ranked);
        break;
      case 'rename': {
        const a = pick(s.a);
        if (a !== undefined) records.push(account(ts, a, `r${a}-${records.length}`));
        break;
      }
      case 'close': {
        const a = pick(s.a);
        if (a !== undefined && live.size > 2) {
          live.delete(a);
          records.push({ type: 'account_closed', ts, account: a });
        }
        break;
      }
      case 'follow': {
        const a = pick(s.a);
        const n = followers.get(a ?? 0) ?? 0;
        if (a !== undefined && n + s.delta >= 0) {
          followers.set(a, n + s.delta);
          records.push({ type: 'followers', ts, account: a, delta: s.delta });
        }
        break;
      }
    }
  }
  // Prices exist before any coin transfer can be valued: put the opening prices first.
  records.unshift(price(T0, LPJ, 10_000), price(T0, BTC, 50_000_000));
  const shifted = new Set([...ticks].map((i) => i + 2));
  return { records, ticks: shifted, end: ts + HOUR_MS };
}

/** What the compared histories covered, so that a generator change cannot quietly make the test vacuous. */
const seen = { rows: 0, rankChanges: 0, drawdowns: 0, dayDrawdowns: 0, winRates: 0, days: 0 };

function compare(config: RankingConfig, h: History): void {
  const live = new RankingService(config);
  let checks = 0;
  h.records.forEach((r, i) => {
    if (h.ticks.has(i)) {
      live.advanceTo(r.ts - 1);
      // Mid-stream too: the batch over the records so far, carried to the same time, sees the same boards.
      if (checks++ < 8)
        expect(live.boards()).toEqual(recomputeRanking(config, h.records.slice(0, i), { until: r.ts - 1 }).boards());
    }
    live.apply(r);
    // Reads in between change nothing.
    if (i % 7 === 0 && !Number.isNaN(live.asOf)) live.top('7d', 3);
  });
  live.advanceTo(h.end);
  const batch = recomputeRanking(config, h.records, { until: h.end });
  const boards = live.boards();
  expect(boards).toEqual(batch.boards());
  for (const p of PERIODS) {
    for (const r of boards.boards[p]) {
      seen.rows++;
      if (r.rankChange !== null) seen.rankChanges++;
      if (r.maxDrawdownBps > 0) seen.drawdowns++;
      if (r.maxDrawdownBps > 0 && p === '1d') seen.dayDrawdowns++;
      if (r.winRateBps !== null) seen.winRates++;
    }
  }
  seen.days = Math.max(seen.days, Math.floor((h.end - T0) / DAY_MS));
  const closed = new Set(h.records.flatMap((r) => (r.type === 'account_closed' ? [r.account] : [])));
  for (const r of h.records) {
    if (r.type !== 'account') continue;
    if (closed.has(r.account)) {
      expect(() => live.figures('all', r.account)).toThrow(/closed/);
      continue;
    }
    for (const p of PERIODS) expect(live.figures(p, r.account)).toEqual(batch.figures(p, r.account));
    expect(live.equityHistory(r.account)).toEqual(batch.equityHistory(r.account));
  }
}

describe('incremental = batch', () => {
  it('on random histories with hourly marks', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 250 }), (steps) => {
        compare({ markets: [LPJ, BTC], minTrades: 1, minAccountAgeMs: HOUR_MS }, build(steps));
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('on long random histories crossing every window, with coarse marks and a shifted day start', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1_200, maxLength: 2_000 }), (steps) => {
        compare(
          {
            markets: [LPJ, BTC],
            markIntervalMs: 3 * HOUR_MS,
            dayStartOffsetMs: -9 * HOUR_MS,
            minTrades: 0,
            minAccountAgeMs: 0,
          },
          build(steps),
        );
      }),
      { numRuns: 25, endOnFailure: true },
    );
    expect(seen.rows).toBeGreaterThan(100);
    expect(seen.rankChanges).toBeGreaterThan(10);
    expect(seen.drawdowns).toBeGreaterThan(10);
    expect(seen.dayDrawdowns).toBeGreaterThan(10);
    expect(seen.winRates).toBeGreaterThan(10);
    expect(seen.days).toBeGreaterThan(31);
  });

  it('catches a difference: a record missing from the batch changes the figures', () => {
    const h = build([
      { k: 'trade', m: 0, buyer: 0, seller: 1, move: 100, q: COIN, fee: 10 },
      { k: 'gap', ms: 2 * HOUR_MS },
      { k: 'price', m: 0, move: 1_000 },
      { k: 'gap', ms: 2 * HOUR_MS },
    ]);
    const config = { markets: [LPJ, BTC], minTrades: 0, minAccountAgeMs: 0 };
    const live = new RankingService(config);
    live.applyAll(h.records);
    live.advanceTo(h.end);
    const batch = recomputeRanking(
      config,
      h.records.filter((r) => r.type !== 'price' || r.ts === T0),
      { until: h.end },
    );
    expect(live.boards()).not.toEqual(batch.boards());
  });
});
