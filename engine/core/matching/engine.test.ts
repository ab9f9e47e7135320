import { describe, expect, it } from 'vitest';
import { MatchingEngine } from './engine';
import { A, B, C, Harness, LPJ, RICH, funded, types } from './testing/fixtures';
import { FEE_ACCOUNT, type EngineEvent, type RejectReason } from './types';

const harness = funded;

const trades = (events: EngineEvent[]) =>
  events.filter((e): e is Extract<EngineEvent, { type: 'trade' }> => e.type === 'trade');
const only = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);

describe('limit orders and the ledger', () => {
  it('a resting buy holds notional plus the highest fee, and a cancel releases all of it', () => {
    const h = harness();
    const placed = h.limit(A, 'buy', 10_000, 100);
    expect(types(placed)).toEqual(['accepted', 'book']);
    expect(placed[0]).toMatchObject({ held: 10_020, seq: 1, market: 'LPJ-KRW' });
    expect(placed[1]).toMatchObject({ side: 'buy', price: 10_000, quantity: 100, seq: 2 });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: 100_000_000 - 10_020, held: 10_020 });
    h.check();

    const cancelled = h.apply({ type: 'cancel', market: LPJ.id, account: A, orderId: Harness.orderId(placed) });
    expect(types(cancelled)).toEqual(['cancelled', 'book']);
    expect(cancelled[0]).toMatchObject({ reason: 'user', remaining: 100 });
    expect(cancelled[1]).toMatchObject({ quantity: 0 });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: 100_000_000, held: 0 });
    h.check();
  });

  it('a crossing buy trades at the maker price, pays maker and taker fees exactly and releases the price improvement', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    const events = h.limit(A, 'buy', 10_005, 100);
    expect(types(events)).toEqual(['accepted', 'trade', 'filled', 'filled', 'book']);
    expect(events[1]).toMatchObject({
      price: 10_000,
      quantity: 100,
      quoteAmount: 10_000,
      takerSide: 'buy',
      makerFee: 10,
      takerFee: 20,
      makerAccount: B,
      takerAccount: A,
    });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: 100_000_000 - 10_020, held: 0 });
    expect(h.engine.balance(A, 'LPJ')).toEqual({ available: 1_000_100, held: 0 });
    expect(h.engine.balance(B, 'KRW')).toEqual({ available: 100_000_000 + 9_990, held: 0 });
    expect(h.engine.balance(B, 'LPJ')).toEqual({ available: 999_900, held: 0 });
    expect(h.engine.balance(FEE_ACCOUNT, 'KRW')).toEqual({ available: 30, held: 0 });
    expect(h.engine.lastPrice(LPJ.id)).toBe(10_000);
    h.check();
  });

  it('fills by price, then time: better prices first, and the older order first within a level', () => {
    const h = harness();
    const first = Harness.orderId(h.limit(B, 'sell', 10_010, 100));
    const second = Harness.orderId(h.limit(C, 'sell', 10_010, 100));
    const best = Harness.orderId(h.limit(B, 'sell', 10_005, 50));
    const fills = trades(h.limit(A, 'buy', 10_010, 200));
    expect(fills.map((t) => [t.makerOrderId, t.price, t.quantity])).toEqual([
      [best, 10_005, 50],
      [first, 10_010, 100],
      [second, 10_010, 50],
    ]);
    expect(h.engine.depth(LPJ.id)!.asks).toEqual([[10_010, 50]]);
    h.check();
  });

  it('a partly filled taker rests its remainder and a partly filled maker keeps its place with a smaller hold', () => {
    const h = harness();
    const maker = Harness.orderId(h.limit(A, 'buy', 10_000, 300));
    h.limit(B, 'sell', 10_000, 100);
    const [open] = h.engine.openOrders(A);
    expect(open).toMatchObject({ id: maker, remaining: 200, held: 20_000 + 40 });
    const rest = h.limit(C, 'sell', 9_990, 250);
    expect(trades(rest).map((t) => t.quantity)).toEqual([200]);
    expect(h.engine.depth(LPJ.id)).toMatchObject({ bids: [], asks: [[9_990, 50]] });
    h.check();
  });

  it('a maker rebate is paid out of the same trade’s taker fee', () => {
    const h = new Harness([{ ...LPJ, makerFeeBps: -5, takerFeeBps: 20 }]);
    h.fund(A, RICH);
    h.fund(B, RICH);
    h.limit(A, 'buy', 10_000, 100);
    const [t] = trades(h.limit(B, 'sell', 10_000, 100));
    expect(t).toMatchObject({ makerFee: -5, takerFee: 20 });
    expect(h.engine.balance(A, 'KRW').available).toBe(100_000_000 - 10_000 + 5);
    expect(h.engine.balance(B, 'KRW').available).toBe(100_000_000 + 10_000 - 20);
    expect(h.engine.balance(FEE_ACCOUNT, 'KRW').available).toBe(15);
    h.check();
  });

  it('keeps notional exact beyond 2^53', () => {
    const market = {
      ...LPJ,
      id: 'BTC-KRW',
      base: 'BTC',
      baseDecimals: 8,
      tickSize: 1_000,
      lotSize: 1,
      minNotional: 5_000,
    };
    const h = new Harness([market]);
    // 9,007,199 BTC at 150,000,000 won: price × quantity ≈ 1.35e23, far past 2^53 before the division.
    const quantity = 900_719_900_000_000; // 9,007,199 BTC in satoshi
    const price = 150_000_000;
    const notional = 1_351_079_850_000_000; // exactly price × quantity / 1e8
    h.fund(A, { KRW: notional * 2 });
    h.fund(B, { BTC: quantity });
    h.apply({ type: 'place', market: 'BTC-KRW', account: B, side: 'sell', orderType: 'limit', price, quantity });
    const [t] = trades(
      h.apply({ type: 'place', market: 'BTC-KRW', account: A, side: 'buy', orderType: 'limit', price, quantity }),
    );
    expect(t.quoteAmount).toBe(notional);
    expect(t.takerFee).toBe(notional / 500); // 20 bps
    h.check();
  });
});

describe('market orders', () => {
  it('a market buy walks the book level by level (real slippage) and expires what the book cannot fill', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    h.limit(B, 'sell', 10_050, 100);
    const events = h.place(A, { side: 'buy', orderType: 'market', quantity: 300 });
    expect(trades(events).map((t) => [t.price, t.quantity])).toEqual([
      [10_000, 100],
      [10_050, 100],
    ]);
    expect(only(events, 'expired')).toMatchObject([{ reason: 'market_remainder', remaining: 100 }]);
    expect(h.engine.balance(A, 'KRW').held).toBe(0);
    h.check();
  });

  it('stops at the price band and says so', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    h.limit(B, 'sell', 10_600, 100); // more than 5% above the best ask
    const events = h.place(A, { side: 'buy', orderType: 'market', quantity: 200 });
    expect(trades(events)).toHaveLength(1);
    expect(only(events, 'expired')).toMatchObject([{ reason: 'price_band', remaining: 100 }]);
    h.check();
  });

  it('a market buy by quote amount spends at most that amount, fees included', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    h.limit(B, 'sell', 10_100, 1_000);
    const before = h.engine.balance(A, 'KRW').available;
    const events = h.place(A, { side: 'buy', orderType: 'market', quoteAmount: 50_000 });
    const fills = trades(events);
    const spent = fills.reduce((s, t) => s + t.quoteAmount + t.takerFee, 0);
    expect(spent).toBeLessThanOrEqual(50_000);
    // Within one lot's cost of the budget: it bought as much as the budget allows.
    expect(50_000 - spent).toBeLessThan(1_011 + 3);
    expect(before - h.engine.balance(A, 'KRW').available).toBe(spent);
    expect(types(events)).toContain('filled');
    h.check();
  });

  it('a market sell on an empty book is refused', () => {
    const h = harness();
    const [e] = h.place(A, { side: 'sell', orderType: 'market', quantity: 100 });
    expect(e).toMatchObject({ type: 'rejected', reason: 'NO_LIQUIDITY' });
    h.check();
  });
});

describe('time in force and post-only', () => {
  it('IOC fills what it can and expires the rest', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    const events = h.limit(A, 'buy', 10_000, 300, { timeInForce: 'IOC' });
    expect(trades(events)).toHaveLength(1);
    expect(only(events, 'expired')).toMatchObject([{ reason: 'ioc', remaining: 200 }]);
    expect(h.engine.depth(LPJ.id)!.bids).toEqual([]);
    h.check();
  });

  it('FOK fills whole or is refused without touching the book', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    h.limit(C, 'sell', 10_005, 100);
    const depth = h.engine.depth(LPJ.id);
    const [refused] = h.limit(A, 'buy', 10_005, 300, { timeInForce: 'FOK' });
    expect(refused).toMatchObject({ type: 'rejected', reason: 'FOK_NOT_FILLABLE' });
    expect(h.engine.depth(LPJ.id)!.asks).toEqual(depth!.asks);
    const filled = h.limit(A, 'buy', 10_005, 200, { timeInForce: 'FOK' });
    expect(trades(filled)).toHaveLength(2);
    h.check();
  });

  it('post-only rests when passive and is refused when it would take', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    expect(h.limit(A, 'buy', 10_000, 100, { postOnly: true })[0]).toMatchObject({
      type: 'rejected',
      reason: 'POST_ONLY_WOULD_TAKE',
    });
    expect(types(h.limit(A, 'buy', 9_995, 100, { postOnly: true }))).toEqual(['accepted', 'book']);
    h.check();
  });
});

describe('stop orders', () => {
  it('a stop-market waits, holds its funds, and triggers when the last trade reaches its price', () => {
    const h = harness();
    const stop = Harness.orderId(
      h.place(A, { side: 'buy', orderType: 'stop_market', stopPrice: 10_100, quantity: 100 }),
    );
    expect(h.engine.balance(A, 'KRW').held).toBeGreaterThan(0);
    h.limit(B, 'sell', 10_100, 100);
    h.limit(B, 'sell', 10_150, 100);
    expect(h.engine.openOrders(A)).toMatchObject([{ id: stop, triggered: false }]);
    // C buys at 10,100: the last price reaches the stop, which then buys the next ask.
    const events = h.limit(C, 'buy', 10_100, 100);
    expect(types(events)).toContain('triggered');
    const stopFill = trades(events).find((t) => t.takerOrderId === stop);
    expect(stopFill).toMatchObject({ price: 10_150, quantity: 100 });
    expect(h.engine.openOrders(A)).toEqual([]);
    h.check();
  });

  it('a stop-limit sell triggers into a resting limit order, and triggers can cascade', () => {
    const h = harness();
    const stopLimit = Harness.orderId(
      h.place(A, { side: 'sell', orderType: 'stop_limit', stopPrice: 9_900, price: 9_950, quantity: 100 }),
    );
    const cascade = Harness.orderId(
      h.place(C, { side: 'sell', orderType: 'stop_market', stopPrice: 9_850, quantity: 100 }),
    );
    h.limit(B, 'buy', 9_900, 100);
    h.limit(B, 'buy', 9_850, 100);
    // A trade at 9,900 triggers the stop-limit, which rests at 9,950 (above the bids).
    const first = h.place(C, { side: 'sell', orderType: 'market', quantity: 100 });
    expect(only(first, 'triggered').map((e) => e.orderId)).toEqual([stopLimit]);
    expect(h.engine.depth(LPJ.id)!.asks).toEqual([[9_950, 100]]);
    // A trade at 9,850 triggers the stop-market, which finds no bids left and expires.
    const second = h.limit(A, 'sell', 9_850, 100);
    expect(only(second, 'triggered').map((e) => e.orderId)).toEqual([cascade]);
    expect(only(second, 'expired')).toMatchObject([{ orderId: cascade, reason: 'market_remainder' }]);
    h.check();
  });
});

describe('amend', () => {
  it('reducing the quantity keeps time priority; a new price loses it', () => {
    const h = harness();
    const first = Harness.orderId(h.limit(A, 'sell', 10_000, 200));
    const second = Harness.orderId(h.limit(B, 'sell', 10_000, 100));
    const reduced = h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: first, quantity: 100 });
    expect(reduced[0]).toMatchObject({ type: 'amended', keptPriority: true, remaining: 100 });
    expect(h.engine.balance(A, 'LPJ').held).toBe(100);
    expect(trades(h.limit(C, 'buy', 10_000, 100))[0].makerOrderId).toBe(first);

    const third = Harness.orderId(h.limit(A, 'sell', 10_000, 100));
    h.apply({ type: 'amend', market: LPJ.id, account: B, orderId: second, price: 10_005 });
    h.apply({ type: 'amend', market: LPJ.id, account: B, orderId: second, price: 10_000 });
    expect(trades(h.limit(C, 'buy', 10_000, 100))[0].makerOrderId).toBe(third);
    h.check();
  });

  it('a price amend that crosses trades like a new order', () => {
    const h = harness();
    h.limit(B, 'sell', 10_050, 100);
    const bid = Harness.orderId(h.limit(A, 'buy', 10_000, 100));
    const events = h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: bid, price: 10_050 });
    expect(types(events)).toEqual(['amended', 'trade', 'filled', 'filled', 'book', 'book']);
    h.check();
  });

  it('refuses to amend a filled order, below what has filled, or to nothing new', () => {
    const h = harness();
    const done = Harness.orderId(h.limit(A, 'sell', 10_000, 100));
    h.limit(B, 'buy', 10_000, 100);
    expect(h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: done, quantity: 50 })[0]).toMatchObject({
      reason: 'ORDER_CLOSED',
    });
    const part = Harness.orderId(h.limit(A, 'sell', 10_000, 200));
    h.limit(B, 'buy', 10_000, 100);
    expect(h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: part, quantity: 100 })[0]).toMatchObject({
      reason: 'ORDER_NOT_AMENDABLE',
    });
    expect(
      h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: part, quantity: 200, price: 10_000 })[0],
    ).toMatchObject({ reason: 'ORDER_NOT_AMENDABLE' });
    h.check();
  });
});

describe('self-trade prevention', () => {
  const setup = (stp: 'cancel_resting' | 'cancel_incoming' | 'cancel_both') => {
    const h = harness();
    h.apply({ type: 'set_stp', account: A, stp });
    const resting = Harness.orderId(h.limit(A, 'sell', 10_000, 100));
    h.limit(B, 'sell', 10_005, 100);
    const events = h.limit(A, 'buy', 10_005, 100);
    return { h, resting, events };
  };

  it('cancel_resting cancels my resting order and goes on to fill against others', () => {
    const { h, resting, events } = setup('cancel_resting');
    expect(only(events, 'cancelled')).toMatchObject([{ orderId: resting, reason: 'self_trade' }]);
    expect(trades(events)).toMatchObject([{ price: 10_005, makerAccount: B }]);
    h.check();
  });

  it('cancel_incoming cancels the new order and leaves the resting one', () => {
    const { h, resting, events } = setup('cancel_incoming');
    expect(only(events, 'cancelled')).toMatchObject([{ reason: 'self_trade' }]);
    expect(only(events, 'cancelled')[0].orderId).not.toBe(resting);
    expect(trades(events)).toEqual([]);
    expect(h.engine.openOrders(A).map((o) => o.id)).toEqual([resting]);
    h.check();
  });

  it('cancel_both cancels both', () => {
    const { h, events } = setup('cancel_both');
    expect(only(events, 'cancelled')).toHaveLength(2);
    expect(h.engine.openOrders(A)).toEqual([]);
    h.check();
  });
});

describe('transfers between accounts', () => {
  it('move available balance and leave every total unchanged', () => {
    const h = harness();
    const events = h.apply({
      type: 'transfer',
      from: A,
      to: B,
      asset: 'KRW',
      amount: 250_000,
      reference: 'copy-allocation-7',
    });
    expect(events).toMatchObject([
      { type: 'transferred', account: A, to: B, asset: 'KRW', amount: 250_000, reference: 'copy-allocation-7' },
    ]);
    expect(h.engine.balance(A, 'KRW').available).toBe(100_000_000 - 250_000);
    expect(h.engine.balance(B, 'KRW').available).toBe(100_000_000 + 250_000);
    h.check();
  });

  it('cannot move held funds, more than available, to oneself, or to the fee account', () => {
    const h = harness();
    h.limit(A, 'buy', 10_000, 9_000_000); // holds most of A's KRW
    const available = h.engine.balance(A, 'KRW').available;
    const refusals: [unknown, string][] = [
      [{ type: 'transfer', from: A, to: B, asset: 'KRW', amount: available + 1 }, 'INSUFFICIENT_FUNDS'],
      [{ type: 'transfer', from: A, to: A, asset: 'KRW', amount: 1 }, 'UNKNOWN_ACCOUNT'],
      [{ type: 'transfer', from: A, to: FEE_ACCOUNT, asset: 'KRW', amount: 1 }, 'UNKNOWN_ACCOUNT'],
      [{ type: 'transfer', from: A, to: 99, asset: 'KRW', amount: 1 }, 'UNKNOWN_ACCOUNT'],
      [{ type: 'transfer', from: A, to: B, asset: 'DOGE', amount: 1 }, 'UNKNOWN_ASSET'],
      [{ type: 'transfer', from: A, to: B, asset: 'KRW', amount: -5 }, 'INVALID_AMOUNT'],
    ];
    for (const [cmd, reason] of refusals) {
      const before = h.engine.snapshot().accounts;
      expect(h.apply(cmd as never)).toMatchObject([{ type: 'rejected', reason }]);
      expect(h.engine.snapshot().accounts).toEqual(before);
    }
    h.check();
  });
});

describe('cancel-all', () => {
  it('cancels every live order of the account, stops included, in one market or all', () => {
    const h = new Harness([LPJ, { ...LPJ, id: 'ETH-KRW', base: 'ETH' }]);
    h.fund(A, { ...RICH, ETH: 1_000_000 });
    h.limit(A, 'buy', 9_000, 100);
    h.limit(A, 'sell', 11_000, 100);
    h.place(A, { side: 'sell', orderType: 'stop_market', stopPrice: 8_000, quantity: 100 });
    h.place(A, { market: 'ETH-KRW', side: 'sell', orderType: 'limit', price: 11_000, quantity: 100 });
    const lpj = h.apply({ type: 'cancel_all', market: LPJ.id, account: A });
    expect(only(lpj, 'cancelled').map((e) => e.reason)).toEqual(['cancel_all', 'cancel_all', 'cancel_all']);
    expect(h.engine.openOrders(A).map((o) => o.market)).toEqual(['ETH-KRW']);
    h.apply({ type: 'cancel_all', account: A });
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(h.engine.balance(A, 'KRW').held + h.engine.balance(A, 'LPJ').held + h.engine.balance(A, 'ETH').held).toBe(0);
    h.check();
  });
});

describe('bad input', () => {
  /** Each refusal names its reason and changes no order and no balance. */
  const cases: [string, RejectReason, (h: Harness) => EngineEvent[]][] = [
    [
      'unknown market',
      'UNKNOWN_MARKET',
      (h) => h.place(A, { market: 'NOPE-KRW', side: 'buy', orderType: 'limit', price: 10_000, quantity: 100 }),
    ],
    ['unknown account', 'UNKNOWN_ACCOUNT', (h) => h.limit(99, 'buy', 10_000, 100)],
    ['fractional price', 'INVALID_PRICE', (h) => h.limit(A, 'buy', 10_000.5, 100)],
    ['negative price', 'INVALID_PRICE', (h) => h.limit(A, 'buy', -10_000, 100)],
    ['string quantity', 'INVALID_QUANTITY', (h) => h.limit(A, 'buy', 10_000, '100' as unknown as number)],
    ['zero quantity', 'INVALID_QUANTITY', (h) => h.limit(A, 'buy', 10_000, 0)],
    ['off-tick price', 'OFF_TICK', (h) => h.limit(A, 'buy', 10_001, 100)],
    ['below lot size', 'BELOW_LOT_SIZE', (h) => h.limit(A, 'buy', 10_000, 15)],
    ['below min notional', 'BELOW_MIN_NOTIONAL', (h) => h.limit(A, 'buy', 1_000, 10)],
    ['insufficient funds', 'INSUFFICIENT_FUNDS', (h) => h.limit(A, 'buy', 10_000, 10_000_000)],
    [
      'price on a market order',
      'INVALID_ORDER',
      (h) => h.place(A, { side: 'buy', orderType: 'market', price: 10_000, quantity: 100 }),
    ],
    [
      'unknown order type',
      'INVALID_ORDER',
      (h) => h.place(A, { side: 'buy', orderType: 'iceberg' as 'limit', price: 10_000, quantity: 100 }),
    ],
    [
      'duplicate client order id',
      'DUPLICATE_CLIENT_ORDER_ID',
      (h) => h.limit(A, 'buy', 9_000, 100, { clientOrderId: 'live-1' }),
    ],
    [
      'unknown order id',
      'UNKNOWN_ORDER',
      (h) => h.apply({ type: 'cancel', market: LPJ.id, account: A, orderId: 12_345 }),
    ],
    [
      'another account’s order',
      'UNKNOWN_ORDER',
      (h) => h.apply({ type: 'cancel', market: LPJ.id, account: B, orderId: 1 }),
    ],
    [
      'amending a filled order',
      'ORDER_CLOSED',
      (h) => h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: 2, quantity: 10 }),
    ],
    [
      'withdrawing more than available',
      'INSUFFICIENT_FUNDS',
      (h) => h.apply({ type: 'withdraw', account: A, asset: 'KRW', amount: 1e15 }),
    ],
    [
      'depositing an unknown asset',
      'UNKNOWN_ASSET',
      (h) => h.apply({ type: 'deposit', account: A, asset: 'DOGE', amount: 5 }),
    ],
    [
      'a fractional deposit',
      'INVALID_AMOUNT',
      (h) => h.apply({ type: 'deposit', account: A, asset: 'KRW', amount: 0.5 }),
    ],
    ['an unknown command', 'INVALID_COMMAND', (h) => h.apply({ type: 'explode', account: A } as never)],
  ];

  it.each(cases)('%s → %s, and nothing changes', (_name, reason, act) => {
    const h = harness();
    h.limit(A, 'buy', 9_000, 100, { clientOrderId: 'live-1' }); // order 1, resting
    h.limit(A, 'sell', 12_000, 100); // order 2 ...
    h.limit(B, 'buy', 12_000, 100); // ... filled
    const before = h.engine.snapshot();
    const events = act(h);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'rejected', reason });
    const after = h.engine.snapshot();
    // Only the sequence number of the stream that carried the refusal moved.
    expect(after.accounts).toEqual(before.accounts);
    expect(after.books.map((b) => [b.orders, b.buyStops, b.sellStops, b.lastPrice])).toEqual(
      before.books.map((b) => [b.orders, b.buyStops, b.sellStops, b.lastPrice]),
    );
    expect(after.nextOrderId).toBe(before.nextOrderId);
    h.check();
  });

  it('gives every bad-input case a distinct reason where the issue asks for one', () => {
    const reasons = new Set(cases.map(([, r]) => r));
    expect(reasons.size).toBeGreaterThanOrEqual(14);
  });

  it('refuses a market configuration that would break the money rules', () => {
    expect(() => new MatchingEngine([{ ...LPJ, tickSize: 0 }])).toThrow(/tickSize/);
    expect(() => new MatchingEngine([{ ...LPJ, makerFeeBps: -30, takerFeeBps: 20 }])).toThrow(/rebate/);
    expect(() => new MatchingEngine([{ ...LPJ, baseDecimals: 1.5 }])).toThrow(/baseDecimals/);
  });

  it('refuses a snapshot that lists one order twice, and restores the honest one', () => {
    const h = harness();
    h.limit(A, 'buy', 10_000, 100);
    h.limit(B, 'sell', 10_100, 100);
    const snap = h.engine.snapshot();
    const book = snap.books[0];
    expect(() =>
      MatchingEngine.restore({ ...snap, books: [{ ...book, orders: [...book.orders, book.orders[0]] }] }),
    ).toThrow(/appears twice/);
    const restored = MatchingEngine.restore(snap);
    expect(restored.audit()).toEqual([]);
    expect(restored.openOrders(A)).toEqual(h.engine.openOrders(A));
  });
});
