import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountResult, Fnv64, maxDrawdownBps, type ResultFill, type ResultInput } from './account-result';

// Whole-won prices, 10^-8 coin sizes: a fill of q units at price p is worth floor(p × q / 10^8) won.
const COIN = 100_000_000;
const BTC = { id: 'BTC-KRW', base: 'BTC', quote: 'KRW', priceDecimals: 0, sizeDecimals: 8, quoteDecimals: 0 };
const ETH = { id: 'ETH-KRW', base: 'ETH', quote: 'KRW', priceDecimals: 0, sizeDecimals: 8, quoteDecimals: 0 };
const fill = (
  ts: number,
  side: 'buy' | 'sell',
  coins: number,
  price: number,
  fee = 0,
  market = 'BTC-KRW',
): ResultFill => ({
  ts,
  market,
  side,
  price,
  quantity: coins * COIN,
  quoteAmount: price * coins,
  fee,
  liquidity: 'taker',
});
const input = (fills: ResultFill[], over: Partial<ResultInput> = {}): ResultInput => ({
  quote: 'KRW',
  start: { KRW: 1_000_000 },
  startTs: 0,
  fills,
  markets: [BTC, ETH],
  endTs: 1_000,
  ...over,
});

describe('an account result', () => {
  it('counts return, drawdown, trades, win rate and fees of two round trips', () => {
    const r = accountResult(
      input([
        fill(1, 'buy', 1, 100_000, 50),
        fill(2, 'sell', 1, 120_000, 60), // +20,000 − 110 fees: a win
        fill(3, 'buy', 2, 100_000, 100),
        fill(4, 'sell', 2, 90_000, 90), // −20,000: a loss
      ]),
    );
    expect(r.trades).toBe(4);
    expect(r.roundTrips).toBe(2);
    expect(r.wins).toBe(1);
    expect(r.winRateBps).toBe(5_000);
    expect(r.fees).toEqual([{ asset: 'KRW', amount: 300n }]);
    expect(r.startEquity).toBe(1_000_000n);
    expect(r.endEquity).toBe(1_000_000n - 300n);
    expect(r.returnBps).toBe(-3); // −300 / 1,000,000 = −3 bps
    // Peak 1,019,890 after the win; the low is the end at 999,700: (1,019,890 − 999,700) / 1,019,890 = 197.9 bps.
    expect(r.equity.map((p) => p.value)).toEqual([1_000_000n, 999_950n, 1_019_890n, 1_019_790n, 999_700n, 999_700n]);
    expect(r.maxDrawdownBps).toBe(197);
  });

  it('values an open position at the latest price, then at the end mark', () => {
    const r = accountResult(input([fill(1, 'buy', 2, 100_000)], { endMarks: { 'BTC-KRW': 150_000 } }));
    expect(r.endEquity).toBe(1_100_000n);
    expect(r.returnBps).toBe(1_000);
    expect(r.roundTrips).toBe(0);
    expect(r.winRateBps).toBeNull();
  });

  it('names a coin it cannot value instead of counting it at a guess', () => {
    const r = accountResult(input([], { start: { KRW: 10, DOGE: 5 } }));
    expect(r.startEquity).toBe(10n);
    expect(r.unvalued).toEqual(['DOGE']);
  });

  it('a flip through flat closes one round trip and opens the next', () => {
    const r = accountResult(
      input([fill(1, 'buy', 1, 100_000), fill(2, 'sell', 2, 110_000), fill(3, 'buy', 1, 100_000)]),
    );
    expect(r.roundTrips).toBe(2);
    expect(r.wins).toBe(2);
  });

  it('gives the same digest for the same fills under other ids, a different one for any other fill', () => {
    const a = accountResult(input([fill(1, 'buy', 1, 100_000), fill(2, 'sell', 1, 101_000)]));
    const b = accountResult(input([fill(1, 'buy', 1, 100_000), fill(2, 'sell', 1, 101_000)], { endTs: 9_999 }));
    const c = accountResult(input([fill(1, 'buy', 1, 100_000), fill(2, 'sell', 1, 101_001)]));
    expect(a.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
  });

  it('hashes as FNV-1a 64 does', () => {
    const hex = (s: string) => {
      const h = new Fnv64();
      h.update(s);
      return h.hex();
    };
    // Published test vectors of FNV-1a 64.
    expect(hex('')).toBe('cbf29ce484222325');
    expect(hex('a')).toBe('af63dc4c8601ec8c');
    expect(hex('foobar')).toBe('85944171f73967e8');
  });

  it('skips fills it cannot count exactly and names their market', () => {
    const bad = { ...fill(2, 'buy', 1, 100_000), quantity: 2 ** 60 };
    const r = accountResult(input([fill(1, 'buy', 1, 100_000), bad, fill(3, 'buy', 1, 1, 0, 'ETH-KRW')]));
    expect(r.outOfRange).toEqual(['BTC-KRW']);
    expect(r.trades).toBe(2);
  });

  it('keeps a long curve to its bound, first and last points included', () => {
    const fills = Array.from({ length: 5_001 }, (_, i) => fill(i + 1, i % 2 ? 'sell' : 'buy', 1, 100_000 + i));
    const r = accountResult(input(fills, { start: { KRW: 10 ** 12 }, endTs: 10_000 }));
    expect(r.equity.length).toBeLessThanOrEqual(2_000);
    expect(r.equity[0]).toEqual({ ts: 0, value: 10n ** 12n });
    expect(r.equity.at(-1)!.value).toBe(r.endEquity);
    expect(r.trades).toBe(5_001);
  });
});

describe('account result properties', () => {
  const arbFill = fc.record({
    ts: fc.integer({ min: 0, max: 1_000_000 }),
    market: fc.constantFrom('BTC-KRW', 'ETH-KRW', 'NOPE-KRW'),
    side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
    price: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom(0, -1, 2 ** 53, Number.NaN)),
    quantity: fc.oneof(fc.integer({ min: 1, max: 10 * COIN }), fc.constantFrom(0, -5, 2 ** 60, 1.5)),
    quoteAmount: fc.oneof(fc.integer({ min: 0, max: 1e12 }), fc.constantFrom(-1, Infinity)),
    fee: fc.integer({ min: -1_000, max: 1_000_000 }),
    liquidity: fc.constantFrom<'maker' | 'taker'>('maker', 'taker'),
  });

  it('never throws; counts are whole and bounded; the end equity is the last point of the curve', () => {
    fc.assert(
      fc.property(fc.array(arbFill, { maxLength: 60 }), fc.integer({ min: 0, max: 1e15 }), (fills, cash) => {
        const r = accountResult(input(fills, { start: { KRW: cash } }));
        expect(r.trades).toBeLessThanOrEqual(fills.length);
        expect(r.wins).toBeLessThanOrEqual(r.roundTrips);
        expect(Number.isInteger(r.maxDrawdownBps)).toBe(true);
        expect(r.maxDrawdownBps).toBeGreaterThanOrEqual(0);
        if (r.returnBps !== null) expect(Number.isSafeInteger(r.returnBps)).toBe(true);
        if (r.winRateBps !== null) expect(r.winRateBps).toBeLessThanOrEqual(10_000);
        expect(r.equity.at(-1)!.value).toBe(r.endEquity);
        expect(r.equity[0].value).toBe(r.startEquity);
      }),
    );
  });

  it('the same fills give the same result and digest; changing one figure of one fill changes the digest', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ts: fc.integer({ min: 0, max: 1_000_000 }),
            side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
            coins: fc.integer({ min: 1, max: 5 }),
            price: fc.integer({ min: 1, max: 1_000_000 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.nat(),
        (spec, pick) => {
          const fills = spec.map((s) => fill(s.ts, s.side, s.coins, s.price));
          const a = accountResult(input(fills, { start: { KRW: 10 ** 10, BTC: 100 * COIN } }));
          const b = accountResult(
            input(
              fills.map((f) => ({ ...f })),
              { start: { KRW: 10 ** 10, BTC: 100 * COIN } },
            ),
          );
          expect(b).toEqual(a);
          const i = pick % fills.length;
          const changed = fills.map((f, j) => (j === i ? { ...f, price: f.price + 1 } : f));
          const c = accountResult(input(changed, { start: { KRW: 10 ** 10, BTC: 100 * COIN } }));
          expect(c.digest).not.toBe(a.digest);
        },
      ),
    );
  });

  it('a curve that only rises has no drawdown; one that falls to zero from a positive peak has 10,000 bps', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { minLength: 1, maxLength: 50 }), (values) => {
        const rising = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((value, ts) => ({ ts, value }));
        expect(maxDrawdownBps(rising)).toBe(0);
        const peak = rising.at(-1)!.value;
        if (peak > 0n) expect(maxDrawdownBps([...rising, { ts: 99, value: 0n }])).toBe(10_000);
      }),
    );
  });
});
