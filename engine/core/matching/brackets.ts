/**
 * Brackets and OCO pairs: exit orders linked so that only one of them can run.
 *
 * Rules:
 * - An entry order (any type but a market buy by quote amount) may carry a take-profit (a GTC limit at
 *   takeProfitPrice) and/or a stop-loss (a stop-market at stopLossPrice, or with stopLossLimitPrice a GTC
 *   stop-limit), on the opposite side. They are placed when the entry ends, for the quantity it filled: all of it
 *   when it filled whole; what did fill when the rest expired (IOC, market remainder, price band) or was
 *   cancelled by self-trade prevention, as exchanges size the exits of a partly filled entry. An entry that
 *   ends with nothing filled, or that its owner cancels (cancel, cancel_all), places nothing: cancelling the
 *   entry cancels the bracket.
 * - An OCO pair can be placed on its own ('oco' order type, for a position the account holds): the same two
 *   exits at once, for the command's side and quantity.
 * - With both exits, the two are linked (OCO): when one trades or triggers, or ends in any other way, the other
 *   is cancelled with reason 'oco'. Only one of them can ever run, so they share one hold: the take-profit holds
 *   the most either could cost (a sell: the quantity; a buy: the larger of the two buy holds), the stop-loss
 *   holds nothing while it waits, and when it triggers the take-profit's cancel releases what it then holds.
 *   An OCO order cannot be amended (ORDER_NOT_AMENDABLE): its hold is the pair's.
 * - Exits must sit on their side of the entry (INVALID_BRACKET): closing a long (sell exits), the take-profit
 *   above the entry's price and the stop-loss below; closing a short, the reverse. The entry's price is its
 *   limit (limit, stop-limit), its trigger (stop-market, trailing stop), or for a market order the market's
 *   reference (last trade, else best opposite price). An OCO on its own is judged against the last trade price
 *   (before any trade, only the two against each other). Amending an entry to a price its exits no longer fit
 *   is refused the same way.
 * - Every exit amount is range-checked when the entry is placed (AMOUNT_OUT_OF_RANGE), so placing the exits
 *   cannot leave the safe range. Funds for the exits are checked when they are placed: the base a long's entry
 *   bought always covers its exits, but the quote a short's entry received may not cover buying back at the
 *   stop; then the exits are refused (a `rejected` event, command 'bracket', the entry's id) and nothing is
 *   placed.
 */
import type { Trader } from './accounts';
import type { Market } from './market';
import { inRange, notional } from './money';
import { bandPrice } from './price-band';
import type { RiskStage } from './risk';
import type { OrderId, RejectReason, Side } from './types';
import { isPosInt } from './validation';

/** Exits waiting to be placed once the walk that filled their entry is over. */
export interface PendingExits {
  owner: Trader;
  side: Side;
  quantity: number;
  takeProfit: number;
  stopLoss: number;
  stopLossLimit: number;
  parent: OrderId;
}

/** Checked exits (0 = none) and what they hold together. */
export class ExitTerms {
  takeProfit = 0;
  stopLoss = 0;
  stopLossLimit = 0;
  hold = 0;
}

export const opposite = (side: Side): Side => (side === 'buy' ? 'sell' : 'buy');

/** True when exits on `side` sit on their side of `reference` (0: no reference) and of each other. */
export function exitsFit(side: Side, reference: number, takeProfit: number, stopLoss: number): boolean {
  const up = side === 'sell'; // closing a long: profit above, loss below
  if (takeProfit !== 0 && reference !== 0 && (up ? takeProfit <= reference : takeProfit >= reference)) return false;
  if (stopLoss !== 0 && reference !== 0 && (up ? stopLoss >= reference : stopLoss <= reference)) return false;
  if (takeProfit !== 0 && stopLoss !== 0 && (up ? takeProfit <= stopLoss : takeProfit >= stopLoss)) return false;
  return true;
}

/**
 * What an engine's exits cost, in its own units and fees: the two things the exit rules need to know of a
 * market, so the LPJ engine and the paper engine apply the same rules (exitHold, checkExits) to their own money.
 */
export interface ExitPricing {
  /** Price step of the market (1 where any price unit is allowed). */
  readonly tick: number;
  /** Divisor of price × quantity (see notional in ./money). */
  readonly unit: number;
  /** The most a buy of `quantity` at `price` can cost, fees included (+Infinity past the safe range). */
  buyHold(price: number, quantity: number): number;
  /** The worst price a buy stop-market triggered at `stop` may fill at. */
  buyStopWorst(stop: number): number;
}

/** The LPJ engine's pricing of market `m`. */
export function exitPricing(risk: RiskStage, m: Market): ExitPricing {
  return {
    tick: m.config.tickSize,
    unit: m.unit,
    buyHold: (price, quantity) => risk.buyHold(m, price, quantity),
    buyStopWorst: (stop) => bandPrice(m, 'buy', stop),
  };
}

/** What exits on `side` for `quantity` hold together (+Infinity past the safe range). */
export function exitHold(
  p: ExitPricing,
  side: Side,
  quantity: number,
  takeProfit: number,
  stopLoss: number,
  stopLossLimit: number,
): number {
  if (side === 'sell') return quantity;
  const tp = takeProfit === 0 ? 0 : p.buyHold(takeProfit, quantity);
  const worst = stopLossLimit !== 0 ? stopLossLimit : stopLoss === 0 ? 0 : p.buyStopWorst(stopLoss);
  const sl = worst === 0 ? 0 : p.buyHold(worst, quantity);
  return tp > sl ? tp : sl;
}

/**
 * Checks the exit fields of a place command whose ENTRY is on `entrySide` (for an 'oco' order, pass the
 * opposite of its side) at `reference` for `quantity`; fills in `t` and returns null, or returns why not.
 * `both`: an OCO on its own, which needs both exits.
 */
export function checkExits(
  p: ExitPricing,
  entrySide: Side,
  reference: number,
  quantity: number,
  takeProfit: unknown,
  stopLoss: unknown,
  stopLossLimit: unknown,
  both: boolean,
  t: ExitTerms,
): RejectReason | null {
  t.takeProfit = t.stopLoss = t.stopLossLimit = t.hold = 0;
  if (takeProfit === undefined && stopLoss === undefined && stopLossLimit === undefined) return null;
  if (both && (takeProfit === undefined || stopLoss === undefined)) return 'INVALID_ORDER';
  if (stopLossLimit !== undefined && stopLoss === undefined) return 'INVALID_ORDER';
  const tick = p.tick;
  for (const price of [takeProfit, stopLoss, stopLossLimit]) {
    if (price === undefined) continue;
    if (!isPosInt(price)) return 'INVALID_PRICE';
    if (price % tick !== 0) return 'OFF_TICK';
  }
  const tp = (takeProfit as number | undefined) ?? 0;
  const sl = (stopLoss as number | undefined) ?? 0;
  const slLimit = (stopLossLimit as number | undefined) ?? 0;
  const side = opposite(entrySide);
  if (!exitsFit(side, reference, tp, sl)) return 'INVALID_BRACKET';
  const hold = exitHold(p, side, quantity, tp, sl, slLimit);
  if (!inRange(hold)) return 'AMOUNT_OUT_OF_RANGE';
  // Each exit is an order in its own right: its notional must be in range too.
  const top = Math.max(tp, sl, slLimit);
  if (!inRange(notional(top, quantity, p.unit))) return 'AMOUNT_OUT_OF_RANGE';
  t.takeProfit = tp;
  t.stopLoss = sl;
  t.stopLossLimit = slLimit;
  t.hold = hold;
  return null;
}
