import { describe, expect, it } from 'vitest';
import { buildOrder, type FormInput, type MarketContext } from './build-order';
import type { ViewMarket } from './market-view';
import { isDecimal, parseUnits } from './units';

/** A won market whose price step is 1,000 KRW (as Upbit's for BTC), sizes in 1e-8 with lots of 0.0001. */
const BTC: ViewMarket = {
  id: 'BTC-KRW',
  base: 'BTC',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
  quoteDecimals: 0,
  tickSize: 1_000,
  lotSize: 10_000,
  minNotional: 5_000,
  makerFeeBps: 5,
  takerFeeBps: 5,
};
const ctx: MarketContext = {
  market: BTC,
  bestBid: 94_000_000,
  bestAsk: 94_001_000,
  lastPrice: 94_000_000,
  available: { KRW: 10_000_000n, BTC: 100_000_000n },
};
const input = (over: Partial<FormInput>): FormInput => ({
  side: 'buy',
  type: 'limit',
  price: '',
  stopPrice: '',
  amount: '',
  total: '',
  ...over,
});
const error = (over: Partial<FormInput>) => {
  const built = buildOrder(input(over), ctx);
  return built.ok ? null : built.error;
};

describe('a number the market cannot take is refused with the step to type', () => {
  it('names the tick for a price with decimals the market does not have, as for one off the step', () => {
    expect(error({ price: '94000000.5', amount: '0.01' })).toEqual({
      kind: 'error',
      key: 'form.err.tick',
      detail: '1,000',
    });
    expect(error({ price: '94000500', amount: '0.01' })).toEqual({
      kind: 'error',
      key: 'form.err.tick',
      detail: '1,000',
    });
    expect(error({ type: 'stop_limit', stopPrice: '1.5', price: '94000000', amount: '0.01' })).toMatchObject({
      key: 'form.err.tick',
    });
  });

  it('names the lot for an amount with more decimals than the coin has', () => {
    expect(error({ price: '94000000', amount: '0.000000001' })).toEqual({
      kind: 'error',
      key: 'form.err.lot',
      detail: '0.0001',
    });
  });

  it('names the quote step for a sum to spend with decimals the currency does not have', () => {
    expect(error({ type: 'market', total: '10000.5' })).toEqual({
      kind: 'error',
      key: 'form.err.spendStep',
      detail: '1',
    });
  });

  it('keeps "not a number" for text that is not one, and for zero', () => {
    expect(error({ price: '1.2.3', amount: '0.01' })).toEqual({ kind: 'error', key: 'form.err.number' });
    expect(error({ price: '0', amount: '0.01' })).toEqual({ kind: 'error', key: 'form.err.number' });
  });

  it('still builds an order from a price on the step', () => {
    const built = buildOrder(input({ price: '94,000,000', amount: '0.01' }), ctx);
    expect(built.ok && built.order).toEqual({
      side: 'buy',
      orderType: 'limit',
      price: 94_000_000,
      quantity: 1_000_000,
    });
  });
});

describe('isDecimal', () => {
  it('tells a decimal with too many digits (a step problem) from text that is no number', () => {
    expect(isDecimal('1,000.123456789')).toBe(true);
    expect(parseUnits('1,000.123456789', 8)).toBeNull();
    expect(isDecimal('.')).toBe(false);
    expect(isDecimal('')).toBe(false);
    expect(isDecimal('1.2.3')).toBe(false);
    expect(isDecimal('-1')).toBe(false);
  });
});
