/**
 * Trailing stops, brackets and OCO pairs in paper trading: the LPJ engine's rules (../matching/trailing.ts,
 * ../matching/brackets.ts, and ../matching/order-types.test.ts for the same cases there) met against the live
 * book and tape. Every harness is checked for conservation and the engine's audit when its test ends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PaperEngine } from './paper-engine';
import { GRANT, Harness, TST, only, types } from './testing/fixtures';
import type { PaperEvent, PaperOrderRequest } from './types';
import { C, funded as lpjFunded, type Harness as LpjHarness } from '../matching/testing/fixtures';

type LpjPlace = Parameters<LpjHarness['place']>[1];

const A = 1;
const B = 2;

let harnesses: Harness[] = [];
afterEach(() => {
  for (const h of harnesses) h.check();
  harnesses = [];
});

const reason = (events: PaperEvent[]) => only(events, 'rejected')[0]?.reason;
const order = (h: Harness, id: number) => h.engine.openOrders(A).find((o) => o.id === id);

/** A market quoted 9,990 / 10,010 with a last trade at 10,000; A holds 100 TST bought at the market. */
function market(grants: Record<string, number> = { KRW: GRANT }): Harness {
  const h = new Harness([TST], grants);
  harnesses.push(h);
  h.open(A);
  h.open(B);
  h.setBook([[9_990, 1_000]], [[10_010, 1_000]]);
  h.trade(10_000, 1);
  expect(types(h.place(A, { side: 'buy', orderType: 'market', quantity: 100 }))).toContain('filled');
  return h;
}

type Fields = Omit<PaperOrderRequest, 'market'>;

/**
 * Bad inputs and the reason both engines give them, on a market whose last trade was at 10,000 (the LPJ engine's
 * cases in ../matching/order-types.test.ts, on its tick of 5 and lot of 10; see 'the same refusals' below).
 * A trailing stop of 100 (quantity), with:
 */
const TRAIL_REFUSALS: [Partial<Fields>, string][] = [
  [{ side: 'sell', trailBps: 0 }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailBps: 5_001 }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailBps: 1e9 }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailBps: 1.5 }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailBps: -100 }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailAmount: -5 }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailAmount: Number.POSITIVE_INFINITY }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailAmount: 2 ** 60 }, 'INVALID_TRAIL'],
  [{ side: 'sell', trailAmount: 10_000 }, 'INVALID_TRAIL'], // its trigger would be 0
  [{ side: 'buy', trailAmount: Number.MAX_SAFE_INTEGER - 1 }, 'AMOUNT_OUT_OF_RANGE'],
  [{ side: 'sell', trailAmount: 100, trailBps: 100 }, 'INVALID_ORDER'],
  [{ side: 'sell' }, 'INVALID_ORDER'],
  [{ side: 'sell', trailAmount: 100, stopPrice: 9_000 }, 'INVALID_ORDER'],
  [{ side: 'sell', trailAmount: 100, price: 9_000 }, 'INVALID_ORDER'],
  [{ side: 'buy', trailBps: 100, quantity: 10 ** 15 }, 'AMOUNT_OUT_OF_RANGE'],
];

/** A limit entry of 100, with: */
const EXIT_REFUSALS: [Partial<Fields>, string][] = [
  [{ side: 'buy', price: 10_000, takeProfitPrice: 9_900 }, 'INVALID_BRACKET'],
  [{ side: 'buy', price: 10_000, stopLossPrice: 10_100 }, 'INVALID_BRACKET'],
  [{ side: 'sell', price: 10_000, takeProfitPrice: 10_100 }, 'INVALID_BRACKET'],
  [{ side: 'sell', price: 10_000, stopLossPrice: 9_900 }, 'INVALID_BRACKET'],
  [{ side: 'buy', price: 10_000, takeProfitPrice: 10_500, stopLossPrice: 10_600 }, 'INVALID_BRACKET'],
  [{ side: 'buy', price: 10_000, takeProfitPrice: -10_100 }, 'INVALID_PRICE'],
  [{ side: 'buy', price: 10_000, stopLossPrice: 0 }, 'INVALID_PRICE'],
  [{ side: 'buy', price: 10_000, stopLossLimitPrice: 9_000 }, 'INVALID_ORDER'],
  [
    { side: 'buy', price: 10_000, quantity: 10_000, takeProfitPrice: Number.MAX_SAFE_INTEGER - 1 },
    'AMOUNT_OUT_OF_RANGE',
  ],
  [{ side: 'sell', price: 10_000, stopLossPrice: 9_007_199_254_740_000 }, 'AMOUNT_OUT_OF_RANGE'],
];

/** Other entries: a market order's exits are judged against the last trade price, a stop's against its trigger. */
const ENTRY_REFUSALS: [Fields, string][] = [
  [{ side: 'buy', orderType: 'market', quoteAmount: 100_000, takeProfitPrice: 11_000 }, 'INVALID_ORDER'],
  [{ side: 'buy', orderType: 'market', quantity: 10, stopLossPrice: 10_000 }, 'INVALID_BRACKET'],
  [
    { side: 'buy', orderType: 'stop_market', stopPrice: 10_500, quantity: 10, takeProfitPrice: 10_400 },
    'INVALID_BRACKET',
  ],
];

/** A sell OCO pair of 100, with: */
const OCO_REFUSALS: [Partial<Fields>, string][] = [
  [{ takeProfitPrice: 10_500 }, 'INVALID_ORDER'],
  [{ takeProfitPrice: 9_900, stopLossPrice: 9_500 }, 'INVALID_BRACKET'],
  [{ takeProfitPrice: 10_500, stopLossPrice: 10_100 }, 'INVALID_BRACKET'],
  [{ takeProfitPrice: 10_500, stopLossPrice: 9_500, price: 10_000 }, 'INVALID_ORDER'],
];

describe('trailing stops in paper', () => {
  it("a sell's trigger rises with the tape, never falls back, and triggers into the book when the price returns", () => {
    const h = market();
    const placed = h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 100, trailAmount: 100 });
    const id = Harness.orderId(placed);
    expect(only(placed, 'accepted')[0]).toMatchObject({ stopPrice: 9_900, trailAmount: 100, held: 100 });
    expect(h.engine.tradeEffect(TST.id, 10_200)).toBe('resting');
    // The move is published, so Open orders folding the events shows the trigger now.
    expect(h.trade(10_200, 1)).toMatchObject([{ type: 'trigger_moved', orderId: id, stopPrice: 10_100 }]);
    expect(order(h, id)).toMatchObject({ stopPrice: 10_100, trailAmount: 100, triggered: false });
    // A lower trade moves nothing, so it need not be journaled.
    expect(h.engine.tradeEffect(TST.id, 10_150)).toBe('none');
    expect(h.trade(10_150, 1)).toEqual([]);
    expect(order(h, id)?.stopPrice).toBe(10_100);
    h.setBook([[10_050, 1_000]], [[10_300, 1_000]]);
    expect(h.engine.tradeEffect(TST.id, 10_100)).toBe('stops');
    const events = h.trade(10_100, 1);
    expect(only(events, 'triggered')).toMatchObject([{ orderId: id, lastPrice: 10_100 }]);
    expect(only(events, 'trade')).toMatchObject([{ takerOrderId: id, price: 10_050, quantity: 100 }]);
    expect(order(h, id)).toBeUndefined();
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 0, held: 0 });
  });

  it("a buy's trigger by basis points falls with the tape, never rises, and triggers", () => {
    const h = market();
    const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailBps: 100 }));
    expect(order(h, id)?.stopPrice).toBe(10_100);
    h.trade(9_800, 1); // 9,800 × 1.01 = 9,898 (any price unit is on a paper market's grid)
    expect(order(h, id)?.stopPrice).toBe(9_898);
    h.trade(9_850, 1);
    expect(order(h, id)?.stopPrice).toBe(9_898);
    h.setBook([[9_800, 1_000]], [[9_900, 1_000]]);
    const events = h.trade(9_898, 1);
    expect(only(events, 'triggered')).toMatchObject([{ orderId: id }]);
    expect(only(events, 'trade')).toMatchObject([{ takerOrderId: id, price: 9_900, quantity: 100 }]);
    expect(only(events, 'filled').map((e) => e.orderId)).toEqual([id]);
  });

  it('a trailing buy holds for the band above its first trigger, and releases all of it once it has run', () => {
    const h = market();
    const before = h.engine.balance(A, 'KRW');
    const accepted = only(
      h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailAmount: 100 }),
      'accepted',
    )[0];
    // First trigger 10,100; the 5% band above it 10,605; plus the higher (taker) fee, 0.2% → 21.
    expect(accepted.held).toBe(10_605 + 21);
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: before.available - 10_626, held: 10_626 });
    h.trade(9_600, 1);
    h.setBook([[9_600, 1_000]], [[9_700, 1_000]]);
    h.trade(9_700, 1);
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(h.engine.balance(A, 'KRW').held).toBe(0);
  });

  it('takes its first trigger from the best opposite price before any trade, and needs a book then', () => {
    const h = new Harness();
    harnesses.push(h);
    h.open(A);
    expect(reason(h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailAmount: 50 }))).toBe(
      'NO_BOOK',
    );
    h.setBook([], [[10_010, 1_000]]);
    const placed = h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailAmount: 50 });
    expect(only(placed, 'accepted')[0]).toMatchObject({ stopPrice: 10_060 });
    expect(reason(h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 100, trailAmount: 50 }))).toBe(
      'NO_LIQUIDITY',
    );
  });

  it("refuses a distance that is absurd, out of range or doubly given with the LPJ engine's reasons, and an honest order still fills", () => {
    const h = market();
    const before = [h.engine.balances(A), h.engine.openOrders(A)];
    const bad: [Partial<Fields>, string][] = [
      ...TRAIL_REFUSALS,
      [{ side: 'sell', trailBps: Number.NaN }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailAmount: Number.NaN }, 'INVALID_TRAIL'],
      [{ side: 'sell', trailAmount: 100, quantity: 101 }, 'INSUFFICIENT_FUNDS'],
    ];
    for (const [fields, why] of bad) {
      const events = h.place(A, { orderType: 'trailing_stop', quantity: 100, ...fields } as Fields);
      expect([fields, reason(events)]).toEqual([fields, why]);
    }
    expect(reason(h.place(A, { side: 'buy', orderType: 'limit', price: 9_000, quantity: 10, trailAmount: 5 }))).toBe(
      'INVALID_ORDER',
    );
    expect([h.engine.balances(A), h.engine.openOrders(A)]).toEqual(before);
    expect(types(h.place(A, { side: 'sell', orderType: 'market', quantity: 100 }))).toContain('filled');
  });
});

/** A long entry of 100 at 10,010 (filled on entry) with a take-profit at 10,500 and a stop-loss at 9,500. */
function longBracket(h: Harness) {
  const placed = h.place(A, {
    side: 'buy',
    orderType: 'limit',
    price: 10_010,
    quantity: 100,
    takeProfitPrice: 10_500,
    stopLossPrice: 9_500,
  });
  const [entry, tp, sl] = only(placed, 'accepted');
  return { placed, entry, tp, sl };
}

describe('brackets in paper', () => {
  it('an entry that fills whole places its take-profit and stop-loss, linked, sized to it, holding once', () => {
    const h = market();
    h.place(A, { side: 'sell', orderType: 'market', quantity: 100 });
    const { placed, entry, tp, sl } = longBracket(h);
    expect(types(placed).slice(0, 3)).toEqual(['accepted', 'trade', 'filled']);
    expect(entry).toMatchObject({ takeProfitPrice: 10_500, stopLossPrice: 9_500 });
    expect(tp).toMatchObject({ orderType: 'limit', side: 'sell', price: 10_500, quantity: 100, held: 100 });
    expect(tp).toMatchObject({ parentOrderId: entry.orderId, ocoOrderId: sl.orderId });
    expect(sl).toMatchObject({ orderType: 'stop_market', side: 'sell', stopPrice: 9_500, held: 0 });
    expect(sl).toMatchObject({ parentOrderId: entry.orderId, ocoOrderId: tp.orderId });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 0, held: 100 });
  });

  it('the take-profit filling, even in part, cancels the stop-loss with reason oco', () => {
    const h = market();
    h.place(A, { side: 'sell', orderType: 'market', quantity: 100 });
    const { tp, sl } = longBracket(h);
    const events = h.trade(10_500, 40);
    expect(only(events, 'trade')).toMatchObject([{ makerOrderId: tp.orderId, quantity: 40 }]);
    expect(only(events, 'cancelled')).toMatchObject([{ orderId: sl.orderId, reason: 'oco' }]);
    expect(h.engine.openOrders(A)).toMatchObject([{ id: tp.orderId, remaining: 60, held: 60 }]);
    expect(h.engine.openOrders(A)[0].ocoOrderId).toBeUndefined();
  });

  it('the stop-loss triggering on the tape cancels the take-profit, takes over its hold and sells into the book', () => {
    const h = market();
    h.place(A, { side: 'sell', orderType: 'market', quantity: 100 });
    const { tp, sl } = longBracket(h);
    h.setBook([[9_400, 1_000]], [[9_600, 1_000]]);
    const events = h.trade(9_500, 1);
    expect(types(events)).toEqual(['triggered', 'cancelled', 'trade', 'filled']);
    expect(only(events, 'triggered')).toMatchObject([{ orderId: sl.orderId, lastPrice: 9_500 }]);
    expect(only(events, 'cancelled')).toMatchObject([{ orderId: tp.orderId, reason: 'oco' }]);
    expect(only(events, 'trade')).toMatchObject([{ takerOrderId: sl.orderId, price: 9_400, quantity: 100 }]);
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 0, held: 0 });
  });

  it('exits rest only once the entry has filled whole, sized to it; Open orders shows them pending meanwhile', () => {
    const h = market();
    const placed = h.place(A, {
      side: 'buy',
      orderType: 'limit',
      price: 9_900,
      quantity: 100,
      takeProfitPrice: 10_200,
      stopLossPrice: 9_600,
      stopLossLimitPrice: 9_500,
    });
    const entry = Harness.orderId(placed);
    expect(only(placed, 'accepted')).toHaveLength(1);
    expect(order(h, entry)).toMatchObject({ takeProfitPrice: 10_200, stopLossPrice: 9_600, stopLossLimitPrice: 9_500 });
    // A trade through the entry's price fills it whole and needs the book for the take-profit to meet.
    expect(h.engine.tradeEffect(TST.id, 9_950)).toBe('none');
    expect(h.engine.tradeEffect(TST.id, 9_850)).toBe('stops');
    const events = h.trade(9_850, 1);
    expect(only(events, 'accepted')).toMatchObject([
      { orderType: 'limit', side: 'sell', price: 10_200, quantity: 100, parentOrderId: entry },
      { orderType: 'stop_limit', side: 'sell', price: 9_500, stopPrice: 9_600, quantity: 100, parentOrderId: entry },
    ]);
    expect(h.engine.openOrders(A).map((o) => o.parentOrderId)).toEqual([entry, entry]);
  });

  it('a partly filled entry places no exits until it ends; its owner cancelling it places none', () => {
    const h = market();
    const entry = Harness.orderId(
      h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 100, takeProfitPrice: 10_200 }),
    );
    // The book had no size at 9,900 when the entry began to rest: a trade at its price fills it in part.
    const part = h.trade(9_900, 30);
    expect(only(part, 'trade')).toMatchObject([{ makerOrderId: entry, quantity: 30 }]);
    expect(only(part, 'accepted')).toEqual([]);
    const cancelled = h.cancel(A, entry);
    expect(only(cancelled, 'accepted')).toEqual([]);
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 130, held: 0 });

    const whole = Harness.orderId(
      h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 100, takeProfitPrice: 10_200 }),
    );
    h.trade(9_900, 30);
    const rest = h.trade(9_900, 70);
    expect(only(rest, 'accepted')).toMatchObject([{ price: 10_200, quantity: 100, parentOrderId: whole }]);
  });

  it('an entry that ends partly filled (expired when the rest no longer fits the safe range) places exits for what filled', () => {
    // The only way a paper entry ends with part of it filled: the market reaches the rest, but booking it would
    // take a balance past 2^53 − 1 after other fills. Prices near the top of the range make that reachable.
    const h = market();
    h.setBook([[90, 100_000]], [[100, 100_000]]);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 1_000 });
    const older = Harness.orderId(h.place(A, { side: 'sell', orderType: 'limit', price: 7.5e15, quantity: 100 }));
    const entry = Harness.orderId(
      h.place(A, {
        side: 'sell',
        orderType: 'limit',
        price: 2e15,
        quantity: 100,
        takeProfitPrice: 1e15,
        stopLossPrice: 8e15,
      }),
    );
    expect(only(h.trade(2e15, 30), 'trade')).toMatchObject([{ makerOrderId: entry, quantity: 30 }]);
    // Through both: the older sale fills first, then the entry's rest would pass the range.
    h.setBook([[1, 100_000]], [[7.6e15, 100_000]]);
    const events = h.trade(7.5e15 + 1, 1);
    expect(only(events, 'filled').map((e) => e.orderId)).toEqual([older]);
    expect(only(events, 'expired')).toMatchObject([{ orderId: entry, remaining: 70, reason: 'amount_out_of_range' }]);
    expect(only(events, 'accepted')).toMatchObject([
      { orderType: 'limit', side: 'buy', price: 1e15, quantity: 30, parentOrderId: entry },
      { orderType: 'stop_market', side: 'buy', stopPrice: 8e15, quantity: 30, parentOrderId: entry },
    ]);
    expect(h.engine.openOrders(A).map((o) => [o.type, o.remaining, o.parentOrderId])).toEqual([
      ['limit', 30, entry],
      ['stop_market', 30, entry],
    ]);
  });

  it("refuses exits on the wrong side, absurd prices and inconsistent fields with the LPJ engine's reasons", () => {
    const h = market();
    const bad: [Partial<Fields>, string][] = [
      ...EXIT_REFUSALS,
      [{ side: 'buy', price: 10_000, takeProfitPrice: Number.NaN }, 'INVALID_PRICE'],
    ];
    for (const [fields, why] of bad) {
      const events = h.place(A, { orderType: 'limit', quantity: 100, ...fields } as Fields);
      expect([fields, reason(events)]).toEqual([fields, why]);
    }
    for (const [fields, why] of ENTRY_REFUSALS) expect([fields, reason(h.place(A, fields))]).toEqual([fields, why]);
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(types(h.place(A, { side: 'sell', orderType: 'market', quantity: 100 }))).toContain('filled');
  });

  it('an entry cannot be amended to a price its exits no longer fit', () => {
    const h = market();
    const entry = Harness.orderId(
      h.place(A, {
        side: 'buy',
        orderType: 'limit',
        price: 9_900,
        quantity: 50,
        takeProfitPrice: 10_200,
        stopLossPrice: 9_600,
      }),
    );
    expect(reason(h.amend(A, entry, { price: 9_550 }))).toBe('INVALID_BRACKET');
    expect(only(h.amend(A, entry, { price: 9_700 }), 'amended')).toHaveLength(1);
  });

  it("a short's exits that its proceeds cannot fund are refused as a whole, with the entry's id", () => {
    const h = market({ KRW: 20_000 });
    h.setBook([[10_000, 1_000]], [[10_010, 1_000]]);
    const events = h.place(A, {
      side: 'sell',
      orderType: 'limit',
      price: 10_000,
      quantity: 100,
      stopLossPrice: 30_000,
    });
    const entry = Harness.orderId(events);
    expect(only(events, 'rejected')).toMatchObject([
      { reason: 'INSUFFICIENT_FUNDS', command: 'bracket', orderId: entry },
    ]);
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(h.engine.balance(A, 'KRW').held).toBe(0);
  });
});

describe('OCO pairs in paper', () => {
  it('hold once for both; cancelling either cancels the other; neither can be amended', () => {
    const h = market();
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
    expect(h.engine.balance(A, 'TST').held).toBe(100);
    expect(reason(h.amend(A, tp.orderId, { price: 10_600 }))).toBe('ORDER_NOT_AMENDABLE');
    const cancelled = h.cancel(A, sl.orderId);
    expect(only(cancelled, 'cancelled')).toMatchObject([
      { orderId: sl.orderId, reason: 'user' },
      { orderId: tp.orderId, reason: 'oco' },
    ]);
    expect(h.engine.balance(A, 'TST').held).toBe(0);
  });

  it('a buy pair holds the larger of its two costs; a reset ends both', () => {
    const h = market();
    const [tp] = only(
      h.place(A, { side: 'buy', orderType: 'oco', quantity: 100, takeProfitPrice: 9_500, stopLossPrice: 10_500 }),
      'accepted',
    );
    // The stop-loss buys up to the band above 10,500 (11,025), plus the higher fee: more than the take-profit.
    expect(tp.held).toBe(11_025 + 22);
    const reset = h.apply({ type: 'reset', ts: h.now, account: A });
    expect(only(reset, 'cancelled')).toHaveLength(2);
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT, held: 0 });
  });

  it('the take-profit filling cancels the stop-loss; the stop-loss triggering cancels the take-profit', () => {
    const h = market();
    const [tp, sl] = only(
      h.place(A, { side: 'sell', orderType: 'oco', quantity: 50, takeProfitPrice: 10_500, stopLossPrice: 9_500 }),
      'accepted',
    );
    const filled = h.trade(10_600, 1);
    expect(types(filled)).toEqual(['trade', 'cancelled', 'filled']);
    expect(only(filled, 'cancelled')).toMatchObject([{ orderId: sl.orderId, reason: 'oco' }]);
    expect(only(filled, 'trade')).toMatchObject([{ makerOrderId: tp.orderId, price: 10_500, quantity: 50 }]);

    const [tp2, sl2] = only(
      h.place(A, { side: 'sell', orderType: 'oco', quantity: 50, takeProfitPrice: 11_000, stopLossPrice: 10_000 }),
      'accepted',
    );
    const stopped = h.trade(9_990, 1);
    expect(types(stopped)).toEqual(['triggered', 'cancelled', 'trade', 'filled']);
    expect(only(stopped, 'cancelled')).toMatchObject([{ orderId: tp2.orderId, reason: 'oco' }]);
    expect(only(stopped, 'trade')).toMatchObject([{ takerOrderId: sl2.orderId, price: 9_990, quantity: 50 }]);
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 0, held: 0 });
  });

  it('needs both exits on their sides of the last price and the funds for them', () => {
    const h = market();
    const oco = (fields: Partial<Fields>) =>
      reason(h.place(A, { side: 'sell', orderType: 'oco', quantity: 100, ...fields } as Fields));
    for (const [fields, why] of OCO_REFUSALS) expect([fields, oco(fields)]).toEqual([fields, why]);
    expect(oco({ takeProfitPrice: 10_500, stopLossPrice: 9_500, quantity: 101 })).toBe('INSUFFICIENT_FUNDS');
    expect(h.engine.openOrders(A)).toEqual([]);
  });
});

describe('the same refusals as the LPJ engine', () => {
  it('every bad input above is refused with the same reason by both engines', () => {
    // Both with a last trade at 10,000 and a book 9,900 / 10,100 around it (the paper one 9,990 / 10,010).
    const h = market();
    const lpj = lpjFunded();
    lpj.limit(B, 'sell', 10_000, 20);
    lpj.limit(C, 'buy', 10_000, 20);
    lpj.limit(B, 'sell', 10_100, 100);
    lpj.limit(C, 'buy', 9_900, 100);
    const cases: [Fields, string][] = [
      ...TRAIL_REFUSALS.map(([f, why]): [Fields, string] => [
        { orderType: 'trailing_stop', quantity: 100, ...f } as Fields,
        why,
      ]),
      ...EXIT_REFUSALS.map(([f, why]): [Fields, string] => [
        { orderType: 'limit', quantity: 100, ...f } as Fields,
        why,
      ]),
      ...ENTRY_REFUSALS,
      ...OCO_REFUSALS.map(([f, why]): [Fields, string] => [
        { side: 'sell', orderType: 'oco', quantity: 100, ...f } as Fields,
        why,
      ]),
    ];
    for (const [fields, why] of cases) {
      const rejected = lpj.place(A, fields as LpjPlace).find((e) => e.type === 'rejected');
      const lpjReason = rejected?.type === 'rejected' ? rejected.reason : undefined;
      expect([fields, reason(h.place(A, fields)), lpjReason]).toEqual([fields, why, why]);
    }
    lpj.check();
  });
});

describe('snapshots', () => {
  it('carry trailing triggers, pending exits and OCO links: the restored engine behaves the same', () => {
    const h = market();
    h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 50, trailAmount: 100 });
    h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 100, trailBps: 50 });
    h.place(A, { side: 'sell', orderType: 'oco', quantity: 50, takeProfitPrice: 10_500, stopLossPrice: 9_500 });
    h.place(A, {
      side: 'buy',
      orderType: 'limit',
      price: 9_800,
      quantity: 100,
      takeProfitPrice: 10_200,
      stopLossPrice: 9_600,
    });
    h.trade(10_100, 1);
    const copy = PaperEngine.restore(JSON.parse(JSON.stringify(h.engine.snapshot())));
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
    expect(copy.audit()).toEqual([]);
    h.setBook([[9_700, 1_000]], [[9_750, 1_000]]);
    for (const price of [10_300, 9_790, 9_500, 10_600]) {
      const cmd = { type: 'trade', ts: h.now, market: TST.id, price, size: 5, book: h.book } as const;
      expect(copy.apply(cmd)).toEqual(h.apply(cmd));
    }
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
  });

  it('from before trailing stops and brackets restore with plain orders that still trade', () => {
    const h = market();
    h.place(A, { side: 'sell', orderType: 'limit', price: 10_300, quantity: 50 });
    const old = JSON.parse(JSON.stringify(h.engine.snapshot())) as ReturnType<PaperEngine['snapshot']>;
    for (const o of old.orders) {
      const row = o as unknown as Record<string, unknown>;
      for (const key of ['trailAmount', 'trailBps', 'exits', 'parent', 'oco']) delete row[key];
    }
    const copy = PaperEngine.restore(old);
    expect(copy.audit()).toEqual([]);
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
    const cmd = { type: 'trade', ts: h.now, market: TST.id, price: 10_400, size: 5 } as const;
    expect(only(copy.apply(cmd), 'filled')).toHaveLength(1);
  });
});
