import { describe, expect, it } from 'vitest';
import { formatBalance, formatPlottedPrice, formatPrice, formatSize, priceDigits, sizeDigits } from './market-format';
import type { ViewMarket } from './market-view';

const market = (m: Partial<ViewMarket>): ViewMarket => ({
  id: 'X-KRW',
  base: 'X',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
  quoteDecimals: 0,
  tickSize: 1,
  lotSize: 1,
  minNotional: 0,
  makerFeeBps: 0,
  takerFeeBps: 0,
  ...m,
});
/** The live and practice LPJ market: whole won, lots of 0.01 LPJ. */
const LPJ = market({ id: 'LPJ-KRW', base: 'LPJ', lotSize: 1_000_000 });
/** A paper market on Upbit's BTC: the feed's units, any size to the satoshi. */
const BTC = market({ id: 'BTC-KRW', base: 'BTC', quoteDecimals: 4 });
/** Binance's pairs: cents, and a tick of 0.10 at two decimals. */
const ETH = market({ id: 'ETH-USDT', base: 'ETH', quote: 'USDT', priceDecimals: 2, tickSize: 10, sizeDecimals: 4 });

describe('one number rule per market', () => {
  it('gives prices the digits of the tick and sizes the digits of the lot', () => {
    expect([priceDigits(LPJ), sizeDigits(LPJ)]).toEqual([0, 2]);
    expect([priceDigits(BTC), sizeDigits(BTC)]).toEqual([0, 8]);
    expect([priceDigits(ETH), sizeDigits(ETH)]).toEqual([1, 4]);
    expect(priceDigits(market({ priceDecimals: 0, tickSize: 1000 }))).toBe(0);
  });

  it('writes every size of a market with the same decimals, so a column lines up', () => {
    const sizes = [125_000_000, 40_779_878, 3_034_840, 100_000_000].map((s) => formatSize(BTC, s));
    expect(sizes).toEqual(['1.25000000', '0.40779878', '0.03034840', '1.00000000']);
    expect(new Set(sizes.map((s) => s.length - s.indexOf('.'))).size).toBe(1);
    expect([100 * 100_000_000, 1_000_000, 0].map((s) => formatSize(LPJ, s))).toEqual(['100.00', '0.01', '0.00']);
    // A remainder finer than the lot keeps its digits: never shown as less than it is.
    expect(formatSize(LPJ, 1_500_000 + 7)).toBe('0.01500007');
    // A summary figure may be cut shorter.
    expect(formatSize(BTC, 123_456_789_012, 2)).toBe('1,234.56');
  });

  it('writes prices to the tick with thousands separators', () => {
    expect(formatPrice(LPJ, 93_042_285)).toBe('93,042,285');
    expect(formatPrice(ETH, 320_050)).toBe('3,200.5');
    expect(formatPrice(ETH, 320_000)).toBe('3,200.0');
  });

  it('rounds a plotted study to the tick: MA7 93042285.7 reads 93,042,286', () => {
    expect(formatPlottedPrice(LPJ, 93_042_285.7)).toBe('93,042,286');
    expect(formatPlottedPrice(ETH, 3_200.04)).toBe('3,200.0');
    expect(formatPlottedPrice(ETH, 3_200.06)).toBe('3,200.1');
    expect(formatPlottedPrice(LPJ, Number.NaN)).toBe('—');
  });

  it('writes balances by their asset: the coin to its lot, quote currencies as read, others as they are', () => {
    expect(formatBalance(LPJ, 'LPJ', 10_000_000_000, 8, ['KRW'])).toBe('100.00');
    expect(formatBalance(BTC, 'BTC', 50_000_000, 8, ['KRW'])).toBe('0.50000000');
    expect(formatBalance(LPJ, 'KRW', 10_000_000, 0, ['KRW'])).toBe('10,000,000');
    expect(formatBalance(BTC, 'ETH', 50_000_000, 8, ['KRW'])).toBe('0.50');
    expect(formatBalance(BTC, 'ETH', 12_345_678, 8, ['KRW'])).toBe('0.12345678');
    expect(formatBalance(BTC, 'KRW', 123_456_789, 4, ['KRW'])).toBe('12,345');
  });
});
