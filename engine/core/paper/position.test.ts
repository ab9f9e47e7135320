import { describe, expect, it } from 'vitest';
import { applyFill, averagePrice, emptyPosition, unrealisedPnl } from './position';

// Divisor 100: a fill of q units at price p is worth floor(p × q / 100).
const D = 100;

describe('position accounting', () => {
  it('rounds shares of the cost basis down but loses nothing over a round trip', () => {
    const p = emptyPosition();
    applyFill(p, 'buy', 3, 100, 1); // cost 100 for 3 units: 33.33… each
    expect(averagePrice(p, D)).toBe(3_333); // floor(100 × 100 / 3)
    applyFill(p, 'sell', 1, 40, 0); // removes floor(100 / 3) = 33 of the basis
    expect(p).toEqual({ quantity: 2, costBasis: 67, realisedPnl: 7, feesPaid: 1 });
    applyFill(p, 'sell', 2, 70, 0); // removes the remaining 67 whole
    expect(p).toEqual({ quantity: 0, costBasis: 0, realisedPnl: 40 + 70 - 100, feesPaid: 1 });
    expect(averagePrice(p, D)).toBe(0);
    expect(unrealisedPnl(p, 12_345, D)).toBe(0);
  });

  it('a sell larger than the long closes it and opens a short with the rest of the fill', () => {
    const p = emptyPosition();
    applyFill(p, 'buy', 100, 10_000, 0);
    applyFill(p, 'sell', 150, 16_500, 0); // 11,000 per 100: 100 close (11,000), 50 open short (5,500)
    expect(p).toEqual({ quantity: -50, costBasis: 5_500, realisedPnl: 1_000, feesPaid: 0 });
    expect(averagePrice(p, D)).toBe(11_000);
    // A short gains when the price falls.
    expect(unrealisedPnl(p, 10_000, D)).toBe(500);
    applyFill(p, 'buy', 50, 4_500, 0);
    expect(p).toEqual({ quantity: 0, costBasis: 0, realisedPnl: 2_000, feesPaid: 0 });
  });

  it('buys add to the basis; a long is marked at value minus basis', () => {
    const p = emptyPosition();
    applyFill(p, 'buy', 100, 10_000, 20);
    applyFill(p, 'buy', 300, 36_000, 72);
    expect(p).toEqual({ quantity: 400, costBasis: 46_000, realisedPnl: 0, feesPaid: 92 });
    expect(averagePrice(p, D)).toBe(11_500);
    expect(unrealisedPnl(p, 11_000, D)).toBe(44_000 - 46_000);
  });
});
