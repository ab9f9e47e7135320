/**
 * The price the simulated traders believe the coin is worth: a random walk in whole ticks with occasional
 * jumps, never below a floor. Market makers quote around it, so the book and the last price follow it.
 *
 * Moves are proportional to the price (basis points), so the walk behaves the same at 100 won as at 100,000.
 * It may also lean toward the last traded price, so that a user who buys or sells size leaves a lasting mark
 * on the market instead of being undone by the makers on the next tick.
 */
import type { Prng } from '../random/prng';
import { normal, stochasticRound } from './seeds';

export interface FairValueConfig {
  /** Standard deviation of one step, in basis points of the price. */
  volatilityBps: number;
  /** Chance per step of a jump. */
  jumpProbability: number;
  /** A jump moves the price by a uniform amount in [jumpMinBps, jumpMaxBps], up or down with equal odds. */
  jumpMinBps: number;
  jumpMaxBps: number;
  /** Fraction (0..1) of the gap to the last traded price closed per step. */
  followLastPrice: number;
  /** The lowest price the walk may reach, quote units (rounded up to a tick). */
  floorPrice: number;
}

export const DEFAULT_FAIR_VALUE: FairValueConfig = {
  volatilityBps: 4,
  jumpProbability: 0.002,
  jumpMinBps: 50,
  jumpMaxBps: 250,
  followLastPrice: 0.02,
  floorPrice: 0, // 0: one hundredth of the starting price
};

export class FairValue {
  private ticks: number;
  private readonly floorTicks: number;

  constructor(
    private readonly config: FairValueConfig,
    private readonly tick: number,
    startPrice: number,
    private readonly rng: Prng,
  ) {
    this.ticks = Math.max(1, Math.round(startPrice / tick));
    const floor = config.floorPrice > 0 ? config.floorPrice : Math.floor(startPrice / 100);
    this.floorTicks = Math.max(1, Math.ceil(floor / tick));
    this.ticks = Math.max(this.ticks, this.floorTicks);
  }

  /** Quote units per whole coin, a multiple of the tick. */
  get price(): number {
    return this.ticks * this.tick;
  }

  /** Advances one step; `lastPrice` is the market's last trade price, if any. */
  step(lastPrice: number | undefined): number {
    const c = this.config;
    let move = (normal(this.rng) * c.volatilityBps * this.ticks) / 10_000;
    if (c.jumpProbability > 0 && this.rng.chance(c.jumpProbability)) {
      const bps = c.jumpMinBps + this.rng.next() * (c.jumpMaxBps - c.jumpMinBps);
      move += ((this.rng.chance(0.5) ? bps : -bps) * this.ticks) / 10_000;
    }
    if (lastPrice !== undefined && c.followLastPrice > 0)
      move += (lastPrice / this.tick - this.ticks) * c.followLastPrice;
    this.ticks = Math.max(this.floorTicks, this.ticks + stochasticRound(this.rng, move));
    return this.price;
  }
}
