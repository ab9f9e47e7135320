import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResultFill } from './account-result';
import { periodReport } from './period-report';

const COIN = 100_000_000;
const BTC = { id: 'BTC-KRW', base: 'BTC', quote: 'KRW', priceDecimals: 0, sizeDecimals: 8, quoteDecimals: 0 };
const at = (iso: string) => Date.parse(iso);
const fill = (ts: number, side: 'buy' | 'sell', coins: number, price: number, fee = 0): ResultFill => ({
  ts,
  market: 'BTC-KRW',
  side,
  price,
  quantity: coins * COIN,
  quoteAmount: price * coins,
  fee,
  liquidity: 'taker',
});

describe('PnL per period', () => {
  const fills = [
    fill(at('2026-01-30T10:00:00Z'), 'buy', 2, 100_000, 100),
    fill(at('2026-02-02T10:00:00Z'), 'sell', 1, 130_000, 65), // a Monday: a new week and a new month
    fill(at('2026-02-03T10:00:00Z'), 'sell', 1, 90_000, 45),
  ];

  it('realises a sale against what was bought in an earlier period, by day', () => {
    const r = periodReport(fills, [BTC], 'day');
    expect(r.rows.map((x) => [new Date(x.periodStart).toISOString(), x.realisedPnl, x.fees, x.turnover])).toEqual([
      ['2026-01-30T00:00:00.000Z', 0, 100, 200_000],
      ['2026-02-02T00:00:00.000Z', 30_000, 65, 130_000],
      ['2026-02-03T00:00:00.000Z', -10_000, 45, 90_000],
    ]);
  });

  it('weeks open on Monday, months on the 1st', () => {
    expect(
      periodReport(fills, [BTC], 'week').rows.map((x) => [new Date(x.periodStart).toISOString(), x.fills]),
    ).toEqual([
      ['2026-01-26T00:00:00.000Z', 1],
      ['2026-02-02T00:00:00.000Z', 2],
    ]);
    expect(
      periodReport(fills, [BTC], 'month').rows.map((x) => [new Date(x.periodStart).toISOString(), x.realisedPnl]),
    ).toEqual([
      ['2026-01-01T00:00:00.000Z', 0],
      ['2026-02-01T00:00:00.000Z', 20_000],
    ]);
  });

  it('never throws; the periods add up to the whole, whatever the period', () => {
    const arb = fc.array(
      fc.record({
        ts: fc.oneof(fc.integer({ min: 0, max: 4e12 }), fc.constantFrom(-1, Number.NaN)),
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        coins: fc.integer({ min: 1, max: 5 }),
        price: fc.oneof(fc.integer({ min: 1, max: 1e7 }), fc.constant(2 ** 60)),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (spec) => {
        const fs = spec.map((s) => fill(s.ts, s.side, s.coins, s.price));
        const sums = (['day', 'week', 'month'] as const).map((p) => {
          const r = periodReport(fs, [BTC], p);
          return r.rows.reduce((a, x) => [a[0] + x.realisedPnl, a[1] + x.turnover, a[2] + x.fills], [0, 0, 0]);
        });
        expect(sums[1]).toEqual(sums[0]);
        expect(sums[2]).toEqual(sums[0]);
      }),
    );
  });
});
