/**
 * The price band for limit orders: no one can print a trade far from the market. A limit price beyond the band
 * on its aggressive side (a buy above reference × (1 + band), a sell below reference × (1 − band)) is refused
 * PRICE_OUT_OF_BAND; the reference is the last trade price, else the best opposite price, else there is none.
 * The LPJ fixture's band is 5% (500 bps) on a tick of 5.
 */
import { describe, expect, it } from 'vitest';
import { A, B, C, Harness, LPJ, RICH, funded, types } from './testing/fixtures';
import type { EngineEvent } from './types';

const harness = funded;

/** A market whose last trade was at 10,000: the band is 9,500 … 10,500. */
function tradedAt10k(): Harness {
  const h = harness();
  h.limit(B, 'sell', 10_000, 100);
  h.limit(C, 'buy', 10_000, 100);
  expect(h.engine.lastPrice(LPJ.id)).toBe(10_000);
  return h;
}

const trades = (events: EngineEvent[]) =>
  events.filter((e): e is Extract<EngineEvent, { type: 'trade' }> => e.type === 'trade');

/** The command is refused PRICE_OUT_OF_BAND and changes no order and no balance. */
function outOfBand(h: Harness, act: () => EngineEvent[]): void {
  const before = h.engine.snapshot();
  const events = act();
  expect(events).toMatchObject([{ type: 'rejected', reason: 'PRICE_OUT_OF_BAND' }]);
  const after = h.engine.snapshot();
  expect(after.accounts).toEqual(before.accounts);
  expect(after.books.map((b) => [b.orders, b.buyStops, b.sellStops, b.lastPrice])).toEqual(
    before.books.map((b) => [b.orders, b.buyStops, b.sellStops, b.lastPrice]),
  );
  h.check();
}

describe('limit orders are held to the price band around the last trade', () => {
  it('refuses a buy at ten times the last price, and one tick above the band; takes one at its edge', () => {
    const h = tradedAt10k();
    h.limit(B, 'sell', 10_500, 100);
    outOfBand(h, () => h.limit(A, 'buy', 100_000, 100));
    outOfBand(h, () => h.limit(A, 'buy', 10_505, 100));
    outOfBand(h, () => h.limit(A, 'buy', 10_505, 100, { timeInForce: 'IOC' }));
    const edge = h.limit(A, 'buy', 10_500, 100);
    expect(trades(edge)).toMatchObject([{ price: 10_500, quantity: 100 }]);
    h.check();
  });

  it('refuses a sell below the band; takes one at its edge', () => {
    const h = tradedAt10k();
    h.limit(B, 'buy', 9_500, 100);
    outOfBand(h, () => h.limit(A, 'sell', 1_000, 100));
    outOfBand(h, () => h.limit(A, 'sell', 9_495, 100, { timeInForce: 'FOK' }));
    expect(trades(h.limit(A, 'sell', 9_500, 100))).toMatchObject([{ price: 9_500 }]);
    h.check();
  });

  it('leaves the passive side free: a sell far above and a buy far below the market rest', () => {
    const h = tradedAt10k();
    expect(types(h.limit(A, 'sell', 50_000, 100))).toEqual(['accepted', 'book']);
    expect(types(h.limit(A, 'buy', 2_000, 100))).toEqual(['accepted', 'book']);
    // The far ask can print only if a buyer crosses the band to reach it, and that buyer is refused.
    outOfBand(h, () => h.limit(B, 'buy', 50_000, 100));
    expect(h.engine.depth(LPJ.id)).toMatchObject({ bids: [[2_000, 100]], asks: [[50_000, 100]] });
    h.check();
  });

  it('before the first trade, the reference is the best opposite price', () => {
    const h = harness();
    h.limit(B, 'sell', 20_000, 100);
    outOfBand(h, () => h.limit(A, 'buy', 21_005, 100));
    expect(trades(h.limit(A, 'buy', 21_000, 100))).toMatchObject([{ price: 20_000 }]);
    const s = harness();
    s.limit(B, 'buy', 20_000, 100);
    outOfBand(s, () => s.limit(A, 'sell', 18_995, 100));
    expect(trades(s.limit(A, 'sell', 19_000, 100))).toMatchObject([{ price: 20_000 }]);
  });

  it('with no trade and an empty opposite side there is no band', () => {
    const h = harness();
    h.limit(C, 'buy', 10_000, 100); // its own side makes no reference for another buy
    expect(types(h.limit(A, 'buy', 1_000_000, 10))).toEqual(['accepted', 'book']);
    const s = harness();
    expect(types(s.limit(B, 'sell', 5, 100_000))).toEqual(['accepted', 'book']);
    // Once an opposite order rests, it is the reference.
    outOfBand(h, () => h.limit(B, 'sell', 5, 100));
    expect(trades(h.limit(B, 'sell', 950_000, 10))).toMatchObject([{ price: 1_000_000 }]);
    h.check();
  });

  it('the last trade is the reference even when the book has moved since', () => {
    const h = tradedAt10k();
    h.limit(B, 'sell', 12_000, 100);
    // The only ask is 20% above the last trade: a limit buy cannot reach it …
    outOfBand(h, () => h.limit(A, 'buy', 12_000, 100));
    // … while a sell near the last trade, which prints back at the market, can.
    expect(types(h.limit(A, 'sell', 10_200, 100))).toEqual(['accepted', 'book']);
    h.check();
  });
});

describe('amends and triggered stop-limits meet the band too', () => {
  it('an amend to a price beyond the band is refused, and the order stays as it was', () => {
    const h = tradedAt10k();
    const bid = Harness.orderId(h.limit(A, 'buy', 9_900, 100));
    const ask = Harness.orderId(h.limit(B, 'sell', 10_100, 100));
    outOfBand(h, () => h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: bid, price: 99_000 }));
    outOfBand(h, () => h.apply({ type: 'amend', market: LPJ.id, account: B, orderId: ask, price: 9_000 }));
    expect(h.engine.openOrders(A)).toMatchObject([{ id: bid, price: 9_900, remaining: 100 }]);
    // A quantity-only amend keeps the price and is not held to the band again; one within the band crosses.
    expect(h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: bid, quantity: 50 })[0]).toMatchObject({
      type: 'amended',
      keptPriority: true,
    });
    expect(trades(h.apply({ type: 'amend', market: LPJ.id, account: A, orderId: bid, price: 10_100 }))).toMatchObject([
      { price: 10_100, quantity: 50 },
    ]);
    h.check();
  });

  it('a stop-limit whose price is beyond the band when it triggers expires with reason price_band, releasing its hold', () => {
    const h = tradedAt10k();
    // Buy stop at 10,200 with a limit of 11,000: when a trade reaches 10,200, 11,000 is beyond 10,200 × 1.05.
    const stop = Harness.orderId(
      h.place(A, { side: 'buy', orderType: 'stop_limit', stopPrice: 10_200, price: 11_000, quantity: 100 }),
    );
    expect(h.engine.balance(A, 'KRW').held).toBeGreaterThan(0);
    h.limit(B, 'sell', 10_200, 100);
    h.limit(B, 'sell', 10_900, 100);
    const events = h.limit(C, 'buy', 10_200, 100);
    expect(events.filter((e) => e.type === 'triggered' || e.type === 'expired')).toMatchObject([
      { type: 'triggered', orderId: stop, lastPrice: 10_200 },
      { type: 'expired', orderId: stop, reason: 'price_band', remaining: 100 },
    ]);
    expect(trades(events).every((t) => t.takerOrderId !== stop)).toBe(true);
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: RICH.KRW, held: 0 });
    expect(h.engine.depth(LPJ.id)!.asks).toEqual([[10_900, 100]]);
    h.check();
  });

  it('a stop-limit within the band when it triggers trades as a limit order', () => {
    const h = tradedAt10k();
    const stop = Harness.orderId(
      h.place(A, { side: 'sell', orderType: 'stop_limit', stopPrice: 9_900, price: 9_800, quantity: 100 }),
    );
    h.limit(B, 'buy', 9_900, 100);
    h.limit(B, 'buy', 9_850, 100);
    const events = h.limit(C, 'sell', 9_900, 100);
    expect(trades(events).filter((t) => t.takerOrderId === stop)).toMatchObject([{ price: 9_850, quantity: 100 }]);
    h.check();
  });
});

describe('market orders are held to the band around the last trade too', () => {
  it('a market sell into a lone far bid does not print: it expires price_band and the bid stays', () => {
    const h = tradedAt10k();
    h.limit(B, 'buy', 5_000, 100); // far below the market, the only bid
    const events = h.place(A, { side: 'sell', orderType: 'market', quantity: 100 });
    expect(trades(events)).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'expired', reason: 'price_band' }));
    expect(h.engine.depth(LPJ.id)!.bids).toEqual([[5_000, 100]]);
    expect(h.engine.lastPrice(LPJ.id)).toBe(10_000);
    h.check();
  });

  it('a market buy fills up to the band above the last trade and no further', () => {
    const h = tradedAt10k();
    h.limit(B, 'sell', 10_400, 100);
    h.limit(B, 'sell', 11_000, 100);
    const events = h.place(A, { side: 'buy', orderType: 'market', quantity: 200 });
    expect(trades(events)).toMatchObject([{ price: 10_400, quantity: 100 }]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'expired', reason: 'price_band' }));
    h.check();
  });
});
