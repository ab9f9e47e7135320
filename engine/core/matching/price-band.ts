/**
 * The price band (MarketConfig.priceBandBps): how far from the market an order may trade. The reference is the
 * market's last trade price, else the best opposite price; with neither there is no band.
 *
 * Band prices are on the tick grid and computed with the saturating helpers of ./money: a buy's band price
 * beyond the safe range comes back as +Infinity, which callers refuse (AMOUNT_OUT_OF_RANGE) or compare safely.
 */
import type { Market } from './market';
import { BPS, ceilToTick, floorToTick, inRange, mulDiv } from './money';
import type { Side } from './types';

/**
 * The furthest price the band allows from `reference` on `side`'s aggressive side, on the tick grid: for a buy
 * the highest (+Infinity when that is beyond the safe range), for a sell the lowest.
 */
export function bandPrice(m: Market, side: Side, reference: number): number {
  const band = m.config.priceBandBps;
  if (side === 'buy') {
    const top = mulDiv(reference, BPS + band, BPS);
    return inRange(top) ? floorToTick(top, m.config.tickSize) : top;
  }
  return Math.max(
    m.config.tickSize,
    ceilToTick(mulDiv(reference, BPS - Math.min(band, BPS - 1), BPS), m.config.tickSize),
  );
}

/** True when a limit price is within the band on its aggressive side. */
export function inBand(m: Market, side: Side, price: number): boolean {
  const reference = m.lastPrice !== 0 ? m.lastPrice : (side === 'buy' ? m.asks : m.bids).bestPrice();
  if (reference === 0) return true;
  // Most orders are priced on the passive side of the reference, and are within the band without arithmetic.
  if (side === 'buy' ? price <= reference : price >= reference) return true;
  return side === 'buy' ? price <= bandPrice(m, side, reference) : price >= bandPrice(m, side, reference);
}
