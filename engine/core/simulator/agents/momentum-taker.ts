/**
 * A momentum taker: when the last price has moved far enough over its look-back, it joins the move with a
 * market order, then waits out a cooldown. It is what turns a jump of the fair value into a burst on the tape
 * and makes moves overshoot a little, as they do on real books.
 */
import type { Prng } from '../../random/prng';
import type { AccountId } from '../../matching/types';
import type { Agent, CommandSink, Funding, TickContext } from './agent';
import { sendMarketOrder } from './orders';

export interface MomentumTakerConfig {
  count: number;
  /** Ticks over which the move is measured. */
  lookbackTicks: number;
  /** The move (in basis points of the older price) that triggers a trade. */
  thresholdBps: number;
  /** Chance to act on a signal in a given tick. */
  activity: number;
  minValue: number;
  maxValue: number;
  /** Ticks to wait after a trade. */
  cooldownTicks: number;
  funding: Funding;
}

export const DEFAULT_MOMENTUM_TAKER: MomentumTakerConfig = {
  count: 2,
  lookbackTicks: 20,
  thresholdBps: 25,
  activity: 0.3,
  minValue: 20_000,
  maxValue: 300_000,
  cooldownTicks: 10,
  funding: { base: 0, quote: 0 },
};

export class MomentumTaker implements Agent {
  readonly kind = 'momentum_taker';
  private readyAt = 0;

  constructor(
    readonly account: AccountId,
    private readonly config: MomentumTakerConfig,
    readonly funding: Funding,
    private readonly rng: Prng,
  ) {}

  act(ctx: TickContext, sink: CommandSink): void {
    const cfg = this.config;
    if (ctx.tick < this.readyAt) return;
    const before = ctx.priceAgo(cfg.lookbackTicks);
    const last = ctx.reader.lastPrice(ctx.market);
    if (before === undefined || last === undefined) return;
    const moveBps = ((last - before) * 10_000) / before;
    if (Math.abs(moveBps) < cfg.thresholdBps || !this.rng.chance(cfg.activity)) return;
    sendMarketOrder(ctx, sink, this.account, moveBps > 0 ? 'buy' : 'sell', this.rng.int(cfg.minValue, cfg.maxValue));
    this.readyAt = ctx.tick + cfg.cooldownTicks;
  }
}
