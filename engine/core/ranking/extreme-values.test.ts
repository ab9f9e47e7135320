/**
 * The ranking figures against the worst numbers its records can carry: prices, quantities, fees and flows from
 * 1 to 2^53 − 1 (in either direction), on a market whose unit makes values as large as they get, with marks
 * crossed in between so every figure is computed from them.
 *
 * A record is either applied or refused with a RankingError that leaves no trace; nothing else is ever thrown.
 * Every figure read (board rows, profiles, equity now and in history) is a safe integer — never NaN, Infinity
 * or a rounded double — and the batch recompute over the records applied agrees exactly with the live service.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recomputeRanking } from './batch';
import { DAY_MS, HOUR_MS, RankingError, type RankingMarket } from './config';
import { PERIODS } from './core';
import type { RankingRecord } from './records';
import { RankingService } from './service';
import { account, flow, price } from './testing/history';
import { mulDivFloor } from './exact';

const MAX = Number.MAX_SAFE_INTEGER;
const T0 = 1_700_006_400_000;
/** One coin per unit: a price is the value of one unit. */
const WHOLE: RankingMarket = { id: 'WHL-KRW', base: 'WHL', quote: 'KRW', baseDecimals: 0 };
const FINE: RankingMarket = { id: 'FIN-KRW', base: 'FIN', quote: 'KRW', baseDecimals: 15 };
const MARKETS = [WHOLE, FINE];
const CONFIG = { markets: MARKETS, minTrades: 0, minAccountAgeMs: 0, expectedAccounts: 16 };
const ACCOUNTS = [1, 2, 3, 4];

const num = fc.oneof(
  fc.constantFrom(1, 2, 3, 10, 1_000, MAX, MAX - 1, 2 ** 52, 10 ** 15, 10 ** 9),
  fc.integer({ min: 1, max: MAX }),
  fc.integer({ min: 1, max: 100_000 }),
);
const signed = fc.tuple(num, fc.boolean()).map(([v, neg]) => (neg ? -v : v));
const who = fc.constantFrom(...ACCOUNTS);
const market = fc.integer({ min: 0, max: MARKETS.length - 1 });

type Step =
  | {
      k: 'trade';
      m: number;
      buyer: number;
      seller: number;
      price: number;
      quantity: number;
      buyerFee: number;
      sellerFee: number;
      wrongQuote: boolean;
    }
  | { k: 'price'; m: number; price: number }
  | { k: 'cash'; a: number; amount: number }
  | { k: 'coin'; a: number; m: number; amount: number }
  | { k: 'gap'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('trade' as const),
      m: market,
      buyer: who,
      seller: who,
      price: num,
      quantity: num,
      buyerFee: fc.oneof(fc.integer({ min: -10, max: 10 }), signed),
      sellerFee: fc.oneof(fc.integer({ min: -10, max: 10 }), signed),
      wrongQuote: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('price' as const), m: market, price: num }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('cash' as const), a: who, amount: signed }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('coin' as const), a: who, m: market, amount: signed }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('gap' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 3 * HOUR_MS }), fc.integer({ min: 0, max: 3 * DAY_MS })),
    }),
  },
);

function records(steps: Step[]): RankingRecord[] {
  let ts = T0;
  const out: RankingRecord[] = [price(ts, WHOLE, 1_000), price(ts, FINE, 1_000)];
  for (const a of ACCOUNTS) out.push(account(ts, a), flow(ts, a, 10_000_000, 'KRW', 'grant'));
  for (const s of steps) {
    switch (s.k) {
      case 'gap':
        ts += s.ms;
        break;
      case 'trade': {
        const exact = mulDivFloor(s.price, s.quantity, 10 ** MARKETS[s.m].baseDecimals);
        // The quote amount the engine would report, when it is one; otherwise one that cannot be right.
        const quoteAmount = Number.isSafeInteger(exact) && !s.wrongQuote ? exact : Math.min(MAX, exact);
        out.push({
          type: 'trade',
          ts,
          market: MARKETS[s.m].id,
          price: s.price,
          quantity: s.quantity,
          quoteAmount,
          buyer: s.buyer,
          seller: s.seller,
          buyerFee: s.buyerFee,
          sellerFee: s.sellerFee,
        });
        break;
      }
      case 'price':
        out.push(price(ts, MARKETS[s.m], s.price));
        break;
      case 'cash':
        out.push(flow(ts, s.a, s.amount, 'KRW', s.amount > 0 ? 'deposit' : 'withdrawal'));
        break;
      case 'coin':
        out.push(flow(ts, s.a, s.amount, MARKETS[s.m].base, 'transfer'));
        break;
    }
  }
  return out;
}

/** What a record could change: every column of the per-account state. */
function state(svc: RankingService): string {
  const a = svc.accounts;
  const cols = [
    a.cash,
    a.cumFlow,
    a.idxCk,
    a.baseCk,
    a.cumTrades,
    a.cumTrips,
    a.cumWins,
    a.position,
    a.basis,
    a.tripCash,
    a.lastPrice,
  ];
  // The slots of the accounts here (and their positions in each market) come first.
  return JSON.stringify(cols.map((c) => Array.from(c.subarray(0, ACCOUNTS.length * MARKETS.length))));
}

function expectSafe(v: number | null, what: string): void {
  if (v !== null && !Number.isSafeInteger(v)) throw new Error(`${what} is ${v}, not a safe integer`);
}

function play(rs: RankingRecord[]): { applied: RankingRecord[]; refused: number } {
  const live = new RankingService(CONFIG);
  const applied: RankingRecord[] = [];
  let refused = 0;
  for (const r of rs) {
    const before = state(live);
    try {
      live.apply(r);
      applied.push(r);
    } catch (e) {
      if (!(e instanceof RankingError)) throw e;
      refused++;
      // Marks the record's time reached may have run; the record itself left nothing.
      live.advanceTo(r.ts);
      expect(state(live)).toBe(before);
    }
    for (const a of ACCOUNTS) if (live.accounts.slot(a) !== undefined) expectSafe(live.equityNow(a), `equity of ${a}`);
  }
  const end = rs[rs.length - 1].ts + DAY_MS;
  live.advanceTo(end);
  const boards = live.boards();
  for (const p of PERIODS) {
    for (const row of boards.boards[p]) {
      for (const k of [
        'returnBps',
        'pnl',
        'maxDrawdownBps',
        'winRateBps',
        'closedRoundTrips',
        'trades',
        'rank',
      ] as const)
        expectSafe(row[k], `${p} ${k} of ${row.account}`);
    }
  }
  for (const a of ACCOUNTS) {
    for (const p of PERIODS)
      for (const v of Object.values(live.figures(p, a)))
        if (typeof v === 'number') expectSafe(v, `${p} figure of ${a}`);
    const h = live.equityHistory(a);
    for (const point of [...h.hourly, ...h.daily]) expectSafe(point.equity, `equity history of ${a}`);
  }
  // The batch over what was applied sees exactly the same.
  expect(boards).toEqual(recomputeRanking(CONFIG, applied, { until: end }).boards());
  return { applied, refused };
}

describe('ranking figures with numbers at the edge of the range', () => {
  it('never throw anything but a refusal, stay safe integers, and agree with the batch', () => {
    let applied = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 80 }), (steps) => {
        const r = play(records(steps));
        applied += r.applied.length;
        refused += r.refused;
      }),
      { numRuns: 150 },
    );
    expect(applied).toBeGreaterThan(1_000);
    expect(refused).toBeGreaterThan(100);
  });

  it('an account worth more than the range is valued at its bound, and its return and PnL stay in range', () => {
    const svc = new RankingService(CONFIG);
    svc.apply(price(T0, WHOLE, 1));
    svc.apply(account(T0, 1));
    svc.apply(flow(T0, 1, 1_000, 'KRW', 'grant'));
    svc.apply(flow(T0, 1, 10 ** 9, 'WHL', 'transfer'));
    // Each unit is now worth 10^9: the holding is worth 10^18, past the range.
    svc.apply(price(T0 + 1, WHOLE, 10 ** 9));
    expect(svc.equityNow(1)).toBe(MAX);
    svc.advanceTo(T0 + 2 * HOUR_MS);
    const all = svc.figures('all', 1);
    // Measured up to the bound: the index grows by MAX / (10^9 + 1,000), from 10^8.
    const index = (10n ** 8n * BigInt(MAX)) / BigInt(10 ** 9 + 1_000);
    expect(all.returnBps).toBe(Number(((index - 10n ** 8n) * 10_000n) / 10n ** 8n));
    expect(all.pnl).toBe(MAX - (10 ** 9 + 1_000));
    // A trade whose quote amount no engine could report is refused, with nothing changed.
    expect(() =>
      svc.apply({
        type: 'trade',
        ts: T0 + 3 * HOUR_MS,
        market: WHOLE.id,
        price: MAX,
        quantity: 2,
        quoteAmount: MAX,
        buyer: 1,
        seller: 1,
        buyerFee: 0,
        sellerFee: 0,
      }),
    ).toThrow(RankingError);
    expect(svc.equityNow(1)).toBe(MAX);
  });
});
