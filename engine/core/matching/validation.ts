/**
 * The first stage of every order command: what a place or amend asks for, checked against the command's own
 * consistency and the market's settings, before any funds are looked at. Nothing here changes state; a check
 * that fails names its reject reason, and the reasons are tried in a fixed order (a journal replays commands and
 * expects the same reason for the same input).
 *
 * Rules:
 * - Fields that belong to another order type are refused rather than ignored: they show a confused client.
 * - Every price, stop price, quantity and amount is a positive safe integer on the market's grid (tick, lot).
 * - The price an order may fill at, at worst: its limit; a market order, the band around the market's reference
 *   (the last trade, else the best opposite price), so it cannot print far from the market by selling into a
 *   lone far bid; a stop-market, the band around its stop price (known now, so its hold is too). A limit price
 *   beyond the band is refused (a stop-limit meets the band when it triggers).
 * - Min notional is judged at the order's own price, or for market orders at the best opposite price (an OCO
 *   pair at the lower of its two).
 * - A trailing stop (./trailing.ts) gives its distance and no stop price: its first trigger is computed from
 *   the market's reference and must be a positive safe price (INVALID_TRAIL, AMOUNT_OUT_OF_RANGE); its worst
 *   price is the band around that trigger, as a stop-market's.
 * - Exits (take-profit, stop-loss) and OCO pairs are checked by ./brackets.ts.
 * - Every amount a check computes is range-checked (AMOUNT_OUT_OF_RANGE), so no input can throw.
 */
import type { Trader } from './accounts';
import type { Market } from './market';
import { inRange, notional } from './money';
import { checkExits, exitPricing, exitsFit, ExitTerms } from './brackets';
import type { Order } from './order';
import { bandPrice, inBand } from './price-band';
import type { RiskStage } from './risk';
import { trailProblem, trailTrigger, triggerProblem } from './trailing';
import { type PlaceOrderType, type PlaceCommand, type RejectReason, type Side, type TimeInForce } from './types';

const MAX_CLIENT_ORDER_ID = 64;

export const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** A place command's terms once checked (one instance per engine, filled in by each check). */
export class PlaceTerms {
  side: Side = 'buy';
  orderType: PlaceOrderType = 'limit';
  timeInForce: TimeInForce = 'GTC';
  postOnly = false;
  price = 0;
  stopPrice = 0;
  quantity = 0;
  /** A market buy by quote amount: the amount; 0 otherwise. */
  quoteAmount = 0;
  byQuote = false;
  hasLimit = false;
  isStop = false;
  /** The worst price the order may fill at (see the rules above). */
  worst = 0;
  clientOrderId: string | undefined = undefined;
  trailAmount = 0;
  trailBps = 0;
  /** The exits (none when hasExits is false; for an 'oco' order, the pair itself). */
  hasExits = false;
  readonly exits = new ExitTerms();
}

/** An amend's terms once checked. */
export class AmendTerms {
  price = 0;
  quantity = 0;
  remaining = 0;
}

/** Checks a place command for `trader` in market `m`; fills in `t` and returns null, or returns why not. */
export function checkPlace(
  m: Market,
  trader: Trader,
  cmd: PlaceCommand,
  t: PlaceTerms,
  risk: RiskStage,
): RejectReason | null {
  // Each field is read once: a command's shape is the client's, and every read of it costs a lookup.
  const {
    side,
    orderType,
    clientOrderId: cid,
    price: rawPrice,
    stopPrice: rawStopPrice,
    quantity: rawQuantity,
    quoteAmount,
    timeInForce,
  } = cmd;
  if (side !== 'buy' && side !== 'sell') return 'INVALID_ORDER';
  if (cid !== undefined && (typeof cid !== 'string' || cid.length === 0 || cid.length > MAX_CLIENT_ORDER_ID))
    return 'INVALID_ORDER';
  const c = m.config;
  const isTrailing = orderType === 'trailing_stop';
  const isOco = orderType === 'oco';
  const hasStopPrice = orderType === 'stop_market' || orderType === 'stop_limit';
  const isStop = hasStopPrice || isTrailing;
  const hasLimit = orderType === 'limit' || orderType === 'stop_limit';
  if (!hasLimit && orderType !== 'market' && !isStop && !isOco) return 'INVALID_ORDER';
  if (hasLimit ? !isPosInt(rawPrice) : rawPrice !== undefined) return hasLimit ? 'INVALID_PRICE' : 'INVALID_ORDER';
  if (hasStopPrice ? !isPosInt(rawStopPrice) : rawStopPrice !== undefined)
    return hasStopPrice ? 'INVALID_PRICE' : 'INVALID_ORDER';
  const { trailAmount, trailBps } = cmd;
  const badTrail = trailProblem(isTrailing, trailAmount, trailBps);
  if (badTrail !== null) return badTrail;
  const byQuote = quoteAmount !== undefined;
  if (byQuote) {
    if (orderType !== 'market' || side !== 'buy' || rawQuantity !== undefined) return 'INVALID_ORDER';
    if (!isPosInt(quoteAmount)) return 'INVALID_QUANTITY';
  } else if (!isPosInt(rawQuantity)) return 'INVALID_QUANTITY';
  const tif: TimeInForce = timeInForce ?? (hasLimit || isOco ? 'GTC' : 'IOC');
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') return 'INVALID_ORDER';
  if (isOco ? tif !== 'GTC' : !hasLimit && tif !== 'IOC') return 'INVALID_ORDER';
  const rawPostOnly = cmd.postOnly;
  const postOnly = rawPostOnly === true;
  if (rawPostOnly !== undefined && typeof rawPostOnly !== 'boolean') return 'INVALID_ORDER';
  if (postOnly && (orderType !== 'limit' || tif !== 'GTC')) return 'INVALID_ORDER';
  const price = rawPrice ?? 0;
  let stopPrice = rawStopPrice ?? 0;
  if ((price !== 0 && price % c.tickSize !== 0) || (stopPrice !== 0 && stopPrice % c.tickSize !== 0)) return 'OFF_TICK';
  if (trailAmount !== undefined && trailAmount % c.tickSize !== 0) return 'OFF_TICK';
  const quantity = rawQuantity ?? 0;
  if (!byQuote && quantity % c.lotSize !== 0) return 'BELOW_LOT_SIZE';
  if (cid !== undefined && trader.byClientId.has(cid)) return 'DUPLICATE_CLIENT_ORDER_ID';

  let worst = price;
  let reference = hasLimit ? price : stopPrice;
  /** The price an entry's exits are judged against (see ./brackets.ts). */
  let entryPrice = reference;
  if (orderType === 'market') {
    const best = (side === 'buy' ? m.asks : m.bids).best();
    if (best === null) return 'NO_LIQUIDITY';
    reference = best.price;
    entryPrice = m.lastPrice !== 0 ? m.lastPrice : best.price;
    worst = bandPrice(m, side, entryPrice);
  } else if (orderType === 'stop_market') worst = bandPrice(m, side, stopPrice);
  else if (orderType === 'limit' && !inBand(m, side, price)) return 'PRICE_OUT_OF_BAND';
  else if (isTrailing) {
    const from = m.lastPrice !== 0 ? m.lastPrice : (side === 'buy' ? m.asks : m.bids).bestPrice();
    if (from === 0) return 'NO_LIQUIDITY';
    stopPrice = trailTrigger(side, from, trailAmount ?? 0, trailBps ?? 0, c.tickSize);
    const badTrigger = triggerProblem(stopPrice);
    if (badTrigger !== null) return badTrigger;
    reference = entryPrice = stopPrice;
    worst = bandPrice(m, side, stopPrice);
  } else if (isOco) entryPrice = m.lastPrice;
  if (!inRange(worst)) return 'AMOUNT_OUT_OF_RANGE';
  const { takeProfitPrice, stopLossPrice, stopLossLimitPrice } = cmd;
  const hasExits =
    isOco || takeProfitPrice !== undefined || stopLossPrice !== undefined || stopLossLimitPrice !== undefined;
  if (hasExits) {
    if (byQuote) return 'INVALID_ORDER';
    const ex = t.exits;
    const why = checkExits(
      exitPricing(risk, m),
      isOco ? (side === 'buy' ? 'sell' : 'buy') : side,
      entryPrice,
      quantity,
      takeProfitPrice,
      stopLossPrice,
      stopLossLimitPrice,
      isOco,
      ex,
    );
    if (why !== null) return why;
    if (isOco) reference = ex.takeProfit < ex.stopLoss ? ex.takeProfit : ex.stopLoss;
  }
  const valued = byQuote ? (quoteAmount as number) : notional(reference, quantity, m.unit);
  if (!inRange(valued)) return 'AMOUNT_OUT_OF_RANGE';
  if (valued < c.minNotional) return 'BELOW_MIN_NOTIONAL';
  if (postOnly && wouldTake(m, side, price)) return 'POST_ONLY_WOULD_TAKE';

  t.side = side;
  t.orderType = orderType;
  t.timeInForce = tif;
  t.postOnly = postOnly;
  t.price = price;
  t.stopPrice = stopPrice;
  t.quantity = quantity;
  t.quoteAmount = byQuote ? (quoteAmount as number) : 0;
  t.byQuote = byQuote;
  t.hasLimit = hasLimit;
  t.isStop = isStop;
  t.worst = worst;
  t.clientOrderId = cid;
  t.trailAmount = trailAmount ?? 0;
  t.trailBps = trailBps ?? 0;
  t.hasExits = hasExits;
  return null;
}

/**
 * Checks an amend of a live order to a new total quantity and/or price; fills in `t` and returns null, or
 * returns why not. Only resting limit orders can be amended: a waiting stop has no place in the queue to keep
 * or lose, and an OCO order's hold is its pair's (./brackets.ts).
 */
export function checkAmend(
  m: Market,
  order: Order,
  newQuantity: number | undefined,
  newPrice: number | undefined,
  t: AmendTerms,
): RejectReason | null {
  const c = m.config;
  if (newQuantity !== undefined && !isPosInt(newQuantity)) return 'INVALID_QUANTITY';
  if (newPrice !== undefined && !isPosInt(newPrice)) return 'INVALID_PRICE';
  if (order.level === null || order.oco !== null) return 'ORDER_NOT_AMENDABLE';
  const quantity = newQuantity ?? order.quantity;
  const price = newPrice ?? order.price;
  if (price % c.tickSize !== 0) return 'OFF_TICK';
  if (quantity % c.lotSize !== 0) return 'BELOW_LOT_SIZE';
  const filled = order.quantity - order.remaining;
  if (quantity <= filled || (quantity === order.quantity && price === order.price)) return 'ORDER_NOT_AMENDABLE';
  // A new price is a new promise to the book, held to the band like a new order.
  if (price !== order.price && !inBand(m, order.side, price)) return 'PRICE_OUT_OF_BAND';
  const exits = order.exits;
  if (exits !== null && !exitsFit(order.side === 'buy' ? 'sell' : 'buy', price, exits.takeProfit, exits.stopLoss))
    return 'INVALID_BRACKET';
  const value = notional(price, quantity, m.unit);
  if (!inRange(value)) return 'AMOUNT_OUT_OF_RANGE';
  if (value < c.minNotional) return 'BELOW_MIN_NOTIONAL';
  if (order.postOnly && price !== order.price && wouldTake(m, order.side, price)) return 'POST_ONLY_WOULD_TAKE';
  t.price = price;
  t.quantity = quantity;
  t.remaining = quantity - filled;
  return null;
}

/** True when a limit order at `price` would meet the opposite side at once. */
function wouldTake(m: Market, side: Side, price: number): boolean {
  const best = (side === 'buy' ? m.asks : m.bids).best();
  return best !== null && (side === 'buy' ? best.price <= price : best.price >= price);
}
