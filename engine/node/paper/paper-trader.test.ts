import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BookEvent, TradeEvent } from '../../core/market-data/types';
import { LEDGER_STREAM } from '../../core/matching/types';
import { PAPER_DB_FILE, PaperTrader, type PaperTraderOptions } from './paper-trader';
import { GRANT, TST } from '../../core/paper/testing/fixtures';
import type { PaperEvent } from '../../core/paper/types';

const A = 1;
let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paper-'));
  dirs.push(dir);
  return dir;
}

class Clock {
  t = 1_700_000_000_000;
  now = () => this.t;
}

const book = (bids: [number, number][], asks: [number, number][]): BookEvent => ({
  type: 'book',
  market: TST.id,
  ts: 0,
  bids,
  asks,
});
const trade = (price: number, size: number): TradeEvent => ({
  type: 'trade',
  market: TST.id,
  ts: 0,
  price,
  size,
  side: 'sell',
  tradeId: `${price}/${size}`,
});
const BOOK = book(
  [
    [9_900, 40],
    [9_800, 60],
  ],
  [
    [10_000, 50],
    [10_100, 30],
  ],
);

function open(dir: string, clock: Clock, extra: Partial<PaperTraderOptions> = {}): PaperTrader {
  return PaperTrader.open({ dir, markets: [TST], grants: { KRW: GRANT }, now: clock.now, ...extra });
}

/** What must survive a restart: balances, live orders and positions of A, and the engine's invariants. */
function view(t: PaperTrader) {
  return {
    balances: t.balances(A),
    orders: t.openOrders(A),
    positions: t.engine.positionsOf(A),
    audit: t.engine.audit(),
  };
}

/** Conservation over the committed event log: every asset's total equals grants minus withdrawals. */
function expectConserved(t: PaperTrader): void {
  const external = new Map<string, number>();
  for (const e of t.eventsSince(LEDGER_STREAM, 0, 10_000)) {
    if (e.type === 'deposited') external.set(e.asset, (external.get(e.asset) ?? 0) + e.amount);
    if (e.type === 'withdrawn') external.set(e.asset, (external.get(e.asset) ?? 0) - e.amount);
  }
  const totals = t.engine.ledger.totals();
  for (const asset of new Set([...totals.keys(), ...external.keys()]))
    expect(totals.get(asset) ?? 0, asset).toBe(external.get(asset) ?? 0);
  expect(totals.get('KRW')).toBeGreaterThan(0);
}

describe('PaperTrader', () => {
  it('keeps accounts, orders and positions across restarts, replayed or from a snapshot', async () => {
    const dir = tempDir();
    const clock = new Clock();
    let t = open(dir, clock, { snapshotOnClose: false });
    expect(existsSync(join(dir, PAPER_DB_FILE))).toBe(true);
    await t.openAccount(A);
    t.onBook(BOOK);
    await t.place(A, { market: TST.id, side: 'buy', orderType: 'market', quantity: 60 });
    await t.place(A, {
      market: TST.id,
      side: 'buy',
      orderType: 'limit',
      price: 9_900,
      quantity: 30,
      clientOrderId: 'rest',
    });
    await t.onTrade(trade(9_900, 50)); // 40 ahead, 10 fill
    const before = view(t);
    expect(before.orders).toMatchObject([{ clientOrderId: 'rest', remaining: 20, queueAhead: 0 }]);
    expectConserved(t);
    t.close();

    // Without a snapshot on close, the reopened engine replays every command and checks its events.
    t = open(dir, clock);
    expect(view(t)).toEqual(before);
    expectConserved(t);
    const filled = await t.onTrade(trade(9_899, 1));
    expect(filled?.map((e) => e.type)).toEqual(['trade', 'filled']);
    const after = view(t);
    expect(after.orders).toEqual([]);
    expect(after.balances.TST).toEqual({ available: 90, held: 0 });
    t.close();

    t = open(dir, clock);
    expect(view(t)).toEqual(after);
    expectConserved(t);
    t.close();
  });

  it('journals the trades that move a trailing trigger, so a restart replays it, with bracket links', async () => {
    const dir = tempDir();
    const clock = new Clock();
    let t = open(dir, clock, { snapshotOnClose: false });
    await t.openAccount(A);
    t.onBook(BOOK);
    await t.place(A, { market: TST.id, side: 'buy', orderType: 'market', quantity: 60 });
    expect(t.onTrade(trade(10_000, 5))).toBeUndefined();
    const [trailing] = await t.place(A, {
      market: TST.id,
      side: 'sell',
      orderType: 'trailing_stop',
      quantity: 30,
      trailAmount: 200,
    });
    await t.place(A, {
      market: TST.id,
      side: 'buy',
      orderType: 'limit',
      price: 9_500,
      quantity: 30,
      takeProfitPrice: 9_800,
      stopLossPrice: 9_300,
    });
    // A new high moves the trigger: a change of state, journaled though nothing traded.
    expect(await t.onTrade(trade(10_300, 5))).toMatchObject([{ type: 'trigger_moved', stopPrice: 10_100 }]);
    expect(t.onTrade(trade(10_200, 5))).toBeUndefined();
    const before = view(t);
    expect(before.orders).toMatchObject([
      { type: 'trailing_stop', stopPrice: 10_100, trailAmount: 200 },
      { type: 'limit', takeProfitPrice: 9_800, stopLossPrice: 9_300 },
    ]);
    t.close();

    t = open(dir, clock);
    expect(view(t)).toEqual(before);
    expectConserved(t);
    // The replayed trigger is where the journal left it: a fall to it triggers the stop into the book.
    t.onBook(BOOK);
    const events = await t.onTrade(trade(10_100, 5));
    expect(events?.map((e) => e.type)).toEqual(['triggered', 'trade', 'filled']);
    expect(events?.[0]).toMatchObject({ orderId: trailing.type === 'accepted' ? trailing.orderId : -1 });
    t.close();
  });

  it('an acknowledged order is on disk before the trader closes', async () => {
    const dir = tempDir();
    const clock = new Clock();
    const t = open(dir, clock);
    await t.openAccount(A);
    t.onBook(BOOK);
    await t.place(A, { market: TST.id, side: 'buy', orderType: 'limit', price: 9_500, quantity: 30 });
    // The files as a crash right now would leave them (the database and its write-ahead log).
    const copy = tempDir();
    for (const suffix of ['', '-wal'])
      copyFileSync(join(dir, PAPER_DB_FILE + suffix), join(copy, PAPER_DB_FILE + suffix));
    const recovered = open(copy, clock);
    expect(view(recovered)).toEqual(view(t));
    expect(recovered.openOrders(A)).toHaveLength(1);
    recovered.close();
    t.close();
  });

  it('journals only the trades that matter, and gives stops the current book', async () => {
    const dir = tempDir();
    const clock = new Clock();
    const published: PaperEvent[] = [];
    const t = open(dir, clock, { onEvents: (events) => published.push(...events) });
    await t.openAccount(A);
    t.onBook(BOOK);
    expect(t.onTrade(trade(10_000, 5))).toBeUndefined();
    expect(t.lastPrice(TST.id)).toBe(10_000);
    await t.place(A, { market: TST.id, side: 'buy', orderType: 'stop_market', stopPrice: 10_050, quantity: 20 });
    expect(t.onTrade(trade(10_040, 5))).toBeUndefined();
    const events = await t.onTrade(trade(10_050, 5));
    expect(events?.map((e) => e.type)).toEqual(['triggered', 'trade', 'filled']);
    expect(events?.[1]).toMatchObject({ price: 10_000, quantity: 20 });
    expect(published.map((e) => e.type)).toEqual([
      'account_opened',
      'deposited',
      'accepted',
      'triggered',
      'trade',
      'filled',
    ]);
    // Marked at the last trade seen.
    expect(t.positions(A)).toMatchObject([
      { quantity: 20, averagePrice: 10_000, markPrice: 10_050, unrealisedPnl: 10 },
    ]);
    t.close();
  });

  it('refuses orders on a book the feed reported stale, a book that aged, or a malformed one', async () => {
    const dir = tempDir();
    const clock = new Clock();
    const errors: Error[] = [];
    const t = open(dir, clock, { onError: (err) => errors.push(err) });
    await t.openAccount(A);
    const order = { market: TST.id, side: 'buy', orderType: 'market', quantity: 10 } as const;
    const reason = async () => {
      const [e] = await t.place(A, order);
      return e.type === 'rejected' ? e.reason : e.type;
    };
    expect(await reason()).toBe('NO_BOOK');
    t.onBook(BOOK);
    t.onStatus({ type: 'status', market: TST.id, status: 'stale', reason: 'no data for 10 s' });
    expect(await reason()).toBe('STALE_BOOK');
    t.onBook(BOOK);
    clock.t += 10_001;
    expect(await reason()).toBe('STALE_BOOK');
    t.onBook(book([[9_900, 40]], [[10_000.5, 50]]));
    expect(errors).toHaveLength(1);
    expect(await reason()).toBe('STALE_BOOK');
    t.onBook(BOOK);
    expect(await reason()).toBe('accepted');
    t.close();
  });

  it('resets an account to its starting balance', async () => {
    const dir = tempDir();
    const t = open(dir, new Clock());
    await t.openAccount(A);
    t.onBook(BOOK);
    await t.place(A, { market: TST.id, side: 'buy', orderType: 'market', quantity: 60 });
    await t.reset(A);
    expect(t.balances(A)).toEqual({ KRW: { available: GRANT, held: 0 }, TST: { available: 0, held: 0 } });
    expect(t.positions(A)).toEqual([]);
    expectConserved(t);
    t.close();
  });

  it('updates a market’s fees on open, and keeps the journal’s own when they cannot change', async () => {
    const dir = tempDir();
    const clock = new Clock();
    let t = open(dir, clock);
    await t.openAccount(A);
    t.onBook(BOOK);
    await t.place(A, { market: TST.id, side: 'buy', orderType: 'limit', price: 9_000, quantity: 30 });
    t.close();
    const errors: Error[] = [];
    t = PaperTrader.open({
      dir,
      markets: [{ ...TST, makerFeeBps: 5 }],
      now: clock.now,
      onError: (e) => errors.push(e),
    });
    expect(t.engine.marketConfig(TST.id)?.makerFeeBps).toBe(5);
    t.close();
    t = PaperTrader.open({
      dir,
      markets: [{ ...TST, takerFeeBps: 50 }],
      now: clock.now,
      onError: (e) => errors.push(e),
    });
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/fees cannot rise while buy orders are live/)]);
    expect(t.engine.marketConfig(TST.id)).toMatchObject({ makerFeeBps: 5, takerFeeBps: 20 });
    await expect(t.addMarket({ ...TST, quoteDecimals: 2 })).rejects.toThrow(/keeps its exchange and units/);
    t.close();
  });
});

describe('latency: an order meets the book as it is when it arrives', () => {
  /** A delay the test releases by hand: the order is "on its way" until then. */
  function manualDelay() {
    const waiting: { ms: number; go: () => void }[] = [];
    return {
      waiting,
      delay: (ms: number) => new Promise<void>((go) => waiting.push({ ms, go })),
    };
  }

  it('a market buy sent before the book moves fills at the book it finds on arrival, on the clock then', async () => {
    const clock = new Clock();
    const d = manualDelay();
    const t = open(tempDir(), clock, { latencyMs: 300, delay: d.delay });
    try {
      await t.openAccount(A);
      t.onBook(BOOK);
      const sent = t.place(A, { market: TST.id, side: 'buy', orderType: 'market', quantity: 10 });
      await expect.poll(() => d.waiting.length).toBe(1);
      expect(d.waiting[0].ms).toBe(300);
      // While the order travels, the ask moves up: 10,000 is gone.
      clock.t += 300;
      t.onBook(book([[9_900, 40]], [[10_500, 50]]));
      expect(t.openOrders(A)).toEqual([]);
      d.waiting[0].go();
      const trades = (await sent).filter((e) => e.type === 'trade');
      expect(trades.map((e) => e.type === 'trade' && [e.price, e.quantity, e.ts])).toEqual([[10_500, 10, clock.t]]);
      expectConserved(t);
    } finally {
      t.close();
    }
  });

  it('without latency the order meets the book at once; a latency out of range is refused', async () => {
    const clock = new Clock();
    const t = open(tempDir(), clock);
    try {
      await t.openAccount(A);
      t.onBook(BOOK);
      const events = await t.place(A, { market: TST.id, side: 'buy', orderType: 'market', quantity: 10 });
      expect(events.filter((e) => e.type === 'trade').map((e) => e.type === 'trade' && e.price)).toEqual([10_000]);
      for (const bad of [-1, 0.5, 10_001, Number.NaN]) expect(() => t.setLatency(bad)).toThrow(RangeError);
      expect(t.latency).toBe(0);
    } finally {
      t.close();
    }
  });
});
