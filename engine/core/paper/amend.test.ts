/**
 * Amending paper orders: the LPJ engine's rules and reason codes (a smaller quantity keeps the order's place, a
 * new price or a larger quantity goes to the back and meets the book), the hold following the order, refusals
 * that change nothing, and a seeded run of mixed commands after which the ledger still balances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Prng } from '../random/prng';
import { PaperEngine } from './paper-engine';
import { GRANT, Harness, TST, only, types } from './testing/fixtures';
import { VENUE_ACCOUNT, type PaperEvent } from './types';

const A = 1;
const B = 2;

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
  h.setBook(
    [
      [9_900, 40],
      [9_800, 60],
    ],
    [
      [10_000, 50],
      [10_100, 30],
    ],
  );
  return h;
}

const snapshotOf = (h: Harness) =>
  JSON.stringify(h.engine.snapshot().accounts) + JSON.stringify(h.engine.openOrders(A));

describe('paper amend', () => {
  it('a smaller quantity keeps the place in the queue and releases the hold it no longer needs', () => {
    const h = harness();
    const first = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    const second = Harness.orderId(h.place(B, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    const events = h.amend(A, first, { quantity: 20 });
    expect(events).toMatchObject([{ type: 'amended', keptPriority: true, quantity: 20, remaining: 20, price: 9_900 }]);
    // 20 × 9,900 / 100 = 1,980 plus the higher fee (20 bps → 3).
    expect(h.engine.openOrders(A)[0]).toMatchObject({ held: 1_983, queueAhead: 40 });
    expect(h.engine.balance(A, 'KRW')).toEqual({ available: GRANT - 1_983, held: 1_983 });
    // Still ahead of the later order for the volume beyond the book's queue.
    const trades = only(h.trade(9_900, 45), 'trade');
    expect(trades.map((t) => [t.makerOrderId, t.quantity])).toEqual([[first, 5]]);
    expect(second).toBeGreaterThan(first);
  });

  it('a new price goes to the back, behind the book at that price and behind older paper orders', () => {
    const h = harness();
    const first = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_800, quantity: 30 }));
    const second = Harness.orderId(h.place(B, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    const events = h.amend(A, first, { price: 9_900 });
    expect(events).toMatchObject([{ type: 'amended', keptPriority: false, price: 9_900, quantity: 30 }]);
    expect(h.engine.openOrders(A)[0]).toMatchObject({ price: 9_900, queueAhead: 40, held: 2_970 + 5 });
    const trades = only(h.trade(9_900, 80), 'trade');
    expect(trades.map((t) => [t.makerOrderId, t.quantity])).toEqual([
      [second, 30],
      [first, 10],
    ]);
  });

  it('a larger quantity loses priority and holds more; a price that crosses takes the book like a new order', () => {
    const h = harness();
    const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    h.trade(9_900, 20); // the queue ahead shrinks to 20
    expect(h.amend(A, id, { quantity: 60 })).toMatchObject([{ type: 'amended', keptPriority: false }]);
    expect(h.engine.openOrders(A)[0]).toMatchObject({ queueAhead: 40, held: 5_940 + 11 });
    const crossed = h.amend(A, id, { price: 10_000 });
    expect(types(crossed)).toEqual(['amended', 'trade']);
    expect(only(crossed, 'trade').map((t) => [t.price, t.quantity, t.takerAccount, t.makerAccount])).toEqual([
      [10_000, 50, A, VENUE_ACCOUNT],
    ]);
    expect(h.engine.balance(A, 'TST').available).toBe(50);
    expect(h.engine.openOrders(A)[0]).toMatchObject({ remaining: 10, quantity: 60 });
  });

  it('is refused with the engine reason codes and changes nothing', () => {
    const h = harness();
    const id = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    const stop = Harness.orderId(
      h.place(A, { side: 'buy', orderType: 'stop_limit', stopPrice: 11_000, price: 11_000, quantity: 10 }),
    );
    const before = snapshotOf(h);
    const reason = (events: PaperEvent[]) => only(events, 'rejected')[0]?.reason;
    expect(reason(h.amend(A, id, {}))).toBe('ORDER_NOT_AMENDABLE');
    expect(reason(h.amend(A, id, { quantity: 30, price: 9_900 }))).toBe('ORDER_NOT_AMENDABLE');
    expect(reason(h.amend(A, stop, { price: 10_500 }))).toBe('ORDER_NOT_AMENDABLE');
    expect(reason(h.amend(A, id, { quantity: 0 }))).toBe('INVALID_QUANTITY');
    expect(reason(h.amend(A, id, { quantity: 1.5 }))).toBe('INVALID_QUANTITY');
    expect(reason(h.amend(A, id, { price: -1 }))).toBe('INVALID_PRICE');
    expect(reason(h.amend(A, id, { price: Number.NaN }))).toBe('INVALID_PRICE');
    expect(reason(h.amend(A, id, { price: Number.MAX_SAFE_INTEGER, quantity: 1_000 }))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(reason(h.amend(A, id, { quantity: Number.MAX_SAFE_INTEGER }))).toBe('AMOUNT_OUT_OF_RANGE');
    expect(reason(h.amend(A, id, { quantity: 1 }))).toBe('BELOW_MIN_NOTIONAL');
    expect(reason(h.amend(A, id, { quantity: 20_000 }))).toBe('INSUFFICIENT_FUNDS');
    expect(reason(h.amend(B, id, { quantity: 20 }))).toBe('UNKNOWN_ORDER');
    expect(reason(h.amend(A, 999, { quantity: 20 }))).toBe('UNKNOWN_ORDER');
    expect(
      only(h.apply({ type: 'amend', ts: h.now, account: A, market: 'NOPE-KRW', orderId: id }), 'rejected')[0],
    ).toMatchObject({ reason: 'UNKNOWN_MARKET' });
    // A move needs a usable book, as a new order does; a smaller quantity does not.
    const book = h.book;
    h.book = undefined;
    expect(reason(h.amend(A, id, { price: 9_800 }))).toBe('NO_BOOK');
    h.book = { ...book!, live: false };
    expect(reason(h.amend(A, id, { price: 9_800 }))).toBe('STALE_BOOK');
    expect(snapshotOf(h)).toBe(before);
    expect(types(h.amend(A, id, { quantity: 20 }))).toEqual(['amended']);
    h.book = book;
    h.cancel(A, id);
    expect(reason(h.amend(A, id, { quantity: 10 }))).toBe('ORDER_CLOSED');
  });

  it('replays: a restored snapshot keeps the order of paper orders an amend changed', () => {
    const h = harness();
    const first = Harness.orderId(h.place(A, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 }));
    h.place(B, { side: 'buy', orderType: 'limit', price: 9_900, quantity: 30 });
    h.amend(A, first, { quantity: 40 });
    const copy = PaperEngine.restore(JSON.parse(JSON.stringify(h.engine.snapshot())));
    const cmd = { type: 'trade', ts: h.now, market: TST.id, price: 9_900, size: 75, book: h.book } as const;
    expect(copy.apply(cmd)).toEqual(h.apply(cmd));
  });

  it('a seeded run of places, amends, cancels and trades never throws, and conserves every asset', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = new Prng(seed);
      const h = harness();
      h.place(A, { side: 'buy', orderType: 'market', quantity: 2_000 });
      h.place(B, { side: 'buy', orderType: 'market', quantity: 2_000 });
      const ids: number[] = [];
      for (let i = 0; i < 600; i++) {
        h.now += 100;
        const mid = 9_500 + rng.int(0, 1_000);
        h.setBook(
          [
            [mid - 50, rng.int(0, 80)],
            [mid - 100, 200],
          ],
          [
            [mid + 50, rng.int(0, 80)],
            [mid + 100, 200],
          ],
        );
        const account = rng.chance(0.5) ? A : B;
        const roll = rng.next();
        const side = rng.chance(0.5) ? 'buy' : 'sell';
        const price = mid + rng.int(-300, 300);
        if (roll < 0.3) {
          const events = h.place(account, { side, orderType: 'limit', price, quantity: rng.int(1, 300) });
          const accepted = only(events, 'accepted')[0];
          if (accepted) ids.push(accepted.orderId);
        } else if (roll < 0.65 && ids.length) {
          const id = ids[rng.int(0, ids.length - 1)];
          const owner = rng.chance(0.9) ? account : 3;
          const change = rng.chance(0.4)
            ? { quantity: rng.int(0, 400) }
            : rng.chance(0.5)
              ? { price }
              : { quantity: rng.int(1, 400), price: rng.chance(0.05) ? Number.MAX_SAFE_INTEGER : price };
          const before = snapshotOf(h);
          const events = h.amend(owner, id, change);
          if (events.some((e) => e.type === 'rejected')) expect(snapshotOf(h)).toBe(before);
        } else if (roll < 0.75 && ids.length) {
          h.cancel(account, ids[rng.int(0, ids.length - 1)]);
        } else {
          h.trade(mid + rng.int(-200, 200), rng.int(1, 100));
        }
        expect(h.engine.audit()).toEqual([]);
      }
      h.check();
    }
  });
});
