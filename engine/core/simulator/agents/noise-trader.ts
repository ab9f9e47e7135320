/**
 * A noise trader: trades small amounts at random, without a view. Market orders print trades; limit orders,
 * mostly a little away from the fair value and now and then through it, thicken the book near the touch and
 * are cancelled when they have waited too long.
 */
import type { Prng } from '../../random/prng';
import type { AccountId } from '../../matching/types';
import type { Agent, CommandSink, Funding, TickContext } from './agent';
import { sendLimitOrder, sendMarketOrder } from './orders';

export interface NoiseTraderConfig {
  count: number;
  /** Chance per tick to place an order. */
  activity: number;
  /** Share of those orders that are market orders; the rest are limit orders. */
  marketOrderShare: number;
  /** Order value, quote units, uniform in [minValue, maxValue]. */
  minValue: number;
  maxValue: number;
  /** Limit prices are up to this far on the passive side of the fair value... */
  maxOffsetBps: number;
  /** ...or up to this far through it (a marketable limit order). */
  crossBps: number;
  /** Limit orders older than this are cancelled (measured on the simulator's clock). */
  orderLifetimeMs: number;
  maxOpenOrders: number;
  funding: Funding;
}

export const DEFAULT_NOISE_TRADER: NoiseTraderConfig = {
  count: 8,
  activity: 0.15,
  marketOrderShare: 0.4,
  minValue: 5_000,
  maxValue: 150_000,
  maxOffsetBps: 60,
  crossBps: 5,
  orderLifetimeMs: 60_000,
  maxOpenOrders: 4,
  funding: { base: 0, quote: 0 },
};

export class NoiseTrader implements Agent {
  readonly kind = 'noise_trader';

  constructor(
    readonly account: AccountId,
    private readonly config: NoiseTraderConfig,
    readonly funding: Funding,
    private readonly rng: Prng,
  ) {}

  act(ctx: TickContext, sink: CommandSink): void {
    const cfg = this.config;
    const open = ctx.reader.openOrders(this.account, ctx.market);
    let live = open.length;
    for (const o of open) {
      if (ctx.now - o.ts < cfg.orderLifetimeMs) continue;
      if (!sink.send({ type: 'cancel', ts: ctx.now, market: ctx.market, account: this.account, orderId: o.id })) return;
      live--;
    }
    if (!this.rng.chance(cfg.activity)) return;
    const side = this.rng.chance(0.5) ? 'buy' : 'sell';
    const value = this.rng.int(cfg.minValue, cfg.maxValue);
    if (this.rng.chance(cfg.marketOrderShare)) return sendMarketOrder(ctx, sink, this.account, side, value);
    if (live >= cfg.maxOpenOrders) return;
    const offset =
      ctx.math.bpsToTicks(ctx.fair, -cfg.crossBps + this.rng.next() * (cfg.maxOffsetBps + cfg.crossBps)) *
      ctx.math.tick;
    sendLimitOrder(ctx, sink, this.account, side, side === 'buy' ? ctx.fair - offset : ctx.fair + offset, value);
  }
}
