/**
 * No input can make the engine throw: every command whose arithmetic would leave the safe-integer range
 * (price × quantity, notional + fee, band prices, amends, deposits, credits) is refused AMOUNT_OUT_OF_RANGE
 * before anything changes, and a stream of commands drawn from the extremes keeps every invariant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchingEngine, type EngineSnapshot } from './engine';
import { affordableQuantity, fee, MAX_AMOUNT, mulDiv, notional } from './money';
import { A, B, C, Harness, LPJ, funded, types } from './testing/fixtures';
import type { Command, EngineEvent, MarketConfig, RejectReason } from './types';

/** The highest price on the LPJ fixture's tick grid. */
const TOP_PRICE = MAX_AMOUNT - (MAX_AMOUNT % LPJ.tickSize);
/** The largest quantity on its lot grid. */
const TOP_QUANTITY = MAX_AMOUNT - (MAX_AMOUNT % LPJ.lotSize);

const harness = funded;

/** Applies a command that must be refused with `reason` and change nothing but the refusing stream's seq. */
function refused(h: Harness, reason: RejectReason, cmd: Command): void {
  const before = h.engine.snapshot();
  const totals = h.engine.ledger.totals();
  let events: EngineEvent[] = [];
  expect(() => (events = h.apply(cmd))).not.toThrow();
  expect(events).toMatchObject([{ type: 'rejected', reason }]);
  const after = h.engine.snapshot();
  expect(after.accounts).toEqual(before.accounts);
  expect(after.books.map((b) => [b.orders, b.buyStops, b.sellStops, b.lastPrice])).toEqual(
    before.books.map((b) => [b.orders, b.buyStops, b.sellStops, b.lastPrice]),
  );
  expect(after.nextOrderId).toBe(before.nextOrderId);
  expect(h.engine.ledger.totals()).toEqual(totals);
  h.check();
}

const place = (account: number, order: Record<string, unknown>): Command =>
  ({ type: 'place', market: LPJ.id, account, ...order }) as Command;

describe('money arithmetic never throws', () => {
  it('gives results beyond the safe range as +Infinity, and keeps them there through later steps', () => {
    expect(mulDiv(MAX_AMOUNT, 1, 1)).toBe(MAX_AMOUNT);
    expect(mulDiv(MAX_AMOUNT, 3, 3)).toBe(MAX_AMOUNT);
    expect(mulDiv(MAX_AMOUNT, 2, 1)).toBe(Infinity);
    expect(notional(TOP_PRICE, 1_000, 100)).toBe(Infinity);
    expect(notional(TOP_PRICE, 100, 100)).toBe(TOP_PRICE);
    expect(fee(Infinity, 20)).toBe(Infinity);
    expect(fee(Infinity, 0)).toBe(Infinity);
    expect(mulDiv(Infinity, 0, 7)).toBe(Infinity);
  });

  it('caps what a budget buys at a tiny price at the largest safe quantity, still within the budget', () => {
    // 10^15 won at 1 won per coin of 10^8 units would buy 10^23 units.
    const q = affordableQuantity(1e15, 1, 1e8, 20, 1);
    expect(q).toBe(MAX_AMOUNT);
    expect(notional(1, q, 1e8) + fee(notional(1, q, 1e8), 20)).toBeLessThanOrEqual(1e15);
    expect(affordableQuantity(1e15, 1, 1e8, 20, 1_000) % 1_000).toBe(0);
  });
});

describe('commands whose amounts leave the safe-integer range are refused AMOUNT_OUT_OF_RANGE', () => {
  it('a sell limit at the top price whose notional passes 2^53', () => {
    const h = harness();
    // 10 LPJ at 9,007,199,254,740,990 won: ten times the range. The sell is passive, so only the range stops it.
    refused(
      h,
      'AMOUNT_OUT_OF_RANGE',
      place(A, { side: 'sell', orderType: 'limit', price: TOP_PRICE, quantity: 1_000 }),
    );
  });

  it('a buy limit whose notional fits but notional + fee does not', () => {
    const h = harness();
    // 1 LPJ at the top price is worth exactly TOP_PRICE; its fee takes the hold past the range.
    refused(h, 'AMOUNT_OUT_OF_RANGE', place(A, { side: 'buy', orderType: 'limit', price: TOP_PRICE, quantity: 100 }));
  });

  it('a limit order for the largest quantity at an ordinary price', () => {
    const h = harness();
    refused(
      h,
      'AMOUNT_OUT_OF_RANGE',
      place(A, { side: 'sell', orderType: 'limit', price: 10_000, quantity: TOP_QUANTITY }),
    );
    refused(
      h,
      'AMOUNT_OUT_OF_RANGE',
      place(A, { side: 'buy', orderType: 'limit', price: 10_000, quantity: TOP_QUANTITY, timeInForce: 'FOK' }),
    );
  });

  it('a buy stop-market whose band price around the stop passes the range', () => {
    const h = harness();
    refused(
      h,
      'AMOUNT_OUT_OF_RANGE',
      place(A, { side: 'buy', orderType: 'stop_market', stopPrice: TOP_PRICE, quantity: 10 }),
    );
    // A sell stop's band lies below its stop; its notional at the stop is what passes the range.
    refused(
      h,
      'AMOUNT_OUT_OF_RANGE',
      place(A, { side: 'sell', orderType: 'stop_market', stopPrice: TOP_PRICE, quantity: 1_000 }),
    );
  });

  it('a stop-limit whose hold or notional passes the range', () => {
    const h = harness();
    refused(
      h,
      'AMOUNT_OUT_OF_RANGE',
      place(A, { side: 'buy', orderType: 'stop_limit', stopPrice: 10_000, price: TOP_PRICE, quantity: 100 }),
    );
    refused(
      h,
      'AMOUNT_OUT_OF_RANGE',
      place(A, { side: 'sell', orderType: 'stop_limit', stopPrice: 10_000, price: TOP_PRICE, quantity: 1_000 }),
    );
  });

  it('a market order whose band price around a huge best price passes the range', () => {
    const h = harness();
    // One lot resting at the top price is worth 9 × 10^13 won: in range, and passive, so it is accepted.
    expect(types(h.limit(B, 'sell', TOP_PRICE, 10))).toEqual(['accepted', 'book']);
    refused(h, 'AMOUNT_OUT_OF_RANGE', place(A, { side: 'buy', orderType: 'market', quantity: 10 }));
    refused(h, 'AMOUNT_OUT_OF_RANGE', place(A, { side: 'buy', orderType: 'market', quoteAmount: 50_000 }));
    // A market sell into the book reads the bids: the huge ask does not matter to it.
    h.limit(C, 'buy', 10_000, 100);
    expect(types(h.place(A, { side: 'sell', orderType: 'market', quantity: 100 }))).toContain('trade');
    h.check();
  });

  it('a market sell of the largest quantity', () => {
    const h = harness();
    h.limit(C, 'buy', 10_000, 100);
    refused(h, 'AMOUNT_OUT_OF_RANGE', place(A, { side: 'sell', orderType: 'market', quantity: TOP_QUANTITY }));
  });

  it('an amend to the top price or the largest quantity', () => {
    const h = harness();
    const sell = Harness.orderId(h.limit(A, 'sell', 10_000, 1_000));
    refused(h, 'AMOUNT_OUT_OF_RANGE', { type: 'amend', market: LPJ.id, account: A, orderId: sell, price: TOP_PRICE });
    refused(h, 'AMOUNT_OUT_OF_RANGE', {
      type: 'amend',
      market: LPJ.id,
      account: A,
      orderId: sell,
      quantity: TOP_QUANTITY,
    });
    // A buy re-held at the top price: the notional fits, the notional + fee does not.
    h.apply({ type: 'cancel', market: LPJ.id, account: A, orderId: sell });
    const buy = Harness.orderId(h.limit(B, 'buy', 10_000, 100));
    refused(h, 'AMOUNT_OUT_OF_RANGE', { type: 'amend', market: LPJ.id, account: B, orderId: buy, price: TOP_PRICE });
    // The order is still there and still amendable within range.
    expect(h.apply({ type: 'amend', market: LPJ.id, account: B, orderId: buy, price: 9_995 })[0]).toMatchObject({
      type: 'amended',
      price: 9_995,
    });
    h.check();
  });

  it('a deposit that would take an asset’s supply past 2^53 − 1, over all accounts', () => {
    const h = new Harness();
    h.fund(A, {});
    h.fund(B, {});
    const half = Math.floor(MAX_AMOUNT / 2);
    expect(h.apply({ type: 'deposit', account: A, asset: 'KRW', amount: half })).toMatchObject([{ type: 'deposited' }]);
    // B's own balance would fit; the ledger's total would not.
    refused(h, 'AMOUNT_OUT_OF_RANGE', { type: 'deposit', account: B, asset: 'KRW', amount: half + 2 });
    refused(h, 'AMOUNT_OUT_OF_RANGE', { type: 'deposit', account: A, asset: 'KRW', amount: MAX_AMOUNT });
    // Up to the bound exactly is fine, and the supply is what the ledger holds.
    expect(h.apply({ type: 'deposit', account: B, asset: 'KRW', amount: MAX_AMOUNT - half })).toMatchObject([
      { type: 'deposited' },
    ]);
    expect(h.engine.ledger.supply('KRW')).toBe(MAX_AMOUNT);
    refused(h, 'AMOUNT_OUT_OF_RANGE', { type: 'deposit', account: B, asset: 'KRW', amount: 1 });
    // Another asset has its own bound; a withdrawal makes room again.
    expect(h.apply({ type: 'deposit', account: B, asset: 'LPJ', amount: 1 })).toMatchObject([{ type: 'deposited' }]);
    h.apply({ type: 'withdraw', account: A, asset: 'KRW', amount: 10 });
    expect(h.apply({ type: 'deposit', account: B, asset: 'KRW', amount: 10 })).toMatchObject([{ type: 'deposited' }]);
    h.check();
  });

  it('a transfer that would overflow a balance, in a ledger restored from before supplies were bounded', () => {
    // Such a ledger may hold more than 2^53 − 1 in total (each balance was bounded only by itself).
    const h = harness();
    const snap: EngineSnapshot = JSON.parse(JSON.stringify(h.engine.snapshot()));
    for (const [id, , balances] of snap.accounts) {
      if (id === A || id === B) balances.push(['ETH', MAX_AMOUNT - 1, 0]);
    }
    const restored = MatchingEngine.restore({
      ...snap,
      markets: [...snap.markets, { ...LPJ, id: 'ETH-KRW', base: 'ETH' }],
    });
    expect(restored.ledger.supply('ETH')).toBeGreaterThan(MAX_AMOUNT);
    expect(restored.apply({ type: 'transfer', from: A, to: B, asset: 'ETH', amount: 5 })).toMatchObject([
      { type: 'rejected', reason: 'AMOUNT_OUT_OF_RANGE' },
    ]);
    expect(restored.apply({ type: 'deposit', account: C, asset: 'ETH', amount: 1 })).toMatchObject([
      { type: 'rejected', reason: 'AMOUNT_OUT_OF_RANGE' },
    ]);
    expect(restored.balance(B, 'ETH').available).toBe(MAX_AMOUNT - 1);
    // Money still moves where it fits.
    expect(restored.apply({ type: 'transfer', from: A, to: C, asset: 'ETH', amount: 5 })).toMatchObject([
      { type: 'transferred' },
    ]);
    expect(restored.audit()).toEqual([]);
  });
});

describe('amounts that stay in range are handled exactly, not refused', () => {
  it('a buy by a quote amount of 2^53 − 1 is refused for funds, not for its size', () => {
    const h = harness();
    h.limit(B, 'sell', 10_000, 100);
    refused(h, 'INSUFFICIENT_FUNDS', place(A, { side: 'buy', orderType: 'market', quoteAmount: MAX_AMOUNT }));
  });

  it('a budget that buys more than 2^53 − 1 base units at a tiny price takes the whole ask', () => {
    const DUST: MarketConfig = {
      ...LPJ,
      id: 'DUST-KRW',
      base: 'DUST',
      baseDecimals: 8,
      tickSize: 1,
      lotSize: 1,
      minNotional: 1,
    };
    const h = new Harness([DUST]);
    const supply = MAX_AMOUNT - 1;
    h.fund(A, { KRW: 1e15 });
    h.fund(B, { DUST: supply });
    h.apply({
      type: 'place',
      market: DUST.id,
      account: B,
      side: 'sell',
      orderType: 'limit',
      price: 1,
      quantity: supply,
    });
    const events = h.apply({
      type: 'place',
      market: DUST.id,
      account: A,
      side: 'buy',
      orderType: 'market',
      quoteAmount: 1e15,
    });
    const trade = events.find((e) => e.type === 'trade');
    expect(trade).toMatchObject({ price: 1, quantity: supply, quoteAmount: Math.floor(supply / 1e8) });
    expect(h.engine.balance(A, 'DUST').available).toBe(supply);
    h.check();
  });
});

// ---------------------------------------------------------------- randomised extremes

const ACCOUNTS = [1, 2, 3];

/** Numbers from the edges of every range the engine meets, and values of the wrong kind. */
const extreme: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      0,
      1,
      5,
      10,
      -1,
      -10_000,
      0.5,
      10_000.5,
      2 ** 52,
      2 ** 53,
      MAX_AMOUNT,
      MAX_AMOUNT - 1,
      TOP_PRICE,
      TOP_QUANTITY,
      2 ** 63,
      1e300,
      Infinity,
      -Infinity,
      NaN,
      -0,
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('100', '', null, true, {}, [1], 10n) },
  { weight: 3, arbitrary: fc.maxSafeNat() },
  { weight: 2, arbitrary: fc.maxSafeNat().map((n) => n - (n % LPJ.tickSize)) }, // on-tick, any size
  { weight: 2, arbitrary: fc.maxSafeNat().map((n) => n - (n % LPJ.lotSize)) }, // on-lot, any size
);
/** Mostly ordinary values, so that orders rest and trade, with the extremes mixed in. */
const usually = (ordinary: fc.Arbitrary<number>) =>
  fc.oneof({ weight: 4, arbitrary: ordinary }, { weight: 1, arbitrary: extreme });
const price = usually(fc.integer({ min: -30, max: 30 }).map((n) => 10_000 + n * LPJ.tickSize)); // the band is ±500
const quantity = usually(fc.integer({ min: 1, max: 50 }).map((n) => n * LPJ.lotSize));
const amount = usually(fc.integer({ min: 1, max: 1e9 }));
const account = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ACCOUNTS) }, { weight: 1, arbitrary: extreme });
const orderId = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }) }, { weight: 1, arbitrary: extreme });
const side = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('buy', 'sell') },
  { weight: 1, arbitrary: fc.constantFrom('hold', undefined, 7) },
);
const asset = fc.constantFrom('KRW', 'KRW', 'LPJ', 'LPJ', 'DOGE', undefined);
const base = {
  type: fc.constant('place'),
  market: fc.oneof({ weight: 20, arbitrary: fc.constant(LPJ.id) }, { weight: 1, arbitrary: fc.constant('NOPE-KRW') }),
  account,
  side,
};

/** Orders shaped as a client would send them (so that many are accepted), and some that are not. */
const order: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      ...base,
      orderType: fc.constant('limit'),
      price,
      quantity,
      timeInForce: fc.constantFrom('GTC', 'GTC', 'IOC', 'FOK'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ ...base, orderType: fc.constant('limit'), price, quantity, postOnly: fc.constant(true) }),
  },
  { weight: 3, arbitrary: fc.record({ ...base, orderType: fc.constant('market'), quantity }) },
  {
    weight: 2,
    arbitrary: fc.record({ ...base, side: fc.constant('buy'), orderType: fc.constant('market'), quoteAmount: amount }),
  },
  { weight: 2, arbitrary: fc.record({ ...base, orderType: fc.constant('stop_market'), stopPrice: price, quantity }) },
  {
    weight: 2,
    arbitrary: fc.record({
      ...base,
      orderType: fc.constant('stop_limit'),
      stopPrice: price,
      price,
      quantity,
      timeInForce: fc.constantFrom('GTC', 'IOC', 'FOK'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      ...base,
      orderType: fc.constant('trailing_stop'),
      quantity,
      trailAmount: fc.option(usually(fc.integer({ min: 1, max: 40 }).map((n) => n * LPJ.tickSize)), { nil: undefined }),
      trailBps: fc.option(usually(fc.integer({ min: 1, max: 600 })), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      ...base,
      orderType: fc.constantFrom('limit', 'limit', 'market', 'stop_market', 'oco'),
      price: fc.option(price, { nil: undefined }),
      stopPrice: fc.option(price, { nil: undefined }),
      quantity,
      takeProfitPrice: fc.option(price, { nil: undefined }),
      stopLossPrice: fc.option(price, { nil: undefined }),
      stopLossLimitPrice: fc.option(price, { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      ...base,
      orderType: fc.constantFrom(
        'limit',
        'market',
        'stop_market',
        'stop_limit',
        'trailing_stop',
        'oco',
        'iceberg',
        undefined,
      ),
      timeInForce: fc.constantFrom('GTC', 'IOC', 'FOK', undefined, 'DAY'),
      postOnly: fc.constantFrom(undefined, true, false, 'yes'),
      price: fc.option(extreme, { nil: undefined }),
      stopPrice: fc.option(extreme, { nil: undefined }),
      quantity: fc.option(extreme, { nil: undefined }),
      quoteAmount: fc.option(extreme, { nil: undefined }),
      clientOrderId: fc.option(fc.constantFrom('a', 'x'.repeat(65), 5 as unknown as string), { nil: undefined }),
      trailAmount: fc.option(extreme, { nil: undefined }),
      trailBps: fc.option(extreme, { nil: undefined }),
      takeProfitPrice: fc.option(extreme, { nil: undefined }),
      stopLossPrice: fc.option(extreme, { nil: undefined }),
      stopLossLimitPrice: fc.option(extreme, { nil: undefined }),
    }),
  },
);

const command: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: order },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('amend'),
      market: fc.constant(LPJ.id),
      account,
      orderId,
      quantity: fc.option(quantity, { nil: undefined }),
      price: fc.option(price, { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('cancel'), market: fc.constant(LPJ.id), account, orderId }) },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('cancel_all'), market: fc.constantFrom(LPJ.id, undefined), account }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constantFrom('deposit', 'withdraw'),
      account,
      asset,
      amount: fc.oneof(amount, extreme),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('transfer'),
      from: account,
      to: account,
      asset,
      amount: fc.oneof(amount, extreme),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constantFrom('open_account', 'set_stp'),
      account: fc.oneof(fc.integer({ min: 1, max: 5 }), extreme),
      stp: fc.constantFrom('cancel_resting', 'cancel_both', 'bogus', undefined),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      42,
      'place',
      [],
      { type: 'explode' },
      { type: 'place' },
      { type: 'amend' },
      { type: 'transfer' },
    ),
  },
);

describe('commands drawn from the extremes', () => {
  it('never make apply throw; audit stays clean and totals change only by deposits and withdrawals', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 20, maxLength: 200, size: 'max' }), (commands) => {
        const h = new Harness();
        for (const a of ACCOUNTS) h.fund(a, { KRW: 1e13, LPJ: 1e9 });
        // A trade near 10,000 gives the band a reference for the rest of the stream.
        h.limit(1, 'sell', 10_000, 100);
        h.limit(2, 'buy', 10_000, 100);
        for (const cmd of commands) {
          let events: EngineEvent[] = [];
          expect(() => (events = h.apply(cmd as Command))).not.toThrow();
          for (const e of events) {
            // Every amount an event carries is a safe integer.
            for (const k of [
              'price',
              'quantity',
              'quoteAmount',
              'held',
              'amount',
              'remaining',
              'makerFee',
              'takerFee',
            ] as const) {
              const v = (e as unknown as Record<string, unknown>)[k];
              if (v !== undefined) expect(Number.isSafeInteger(v), `${e.type}.${k} = ${String(v)}`).toBe(true);
            }
          }
          h.check();
        }
        for (const [asset, total] of h.engine.ledger.totals()) expect(h.engine.ledger.supply(asset)).toBe(total);
      }),
      { numRuns: 120 },
    );
  });
});
