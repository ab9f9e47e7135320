/**
 * A seeded stream of varied commands for property tests and crash tests: every order type (trailing stops, limit
 * entries carrying take-profit / stop-loss exits and OCO pairs among them), cancels and amends of live orders,
 * cancel-all, STP changes, deposits and withdrawals, and a share of invalid input.
 */
import type { MatchingEngine } from '../engine';
import type { Command, MarketConfig, StpMode } from '../types';
import { mulberry32 } from '../../random/prng';

export interface StreamOptions {
  market: MarketConfig;
  accounts: number[];
  mid: number;
  /** Half-width of the price range around mid, in ticks. */
  spreadTicks: number;
}

/**
 * Returns a function that makes the next command from the engine's current state (live order ids are read
 * from it, so cancels and amends mostly hit real orders).
 */
export function commandStream(seed: number, engine: MatchingEngine, o: StreamOptions): () => Command {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const m = o.market;
  const price = () => o.mid + (Math.floor(rnd() * (2 * o.spreadTicks + 1)) - o.spreadTicks) * m.tickSize;
  const qty = () => (1 + Math.floor(rnd() * 30)) * m.lotSize;
  let cid = 0;
  /** Exits around `around` for an entry on `side` (now and then on the wrong side, which is refused). */
  const exits = (side: 'buy' | 'sell', around: number) => {
    const dir = (side === 'buy' ? 1 : -1) * (rnd() < 0.05 ? -1 : 1);
    const tp = around + dir * (1 + Math.floor(rnd() * o.spreadTicks)) * m.tickSize;
    const sl = around - dir * (1 + Math.floor(rnd() * o.spreadTicks)) * m.tickSize;
    const r = rnd();
    return {
      takeProfitPrice: r < 0.8 ? tp : undefined,
      stopLossPrice: r > 0.2 ? sl : undefined,
      stopLossLimitPrice: r > 0.2 && rnd() < 0.3 ? sl - dir * m.tickSize : undefined,
    };
  };
  return () => {
    const account = pick(o.accounts);
    const r = rnd();
    const side = rnd() < 0.5 ? 'buy' : 'sell';
    if (r < 0.45) {
      const tif = pick(['GTC', 'GTC', 'GTC', 'IOC', 'FOK'] as const);
      const at = price();
      const bracket = rnd() < 0.12 ? exits(side, at) : {};
      return {
        ...bracket,
        type: 'place',
        market: m.id,
        account,
        side,
        orderType: 'limit',
        price: at,
        quantity: qty(),
        timeInForce: tif,
        postOnly: tif === 'GTC' && rnd() < 0.1,
        clientOrderId: rnd() < 0.3 ? `c${cid++ % 50}` : undefined,
      };
    }
    if (r < 0.53) {
      if (side === 'buy' && rnd() < 0.4)
        return {
          type: 'place',
          market: m.id,
          account,
          side,
          orderType: 'market',
          quoteAmount: 1_000 + Math.floor(rnd() * 200_000),
        };
      return { type: 'place', market: m.id, account, side, orderType: 'market', quantity: qty() };
    }
    if (r < 0.6) {
      const stopPrice = price();
      const kind = rnd();
      if (kind < 0.2)
        return {
          type: 'place',
          market: m.id,
          account,
          side,
          orderType: 'trailing_stop',
          quantity: qty(),
          ...(rnd() < 0.5
            ? { trailAmount: (1 + Math.floor(rnd() * o.spreadTicks)) * m.tickSize }
            : { trailBps: 1 + Math.floor(rnd() * 300) }),
        };
      if (kind < 0.35) {
        const last = engine.lastPrice(m.id) ?? o.mid;
        return {
          type: 'place',
          market: m.id,
          account,
          side,
          orderType: 'oco',
          quantity: qty(),
          ...exits(side === 'buy' ? 'sell' : 'buy', last),
        };
      }
      if (rnd() < 0.5)
        return { type: 'place', market: m.id, account, side, orderType: 'stop_market', stopPrice, quantity: qty() };
      return {
        type: 'place',
        market: m.id,
        account,
        side,
        orderType: 'stop_limit',
        stopPrice,
        price: price(),
        quantity: qty(),
        timeInForce: pick(['GTC', 'IOC', 'FOK'] as const),
      };
    }
    const live = engine.openOrders(account);
    if (r < 0.8) {
      const orderId = live.length > 0 && rnd() < 0.9 ? pick(live).id : 1 + Math.floor(rnd() * 1000);
      return { type: 'cancel', market: m.id, account, orderId };
    }
    if (r < 0.9) {
      const orderId = live.length > 0 && rnd() < 0.9 ? pick(live).id : 1 + Math.floor(rnd() * 1000);
      const target = live.find((x) => x.id === orderId);
      return rnd() < 0.5
        ? {
            type: 'amend',
            market: m.id,
            account,
            orderId,
            quantity: Math.max(m.lotSize, (target?.quantity ?? qty()) - m.lotSize * Math.floor(rnd() * 3)),
          }
        : { type: 'amend', market: m.id, account, orderId, price: price() };
    }
    if (r < 0.92) return { type: 'cancel_all', market: rnd() < 0.5 ? m.id : undefined, account };
    if (r < 0.94)
      return { type: 'set_stp', account, stp: pick(['cancel_resting', 'cancel_incoming', 'cancel_both'] as StpMode[]) };
    if (r < 0.955)
      return {
        type: rnd() < 0.6 ? 'deposit' : 'withdraw',
        account,
        asset: rnd() < 0.5 ? m.base : m.quote,
        amount: 1 + Math.floor(rnd() * 1_000_000),
      };
    if (r < 0.97)
      return {
        type: 'transfer',
        from: account,
        to: pick(o.accounts),
        asset: rnd() < 0.5 ? m.base : m.quote,
        amount: 1 + Math.floor(rnd() * 500_000),
      };
    // Invalid input: off-tick, fractional, unknown market, wrong fields.
    return pick<Command>([
      { type: 'place', market: m.id, account, side, orderType: 'limit', price: price() + 1, quantity: qty() },
      { type: 'place', market: m.id, account, side, orderType: 'limit', price: price(), quantity: 0.5 },
      { type: 'place', market: 'NOPE-KRW', account, side, orderType: 'limit', price: price(), quantity: qty() },
      { type: 'place', market: m.id, account, side, orderType: 'market', price: price(), quantity: qty() },
      { type: 'place', market: m.id, account, side, orderType: 'trailing_stop', quantity: qty(), trailBps: 1e9 },
      {
        type: 'place',
        market: m.id,
        account,
        side,
        orderType: 'limit',
        price: price(),
        quantity: qty(),
        takeProfitPrice: 2 ** 60,
      },
    ]);
  };
}
