/**
 * Order entry shared by the takers: each helper sizes an order to what the account can pay for and skips it
 * (sending nothing) when that is less than the market's minimum, as a person with an empty wallet would.
 */
import type { AccountId, Side } from '../../matching/types';
import { available, type CommandSink, type TickContext } from './agent';

/** A market order worth about `value` quote units. Buys spend quote (fees included), sells sell base. */
export function sendMarketOrder(
  ctx: TickContext,
  sink: CommandSink,
  account: AccountId,
  side: Side,
  value: number,
): void {
  const { math, reader, market } = ctx;
  const min = math.config.minNotional;
  const book = reader.depth(market, 1);
  const best = side === 'buy' ? book?.asks[0] : book?.bids[0];
  if (!best) return; // nothing to trade against: the engine would say NO_LIQUIDITY
  const funds = available(ctx, account);
  if (side === 'buy') {
    const quoteAmount = Math.min(value, funds.quote);
    if (quoteAmount < min) return;
    sink.send({ type: 'place', ts: ctx.now, market, account, side, orderType: 'market', quoteAmount });
  } else {
    // The engine values a market sell at the best bid when checking the minimum notional.
    const quantity = Math.min(math.quantityForValue(best[0], value), math.floorLot(funds.base));
    if (quantity <= 0 || math.notional(best[0], quantity) < min) return;
    sink.send({ type: 'place', ts: ctx.now, market, account, side, orderType: 'market', quantity });
  }
}

/** A GTC limit order worth about `value` at `price`, shrunk to what the account can hold. */
export function sendLimitOrder(
  ctx: TickContext,
  sink: CommandSink,
  account: AccountId,
  side: Side,
  price: number,
  value: number,
): void {
  const { math, market } = ctx;
  if (price < math.tick) return;
  const funds = available(ctx, account);
  const wanted = math.quantityForValue(price, value);
  const quantity = Math.min(
    wanted,
    side === 'buy' ? math.affordableBuy(price, funds.quote) : math.floorLot(funds.base),
  );
  if (quantity <= 0 || math.notional(price, quantity) < math.config.minNotional) return;
  sink.send({ type: 'place', ts: ctx.now, market, account, side, orderType: 'limit', price, quantity });
}
