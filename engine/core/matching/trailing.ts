/**
 * A market's trailing stops: stop-market orders whose trigger follows the last trade price at a distance (an
 * amount in quote units, or basis points of the price). A sell's trigger rises with the price and never falls;
 * a buy's falls and never rises. They trigger on the last trade price as other stops do (see ./stops.ts).
 *
 * Rules:
 * - The first trigger is set from the last trade price when the order is placed (else the best opposite price,
 *   as a market order's reference). After that the trigger follows each last price the engine checks stops at
 *   (after each order's walk through the book, and after each triggered order's).
 * - A sell's trigger is last − amount, or last × (1 − bps) rounded down to the tick; a buy's is last + amount,
 *   or last × (1 + bps) rounded up to the tick. A trigger beyond the safe range is never taken (a buy's
 *   trigger only falls, so such a value would not move it anyway).
 * - A trailing buy holds what it can cost at the band price of its FIRST trigger (./validation): its trigger
 *   only falls, so the band price it runs at when triggered is never higher, and the hold always suffices.
 * - A trigger that moved is published once per command, as `trigger_moved` with where the command left it
 *   (./order-flow publishes them when the command's stops are done, or just before the order's `triggered`
 *   when it triggers in the same command): a client folding the events sees the engine's trigger, and a trigger
 *   that moved several times in one walk costs one event.
 *
 * Cost: the orders are kept like other stops, sorted so the next to trigger is last, so a trade only looks at
 * the best candidates. Besides, each side remembers the price its triggers have followed to (its mark): a last
 * price that does not pass the mark moves no trigger and costs one comparison; only a new high (for sells)
 * or low (for buys) since the mark re-prices them, and then each trigger really does change. A market with no
 * trailing stops costs two length checks, moves to publish included; an order record carries nothing for it.
 * The moved orders of a command are a set, so publishing costs one event per order that moved, however many times
 * it moved.
 */
import { BPS, ceilToTick, floorToTick, inRange, mulDiv } from './money';
import type { Order } from './order';
import { StopOrders } from './stops';
import { MAX_TRAIL_BPS, type RejectReason, type Side } from './types';
import { isPosInt } from './validation';

const isBps = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_TRAIL_BPS;

/**
 * Checks a place command's trailing distance: a trailing stop (`trailing`) gives exactly one of `amount` (a
 * positive safe integer; its tick is checked with the command's prices) and `bps` (1..MAX_TRAIL_BPS); any other
 * order type gives neither. Returns why not, or null. Shared by every engine that takes trailing stops, so each refuses the same inputs the same way.
 */
export function trailProblem(trailing: boolean, amount: unknown, bps: unknown): RejectReason | null {
  if (!trailing) return amount !== undefined || bps !== undefined ? 'INVALID_ORDER' : null;
  if ((amount === undefined) === (bps === undefined)) return 'INVALID_ORDER';
  if (amount !== undefined ? !isPosInt(amount) : !isBps(bps)) return 'INVALID_TRAIL';
  return null;
}

/** Why a first trigger computed by trailTrigger cannot be taken (at or below zero, past the safe range), or null. */
export function triggerProblem(trigger: number): RejectReason | null {
  if (trigger <= 0) return 'INVALID_TRAIL';
  return inRange(trigger) ? null : 'AMOUNT_OUT_OF_RANGE';
}

/**
 * The trigger of a trailing stop on `side` at distance `amount` (quote units) or `bps` when the last price is
 * `last`: for a sell possibly ≤ 0, for a buy possibly beyond the safe range (+Infinity); callers check.
 */
export function trailTrigger(side: Side, last: number, amount: number, bps: number, tick: number): number {
  if (side === 'sell') return amount > 0 ? last - amount : floorToTick(mulDiv(last, BPS - bps, BPS), tick);
  if (amount > 0) return last + amount;
  const top = mulDiv(last, BPS + bps, BPS);
  return inRange(top) ? ceilToTick(top, tick) : Infinity;
}

/** What a trailing stop is to the rule that moves it: its side, its trigger now and its distance. */
export interface Trailing {
  side: Side;
  stopPrice: number;
  trailAmount: number;
  trailBps: number;
}

/** `o`'s trigger once last price `last` has pulled it along: a sell's only rises, a buy's only falls. */
export function trailedTrigger(o: Trailing, last: number, tick: number): number {
  const t = trailTrigger(o.side, last, o.trailAmount, o.trailBps, tick);
  return (o.side === 'sell' ? t > o.stopPrice : t < o.stopPrice) ? t : o.stopPrice;
}

/** Moves `o`'s trigger after last price `last` (see trailedTrigger), and says whether it moved. */
export function followTrigger(o: Trailing, last: number, tick: number): boolean {
  const t = trailedTrigger(o, last, tick);
  if (t === o.stopPrice) return false;
  o.stopPrice = t;
  return true;
}

const sellOrder = (a: Order, b: Order): number => a.stopPrice - b.stopPrice || b.id - a.id;
const buyOrder = (a: Order, b: Order): number => b.stopPrice - a.stopPrice || b.id - a.id;

export class TrailingStops extends StopOrders {
  /** The highest last price the sells' triggers have followed; the lowest the buys' have. */
  private sellMark = 0;
  private buyMark = Infinity;
  /**
   * Orders whose trigger moved in the current command and is not yet published, in the order they first moved
   * (see the rules above); empty again by the end of every command.
   */
  readonly moved = new Set<Order>();

  /** Adds a trailing stop whose trigger was set from last price `last`. */
  place(order: Order, last: number): void {
    this.add(order);
    // The new order has followed only up to `last`: a later price above it must look again.
    if (order.side === 'sell') this.sellMark = Math.min(this.sellMark, last);
    else this.buyMark = Math.max(this.buyMark, last);
  }

  /** Moves the triggers the last price `last` pulls along (see the rules above). */
  follow(last: number, tick: number): void {
    const sells = this.sell;
    if (sells.length > 0 && last > this.sellMark) {
      this.sellMark = last;
      let moved = false;
      for (const o of sells) {
        if (followTrigger(o, last, tick)) {
          moved = true;
          this.moved.add(o);
        }
      }
      if (moved) sells.sort(sellOrder);
    }
    const buys = this.buy;
    if (buys.length > 0 && last < this.buyMark) {
      this.buyMark = last;
      let moved = false;
      for (const o of buys) {
        if (followTrigger(o, last, tick)) {
          moved = true;
          this.moved.add(o);
        }
      }
      if (moved) buys.sort(buyOrder);
    }
  }
}
