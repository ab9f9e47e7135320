/**
 * The paper engine against the worst numbers its inputs can carry: prices, sizes, budgets and book levels from
 * 1 to 2^53 − 1 (what a user can type, a feed can send and a replayed file can hold), on markets whose units
 * make a value as large (divisor 1) or as small (divisor 10^12) as the settings allow, and grants up to the
 * whole range.
 *
 * The engine must never throw, and after every command: every balance, hold and position figure is a safe
 * integer, no user balance is negative, each asset's total over every account equals what entered less what
 * left (summed exactly, in bigint), and every figure a view shows is a safe integer. The worst cases must
 * also be met with the reason a user reads, and an ordinary order must still trade afterwards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Level } from '../market-data/types';
import { FEE_ACCOUNT } from '../matching/types';
import { PaperEngine } from './paper-engine';
import { VENUE_ACCOUNT, type PaperBook, type PaperCommand, type PaperEvent, type PaperMarketConfig } from './types';

const MAX = Number.MAX_SAFE_INTEGER;
const T0 = 1_700_000_000_000;

/** Value = price × size: the largest values any settings allow. */
const WIDE: PaperMarketConfig = {
  id: 'WID-KRW',
  exchange: 'upbit',
  base: 'WID',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 0,
  quoteDecimals: 0,
  makerFeeBps: 1_000,
  takerFeeBps: 1_000,
  minNotional: 0,
  stopBandBps: 9_000,
};
/** Value = price × size / 10^12: quantities at the top of the range are worth little. */
const FINE: PaperMarketConfig = {
  id: 'FIN-KRW',
  exchange: 'upbit',
  base: 'FIN',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 12,
  quoteDecimals: 0,
  makerFeeBps: 0,
  takerFeeBps: 5,
  minNotional: 1,
  stopBandBps: 1,
};
const MARKETS = [WIDE, FINE];
const ACCOUNTS = [1, 2, 3];

/** Numbers as the inputs can carry them: the edges, the top of the range, and ordinary ones. */
const num = fc.oneof(
  fc.constantFrom(1, 2, 3, 10, 1_000, MAX, MAX - 1, 2 ** 52, 2 ** 53 - 2, 10 ** 15, 10 ** 12, 10 ** 6),
  fc.integer({ min: 1, max: MAX }),
  fc.integer({ min: 1, max: 10_000 }),
);
/** Order sizes: mostly a few units, so that orders meet books and balances, sometimes the whole range. */
const size = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 10 }) }, { weight: 1, arbitrary: num });
const level = fc.tuple(num, fc.oneof(num, fc.constant(0))).map(([p, s]) => [p, s] as Level);
const side = fc.constantFrom('buy' as const, 'sell' as const);

type Step =
  | { k: 'book'; market: number; bids: Level[]; asks: Level[]; live: boolean }
  | {
      k: 'place';
      market: number;
      account: number;
      order: Record<string, unknown>;
      book: { bids: Level[]; asks: Level[] } | null;
    }
  | { k: 'trade'; market: number; price: number; size: number }
  | { k: 'cancel'; market: number; account: number; pick: number }
  | { k: 'reset' | 'open'; account: number }
  | { k: 'time'; ms: number };

const market = fc.integer({ min: 0, max: MARKETS.length - 1 });
const account = fc.constantFrom(...ACCOUNTS);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('book' as const),
      market,
      bids: fc.array(level, { maxLength: 4 }),
      asks: fc.array(level, { maxLength: 4 }),
      live: fc.boolean(),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant('place' as const),
      market,
      account,
      // Often with a book just received, as when the user orders on a market being watched.
      book: fc.option(
        fc.record({
          bids: fc.array(level, { minLength: 1, maxLength: 4 }),
          asks: fc.array(level, { minLength: 1, maxLength: 4 }),
        }),
        { freq: 2 },
      ),
      order: fc.oneof(
        fc.record({ side, orderType: fc.constant('market'), quantity: size }),
        fc.record({ side: fc.constant('buy'), orderType: fc.constant('market'), quoteAmount: num }),
        fc.record({ side, orderType: fc.constant('limit'), price: num, quantity: size }),
        fc.record({ side, orderType: fc.constant('stop_market'), stopPrice: num, quantity: size }),
        fc.record({ side, orderType: fc.constant('stop_limit'), stopPrice: num, price: num, quantity: size }),
      ),
    }),
  },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('trade' as const), market, price: num, size: num }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), market, account, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('reset' as const, 'open' as const), account }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 20_000 }) }) },
);

/** Plays the commands, checking everything after each; returns how often each interesting outcome came up. */
function play(
  grant: number,
  steps: Step[],
): { refusedOutOfRange: number; expiredOutOfRange: number; trades: number; outsideFlows: number } {
  const engine = new PaperEngine({ markets: MARKETS, grants: { KRW: grant } });
  const external = new Map<string, bigint>();
  const seen = { refusedOutOfRange: 0, expiredOutOfRange: 0, trades: 0, outsideFlows: 0 };
  const books = new Map<string, PaperBook>();
  const last = new Map<string, number>();
  let now = T0;
  const apply = (cmd: PaperCommand): PaperEvent[] => {
    const events = engine.apply(cmd);
    for (const e of events) {
      if (e.type === 'deposited' || e.type === 'withdrawn') {
        external.set(e.asset, (external.get(e.asset) ?? 0n) + (e.type === 'deposited' ? 1n : -1n) * BigInt(e.amount));
        if (e.account === VENUE_ACCOUNT || e.account === FEE_ACCOUNT) seen.outsideFlows++;
      }
      if (e.type === 'rejected' && e.reason === 'AMOUNT_OUT_OF_RANGE') seen.refusedOutOfRange++;
      if (e.type === 'expired' && e.reason === 'amount_out_of_range') seen.expiredOutOfRange++;
      if (e.type === 'trade') seen.trades++;
    }
    check(engine, external, last);
    return events;
  };
  for (const a of ACCOUNTS) apply({ type: 'open_account', ts: now, account: a });
  for (const s of steps) {
    now += 1;
    switch (s.k) {
      case 'book':
        books.set(MARKETS[s.market].id, { receivedAt: now, live: s.live, bids: s.bids, asks: s.asks });
        break;
      case 'place': {
        const id = MARKETS[s.market].id;
        if (s.book) books.set(id, { receivedAt: now, live: true, ...s.book });
        const book = books.get(id);
        apply({
          type: 'place',
          ts: now,
          account: s.account,
          market: id,
          ...(book ? { book } : {}),
          ...(last.has(id) ? { last: last.get(id) } : {}),
          ...s.order,
        } as PaperCommand);
        break;
      }
      case 'trade': {
        const id = MARKETS[s.market].id;
        last.set(id, s.price);
        const book = books.get(id);
        apply({ type: 'trade', ts: now, market: id, price: s.price, size: s.size, ...(book ? { book } : {}) });
        break;
      }
      case 'cancel': {
        const orders = engine.openOrders(s.account, MARKETS[s.market].id);
        const orderId = orders.length > 0 ? orders[s.pick % orders.length].id : s.pick;
        apply({ type: 'cancel', ts: now, account: s.account, market: MARKETS[s.market].id, orderId });
        break;
      }
      case 'reset':
        apply({ type: 'reset', ts: now, account: s.account });
        break;
      case 'open':
        apply({ type: 'open_account', ts: now, account: s.account + 10 });
        break;
      case 'time':
        now += s.ms;
        break;
    }
  }
  // A snapshot carries on exactly, supplies included.
  const copy = PaperEngine.restore(JSON.parse(JSON.stringify(engine.snapshot())));
  for (const asset of external.keys()) expect(copy.ledger.supply(asset)).toBe(engine.ledger.supply(asset));
  expect(copy.snapshot()).toEqual(engine.snapshot());
  return seen;
}

function check(engine: PaperEngine, external: ReadonlyMap<string, bigint>, marks: ReadonlyMap<string, number>): void {
  expect(engine.audit()).toEqual([]);
  const totals = new Map<string, bigint>();
  for (const a of engine.ledger.accounts.values()) {
    for (const [asset, b] of a.balances) {
      if (!Number.isSafeInteger(b.available) || !Number.isSafeInteger(b.held))
        throw new Error(`account ${a.id} ${asset}: ${b.available}/${b.held} is not a safe integer`);
      totals.set(asset, (totals.get(asset) ?? 0n) + BigInt(b.available) + BigInt(b.held));
    }
  }
  for (const asset of new Set([...totals.keys(), ...external.keys()]))
    expect(totals.get(asset) ?? 0n, `total ${asset}`).toBe(external.get(asset) ?? 0n);
  for (const a of [...ACCOUNTS, ...ACCOUNTS.map((x) => x + 10)]) {
    for (const o of engine.openOrders(a))
      for (const v of [o.price, o.stopPrice, o.quantity, o.remaining, o.held])
        expect(Number.isSafeInteger(v)).toBe(true);
    // Views at the last trade price, and at the top of the range.
    for (const mark of [(m: string) => marks.get(m), () => MAX]) {
      for (const p of engine.positionsOf(a, mark)) {
        for (const v of [p.quantity, p.costBasis, p.averagePrice, p.realisedPnl, p.feesPaid, p.netPnl])
          expect(Number.isSafeInteger(v), JSON.stringify(p)).toBe(true);
        expect(p.averagePrice).toBeGreaterThanOrEqual(0);
        if (p.unrealisedPnl !== undefined) expect(Number.isSafeInteger(p.unrealisedPnl)).toBe(true);
      }
    }
  }
}

describe('paper engine with numbers at the edge of the range', () => {
  it('never throws, keeps every figure a safe integer and every asset conserved, exactly', () => {
    const seen = { refusedOutOfRange: 0, expiredOutOfRange: 0, trades: 0, outsideFlows: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(1, 10 ** 11, Math.floor(MAX / 3), MAX),
        fc.array(step, { minLength: 5, maxLength: 60 }),
        (grant, steps) => {
          const r = play(grant, steps);
          seen.refusedOutOfRange += r.refusedOutOfRange;
          seen.expiredOutOfRange += r.expiredOutOfRange;
          seen.trades += r.trades;
          seen.outsideFlows += r.outsideFlows;
        },
      ),
      { numRuns: 300 },
    );
    // The runs met the range's edge, and traded.
    expect(seen.refusedOutOfRange).toBeGreaterThan(50);
    expect(seen.trades).toBeGreaterThan(50);
  });
});

/** One engine on the WIDE market with a ledger-exact record of what entered and left, checked after each command. */
function wide(grant: number) {
  const engine = new PaperEngine({ markets: [WIDE], grants: { KRW: grant } });
  const external = new Map<string, bigint>();
  let now = T0;
  const run = (cmd: PaperCommand): PaperEvent[] => {
    const events = engine.apply(cmd);
    for (const e of events) {
      if (e.type === 'deposited' || e.type === 'withdrawn')
        external.set(e.asset, (external.get(e.asset) ?? 0n) + (e.type === 'deposited' ? 1n : -1n) * BigInt(e.amount));
    }
    check(engine, external, new Map());
    return events;
  };
  const book = (bids: Level[], asks: Level[]): PaperBook => ({ receivedAt: now, live: true, bids, asks });
  return {
    engine,
    run,
    open: (account: number) => run({ type: 'open_account', ts: now, account }),
    place: (account: number, order: Record<string, unknown>, bids: Level[] = [], asks: Level[] = []) =>
      run({ type: 'place', ts: ++now, account, market: WIDE.id, book: book(bids, asks), ...order } as PaperCommand),
    trade: (price: number, size: number) => run({ type: 'trade', ts: ++now, market: WIDE.id, price, size }),
  };
}

const reasons = (events: PaperEvent[]) =>
  events.flatMap((e) => (e.type === 'rejected' || e.type === 'expired' ? [e.reason] : []));

describe('the worst a user can type or a replayed file can hold', () => {
  it('orders whose value, hold or band price passes 2^53 − 1 are refused AMOUNT_OUT_OF_RANGE, and an ordinary order still trades', () => {
    const w = wide(1_000_000);
    w.open(1);
    const asks: Level[] = [[MAX, 10]];
    expect(reasons(w.place(1, { side: 'sell', orderType: 'limit', price: MAX, quantity: MAX }))).toEqual([
      'AMOUNT_OUT_OF_RANGE',
    ]);
    expect(reasons(w.place(1, { side: 'buy', orderType: 'limit', price: MAX, quantity: 2 }))).toEqual([
      'AMOUNT_OUT_OF_RANGE',
    ]);
    expect(reasons(w.place(1, { side: 'buy', orderType: 'stop_market', stopPrice: MAX, quantity: 1 }))).toEqual([
      'AMOUNT_OUT_OF_RANGE',
    ]);
    expect(
      reasons(w.place(1, { side: 'buy', orderType: 'stop_limit', stopPrice: 5, price: MAX, quantity: 3 })),
    ).toEqual(['AMOUNT_OUT_OF_RANGE']);
    expect(reasons(w.place(1, { side: 'buy', orderType: 'market', quantity: 2 }, [], asks))).toEqual([
      'AMOUNT_OUT_OF_RANGE',
    ]);
    // A book with a level that is not a pair of safe integers is no book.
    expect(reasons(w.place(1, { side: 'buy', orderType: 'market', quantity: 1 }, [], [[2 ** 60, 1]]))).toEqual([
      'NO_BOOK',
    ]);
    expect(w.engine.balance(1, 'KRW')).toEqual({ available: 1_000_000, held: 0 });
    const ordinary = w.place(1, { side: 'buy', orderType: 'market', quantity: 3 }, [], [[100, 10]]);
    expect(ordinary.map((e) => e.type)).toEqual(['accepted', 'trade', 'filled']);
    expect(w.engine.balance(1, 'WID')).toEqual({ available: 3, held: 0 });
  });

  it('a resting sell the market reaches when its proceeds no longer fit the balance expires amount_out_of_range', () => {
    const w = wide(1_000);
    w.open(1);
    w.place(1, { side: 'buy', orderType: 'market', quantity: 2 }, [], [[1, 2]]);
    const price = Math.floor(MAX * 0.6);
    // Each fits on its own; once the first has paid out, the second cannot.
    for (let i = 0; i < 2; i++)
      expect(w.place(1, { side: 'sell', orderType: 'limit', price, quantity: 1 }).map((e) => e.type)).toEqual([
        'accepted',
      ]);
    const events = w.trade(price + 1, 2);
    expect(events.map((e) => e.type)).toEqual(['trade', 'filled', 'expired']);
    expect(reasons(events)).toEqual(['amount_out_of_range']);
    const proceeds = price - Math.floor(price / 10); // less the 10% maker fee
    expect(w.engine.balance(1, 'KRW').available).toBe(1_000 - 2 + proceeds);
    expect(w.engine.balance(1, 'WID')).toEqual({ available: 1, held: 0 });
    expect(w.engine.openOrders(1)).toEqual([]);
  });

  it('what the venue is short re-enters the ledger as a deposit, so a second winner is paid and totals stay exact', () => {
    const w = wide(1_000);
    w.open(1);
    w.open(2);
    const price = Math.floor(MAX * 0.6);
    for (const a of [1, 2]) {
      w.place(a, { side: 'buy', orderType: 'market', quantity: 1 }, [], [[1, 1]]);
      w.place(a, { side: 'sell', orderType: 'limit', price, quantity: 1 });
    }
    // Both are reached: the venue pays 1.2 × 0.6 of the range, more than it can owe.
    const events = w.trade(price, 10);
    expect(events.filter((e) => e.type === 'filled')).toHaveLength(2);
    const flows = events.filter((e) => e.type === 'deposited');
    expect(flows).toEqual([expect.objectContaining({ account: VENUE_ACCOUNT, asset: 'KRW' })]);
    expect(w.engine.balance(2, 'KRW').available).toBe(1_000 - 1 + price - Math.floor(price / 10));
  });

  it('a position valued at a mark beyond the range shows no unrealised PnL and a net PnL in range', () => {
    const w = wide(1_000);
    w.open(1);
    w.place(1, { side: 'buy', orderType: 'market', quantity: 5 }, [], [[1, 5]]);
    const [p] = w.engine.positionsOf(1, () => MAX);
    expect(p).toMatchObject({ quantity: 5, costBasis: 5, averagePrice: 1, unrealisedPnl: undefined, netPnl: 0 });
    expect(w.engine.positionsOf(1, () => Math.floor(MAX / 5))[0].unrealisedPnl).toBe(Math.floor(MAX / 5) * 5 - 5);
  });

  it('a grant the supply cannot take is refused; what the venue won is taken out of the ledger to make room', () => {
    const grant = Math.floor(MAX * 0.4);
    const w = wide(grant);
    w.open(1);
    w.open(2);
    expect(reasons(w.open(3))).toEqual(['AMOUNT_OUT_OF_RANGE']);
    expect(w.engine.hasAccount(3)).toBe(false);
    // Account 1 pays the venue 30% of the range for a coin, and the room is there.
    w.place(1, { side: 'buy', orderType: 'market', quantity: 1 }, [], [[Math.floor(MAX * 0.3), 1]]);
    const events = w.open(3);
    expect(events.map((e) => e.type)).toEqual(['account_opened', 'withdrawn', 'deposited']);
    expect(events[1]).toMatchObject({ account: VENUE_ACCOUNT, asset: 'KRW' });
    expect(w.engine.balance(3, 'KRW')).toEqual({ available: grant, held: 0 });
  });
});
