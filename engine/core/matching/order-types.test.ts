/**
 * Trailing stops and brackets / OCO pairs (./trailing.ts, ./brackets.ts): each rule, with the ledger balanced
 * and the engine's audit clean after every scenario.
 */
import { describe, expect, it } from 'vitest';
import { MatchingEngine, type EngineSnapshot } from './engine';
import { A, B, C, Harness, LPJ, RICH, funded } from './testing/fixtures';
import type { EngineEvent, PlaceCommand } from './types';

type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
const only = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Of<T> => e.type === type);
const reason = (events: EngineEvent[]) => only(events, 'rejected')[0]?.reason;

/** B sells and C buys `quantity` at `price`: the market's last price becomes `price`. */
function printAt(h: Harness, price: number, quantity = 20): void {
  h.limit(B, 'sell', price, quantity);
  const events = h.limit(C, 'buy', price, quantity);
  expect(only(events, 'trade')[0]?.price).toBe(price);
}

function withLast(price = 10_000): Harness {
  const h = funded();
  printAt(h, price);
  return h;
}

const order = (h: Harness, account: number, id: number) => h.engine.openOrders(account).find((o) => o.id === id);

describe('trailing stops', () => {
  it("a sell's trigger rises with the last price, never falls, and triggers when the price comes back to it", () => {
    const h = withLast();
    const placed = h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 100, trailAmount: 100 });
    const id = Harness.orderId(placed);
    expect(only(placed, 'accepted')[0]).toMatchObject({ stopPrice: 9_900, trailAmount: 100, held: 100 });
    printAt(h, 10_200);
    expect(order(h, A, id)).toMatchObject({ stopPrice: 10_100, trailAmount: 100, triggered: false });
    printAt(h, 10_150);
    expect(order(h, A, id)?.stopPrice).toBe(10_100);
    h.limit(C, 'buy', 10_000, 200);
    h.limit(B, 'sell', 10_100, 10);
    const events = h.limit(C, 'buy', 10_100, 10);
    expect(only(events, 'triggered')).toMatchObject([{ orderId: id, lastPrice: 10_100 }]);
    expect(only(events, 'trade').filter((t) => t.takerOrderId === id)).toMatchObject([
      { price: 10_000, quantity: 100 },
    ]);
    expect(order(h, A, id)).toBeUndefined();
    h.check();
  });

  it("a buy's trigger by basis points falls with the price onto the tick, never rises, and triggers", () => {
    const h = withLast();
    const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailBps: 100 }));
    expect(order(h, A, id)?.stopPrice).toBe(10_100);
    printAt(h, 9_800); // 9_800 × 1.01 = 9_898, up to the tick
    expect(order(h, A, id)?.stopPrice).toBe(9_900);
    printAt(h, 9_850);
    expect(order(h, A, id)?.stopPrice).toBe(9_900);
    h.limit(B, 'sell', 9_950, 200);
    h.limit(B, 'sell', 9_900, 20);
    const events = h.limit(C, 'buy', 9_900, 20);
    expect(only(events, 'triggered')).toMatchObject([{ orderId: id }]);
    expect(only(events, 'filled').map((e) => e.orderId)).toContain(id);
    h.check();
  });

  it("a trailing buy's hold covers its band price at the first trigger, and the ledger balances after it runs", () => {
    const h = withLast();
    const accepted = only(
      h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailAmount: 200 }),
      'accepted',
    )[0];
    // Band 5% above the 10_200 trigger: 10_710; notional 10_710 plus the 0.2% taker fee.
    expect(accepted.held).toBe(10_710 + 21);
    printAt(h, 9_600);
    h.limit(B, 'sell', 9_900, 100);
    printAt(h, 9_800);
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(h.engine.balance(A, 'KRW').held).toBe(0);
    h.check();
  });

  it('refuses a distance that is absurd, off the tick, out of range or doubly given, before anything changes', () => {
    const h = withLast();
    const before = h.engine.snapshot();
    const bad: [Partial<PlaceCommand>, string][] = [
      [{ side: 'sell', trailBps: 0 }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailBps: 5_001 }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailBps: 1e9 }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailBps: 1.5 }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailAmount: -5 }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailAmount: 10_000 }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailAmount: 7 }, 'OFF_TICK'],
      [{ side: 'buy', trailAmount: Number.MAX_SAFE_INTEGER - 1 }, 'AMOUNT_OUT_OF_RANGE'],
      [{ side: 'sell', trailAmount: 100, trailBps: 100 }, 'INVALID_ORDER'],
      [{ side: 'sell' }, 'INVALID_ORDER'],
      [{ side: 'sell', trailAmount: 100, stopPrice: 9_000 }, 'INVALID_ORDER'],
      [{ side: 'sell', trailAmount: 100, timeInForce: 'GTC' }, 'INVALID_ORDER'],
      [{ side: 'buy', trailBps: 100, quantity: 10 ** 15 }, 'AMOUNT_OUT_OF_RANGE'],
    ];
    for (const [fields, why] of bad) {
      const events = h.place(A, { orderType: 'trailing_stop', quantity: 100, ...fields } as PlaceCommand);
      expect([fields, reason(events)]).toEqual([fields, why]);
    }
    // Balances and orders as they were (only the market's sequence number moved, one rejection per command).
    expect({ ...h.engine.snapshot(), books: [] }).toEqual({ ...before, books: [] });
    const empty = funded();
    expect(reason(empty.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 100, trailBps: 100 }))).toBe(
      'NO_LIQUIDITY',
    );
    h.check();
  });
});

describe('brackets', () => {
  it('an entry that fills whole places its take-profit and stop-loss, linked, sized to it, holding once', () => {
    const h = withLast();
    h.limit(B, 'sell', 10_000, 100);
    const placed = h.limit(A, 'buy', 10_000, 100, { takeProfitPrice: 10_500, stopLossPrice: 9_500 });
    const entry = Harness.orderId(placed);
    const [, tp, sl] = only(placed, 'accepted');
    expect(only(placed, 'accepted')[0]).toMatchObject({ takeProfitPrice: 10_500, stopLossPrice: 9_500 });
    expect(tp).toMatchObject({ orderType: 'limit', side: 'sell', price: 10_500, quantity: 100, parentOrderId: entry });
    expect(sl).toMatchObject({ orderType: 'stop_market', side: 'sell', stopPrice: 9_500, parentOrderId: entry });
    expect(tp.ocoOrderId).toBe(sl.orderId);
    expect(sl.ocoOrderId).toBe(tp.orderId);
    expect(h.engine.balance(A, 'LPJ')).toEqual({ available: RICH.LPJ, held: 100 });
    h.check();
  });

  it('the take-profit filling (even in part) cancels the stop-loss with reason oco', () => {
    const h = withLast();
    h.limit(B, 'sell', 10_000, 100);
    const [, tp, sl] = only(
      h.limit(A, 'buy', 10_000, 100, { takeProfitPrice: 10_500, stopLossPrice: 9_500 }),
      'accepted',
    );
    const events = h.limit(C, 'buy', 10_500, 40);
    expect(only(events, 'trade')).toMatchObject([{ makerOrderId: tp.orderId, quantity: 40 }]);
    expect(only(events, 'cancelled')).toMatchObject([{ orderId: sl.orderId, reason: 'oco' }]);
    expect(h.engine.openOrders(A)).toMatchObject([{ id: tp.orderId, remaining: 60 }]);
    expect(h.engine.openOrders(A)[0].ocoOrderId).toBeUndefined();
    h.check();
  });

  it('the stop-loss triggering cancels the take-profit, takes over its hold and sells at the market', () => {
    const h = withLast();
    h.limit(B, 'sell', 10_000, 100);
    const [, tp, sl] = only(
      h.limit(A, 'buy', 10_000, 100, { takeProfitPrice: 10_500, stopLossPrice: 9_500 }),
      'accepted',
    );
    h.limit(C, 'buy', 9_400, 500);
    printAt(h, 9_500);
    const events = h.events.slice(-20);
    expect(only(events, 'triggered')).toMatchObject([{ orderId: sl.orderId }]);
    expect(only(events, 'cancelled')).toMatchObject([{ orderId: tp.orderId, reason: 'oco' }]);
    expect(only(events, 'trade').filter((t) => t.takerOrderId === sl.orderId)).toMatchObject([
      { price: 9_400, quantity: 100 },
    ]);
    expect(h.engine.openOrders(A)).toEqual([]);
    h.check();
  });

  it('a partly filled entry that expires places exits for what filled; one its owner cancels places none', () => {
    const h = withLast();
    h.limit(B, 'sell', 10_000, 30);
    const events = h.limit(A, 'buy', 10_000, 100, {
      timeInForce: 'IOC',
      takeProfitPrice: 10_500,
      stopLossPrice: 9_500,
    });
    expect(only(events, 'expired')).toMatchObject([{ remaining: 70 }]);
    expect(only(events, 'accepted').slice(1)).toMatchObject([{ quantity: 30 }, { quantity: 30 }]);
    h.apply({ type: 'cancel_all', account: A });

    h.limit(B, 'sell', 10_000, 30);
    const entry = Harness.orderId(h.limit(A, 'buy', 10_000, 100, { takeProfitPrice: 10_500, stopLossPrice: 9_500 }));
    const cancelled = h.apply({ type: 'cancel', market: LPJ.id, account: A, orderId: entry });
    expect(only(cancelled, 'accepted')).toEqual([]);
    expect(h.engine.openOrders(A)).toEqual([]);
    h.check();
  });

  it('an entry resting in the book places its exits when another order fills it', () => {
    const h = withLast();
    const entry = Harness.orderId(
      h.limit(A, 'buy', 9_900, 50, { takeProfitPrice: 10_200, stopLossLimitPrice: 9_500, stopLossPrice: 9_600 }),
    );
    const events = h.place(B, { side: 'sell', orderType: 'market', quantity: 50 });
    expect(only(events, 'accepted').slice(1)).toMatchObject([
      { orderType: 'limit', price: 10_200, parentOrderId: entry },
      { orderType: 'stop_limit', price: 9_500, stopPrice: 9_600, parentOrderId: entry },
    ]);
    h.check();
  });

  it('refuses exits on the wrong side, absurd prices and inconsistent fields, with a reason', () => {
    const h = withLast();
    const bad: [Partial<PlaceCommand>, string][] = [
      [{ side: 'buy', price: 10_000, takeProfitPrice: 9_900 }, 'INVALID_BRACKET'],
      [{ side: 'buy', price: 10_000, stopLossPrice: 10_100 }, 'INVALID_BRACKET'],
      [{ side: 'sell', price: 10_000, takeProfitPrice: 10_100 }, 'INVALID_BRACKET'],
      [{ side: 'sell', price: 10_000, stopLossPrice: 9_900 }, 'INVALID_BRACKET'],
      [{ side: 'buy', price: 10_000, takeProfitPrice: 10_003 }, 'OFF_TICK'],
      [{ side: 'buy', price: 10_000, takeProfitPrice: -10_100 }, 'INVALID_PRICE'],
      [{ side: 'buy', price: 10_000, stopLossLimitPrice: 9_000 }, 'INVALID_ORDER'],
      [
        { side: 'buy', price: 10_000, quantity: 10_000, takeProfitPrice: Number.MAX_SAFE_INTEGER - 1 },
        'AMOUNT_OUT_OF_RANGE',
      ],
      [{ side: 'sell', price: 10_000, stopLossPrice: 9_007_199_254_740_000 }, 'AMOUNT_OUT_OF_RANGE'],
    ];
    for (const [fields, why] of bad) {
      const events = h.place(A, { orderType: 'limit', quantity: 100, ...fields } as PlaceCommand);
      expect([fields, reason(events)]).toEqual([fields, why]);
    }
    h.limit(B, 'sell', 10_100, 100);
    expect(
      reason(h.place(A, { side: 'buy', orderType: 'market', quoteAmount: 100_000, takeProfitPrice: 11_000 })),
    ).toBe('INVALID_ORDER');
    expect(h.engine.openOrders(A)).toEqual([]);
    h.apply({ type: 'cancel_all', account: B });
    h.check();
  });

  it('an entry cannot be amended to a price its exits no longer fit', () => {
    const h = withLast();
    const entry = Harness.orderId(h.limit(A, 'buy', 9_900, 50, { takeProfitPrice: 10_200, stopLossPrice: 9_600 }));
    const amend = (price: number) => h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: entry, price });
    expect(reason(amend(9_550))).toBe('INVALID_BRACKET');
    expect(only(amend(9_700), 'amended')).toHaveLength(1);
    h.check();
  });

  it("a short's exits that its proceeds cannot fund are refused as a whole, with the entry's id", () => {
    const h = new Harness();
    h.fund(B, RICH);
    h.fund(C, RICH);
    h.fund(A, { LPJ: 100 });
    printAt(h, 10_000);
    h.limit(C, 'buy', 10_000, 100);
    const events = h.limit(A, 'sell', 10_000, 100, { stopLossPrice: 12_000 });
    const entry = Harness.orderId(events);
    expect(only(events, 'rejected')).toMatchObject([
      { reason: 'INSUFFICIENT_FUNDS', command: 'bracket', orderId: entry },
    ]);
    expect(h.engine.openOrders(A)).toEqual([]);
    h.check();
  });
});

describe('OCO pairs on their own', () => {
  it('hold once for both, and cancelling either cancels the other', () => {
    const h = withLast();
    const events = h.place(A, {
      side: 'sell',
      orderType: 'oco',
      quantity: 100,
      takeProfitPrice: 10_500,
      stopLossPrice: 9_500,
      clientOrderId: 'exit-1',
    });
    const [tp, sl] = only(events, 'accepted');
    expect(tp).toMatchObject({ orderType: 'limit', clientOrderId: 'exit-1', held: 100, ocoOrderId: sl.orderId });
    expect(sl).toMatchObject({ orderType: 'stop_market', held: 0, ocoOrderId: tp.orderId });
    expect(h.engine.balance(A, 'LPJ').held).toBe(100);
    expect(reason(h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: tp.orderId, price: 10_600 }))).toBe(
      'ORDER_NOT_AMENDABLE',
    );
    const cancelled = h.apply({ type: 'cancel', market: LPJ.id, account: A, orderId: sl.orderId });
    expect(only(cancelled, 'cancelled')).toMatchObject([
      { orderId: sl.orderId, reason: 'user' },
      { orderId: tp.orderId, reason: 'oco' },
    ]);
    expect(h.engine.balance(A, 'LPJ').held).toBe(0);
    h.check();
  });

  it('a buy pair holds the larger of its two costs; cancel_all ends both', () => {
    const h = withLast();
    const [tp] = only(
      h.place(A, { side: 'buy', orderType: 'oco', quantity: 100, takeProfitPrice: 9_500, stopLossPrice: 10_500 }),
      'accepted',
    );
    // The stop-loss buys up to the band above 10_500 (11_025), plus the 0.2% fee: more than the take-profit.
    expect(tp.held).toBe(11_025 + 22);
    const all = h.apply({ type: 'cancel_all', account: A });
    expect(only(all, 'cancelled')).toHaveLength(2);
    expect(h.engine.balance(A, 'KRW').held).toBe(0);
    h.check();
  });

  it('needs both exits on their sides of the last price and the funds for them', () => {
    const h = withLast();
    const oco = (fields: Partial<PlaceCommand>) =>
      reason(h.place(A, { side: 'sell', orderType: 'oco', quantity: 100, ...fields } as PlaceCommand));
    expect(oco({ takeProfitPrice: 10_500 })).toBe('INVALID_ORDER');
    expect(oco({ takeProfitPrice: 9_900, stopLossPrice: 9_500 })).toBe('INVALID_BRACKET');
    expect(oco({ takeProfitPrice: 10_500, stopLossPrice: 10_100 })).toBe('INVALID_BRACKET');
    expect(oco({ takeProfitPrice: 10_500, stopLossPrice: 9_500, price: 10_000 })).toBe('INVALID_ORDER');
    expect(oco({ takeProfitPrice: 10_500, stopLossPrice: 9_500, timeInForce: 'IOC' })).toBe('INVALID_ORDER');
    expect(oco({ takeProfitPrice: 10_500, stopLossPrice: 9_500, quantity: RICH.LPJ + 10 })).toBe('INSUFFICIENT_FUNDS');
    h.check();
  });
});

describe('snapshots', () => {
  it('carry trailing triggers and OCO links: the restored engine behaves the same', () => {
    const h = withLast();
    h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 100, trailAmount: 100 });
    h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailBps: 50 });
    h.place(A, { side: 'sell', orderType: 'oco', quantity: 100, takeProfitPrice: 10_500, stopLossPrice: 9_500 });
    h.limit(A, 'buy', 9_800, 100, { takeProfitPrice: 10_200, stopLossPrice: 9_600 });
    printAt(h, 10_100);
    const copy = MatchingEngine.restore(JSON.parse(JSON.stringify(h.engine.snapshot())) as EngineSnapshot);
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
    expect(copy.audit()).toEqual([]);
    const next: PlaceCommand[] = [
      { type: 'place', market: LPJ.id, account: B, side: 'sell', orderType: 'limit', price: 10_300, quantity: 10 },
      { type: 'place', market: LPJ.id, account: C, side: 'buy', orderType: 'limit', price: 10_300, quantity: 10 },
      { type: 'place', market: LPJ.id, account: B, side: 'sell', orderType: 'market', quantity: 500 },
      { type: 'place', market: LPJ.id, account: C, side: 'buy', orderType: 'limit', price: 10_500, quantity: 300 },
    ];
    for (const cmd of next) expect(copy.apply(cmd)).toEqual(h.engine.apply(cmd));
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
  });
});
