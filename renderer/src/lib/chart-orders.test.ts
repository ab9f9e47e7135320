import { describe, expect, it } from 'vitest';
import type { ViewMarket, ViewOrder } from './market-view';
import {
  amendInput,
  fillMarks,
  isAmendable,
  isWaitingStop,
  orderLinePrice,
  plotted,
  snapToTick,
  stopSide,
  unrealisedAt,
} from './chart-orders';

/** The offline practice market: whole won on a 1-won tick, sizes in 1e-8 LPJ on lots of 0.01. */
const LPJ: ViewMarket = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
  quoteDecimals: 0,
  tickSize: 1,
  lotSize: 1_000_000,
  minNotional: 1_000,
  makerFeeBps: 10,
  takerFeeBps: 10,
};
/** BTC-USDT as paper trading has it: cent prices, 1e-8 BTC, balances in 1e-8 USDT. */
const BTC: ViewMarket = {
  ...LPJ,
  id: 'BTC-USDT',
  base: 'BTC',
  quote: 'USDT',
  priceDecimals: 2,
  quoteDecimals: 8,
  tickSize: 1,
  lotSize: 1,
};

const order = (o: Partial<ViewOrder>): ViewOrder => ({
  id: 1,
  side: 'buy',
  type: 'limit',
  price: 10_000,
  stopPrice: 0,
  quantity: 100_000_000,
  remaining: 100_000_000,
  triggered: false,
  ts: 0,
  ...o,
});

describe('order lines', () => {
  it('a limit or a triggered stop-limit can be amended; a waiting stop or a stop-market cannot', () => {
    expect(isAmendable(order({}))).toBe(true);
    expect(isAmendable(order({ type: 'stop_limit', triggered: true }))).toBe(true);
    expect(isAmendable(order({ type: 'stop_limit', triggered: false }))).toBe(false);
    expect(isAmendable(order({ type: 'stop_market', triggered: false }))).toBe(false);
    // A leg of an OCO pair (a bracket's take-profit) shares its hold with the other leg: not amendable.
    expect(isAmendable(order({ ocoOrderId: 12 }))).toBe(false);
  });

  it('a waiting stop is drawn at its stop price, anything else at its limit price', () => {
    expect(orderLinePrice(order({ type: 'stop_limit', price: 9_000, stopPrice: 9_500 }))).toBe(9_500);
    expect(orderLinePrice(order({ type: 'stop_market', price: 0, stopPrice: 9_500 }))).toBe(9_500);
    expect(orderLinePrice(order({ type: 'trailing_stop', price: 0, stopPrice: 9_400 }))).toBe(9_400);
    expect(orderLinePrice(order({ type: 'stop_limit', price: 9_000, stopPrice: 9_500, triggered: true }))).toBe(9_000);
    expect(orderLinePrice(order({ price: 9_000 }))).toBe(9_000);
  });

  it('a waiting trailing stop is a waiting stop (its line dashed) at its trigger now, until it triggers', () => {
    expect(isWaitingStop(order({ type: 'trailing_stop', price: 0, stopPrice: 9_400 }))).toBe(true);
    expect(isWaitingStop(order({ type: 'stop_market', price: 0, stopPrice: 9_400 }))).toBe(true);
    expect(isWaitingStop(order({ type: 'stop_limit', price: 9_000, stopPrice: 9_500, triggered: true }))).toBe(false);
    expect(isWaitingStop(order({ price: 9_000 }))).toBe(false);
    // The trigger moved after the price: the line goes with it.
    expect(orderLinePrice(order({ type: 'trailing_stop', price: 0, stopPrice: 9_650 }))).toBe(9_650);
  });

  it('a dragged position comes back on the tick, never below one tick or past the safe range', () => {
    expect(plotted(BTC, 6_543_210)).toBeCloseTo(65_432.1);
    expect(snapToTick(BTC, 65_432.104)).toBe(6_543_210);
    expect(snapToTick({ priceDecimals: 0, tickSize: 5 }, 10_003)).toBe(10_005);
    expect(snapToTick(LPJ, 0.4)).toBeNull();
    expect(snapToTick(LPJ, -3)).toBeNull();
    expect(snapToTick(LPJ, Number.NaN)).toBeNull();
    expect(snapToTick(LPJ, 1e300)).toBeNull();
  });

  it('a stop above the last price buys, at or below it sells', () => {
    expect(stopSide(10_100, 10_000)).toBe('buy');
    expect(stopSide(10_000, 10_000)).toBe('sell');
    expect(stopSide(9_900, 10_000)).toBe('sell');
  });
});

describe('fill marks', () => {
  it('one mark per candle and side, in the candle the fill happened in, fills before the chart left out', () => {
    const bars = [60, 120, 180];
    const marks = fillMarks(
      [
        { time: 185, side: 'sell' },
        { time: 130, side: 'buy' },
        { time: 179, side: 'buy' },
        { time: 120, side: 'sell' },
        { time: 10, side: 'buy' },
      ],
      bars,
    );
    expect(marks).toEqual([
      { time: 120, side: 'buy', count: 2 },
      { time: 120, side: 'sell', count: 1 },
      { time: 180, side: 'sell', count: 1 },
    ]);
    expect(fillMarks([{ time: 100, side: 'buy' }], [])).toEqual([]);
  });

  it('adds fills already counted per candle (older history) to single fills on the same candle', () => {
    const marks = fillMarks(
      [
        { time: 60, side: 'buy', count: 40 },
        { time: 120, side: 'sell', count: 7 },
        { time: 130, side: 'sell' },
        { time: 0, side: 'sell', count: 3 },
      ],
      [60, 120],
    );
    expect(marks).toEqual([
      { time: 60, side: 'buy', count: 40 },
      { time: 120, side: 'sell', count: 8 },
    ]);
  });
});

describe('the position line', () => {
  it('unrealised PnL is the value at the last price less the cost, exactly, in quote units', () => {
    // 0.5 BTC that cost 30,000.00 USDT, at 65,432.10: 32,716.05 USDT → +2,716.05 (1e-8 USDT units).
    expect(unrealisedAt(BTC, { quantity: 50_000_000, costBasis: 3_000_000_000_000 }, 6_543_210)).toBe(271_605_000_000n);
    expect(unrealisedAt(LPJ, { quantity: 200_000_000, costBasis: 30_000 }, 14_000)).toBe(-2_000n);
    expect(unrealisedAt(LPJ, { quantity: 0, costBasis: 0 }, 14_000)).toBeNull();
    expect(unrealisedAt(LPJ, { quantity: 1, costBasis: 0 }, 0)).toBeNull();
  });
});

describe('the amend form', () => {
  const o = order({ price: 10_000, quantity: 100_000_000 });
  it('sends only what changed, in the market units', () => {
    expect(amendInput(LPJ, o, '9,990', '1')).toEqual({ ok: true, change: { price: 9_990 } });
    expect(amendInput(LPJ, o, '10000', '2.5')).toEqual({ ok: true, change: { quantity: 250_000_000 } });
    expect(amendInput(BTC, order({ price: 100, quantity: 1 }), '65432.1', '0.00000002')).toEqual({
      ok: true,
      change: { price: 6_543_210, quantity: 2 },
    });
  });

  it('says what is wrong with the text before anything is sent', () => {
    expect(amendInput(LPJ, o, '10000', '1')).toEqual({ ok: false, key: 'orders.amendNothing' });
    expect(amendInput(LPJ, o, '', '1')).toMatchObject({ ok: false, key: 'form.err.price' });
    expect(amendInput(LPJ, o, '0', '1')).toMatchObject({ ok: false, key: 'form.err.price' });
    expect(amendInput(LPJ, o, '99.5', '1')).toMatchObject({ ok: false, key: 'form.err.price' });
    expect(amendInput(LPJ, o, '10000', 'abc')).toMatchObject({ ok: false, key: 'form.err.amount' });
    expect(amendInput(LPJ, o, '10000', '1.005')).toMatchObject({ ok: false, key: 'reject.BELOW_LOT_SIZE' });
    expect(amendInput({ ...LPJ, tickSize: 5 }, o, '10003', '1')).toMatchObject({ ok: false, key: 'reject.OFF_TICK' });
    expect(amendInput(LPJ, o, '9'.repeat(30), '1')).toMatchObject({ ok: false, key: 'form.err.tooLarge' });
  });
});
