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

describe('the newer order types are built as the engine takes them', () => {
  const built = (over: Partial<FormInput>) => {
    const b = buildOrder(input(over), ctx);
    return b.ok ? b.order : b.error;
  };

  it('a trailing stop by percent becomes basis points; by amount, a price on the tick', () => {
    expect(built({ side: 'sell', type: 'trailing_stop', amount: '0.01', trail: '1.5', trailUnit: 'percent' })).toEqual({
      side: 'sell',
      orderType: 'trailing_stop',
      trailBps: 150,
      quantity: 1_000_000,
    });
    expect(
      built({ side: 'sell', type: 'trailing_stop', amount: '0.01', trail: '500000', trailUnit: 'amount' }),
    ).toEqual({ side: 'sell', orderType: 'trailing_stop', trailAmount: 500_000, quantity: 1_000_000 });
  });

  it('refuses a trailing distance of nothing, over 50% or off the tick', () => {
    for (const trail of ['', '0', '50.01', '1000', 'abc'])
      expect(built({ side: 'sell', type: 'trailing_stop', amount: '0.01', trail, trailUnit: 'percent' })).toMatchObject(
        { key: 'form.err.trail' },
      );
    expect(
      built({ side: 'sell', type: 'trailing_stop', amount: '0.01', trail: '500', trailUnit: 'amount' }),
    ).toMatchObject({ key: 'form.err.tick' });
  });

  it('a stop-market carries its stop price; a limit its time in force and post-only', () => {
    expect(built({ side: 'sell', type: 'stop_market', stopPrice: '90000000', amount: '0.01' })).toEqual({
      side: 'sell',
      orderType: 'stop_market',
      stopPrice: 90_000_000,
      quantity: 1_000_000,
    });
    expect(built({ price: '93000000', amount: '0.01', timeInForce: 'IOC' })).toMatchObject({ timeInForce: 'IOC' });
    expect(built({ price: '93000000', amount: '0.01', postOnly: true })).toMatchObject({ postOnly: true });
    expect(built({ price: '93000000', amount: '0.01', postOnly: true, timeInForce: 'FOK' })).not.toHaveProperty(
      'postOnly',
    );
  });

  it('a buy carries its take-profit above and stop-loss below the entry; the wrong side is refused', () => {
    expect(built({ price: '93000000', amount: '0.01', takeProfit: '99000000', stopLoss: '90000000' })).toMatchObject({
      orderType: 'limit',
      takeProfitPrice: 99_000_000,
      stopLossPrice: 90_000_000,
    });
    expect(built({ price: '93000000', amount: '0.01', takeProfit: '92000000' })).toMatchObject({
      key: 'form.err.bracket',
    });
    expect(built({ side: 'sell', price: '95000000', amount: '0.01', stopLoss: '94000000' })).toMatchObject({
      key: 'form.err.bracket',
    });
    expect(built({ type: 'market', total: '100000', takeProfit: '99000000' })).toMatchObject({
      key: 'form.err.exitsSpend',
    });
  });
});
