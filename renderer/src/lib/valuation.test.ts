import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ViewBalance, ViewMark, ViewMarket } from './market-view';
import { holdingValue, valueAccounts } from './valuation';

/** Upbit's units as paper trading has them: whole-won prices, 1e-8 coin sizes, balances in 1e-4 won. */
const upbit = (base: string): ViewMarket => ({
  id: `${base}-KRW`,
  base,
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
  quoteDecimals: 4,
  tickSize: 1,
  lotSize: 1,
  minNotional: 0,
  makerFeeBps: 5,
  takerFeeBps: 5,
});
const mark = (base: string, price: number | null): ViewMark => ({
  market: `${base}-KRW`,
  base,
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
  quoteDecimals: 4,
  price,
});
const balance = (asset: string, available: number, held = 0): ViewBalance => ({
  asset,
  available,
  held,
  decimals: asset === 'KRW' ? 4 : 8,
});
const WON = 10_000;
const BTC_PRICE = 100_000_000;

describe('holdings valued at their own markets', () => {
  const holdings = [balance('KRW', 9_000_000 * WON), balance('BTC', 600_000, 400_000), balance('USDT', 10_000e8)];

  it('gives the same total on the BTC screen and the ETH screen', () => {
    const marks = [mark('BTC', BTC_PRICE)];
    const onBtc = valueAccounts(upbit('BTC'), BTC_PRICE, marks, [holdings]);
    const onEth = valueAccounts(upbit('ETH'), 4_500_000, marks, [holdings]);
    // 0.01 BTC (free and in orders) at 100,000,000 won: 1,000,000 won.
    expect(onBtc.values[0][1]).toEqual({ kind: 'valued', value: 1_000_000n * BigInt(WON) });
    expect(onEth.values[0][1]).toEqual(onBtc.values[0][1]);
    expect(onBtc.total).toBe(10_000_000n * BigInt(WON));
    expect(onEth.total).toBe(onBtc.total);
  });

  it('says why a holding is left out of the total, and names it once', () => {
    const held = [...holdings, balance('ETH', 5_000_000)];
    const v = valueAccounts(upbit('ETH'), 0, [mark('BTC', null)], [held, [balance('ETH', 1)]]);
    expect(v.values[0].map((x) => x.kind)).toEqual(['valued', 'no_price', 'no_market', 'no_price']);
    expect(v.total).toBe(9_000_000n * BigInt(WON));
    expect(v.excluded).toEqual([
      { asset: 'BTC', why: 'no_price' },
      { asset: 'USDT', why: 'no_market' },
      { asset: 'ETH', why: 'no_price' },
    ]);
  });

  it('values nothing held as zero, priced or not, and leaves none of it out', () => {
    const v = valueAccounts(upbit('ETH'), 0, [], [[balance('KRW', 0), balance('ETH', 0), balance('DOGE', 0)]]);
    expect(v.values[0]).toEqual([0n, 0n, 0n].map((value) => ({ kind: 'valued', value })));
    expect(v.excluded).toEqual([]);
  });

  it('adds my copies’ accounts to my own', () => {
    const lpj: ViewMarket = { ...upbit('LPJ'), priceDecimals: 0, sizeDecimals: 8, quoteDecimals: 0 };
    const main = [balance('KRW', 8_000_000), balance('LPJ', 100e8)];
    const copy = [balance('KRW', 1_990_000), balance('LPJ', 1e8, 5e7)];
    const v = valueAccounts(lpj, 10_000, [], [main, copy]);
    expect(v.values[1]).toEqual([
      { kind: 'valued', value: 1_990_000n },
      { kind: 'valued', value: 15_000n },
    ]);
    expect(v.total).toBe(8_000_000n + 1_000_000n + 1_990_000n + 15_000n);
  });

  it('never loses precision past 2^53', () => {
    const v = holdingValue(upbit('BTC'), 9_007_199_254_740_991, [], 'BTC', 9_007_199_254_740_991n);
    expect(v).toEqual({
      kind: 'valued',
      value: (9_007_199_254_740_991n * 9_007_199_254_740_991n * 10_000n) / 10n ** 8n,
    });
  });

  it('for any holdings and prices, every screen of the quote shows the same total', () => {
    const coins = ['BTC', 'ETH', 'XRP', 'SOL'];
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 2 ** 40 }), { minLength: coins.length, maxLength: coins.length }),
        fc.array(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: coins.length, maxLength: coins.length }),
        fc.nat({ max: 2 ** 50 }),
        (sizes, prices, krw) => {
          const held = [balance('KRW', krw), ...coins.map((c, i) => balance(c, sizes[i]))];
          const marks = coins.map((c, i) => mark(c, prices[i]));
          const totals = coins.map((c, i) => valueAccounts(upbit(c), prices[i], marks, [held]).total);
          for (const t of totals) expect(t).toBe(totals[0]);
          expect(valueAccounts(upbit('BTC'), prices[0], marks, [held]).excluded).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
