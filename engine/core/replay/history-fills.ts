/**
 * How paper orders fill while a past day of an exchange is replayed, from what the exchange publishes about it.
 *
 * Two fill models, and the UI names the one in force:
 * - 'trades': the exchange's own trades of the window (Binance aggTrades; Upbit for its recent days) are the
 *   prices the market passed, one by one.
 * - 'candle_path': only 1m candles exist, so each minute is walked along a fixed, conservative path: open, then
 *   the extreme nearer the open, then the other extreme, then close (a tie goes to the high first). A minute
 *   with one price is one point. The path of a minute runs when its candle is replayed, at the minute's end,
 *   against the orders standing then.
 *
 * In both, history says nothing about the queue at a price or the volume traded at it, so a price point fills
 * only the resting limits it trades THROUGH (below a buy, above a sell), never one it merely touches
 * (`throughOnly`, ../paper/resting-fills.ts); stops trigger when the price reaches them, as live.
 *
 * Market orders, triggered stops and crossing limits need a book, and history has none: at each point the
 * matcher is given one level on each side at that price, as deep as the minute's traded volume (an order
 * larger than a whole minute of the market is refused as too thin). Nothing of this is shown as market data:
 * the points and books go to the matcher only; charts and the tape show the candles and trades as published.
 */
import type { BookEvent, Candle, TradeEvent } from '../market-data/types';

export type HistoryFillModel = 'trades' | 'candle_path';

/** A price the market passed, with the depth of its book (the minute's traded volume; 0: none). */
export interface HistoryPoint {
  market: string;
  ts: number;
  price: number;
  depth: number;
}

/**
 * Where the points go (the paper trader in the app; the bare engine in tests and the bench). A point is a
 * throughOnly trade at its price, and from then on the price in force with pointBook(point) as the book; the
 * sink builds either only when the matcher needs it (most points change nothing).
 */
export interface HistoryFillSink {
  onPoint(point: HistoryPoint): void;
  /** Before a user's order: the point in force is the book again, received now (no trade). */
  onRefresh(point: HistoryPoint): void;
}

/** Time between a candle's path points: open at 0 s, the extremes at 15 s and 30 s, close at 45 s. */
export const PATH_STEP_MS = 15_000;

/** The prices a minute's path passes, in order, consecutive repeats dropped. */
export function candlePath(c: Pick<Candle, 'open' | 'high' | 'low' | 'close'>): number[] {
  const highFirst = c.high - c.open <= c.open - c.low;
  const route = highFirst ? [c.open, c.high, c.low, c.close] : [c.open, c.low, c.high, c.close];
  const out: number[] = [];
  for (const p of route) if (out.at(-1) !== p) out.push(p);
  return out;
}

/** The one-level book the matcher meets at a point: its price on both sides, as deep as its depth. */
export function pointBook(p: HistoryPoint): BookEvent {
  const side = p.depth > 0 ? [[p.price, p.depth] as const] : [];
  return { type: 'book', market: p.market, ts: p.ts, bids: [...side], asks: [...side] };
}

/** The point as the matcher's trade: its size only matters at a touch, which a history point never fills. */
export function pointTrade(p: HistoryPoint): TradeEvent {
  return { type: 'trade', market: p.market, ts: p.ts, price: p.price, size: 1, side: 'buy', tradeId: `path-${p.ts}` };
}

export class HistoryFills {
  private readonly volumes = new Map<number, number>();
  private last: HistoryPoint | undefined;

  constructor(
    readonly market: string,
    readonly model: HistoryFillModel,
    /** The window's 1m candles: their volumes are the depth of the points' books. */
    minutes: readonly Candle[],
    private readonly sink: HistoryFillSink,
  ) {
    for (const c of minutes) this.volumes.set(c.openTime, c.volume);
  }

  /** A replayed 1m candle (candle_path: its path runs now). */
  onCandle(c: Candle): void {
    if (this.model !== 'candle_path') return;
    const path = candlePath(c);
    for (let i = 0; i < path.length; i++) this.point(c.openTime + i * PATH_STEP_MS, path[i], c.volume);
  }

  /** A replayed trade of the exchange (trades: it is the next point). */
  onTrade(t: TradeEvent): void {
    if (this.model !== 'trades') return;
    const minute = t.ts - (((t.ts % 60_000) + 60_000) % 60_000);
    this.point(t.ts, t.price, this.volumes.get(minute) ?? t.size);
  }

  /** Sends the current point's book again, received now: before a user's order, so it meets the price in force. */
  refresh(): void {
    if (this.last) this.sink.onRefresh(this.last);
  }

  /** The price in force (the last point), if any. */
  get price(): number | undefined {
    return this.last?.price;
  }

  /** After a seek: `c`, the minute before the new position, sets the price in force (its close) without trading. */
  settle(c: Candle): void {
    if (this.model === 'candle_path' || this.last === undefined) {
      const price = c.close;
      if (Number.isSafeInteger(price) && price > 0)
        this.last = { market: this.market, ts: c.openTime + 3 * PATH_STEP_MS, price, depth: Math.max(0, c.volume) };
    }
  }

  /** Forgets the price in force (a seek: the next point sets it again). */
  reset(): void {
    this.last = undefined;
  }

  private point(ts: number, price: number, depth: number): void {
    if (!Number.isSafeInteger(price) || price <= 0) return;
    this.last = { market: this.market, ts, price, depth: Number.isSafeInteger(depth) && depth > 0 ? depth : 0 };
    this.sink.onPoint(this.last);
  }
}
