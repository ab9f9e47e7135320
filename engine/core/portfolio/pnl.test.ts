import { describe, expect, it } from 'vitest';
import { positionView } from '../paper/position';
import { positionsFromFills, type PnlFill } from './pnl';

// Whole-won prices and 10^-8 coin sizes: a fill of q units at price p is worth floor(p × q / 10^8) won.
const D = 100_000_000;
const COIN = 100_000_000;
const fill = (side: 'buy' | 'sell', coins: number, price: number, fee = 0, market = 'LPJ-KRW'): PnlFill => ({
  market,
  side,
  quantity: coins * COIN,
  quoteAmount: Math.floor((price * coins * COIN) / D),
  fee,
});

describe('PnL from fills, average cost', () => {
  it('a partial sell realises against the average cost; fees are counted apart', () => {
    // Buy 10 at 1,000 (fee 5), buy 10 at 1,200 (fee 6): 20 coins for 22,000, average 1,100.
    // Sell 5 at 1,500 (fee 4): realises 7,500 − 5,500 = 2,000; 15 left at 16,500.
    const { positions } = positionsFromFills([
      fill('buy', 10, 1_000, 5),
      fill('buy', 10, 1_200, 6),
      fill('sell', 5, 1_500, 4),
    ]);
    const p = positions.get('LPJ-KRW')!;
    expect(p).toEqual({ quantity: 15 * COIN, costBasis: 16_500, realisedPnl: 2_000, feesPaid: 15 });
    // Marked at 1,000: 15,000 − 16,500 = −1,500; net = 2,000 − 1,500 − 15 = 485.
    expect(positionView('LPJ-KRW', p, D, 1_000)).toEqual({
      market: 'LPJ-KRW',
      quantity: 15 * COIN,
      costBasis: 16_500,
      averagePrice: 1_100,
      realisedPnl: 2_000,
      feesPaid: 15,
      markPrice: 1_000,
      unrealisedPnl: -1_500,
      netPnl: 485,
    });
  });

  it('a position closed in full and opened again starts a new average', () => {
    // Buy 4 at 2,500 (10,000), sell 4 at 3,000 (12,000): realised 2,000, flat.
    // Buy 2 at 1,000: the new average is 1,000, not a blend with the closed position.
    const { positions } = positionsFromFills([
      fill('buy', 4, 2_500, 3),
      fill('sell', 4, 3_000, 3),
      fill('buy', 2, 1_000, 1),
    ]);
    const p = positions.get('LPJ-KRW')!;
    expect(p).toEqual({ quantity: 2 * COIN, costBasis: 2_000, realisedPnl: 2_000, feesPaid: 7 });
    const v = positionView('LPJ-KRW', p, D, 1_500);
    expect(v.averagePrice).toBe(1_000);
    expect(v.unrealisedPnl).toBe(1_000);
    expect(v.netPnl).toBe(2_000 + 1_000 - 7);
  });

  it('an uneven partial sell removes the rounded-down share of the basis and loses nothing over the round trip', () => {
    // Buy 3 coins for 1,000 won: 333.33… each. Sell 1 for 400: removes floor(1,000 / 3) = 333, realises 67.
    // Sell the other 2 for 700: removes the remaining 667 whole, realises 33. Total 100 = 1,100 − 1,000.
    const buy: PnlFill = { market: 'LPJ-KRW', side: 'buy', quantity: 3 * COIN, quoteAmount: 1_000, fee: 0 };
    const sell1: PnlFill = { market: 'LPJ-KRW', side: 'sell', quantity: COIN, quoteAmount: 400, fee: 0 };
    const { positions: after1 } = positionsFromFills([buy, sell1]);
    expect(after1.get('LPJ-KRW')).toEqual({ quantity: 2 * COIN, costBasis: 667, realisedPnl: 67, feesPaid: 0 });
    const sell2: PnlFill = { market: 'LPJ-KRW', side: 'sell', quantity: 2 * COIN, quoteAmount: 700, fee: 0 };
    const { positions } = positionsFromFills([buy, sell1, sell2]);
    expect(positions.get('LPJ-KRW')).toEqual({ quantity: 0, costBasis: 0, realisedPnl: 100, feesPaid: 0 });
  });

  it('keeps each market apart', () => {
    const { positions } = positionsFromFills([
      fill('buy', 1, 100, 0, 'BTC-KRW'),
      fill('buy', 2, 50, 0, 'ETH-KRW'),
      fill('sell', 1, 150, 0, 'BTC-KRW'),
    ]);
    expect(positions.get('BTC-KRW')).toEqual({ quantity: 0, costBasis: 0, realisedPnl: 50, feesPaid: 0 });
    expect(positions.get('ETH-KRW')).toEqual({ quantity: 2 * COIN, costBasis: 100, realisedPnl: 0, feesPaid: 0 });
  });

  it('drops and names a market whose fills cannot be counted exactly, without throwing', () => {
    const huge: PnlFill = {
      market: 'BTC-KRW',
      side: 'buy',
      quantity: 1,
      quoteAmount: Number.MAX_SAFE_INTEGER,
      fee: 0,
    };
    const bad: PnlFill[] = [
      huge,
      { ...huge, quoteAmount: 1 },
      { market: 'X-KRW', side: 'buy', quantity: Number.NaN, quoteAmount: 1, fee: 0 },
      { market: 'Y-KRW', side: 'buy', quantity: -1, quoteAmount: 1, fee: 0 },
      fill('buy', 1, 100, 0, 'ETH-KRW'),
    ];
    const { positions, outOfRange } = positionsFromFills(bad);
    expect([...outOfRange].sort()).toEqual(['BTC-KRW', 'X-KRW', 'Y-KRW']);
    expect([...positions.keys()]).toEqual(['ETH-KRW']);
  });
});
