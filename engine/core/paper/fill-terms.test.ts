/**
 * A paper journal's terms as a portfolio sets them: fees per market (charged exactly, to the unit), the fill
 * model of resting limit orders (behind the queue, or whole on touch) and the starting balances a reset grants.
 * Every harness is checked for conservation and the engine's audit.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { PaperEngine } from './paper-engine';
import { GRANT, Harness, TST, only, types } from './testing/fixtures';
import type { FillModel, PaperMarketConfig } from './types';

const A = 1;
let harnesses: Harness[] = [];
afterEach(() => {
  for (const h of harnesses) h.check();
  harnesses = [];
});

function harness(market: PaperMarketConfig = TST, fillModel?: FillModel): Harness {
  const h = new Harness([market]);
  harnesses.push(h);
  if (fillModel) h.apply({ type: 'set_terms', ts: h.now, fillModel });
  h.open(A);
  return h;
}

const BIDS: [number, number][] = [[9_900, 40]];
const ASKS: [number, number][] = [[10_000, 50]];

describe('fees as set are the fees charged', () => {
  it('a taker fill pays floor(value × taker bps / 10,000) and a maker fill the maker rate, to the unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        (makerFeeBps, takerFeeBps, takeSize, restSize) => {
          const h = harness({ ...TST, makerFeeBps, takerFeeBps, minNotional: 0 });
          h.setBook(BIDS, ASKS);
          const taken = only(h.place(A, { side: 'buy', orderType: 'market', quantity: takeSize }), 'trade');
          const value = (10_000 * takeSize) / 100;
          expect(taken.map((t) => [t.quoteAmount, t.takerFee])).toEqual([
            [value, Math.floor((value * takerFeeBps) / 10_000)],
          ]);
          const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: restSize }));
          const made = only(h.trade(9_800, restSize), 'trade');
          const restValue = (9_900 * restSize) / 100;
          expect(made.map((t) => [t.makerOrderId, t.quoteAmount, t.makerFee])).toEqual([
            [id, restValue, Math.floor((restValue * makerFeeBps) / 10_000)],
          ]);
          h.check();
          harnesses = [];
        },
      ),
      { numRuns: 60 },
    );
  });

  it('changing a market’s fees changes the next fill’s fee and nothing already booked', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    // 10 @ 10,000 = 1,000 won at 20 bps: 2 won.
    expect(only(h.place(A, { side: 'buy', orderType: 'market', quantity: 10 }), 'trade')[0].takerFee).toBe(2);
    expect(h.apply({ type: 'set_market', ts: h.now, config: { ...TST, takerFeeBps: 150 } })).toEqual([]);
    // The same fill at 150 bps: 15 won; the first fill's fee stays in the position.
    expect(only(h.place(A, { side: 'buy', orderType: 'market', quantity: 10 }), 'trade')[0].takerFee).toBe(15);
    expect(h.engine.positionsOf(A)[0].feesPaid).toBe(17);
  });
});

describe('fill models of resting limit orders', () => {
  /** A buy resting at 9,900 behind 40 in the book, then a trade of 10 at exactly 9,900. */
  function touched(model: FillModel) {
    const h = harness(TST, model);
    h.setBook(BIDS, ASKS);
    const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 25 }));
    return { h, id, events: h.trade(9_900, 10) };
  }

  it('queue: a trade at the price first consumes the 40 ahead, so 10 traded fills nothing', () => {
    const { h, events } = touched('queue');
    expect(types(events)).toEqual([]);
    expect(h.engine.openOrders(A)[0]).toMatchObject({ remaining: 25, queueAhead: 30 });
    // 30 more at the price empty the queue; 5 beyond it fill 5.
    expect(only(h.trade(9_900, 35), 'trade').map((t) => t.quantity)).toEqual([5]);
  });

  it('touch: the same trade fills the whole order at its price, however small the trade', () => {
    const { h, id, events } = touched('touch');
    expect(types(events)).toEqual(['trade', 'filled']);
    expect(only(events, 'trade')[0]).toMatchObject({ makerOrderId: id, price: 9_900, quantity: 25 });
    expect(h.engine.openOrders(A)).toEqual([]);
  });

  it('both fill nothing on a trade short of the price and everything on one through it', () => {
    for (const model of ['queue', 'touch'] as const) {
      const h = harness(TST, model);
      h.setBook(BIDS, ASKS);
      h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 25 });
      expect(types(h.trade(9_950, 100))).toEqual([]);
      expect(types(h.trade(9_899, 1))).toEqual(['trade', 'filled']);
    }
  });

  it('the model survives a snapshot, and a snapshot from before models restores as queue', () => {
    const h = harness(TST, 'touch');
    expect(PaperEngine.restore(h.engine.snapshot()).fills).toBe('touch');
    const { fillModel: _dropped, ...old } = h.engine.snapshot();
    expect(PaperEngine.restore(old).fills).toBe('queue');
  });
});

describe('starting balances', () => {
  it('a reset grants the starting balances in force then, with the flows that keep the ledger conserved', () => {
    const h = harness();
    h.setBook(BIDS, ASKS);
    h.place(A, { side: 'buy', orderType: 'market', quantity: 10 });
    h.place(A, { side: 'buy', orderType: 'limit', price: 9_000, quantity: 20 });
    expect(h.apply({ type: 'set_terms', ts: h.now, grants: { KRW: 5_000, USDT: 7 } })).toEqual([]);
    const events = h.apply({ type: 'reset', ts: h.now, account: A });
    expect(types(events)).toContain('cancelled');
    expect(h.engine.balances(A)).toEqual({
      KRW: { available: 5_000, held: 0 },
      TST: { available: 0, held: 0 },
      USDT: { available: 7, held: 0 },
    });
    expect(h.engine.positionsOf(A)).toEqual([]);
    expect(h.engine.openOrders(A)).toEqual([]);
  });

  it('bad terms are refused whole and change nothing', () => {
    const h = harness();
    const bad: unknown[] = [
      { grants: { KRW: -1 } },
      { grants: { KRW: 2 ** 53 } },
      { grants: { 'krw lower': 1 } },
      { grants: null },
      { grants: { KRW: 5 }, fillModel: 'teleport' },
      { fillModel: 7 },
    ];
    for (const terms of bad) {
      const events = h.apply({ type: 'set_terms', ts: h.now, ...(terms as object) });
      expect(events.map((e) => [e.type, 'reason' in e ? e.reason : ''])).toEqual([['rejected', 'INVALID_COMMAND']]);
    }
    expect(h.engine.startingGrants()).toEqual({ KRW: GRANT });
    expect(h.engine.fills).toBe('queue');
  });
});
