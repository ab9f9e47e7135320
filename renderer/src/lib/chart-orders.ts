/**
 * Pure rules for trading from the chart and amending orders: which orders can be amended, where an order's line
 * sits, a plotted price (a float of whole quote per coin, as the chart draws) back to a price on the market's
 * tick, my fills grouped onto the candles they happened in, the position's unrealised PnL, and the amend form's
 * text turned into a change. Amounts stay integers in the market's units; nothing here touches the DOM.
 */
import type { MessageKey } from '../i18n';
import { valueOf } from './market-format';
import type { OrderChange, ViewMarket, ViewOrder } from './market-view';
import { hasTrigger } from './order-status';
import { parseUnits, toSafeNumber } from './units';

/**
 * Whether an order can be amended: a resting limit order (a triggered stop-limit rests as one). A waiting stop
 * has no place in the queue to keep or lose, and the engines refuse it (ORDER_NOT_AMENDABLE).
 */
export function isAmendable(o: Pick<ViewOrder, 'type' | 'triggered' | 'ocoOrderId'>): boolean {
  // A leg of an OCO pair shares its hold with the other leg: the engine refuses to amend it.
  if (o.ocoOrderId !== undefined) return false;
  return o.type === 'limit' || (o.type === 'stop_limit' && o.triggered);
}

/** A stop still waiting for its trigger (a trailing stop's trigger follows the price until then). */
export function isWaitingStop(o: Pick<ViewOrder, 'type' | 'triggered'>): boolean {
  return hasTrigger(o.type) && !o.triggered;
}

/** The price an order's line is drawn at: a waiting stop at its trigger (where it is now), anything else at its limit. */
export function orderLinePrice(o: Pick<ViewOrder, 'type' | 'triggered' | 'price' | 'stopPrice'>): number {
  return isWaitingStop(o) ? o.stopPrice : o.price;
}

/** Price units → the chart's plotted value. */
export function plotted(m: Pick<ViewMarket, 'priceDecimals'>, price: number): number {
  return price / 10 ** m.priceDecimals;
}

/** A plotted value (where the pointer is) → the nearest price on the market's tick; null below one tick. */
export function snapToTick(m: Pick<ViewMarket, 'priceDecimals' | 'tickSize'>, value: number): number | null {
  if (!Number.isFinite(value)) return null;
  const ticks = Math.round((value * 10 ** m.priceDecimals) / m.tickSize);
  const price = ticks * m.tickSize;
  return ticks >= 1 && Number.isSafeInteger(price) ? price : null;
}

/** A stop started from the chart: above the last price it buys (a breakout), at or below it sells (a stop-loss). */
export function stopSide(price: number, lastPrice: number): 'buy' | 'sell' {
  return lastPrice > 0 && price > lastPrice ? 'buy' : 'sell';
}

export interface FillMark {
  /** The open time of the candle the fills happened in (the chart's time). */
  time: number;
  side: 'buy' | 'sell';
  /** How many fills. */
  count: number;
}

/**
 * My fills as one mark per candle and side: each fill, or group of `count` fills (at `time`, the chart's time),
 * goes to the last candle that opened at or before it; fills before the first candle are left out. `barTimes`
 * ascending; the marks come out ascending by time, buys before sells within a candle, as the chart wants them.
 */
export function fillMarks(
  fills: readonly { time: number; side: 'buy' | 'sell'; count?: number }[],
  barTimes: readonly number[],
): FillMark[] {
  const marks = new Map<string, FillMark>();
  for (const f of fills) {
    const bar = lastAtOrBefore(barTimes, f.time);
    if (bar === null) continue;
    const key = `${bar}:${f.side}`;
    const mark = marks.get(key);
    if (mark) mark.count += f.count ?? 1;
    else marks.set(key, { time: bar, side: f.side, count: f.count ?? 1 });
  }
  return [...marks.values()].sort((a, b) => a.time - b.time || (a.side === b.side ? 0 : a.side === 'buy' ? -1 : 1));
}

/** The last of `sorted` (ascending) at or before `t`, by binary search; null when all are after it. */
function lastAtOrBefore(sorted: readonly number[], t: number): number | null {
  let lo = 0;
  let hi = sorted.length - 1;
  let found: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= t) {
      found = sorted[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The unrealised PnL of an open position at `lastPrice`: what its quantity is worth there less what it cost
 * (quote units, fees excluded, as the engine counts it). Null while flat or without a price.
 */
export function unrealisedAt(
  m: Pick<ViewMarket, 'priceDecimals' | 'sizeDecimals' | 'quoteDecimals'>,
  position: { quantity: number; costBasis: number },
  lastPrice: number,
): bigint | null {
  if (position.quantity === 0 || !(lastPrice > 0)) return null;
  return valueOf(m, BigInt(lastPrice), BigInt(position.quantity)) - BigInt(position.costBasis);
}

export type AmendInput = { ok: true; change: OrderChange } | { ok: false; key: MessageKey; detail?: string };

/**
 * The amend form's text (a price and a total amount, as typed) → the change to send: only what differs from the
 * order. Checked against the market's tick and lot here so the user sees why at once; the engine has the last word.
 */
export function amendInput(
  m: Pick<ViewMarket, 'priceDecimals' | 'sizeDecimals' | 'tickSize' | 'lotSize'>,
  order: Pick<ViewOrder, 'price' | 'quantity'>,
  priceText: string,
  amountText: string,
): AmendInput {
  const price = parseUnits(priceText, m.priceDecimals);
  const quantity = parseUnits(amountText, m.sizeDecimals);
  if (price === null || price <= 0n) return { ok: false, key: 'form.err.price' };
  if (quantity === null || quantity <= 0n) return { ok: false, key: 'form.err.amount' };
  const p = toSafeNumber(price);
  const q = toSafeNumber(quantity);
  if (p === null || q === null) return { ok: false, key: 'form.err.tooLarge' };
  if (p % m.tickSize !== 0) return { ok: false, key: 'reject.OFF_TICK' };
  if (q % m.lotSize !== 0) return { ok: false, key: 'reject.BELOW_LOT_SIZE' };
  const change: OrderChange = {};
  if (p !== order.price) change.price = p;
  if (q !== order.quantity) change.quantity = q;
  if (change.price === undefined && change.quantity === undefined) return { ok: false, key: 'orders.amendNothing' };
  return { ok: true, change };
}
