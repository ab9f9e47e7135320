/**
 * Integer price and size arithmetic for agents, on one market's grid. Agents predict what the engine will
 * hold for an order so they skip what they cannot afford instead of sending commands that are bound to be
 * rejected; the rules mirror the engine's (a buy holds its notional plus the highest fee rate either side pays).
 */
import { affordableQuantity, ceilToTick, fee, floorToTick, mulDiv, notional } from '../matching/money';
import type { MarketConfig } from '../matching/types';

export class MarketMath {
  /** Base units per whole coin. */
  readonly unit: number;
  readonly tick: number;
  readonly lot: number;
  private readonly maxFeeBps: number;

  constructor(readonly config: MarketConfig) {
    this.unit = 10 ** config.baseDecimals;
    this.tick = config.tickSize;
    this.lot = config.lotSize;
    this.maxFeeBps = Math.max(0, config.makerFeeBps, config.takerFeeBps);
  }

  notional(price: number, quantity: number): number {
    return notional(price, quantity, this.unit);
  }

  /** What the engine holds for a resting buy of `quantity` at `price`. */
  buyHold(price: number, quantity: number): number {
    const amount = notional(price, quantity, this.unit);
    return amount + fee(amount, this.maxFeeBps);
  }

  /** The most a buy at `price` can be (in lots) when `budget` quote is available to hold. */
  affordableBuy(price: number, budget: number): number {
    return affordableQuantity(budget, price, this.unit, this.maxFeeBps, this.lot);
  }

  /** The smallest quantity (in lots) at `price` that meets the minimum notional. */
  minQuantity(price: number): number {
    let q = mulDiv(this.config.minNotional, this.unit, price);
    if (notional(price, q, this.unit) < this.config.minNotional) q += 1;
    return this.ceilLot(q);
  }

  /** About `value` quote worth of base at `price`, in lots, and never below the minimum notional. */
  quantityForValue(price: number, value: number): number {
    return Math.max(this.minQuantity(price), this.floorLot(mulDiv(value, this.unit, price)));
  }

  floorLot(q: number): number {
    return q - (q % this.lot);
  }

  ceilLot(q: number): number {
    const r = q % this.lot;
    return r === 0 ? q : q + this.lot - r;
  }

  floorTick(price: number): number {
    return floorToTick(price, this.tick);
  }

  ceilTick(price: number): number {
    return ceilToTick(price, this.tick);
  }

  /**
   * `bps` basis points of `price` (either sign), in whole ticks rounded to nearest. Configuration may use
   * fractional bps; prices built from the result stay on the tick grid.
   */
  bpsToTicks(price: number, bps: number): number {
    return Math.round((price * bps) / 10_000 / this.tick);
  }
}
