import { afterEach, describe, expect, it } from 'vitest';
import { FEE_ACCOUNT, LEDGER_STREAM } from '../matching/types';
import { GENERATED_PAPER_MARKET } from '../replay/generated-paper-market';
import { paperMarket } from './market-config';
import { PaperEngine } from './paper-engine';
import { GRANT, Harness, TST, only, types } from './testing/fixtures';
import { VENUE_ACCOUNT, type PaperEvent, type PaperRejectReason } from './types';

const A = 1;
const B = 2;

/** Every harness a test made is checked for conservation and the audit when the test ends. */
let harnesses: Harness[] = [];
afterEach(() => {
  for (const h of harnesses) h.check();
  harnesses = [];
});

function harness(): Harness {
  const h = new Harness();
  harnesses.push(h);
  h.open(A);
  h.open(B);
  return h;
}

/** Everything about accounts A and B that a refused command must leave as it was. */
function state(h: Harness) {
  return [A, B].map((a) => ({
    balances: h.engine.balances(a),
    orders: h.engine.openOrders(a),
    positions: h.engine.positionsOf(a),
  }));
}

const ASKS: [number, number][] = [
  [10_000, 50],
  [10_100, 30],
  [10_200, 100],
];
const BIDS: [number, number][] = [
  [9_900, 40],
  [9_800, 60],
];

describe('market orders walk the book', () => {
  it('a buy by quantity pays each level its price, with the taker fee per fill, and the venue is the maker', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    const events = h.place(A, { side: 'buy', orderType: 'market', quantity: 100 });
    expect(types(events)).toEqual(['accepted', 'trade', 'trade', 'trade', 'filled']);
    // 50 @ 10,000 = 5,000 (fee 10); 30 @ 10,100 = 3,030 (fee 6.06 → 6); 20 @ 10,200 = 2,040 (fee 4.08 → 4).
    expect(events[0]).toMatchObject({ orderType: 'market', timeInForce: 'IOC', quantity: 100, held: 10_090 });
    expect(only(events, 'trade').map((t) => [t.price, t.quantity, t.quoteAmount, t.takerFee])).toEqual([
      [10_000, 50, 5_000, 10],
      [10_100, 30, 3_030, 6],
      [10_200, 20, 2_040, 4],
    ]);
    expect(only(events, 'trade')[0]).toMatchObject({
      takerSide: 'buy',
      takerAccount: A,
      makerAccount: VENUE_ACCOUNT,
      makerOrderId: 0,
      makerFee: 0,
    });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 10_090, held: 0 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 100, held: 0 });
    expect(h.engine.balance(VENUE_ACCOUNT, 'KRW')).toEqual({ available: 10_070, held: 0 });
    expect(h.engine.balance(VENUE_ACCOUNT, 'TST')).toEqual({ available: -100, held: 0 });
    expect(h.engine.balance(FEE_ACCOUNT, 'KRW')).toEqual({ available: 20, held: 0 });
    expect(h.engine.openOrders(A)).toEqual([]);
  });

  it('a sell walks the bids down and receives the value less the fee', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 100 });
    const events = h.place(A, { side: 'sell', orderType: 'market', quantity: 70 });
    // 40 @ 9,900 = 3,960 (fee 7.92 → 7); 30 @ 9,800 = 2,940 (fee 5.88 → 5).
    expect(only(events, 'trade').map((t) => [t.price, t.quantity, t.quoteAmount, t.takerFee, t.takerSide])).toEqual([
      [9_900, 40, 3_960, 7, 'sell'],
      [9_800, 30, 2_940, 5, 'sell'],
    ]);
    expect(events[0]).toMatchObject({ held: 70 });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 10_090 + 6_900 - 12, held: 0 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 30, held: 0 });
  });

  it('a buy by quote amount spends at most the budget, fees included, and returns the dust', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    const events = h.place(A, { side: 'buy', orderType: 'market', quoteAmount: 8_000 });
    expect(events[0]).toMatchObject({ quoteAmount: 8_000, quantity: undefined, held: 8_000 });
    // All 50 @ 10,000 (5,010 with fee) leaves 2,990: at 10,100 that buys 29 (2,929 + fee 5); 56 is left over.
    expect(only(events, 'trade').map((t) => [t.price, t.quantity, t.quoteAmount, t.takerFee])).toEqual([
      [10_000, 50, 5_000, 10],
      [10_100, 29, 2_929, 5],
    ]);
    expect(types(events).at(-1)).toBe('filled');
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 7_944, held: 0 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 79, held: 0 });
  });

  it('is refused whole when the book is too thin, missing, stale or empty on its side', () => {
    const h = harness();
    const refused = (order: Parameters<Harness['place']>[1], reason: PaperRejectReason) => {
      const before = state(h);
      const events = h.place(A, order);
      expect(events).toEqual([expect.objectContaining({ type: 'rejected', reason, account: A, command: 'place' })]);
      expect(state(h)).toEqual(before);
    };
    refused({ side: 'buy', orderType: 'market', quantity: 10 }, 'NO_BOOK');
    h.setBook(BIDS, ASKS);
    refused({ side: 'buy', orderType: 'market', quantity: 181 }, 'BOOK_TOO_THIN');
    refused({ side: 'buy', orderType: 'market', quoteAmount: 500_000 }, 'BOOK_TOO_THIN');
    h.setBook([], ASKS);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 20 });
    refused({ side: 'sell', orderType: 'market', quantity: 10 }, 'NO_LIQUIDITY');
    h.setBook(BIDS, ASKS);
    h.now += 10_001;
    refused({ side: 'buy', orderType: 'market', quantity: 10 }, 'STALE_BOOK');
    h.setBook(BIDS, ASKS);
    h.book = { ...h.book!, live: false };
    refused({ side: 'buy', orderType: 'market', quantity: 10 }, 'STALE_BOOK');
    // The whole book is exactly enough: not thin.
    h.setBook(BIDS, ASKS);
    expect(types(h.place(A, { side: 'buy', orderType: 'market', quantity: 180 })).at(-1)).toBe('filled');
  });
});

describe('limit orders', () => {
  it('rest holding value plus the higher fee, and fill whole, at their price, when a trade prints through it', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    const placed = h.place(A, { side: 'buy', orderType: 'limit', price: 9_950, quantity: 100 });
    expect(types(placed)).toEqual(['accepted']);
    expect(placed[0]).toMatchObject({ held: 9_950 + 19, timeInForce: 'GTC', price: 9_950 });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 9_969, held: 9_969 });
    expect(h.engine.openOrders(A)[0]).toMatchObject({ remaining: 100, queueAhead: 0 });

    expect(h.trade(9_960, 500)).toEqual([]);
    expect(h.trade(10_000, 500)).toEqual([]);
    const filled = h.trade(9_940, 1);
    expect(types(filled)).toEqual(['trade', 'filled']);
    expect(filled[0]).toMatchObject({
      price: 9_950,
      quantity: 100,
      quoteAmount: 9_950,
      makerAccount: A,
      takerAccount: VENUE_ACCOUNT,
      makerFee: 9,
      takerFee: 0,
      takerSide: 'sell',
    });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 9_959, held: 0 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 100, held: 0 });
  });

  it('a sell limit fills when a trade prints above it', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 50 });
    const placed = h.place(A, { side: 'sell', orderType: 'limit', price: 10_500, quantity: 50 });
    expect(placed[0]).toMatchObject({ held: 50 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 0, held: 50 });
    expect(h.trade(10_400, 10)).toEqual([]);
    const filled = h.trade(10_501, 1);
    expect(filled[0]).toMatchObject({ price: 10_500, quantity: 50, quoteAmount: 5_250, makerFee: 5, takerSide: 'buy' });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 5_010 + 5_250 - 5, held: 0 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 0, held: 0 });
  });

  it('at exactly its price, fills only with the volume beyond the queue that was ahead of it', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    expect(h.engine.openOrders(A)[0]).toMatchObject({ id, queueAhead: 40 });

    expect(h.trade(9_900, 25)).toEqual([]);
    expect(h.engine.openOrders(A)[0]).toMatchObject({ queueAhead: 15, remaining: 30 });
    const partial = h.trade(9_900, 20);
    expect(types(partial)).toEqual(['trade']);
    expect(partial[0]).toMatchObject({ price: 9_900, quantity: 5 });
    expect(h.engine.openOrders(A)[0]).toMatchObject({ queueAhead: 0, remaining: 25 });
    // What the order still holds is exactly what its remaining 25 can cost.
    expect(h.engine.openOrders(A)[0].held).toBe(2_475 + 4);
    const rest = h.trade(9_900, 100);
    expect(types(rest)).toEqual(['trade', 'filled']);
    expect(rest[0]).toMatchObject({ quantity: 25 });
    expect(h.engine.balance(A, 'TST').available).toBe(30);
  });

  it('a later paper order at the same price is behind the earlier one for the same trade', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    const first = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 20 }));
    const second = Harness.orderId(h.place(B, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 20 }));
    const events = h.trade(9_900, 50);
    // 40 ahead of both; the 10 beyond go to the first order.
    expect(only(events, 'trade').map((t) => [t.makerOrderId, t.quantity])).toEqual([[first, 10]]);
    expect(only(h.trade(9_900, 15), 'trade').map((t) => [t.makerOrderId, t.quantity])).toEqual([
      [first, 10],
      [second, 5],
    ]);
  });

  it('crossing the book on entry takes liquidity up to its price as a taker, then rests the rest', () => {
    const h = harness();
    h.setBook(BIDS, [
      [10_000, 30],
      [10_050, 30],
      [10_200, 50],
    ]);
    const events = h.place(A, { side: 'buy', orderType: 'limit', price: 10_050, quantity: 100 });
    expect(types(events)).toEqual(['accepted', 'trade', 'trade']);
    expect(only(events, 'trade').map((t) => [t.price, t.quantity, t.takerFee, t.makerAccount])).toEqual([
      [10_000, 30, 6, VENUE_ACCOUNT],
      [10_050, 30, 6, VENUE_ACCOUNT],
    ]);
    const [open] = h.engine.openOrders(A);
    expect(open).toMatchObject({ remaining: 40, queueAhead: 0, held: 4_020 + 8 });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 3_006 - 3_021 - 4_028, held: 4_028 });
    expect(h.engine.balance(A, 'TST').available).toBe(60);
  });
});

describe('stop orders', () => {
  it('a stop-market buy waits, triggers on the last trade price reaching its stop, and walks the book', () => {
    const h = harness();
    h.last = 10_000;
    h.setBook(BIDS, [[10_500, 100]]);
    const placed = h.place(A, { side: 'buy', orderType: 'stop_market', stopPrice: 10_400, quantity: 50 });
    expect(types(placed)).toEqual(['accepted']);
    // Held for the worst fill allowed: the band 5 % above the stop, 10,920.
    expect(placed[0]).toMatchObject({ stopPrice: 10_400, held: 5_460 + 10 });
    expect(h.trade(10_399, 5)).toEqual([]);
    const events = h.trade(10_400, 5);
    expect(types(events)).toEqual(['triggered', 'trade', 'filled']);
    expect(events[0]).toMatchObject({ lastPrice: 10_400 });
    expect(events[1]).toMatchObject({ price: 10_500, quantity: 50, takerFee: 10 });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 5_260, held: 0 });
  });

  it('a stop-market sell triggers at or below its stop; one the band cannot fill expires and releases its hold', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 50 });
    h.last = 10_000;
    h.place(A, { side: 'sell', orderType: 'stop_market', stopPrice: 9_950, quantity: 20 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 30, held: 20 });
    const sold = h.trade(9_950, 1);
    expect(types(sold)).toEqual(['triggered', 'trade', 'filled']);
    expect(sold[1]).toMatchObject({ price: 9_900, quantity: 20, takerSide: 'sell' });

    h.setBook([[9_000, 100]], ASKS);
    h.place(A, { side: 'sell', orderType: 'stop_market', stopPrice: 9_800, quantity: 20 });
    const expired = h.trade(9_700, 1);
    // 9,000 is more than 5 % below 9,800.
    expect(types(expired)).toEqual(['triggered', 'expired']);
    expect(expired[1]).toMatchObject({ reason: 'price_band', remaining: 20 });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 30, held: 0 });

    // The last price (9,700) is already at or below these stops: they trigger as soon as they are placed.
    h.setBook([[9_700, 5]], ASKS);
    const thin = h.place(A, { side: 'sell', orderType: 'stop_market', stopPrice: 9_800, quantity: 20 });
    expect(types(thin)).toEqual(['accepted', 'triggered', 'expired']);
    expect(thin[2]).toMatchObject({ reason: 'book_too_thin' });
    h.book = undefined;
    expect(h.place(A, { side: 'sell', orderType: 'stop_market', stopPrice: 9_800, quantity: 20 })[2]).toMatchObject({
      type: 'expired',
      reason: 'no_book',
    });
    expect(h.engine.balance(A, 'TST')).toEqual({ available: 30, held: 0 });
  });

  it('a stop-limit becomes a limit when triggered: it takes what is within its price and rests the rest', () => {
    const h = harness();
    h.last = 10_000;
    h.setBook(BIDS, [
      [10_300, 10],
      [10_400, 100],
    ]);
    h.place(A, { side: 'buy', orderType: 'stop_limit', stopPrice: 10_200, price: 10_300, quantity: 30 });
    const events = h.trade(10_250, 3);
    expect(types(events)).toEqual(['triggered', 'trade']);
    expect(events[1]).toMatchObject({ price: 10_300, quantity: 10, takerAccount: A });
    expect(h.engine.openOrders(A)[0]).toMatchObject({ triggered: true, remaining: 20, queueAhead: 0 });
    expect(types(h.trade(10_299, 1))).toEqual(['trade', 'filled']);
  });

  it('a stop already reached when placed triggers at once', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.last = 10_500;
    const events = h.place(A, { side: 'buy', orderType: 'stop_market', stopPrice: 10_400, quantity: 10 });
    expect(types(events)).toEqual(['accepted', 'triggered', 'trade', 'filled']);
  });
});

describe('cancel', () => {
  it('releases everything the order holds; a second cancel is ORDER_CLOSED, another account gets UNKNOWN_ORDER', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    h.trade(9_900, 45);
    expect(h.engine.openOrders(A)[0].remaining).toBe(25);
    expect(h.cancel(B, id)).toEqual([expect.objectContaining({ type: 'rejected', reason: 'UNKNOWN_ORDER' })]);
    expect(h.cancel(A, id)).toEqual([
      expect.objectContaining({ type: 'cancelled', orderId: id, remaining: 25, reason: 'user' }),
    ]);
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 495 - 0, held: 0 });
    expect(h.cancel(A, id)).toEqual([
      expect.objectContaining({ type: 'rejected', reason: 'ORDER_CLOSED', orderId: id }),
    ]);
    expect(h.cancel(A, 999)).toEqual([expect.objectContaining({ type: 'rejected', reason: 'UNKNOWN_ORDER' })]);
    const stop = Harness.orderId(
      h.place(A, { side: 'buy', orderType: 'stop_limit', stopPrice: 11_000, price: 11_000, quantity: 10 }),
    );
    expect(h.cancel(A, stop)[0]).toMatchObject({ type: 'cancelled' });
    expect(h.engine.balance(A, 'KRW').held).toBe(0);
    expect(h.trade(11_000, 1)).toEqual([]);
  });
});

describe('positions', () => {
  it('average price over several buys, realised PnL on a partial sell, unrealised at the mark, fees counted', () => {
    const h = harness();
    h.setBook(BIDS, [[10_000, 1_000]]);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 100 }); // 10,000, fee 20
    h.setBook(BIDS, [[12_000, 1_000]]);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 100 }); // 12,000, fee 24
    expect(h.engine.positionsOf(A)).toEqual([
      {
        market: TST.id,
        quantity: 200,
        costBasis: 22_000,
        averagePrice: 11_000,
        realisedPnl: 0,
        feesPaid: 44,
        markPrice: undefined,
        unrealisedPnl: undefined,
        netPnl: -44,
      },
    ]);
    h.setBook([[13_000, 1_000]], [[13_100, 1_000]]);
    h.place(A, { side: 'sell', orderType: 'market', quantity: 50 }); // 6,500, fee 13
    const [p] = h.engine.positionsOf(A, () => 12_500);
    expect(p).toEqual({
      market: TST.id,
      quantity: 150,
      costBasis: 16_500,
      averagePrice: 11_000,
      realisedPnl: 6_500 - 5_500,
      feesPaid: 57,
      markPrice: 12_500,
      unrealisedPnl: 18_750 - 16_500,
      netPnl: 1_000 + 2_250 - 57,
    });
    // The position's figures agree with the money: what A has now is the grant plus net PnL, valued at the mark.
    const krw = h.engine.balance(A, 'KRW').available;
    expect(krw + 18_750).toBe(GRANT + p.netPnl);
  });

  it('maker fills from resting orders count too', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'limit', price: 9_500, quantity: 100 });
    h.trade(9_400, 1);
    const [p] = h.engine.positionsOf(A, () => 9_400);
    expect(p).toMatchObject({ quantity: 100, averagePrice: 9_500, feesPaid: 9, unrealisedPnl: -100 });
  });
});

describe('reset', () => {
  it('cancels the orders, takes back everything and grants the starting balance again, as ledger flows', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 100 });
    h.place(A, { side: 'buy', orderType: 'limit', price: 9_000, quantity: 50 });
    h.place(A, { side: 'sell', orderType: 'limit', price: 11_000, quantity: 40 });
    const krw = h.engine.balance(A, 'KRW');
    const events = h.apply({ type: 'reset', ts: h.now, account: A });
    expect(types(events)).toEqual(['reset', 'cancelled', 'cancelled', 'withdrawn', 'withdrawn', 'deposited']);
    expect(only(events, 'cancelled').every((e) => e.reason === 'cancel_all')).toBe(true);
    expect(only(events, 'withdrawn').map((e) => [e.asset, e.amount])).toEqual([
      ['KRW', krw.available + krw.held],
      ['TST', 100],
    ]);
    expect(events[0]).toMatchObject({ market: LEDGER_STREAM, account: A });
    expect(h.engine.balances(A)).toEqual({ KRW: { available: GRANT, held: 0 }, TST: { available: 0, held: 0 } });
    expect(h.engine.openOrders(A)).toEqual([]);
    expect(h.engine.positionsOf(A)).toEqual([]);
    // B is untouched; a reset of an account that does not exist is refused.
    expect(h.engine.balances(B)).toEqual({ KRW: { available: GRANT, held: 0 } });
    expect(h.apply({ type: 'reset', ts: h.now, account: 77 })).toEqual([
      expect.objectContaining({ type: 'rejected', reason: 'UNKNOWN_ACCOUNT' }),
    ]);
  });
});

describe('bad input is refused with a distinct reason and changes nothing', () => {
  const cases: [string, Parameters<Harness['place']>[1], PaperRejectReason][] = [
    ['non-integer quantity', { side: 'buy', orderType: 'limit', price: 9_000, quantity: 1.5 }, 'INVALID_QUANTITY'],
    ['zero quantity', { side: 'buy', orderType: 'market', quantity: 0 }, 'INVALID_QUANTITY'],
    ['non-integer price', { side: 'buy', orderType: 'limit', price: 9_000.5, quantity: 10 }, 'INVALID_PRICE'],
    ['limit without a price', { side: 'buy', orderType: 'limit', quantity: 10 }, 'INVALID_PRICE'],
    ['price on a market order', { side: 'buy', orderType: 'market', price: 9_000, quantity: 10 }, 'INVALID_ORDER'],
    [
      'quantity and quote amount',
      { side: 'buy', orderType: 'market', quantity: 10, quoteAmount: 10_000 },
      'INVALID_ORDER',
    ],
    ['quote amount on a sell', { side: 'sell', orderType: 'market', quoteAmount: 10_000 }, 'INVALID_ORDER'],
    ['unknown side', { side: 'hold' as 'buy', orderType: 'market', quantity: 10 }, 'INVALID_ORDER'],
    ['unknown type', { side: 'buy', orderType: 'iceberg' as 'limit', price: 9_000, quantity: 10 }, 'INVALID_ORDER'],
    ['below the minimum value', { side: 'buy', orderType: 'limit', price: 9_000, quantity: 10 }, 'BELOW_MIN_NOTIONAL'],
    [
      'more quote than the account has',
      { side: 'buy', orderType: 'limit', price: 9_000, quantity: 20_000 },
      'INSUFFICIENT_FUNDS',
    ],
    [
      'coins the account does not have',
      { side: 'sell', orderType: 'limit', price: 9_000, quantity: 20 },
      'INSUFFICIENT_FUNDS',
    ],
    ['a market buy it cannot pay for', { side: 'buy', orderType: 'market', quantity: 180 }, 'INSUFFICIENT_FUNDS'],
  ];
  for (const [name, order, reason] of cases) {
    it(name, () => {
      const h = harness();
      h.setBook(BIDS, ASKS);
      if (reason === 'INSUFFICIENT_FUNDS' && order.orderType === 'market') {
        // Spend most of the grant first so the market buy cannot be paid for.
        h.place(A, { side: 'buy', orderType: 'limit', price: 9_000, quantity: 10_950 });
      }
      const before = state(h);
      const events = h.place(A, order);
      expect(events).toEqual([expect.objectContaining({ type: 'rejected', reason, market: TST.id })]);
      expect(state(h)).toEqual(before);
    });
  }

  it('unknown market (on the ledger stream), unknown account, duplicate client order id, unknown command', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    const before = state(h);
    const reasons = (events: PaperEvent[]) =>
      events.map((e) => (e.type === 'rejected' ? `${e.market}:${e.reason}` : e.type));
    expect(reasons(h.place(A, { market: 'DOGE-KRW', side: 'buy', orderType: 'market', quantity: 10 }))).toEqual([
      `${LEDGER_STREAM}:UNKNOWN_MARKET`,
    ]);
    expect(reasons(h.place(99, { side: 'buy', orderType: 'market', quantity: 10 }))).toEqual([
      `${TST.id}:UNKNOWN_ACCOUNT`,
    ]);
    expect(reasons(h.place(VENUE_ACCOUNT, { side: 'buy', orderType: 'market', quantity: 10 }))).toEqual([
      `${TST.id}:UNKNOWN_ACCOUNT`,
    ]);
    expect(reasons(h.apply({ type: 'open_account', ts: 0, account: A }))).toEqual([`${LEDGER_STREAM}:ACCOUNT_EXISTS`]);
    expect(reasons(h.apply({ type: 'withdraw_all', ts: 0 } as never))).toEqual([`${LEDGER_STREAM}:INVALID_COMMAND`]);
    expect(state(h)).toEqual(before);
    h.place(A, { side: 'buy', orderType: 'limit', price: 9_000, quantity: 20, clientOrderId: 'x1' });
    const mid = state(h);
    expect(
      reasons(h.place(A, { side: 'buy', orderType: 'limit', price: 9_000, quantity: 20, clientOrderId: 'x1' })),
    ).toEqual([`${TST.id}:DUPLICATE_CLIENT_ORDER_ID`]);
    expect(state(h)).toEqual(mid);
  });

  it('trades of unknown markets or with bad numbers are ignored', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'limit', price: 9_950, quantity: 100 });
    expect(h.apply({ type: 'trade', ts: h.now, market: 'DOGE-KRW', price: 1, size: 1 })).toEqual([]);
    expect(h.apply({ type: 'trade', ts: h.now, market: TST.id, price: 9_000.5, size: 1 })).toEqual([]);
    expect(h.apply({ type: 'trade', ts: h.now, market: TST.id, price: 9_000, size: -1 })).toEqual([]);
    expect(h.engine.openOrders(A)).toHaveLength(1);
  });
});

describe('real market units', () => {
  it('BTC-KRW (won prices, 1e-8 BTC, balances in 1e-4 won) and BTC-USDT (cent prices, balances in 1e-8 USDT)', () => {
    const krw = paperMarket(GENERATED_PAPER_MARKET);
    const usdt = paperMarket({
      exchange: 'binance',
      id: 'BTC-USDT',
      symbol: 'BTCUSDT',
      base: 'BTC',
      quote: 'USDT',
      priceDecimals: 2,
      sizeDecimals: 8,
    });
    expect(krw).toMatchObject({ quoteDecimals: 4, makerFeeBps: 5, takerFeeBps: 5 });
    expect(usdt).toMatchObject({ quoteDecimals: 8, makerFeeBps: 10, takerFeeBps: 10 });
    const h = new Harness([krw, usdt], { KRW: 10_000_000 * 10 ** 4, USDT: 10_000 * 10 ** 8 });
    harnesses.push(h);
    h.open(A);
    h.setBook([[139_900_000, 50_000_000]], [[140_000_000, 50_000_000]]);
    // 0.01 BTC at 140,000,000 won = 1,400,000 won; fee 0.05 % = 700 won.
    const bought = h.place(A, { side: 'buy', orderType: 'market', quantity: 1_000_000 });
    expect(bought[1]).toMatchObject({ quoteAmount: 1_400_000 * 10 ** 4, takerFee: 700 * 10 ** 4 });
    expect(h.engine.balance(A, 'KRW').available).toBe((10_000_000 - 1_400_700) * 10 ** 4);
    expect(h.engine.balance(A, 'BTC').available).toBe(1_000_000);

    // Sell that BTC on Binance: 0.01 BTC at 100,000.00 USDT = 1,000 USDT; fee 0.1 % = 1 USDT.
    h.setBook([[10_000_000, 50_000_000]], [[10_000_100, 50_000_000]]);
    const sold = h.apply({
      type: 'place',
      ts: h.now,
      account: A,
      market: 'BTC-USDT',
      side: 'sell',
      orderType: 'market',
      quantity: 1_000_000,
      book: h.book,
    });
    expect(sold[1]).toMatchObject({ quoteAmount: 1_000 * 10 ** 8, takerFee: 10 ** 8 });
    expect(h.engine.balance(A, 'USDT').available).toBe((10_000 + 999) * 10 ** 8);
    expect(h.engine.balance(A, 'BTC').available).toBe(0);
    // Sold on a market where nothing was bought: a short position there, the long stays open on the other.
    expect(h.engine.positionsOf(A).map((p) => [p.market, p.quantity, p.averagePrice])).toEqual([
      ['BTC-KRW', 1_000_000, 140_000_000],
      ['BTC-USDT', -1_000_000, 10_000_000],
    ]);
  });

  it('refuses markets whose units clash with a market of the same asset', () => {
    const krw = paperMarket(GENERATED_PAPER_MARKET);
    const engine = new PaperEngine({ markets: [krw], grants: { KRW: 1 } });
    expect(engine.marketProblem({ ...krw, id: 'ETH-KRW', base: 'ETH', quoteDecimals: 2, priceDecimals: 0 })).toMatch(
      /KRW has 4 decimals/,
    );
    expect(engine.marketProblem({ ...krw, priceDecimals: 1 })).toMatch(/keeps its exchange and units/);
    expect(engine.apply({ type: 'set_market', ts: 0, config: { ...krw, takerFeeBps: 2_000 } })).toEqual([
      expect.objectContaining({ type: 'rejected', reason: 'INVALID_COMMAND' }),
    ]);
    expect(engine.apply({ type: 'set_market', ts: 0, config: { ...krw, takerFeeBps: 7 } })).toEqual([]);
    expect(engine.marketConfig(krw.id)?.takerFeeBps).toBe(7);
  });
});

describe('determinism', () => {
  it('a restored snapshot continues exactly like the engine it was taken from', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 100 });
    h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30, clientOrderId: 'q' });
    h.place(A, { side: 'sell', orderType: 'stop_market', stopPrice: 9_700, quantity: 50 });
    h.trade(9_900, 41);
    const copy = PaperEngine.restore(JSON.parse(JSON.stringify(h.engine.snapshot())));
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
    const rest = [
      { type: 'trade', ts: h.now, market: TST.id, price: 9_900, size: 10, book: h.book },
      { type: 'trade', ts: h.now, market: TST.id, price: 9_600, size: 1, book: h.book },
      { type: 'reset', ts: h.now, account: A },
    ] as const;
    for (const cmd of rest) expect(copy.apply(cmd)).toEqual(h.apply(cmd));
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
  });
});
