/**
 * A market maker: keeps a ladder of limit orders on both sides around the fair value, and moves it as the
 * fair value moves. Quotes lean against its inventory (long coin → quotes lower, to sell more and buy less),
 * which keeps it from running out of either asset in a trending market.
 *
 * Requoting is frugal, because every command is journaled: a quote within the tolerance of some rung of the
 * new ladder stays where it is (keeping its queue priority), and only the quotes that no rung claims are moved
 * — by amend, one command each — to the rungs left empty. A one-rung shift of the fair value thus costs one
 * amend per side, not one per level.
 */
import type { Prng } from '../../random/prng';
import type { OpenOrderView } from '../../matching/engine';
import type { AccountId, Side } from '../../matching/types';
import type { Agent, CommandSink, Funding, TickContext } from './agent';

export interface MarketMakerConfig {
  count: number;
  /** Quotes per side. */
  levels: number;
  /** Distance of the best quote from the (inventory-adjusted) fair value. */
  halfSpreadBps: number;
  /** Distance between rungs. */
  levelStepBps: number;
  /** Quote value of the best rung, quote units; deeper rungs grow by `sizeGrowth` per level. */
  levelValue: number;
  sizeGrowth: number;
  /** A quote this close to its rung is left alone. */
  requoteToleranceBps: number;
  /** Chance per tick to revise the quotes. */
  activity: number;
  /** How far an all-coin (or all-cash) inventory moves the quotes' centre. */
  inventorySkewBps: number;
  funding: Funding;
}

export const DEFAULT_MARKET_MAKER: MarketMakerConfig = {
  count: 3,
  levels: 5,
  halfSpreadBps: 8,
  levelStepBps: 6,
  levelValue: 300_000,
  sizeGrowth: 0.5,
  requoteToleranceBps: 3,
  activity: 0.7,
  inventorySkewBps: 60,
  funding: { base: 0, quote: 0 }, // filled in from the starting price by the simulator
};

interface Rung {
  price: number;
  quantity: number;
}

export class MarketMaker implements Agent {
  readonly kind = 'market_maker';
  /** Each maker quotes a little differently, so the book has more than one price pattern. */
  private readonly spreadFactor: number;
  private readonly sizeFactor: number;

  constructor(
    readonly account: AccountId,
    private readonly config: MarketMakerConfig,
    readonly funding: Funding,
    private readonly rng: Prng,
  ) {
    this.spreadFactor = 0.8 + rng.next() * 0.8;
    this.sizeFactor = 0.7 + rng.next() * 0.6;
  }

  act(ctx: TickContext, sink: CommandSink): void {
    if (!this.rng.chance(this.config.activity)) return;
    const { math, reader, fair } = ctx;
    const c = math.config;
    const quote = reader.balance(this.account, c.quote);
    const base = reader.balance(this.account, c.base);
    const coinValue = math.notional(fair, base.available + base.held);
    const cashValue = quote.available + quote.held;
    const tilt = coinValue + cashValue > 0 ? (coinValue - cashValue) / (coinValue + cashValue) : 0;
    const center = fair - math.bpsToTicks(fair, tilt * this.config.inventorySkewBps) * math.tick;

    // The side this maker is short of gets revised first, so the budget goes where liquidity is scarcer.
    const sides: Side[] = tilt > 0 ? ['sell', 'buy'] : ['buy', 'sell'];
    for (const side of sides) {
      // Read afresh for each side: moving one side can trade against (and, by self-trade prevention, cancel)
      // this maker's own stale quotes on the other.
      const orders = reader.openOrders(this.account, ctx.market).filter((o) => o.type === 'limit' && o.side === side);
      const funds = reader.balance(this.account, side === 'buy' ? c.quote : c.base).available;
      if (!this.reconcile(ctx, sink, side, orders, this.ladder(ctx, side, center), funds)) return;
    }
  }

  /** The rungs this maker wants on `side`, best first. */
  private ladder(ctx: TickContext, side: Side, center: number): Rung[] {
    const { math, fair } = ctx;
    const cfg = this.config;
    const half = Math.max(1, math.bpsToTicks(fair, cfg.halfSpreadBps * this.spreadFactor));
    const step = Math.max(1, math.bpsToTicks(fair, cfg.levelStepBps * this.spreadFactor));
    const out: Rung[] = [];
    for (let i = 0; i < cfg.levels; i++) {
      const offset = (half + i * step) * math.tick;
      const price = side === 'buy' ? center - offset : center + offset;
      if (price < math.tick) break;
      const value = Math.round(cfg.levelValue * this.sizeFactor * (1 + i * cfg.sizeGrowth));
      out.push({ price, quantity: math.quantityForValue(price, value) });
    }
    return out;
  }

  /**
   * Moves `orders` onto `ladder` with as few commands as it can, within `funds` (the side's available
   * balance). Returns false when the tick's command budget ran out.
   */
  private reconcile(
    ctx: TickContext,
    sink: CommandSink,
    side: Side,
    orders: OpenOrderView[],
    ladder: Rung[],
    funds: number,
  ): boolean {
    const { math, market } = ctx;
    const tolerance = math.bpsToTicks(ctx.fair, this.config.requoteToleranceBps) * math.tick;
    const claimed = new Array<OpenOrderView | undefined>(ladder.length);
    const free = new Set(orders);
    for (let i = 0; i < ladder.length; i++) {
      let best: OpenOrderView | undefined;
      for (const o of free) {
        const d = Math.abs(o.price - ladder[i].price);
        if (d <= tolerance && (!best || d < Math.abs(best.price - ladder[i].price))) best = o;
      }
      if (best) {
        claimed[i] = best;
        free.delete(best);
      }
    }
    const hold = (price: number, remaining: number) => (side === 'buy' ? math.buyHold(price, remaining) : remaining);
    // Quotes nobody claims and no empty rung can take are cancelled first: that frees funds for the rest.
    const spare = [...free].sort((a, b) => (side === 'buy' ? b.price - a.price : a.price - b.price));
    const empty = ladder.filter((_, i) => claimed[i] === undefined);
    for (const o of spare.slice(empty.length)) {
      if (!sink.send({ type: 'cancel', ts: ctx.now, market, account: this.account, orderId: o.id })) return false;
      funds += o.held;
    }
    // A claimed quote that has mostly filled is topped up (this costs its queue place, as it would anywhere).
    for (let i = 0; i < ladder.length; i++) {
      const o = claimed[i];
      if (!o || o.remaining * 2 >= ladder[i].quantity) continue;
      const filled = o.quantity - o.remaining;
      const need = hold(o.price, ladder[i].quantity) - o.held;
      if (need > funds || math.notional(o.price, filled + ladder[i].quantity) < math.config.minNotional) continue;
      if (
        !sink.send({
          type: 'amend',
          ts: ctx.now,
          market,
          account: this.account,
          orderId: o.id,
          quantity: filled + ladder[i].quantity,
        })
      )
        return false;
      funds -= need;
    }
    // Unclaimed quotes move to the empty rungs (best rungs first), the rest of the empty rungs get new orders.
    for (let k = 0; k < empty.length; k++) {
      const rung = empty[k];
      const o = spare[k];
      const budget = funds + (o?.held ?? 0);
      const quantity = Math.min(
        rung.quantity,
        side === 'buy' ? math.affordableBuy(rung.price, budget) : math.floorLot(budget),
      );
      const enough = quantity > 0 && math.notional(rung.price, quantity) >= math.config.minNotional;
      if (o) {
        const filled = o.quantity - o.remaining;
        if (enough) {
          if (
            !sink.send({
              type: 'amend',
              ts: ctx.now,
              market,
              account: this.account,
              orderId: o.id,
              price: rung.price,
              quantity: filled + quantity,
            })
          )
            return false;
          funds = budget - hold(rung.price, quantity);
        } else {
          // Cannot afford to keep a quote here any longer: a stale quote would only be picked off.
          if (!sink.send({ type: 'cancel', ts: ctx.now, market, account: this.account, orderId: o.id })) return false;
          funds = budget;
        }
      } else if (enough) {
        if (
          !sink.send({
            type: 'place',
            ts: ctx.now,
            market,
            account: this.account,
            side,
            orderType: 'limit',
            price: rung.price,
            quantity,
          })
        )
          return false;
        funds -= hold(rung.price, quantity);
      }
    }
    return true;
  }
}
