/**
 * What the app shows of one real-coin market: its latest book, recent trades, ticker and feed status, plus
 * what changed since the last update went to the UI.
 *
 * Feed events can arrive hundreds of times a second; the UI gets one update per `publishEveryMs` at most
 * (a trailing timer collects everything in between), so a busy market costs the renderer a steady trickle.
 */
import type { FeedEvent, FeedStatus, Level } from '../core/market-data/types';
import type { FeedTicker, FeedTrade } from '../protocol/api';

/** Book levels per side sent to the UI: what an order book panel shows. */
export const VIEW_BOOK_LEVELS = 20;
/** Trades kept for the trades panel. */
export const VIEW_TRADES = 100;

export interface ViewChanges {
  trades: FeedTrade[];
  book: boolean;
  ticker: boolean;
  mine: boolean;
}

export class MarketView {
  /** Open views of this market in the UI (charts, panels); the feed subscription lives while any is open. */
  refs = 0;
  status: FeedStatus = 'reconnecting';
  statusReason: string | undefined = 'connecting';
  bids: [number, number][] = [];
  asks: [number, number][] = [];
  ticker: FeedTicker | undefined;
  lastPrice: number | undefined;
  /** Oldest first. */
  private readonly tape: FeedTrade[] = [];
  private pending: ViewChanges = { trades: [], book: false, ticker: false, mine: false };
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly market: string) {}

  /** Applies a feed event; returns true when the status changed (status changes are pushed at once). */
  apply(e: FeedEvent): boolean {
    switch (e.type) {
      case 'book':
        this.bids = top(e.bids);
        this.asks = top(e.asks);
        this.pending.book = true;
        return false;
      case 'trade': {
        const t: FeedTrade = { tradeId: e.tradeId, price: e.price, size: e.size, side: e.side, ts: e.ts };
        if (!(t.price > 0 && t.size > 0)) return false;
        this.tape.push(t);
        if (this.tape.length > VIEW_TRADES * 2) this.tape.splice(0, this.tape.length - VIEW_TRADES);
        this.pending.trades.push(t);
        if (this.pending.trades.length > VIEW_TRADES)
          this.pending.trades.splice(0, this.pending.trades.length - VIEW_TRADES);
        this.lastPrice = t.price;
        return false;
      }
      case 'ticker':
        this.ticker = {
          ts: e.ts,
          last: e.last,
          open: e.open,
          high: e.high,
          low: e.low,
          prevClose: e.prevClose,
          volume24h: e.volume24h,
        };
        if (this.lastPrice === undefined && e.last > 0) this.lastPrice = e.last;
        this.pending.ticker = true;
        return false;
      case 'status': {
        const changed = e.status !== this.status || e.reason !== this.statusReason;
        this.status = e.status;
        this.statusReason = e.reason;
        return changed;
      }
      default:
        return false;
    }
  }

  /** My orders, balances or position changed. */
  markMine(): void {
    this.pending.mine = true;
  }

  /** Forgets the trades panel (after a replay seek, the old tape belongs to another time). */
  clearTrades(): void {
    this.tape.length = 0;
    this.pending.trades = [];
  }

  /** Newest first. */
  recentTrades(limit = VIEW_TRADES): FeedTrade[] {
    return this.tape.slice(-limit).reverse();
  }

  /** Calls `flush` once, `everyMs` after the first change since the last flush. */
  schedule(everyMs: number, flush: (changes: ViewChanges) => void): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const changes = this.pending;
      this.pending = { trades: [], book: false, ticker: false, mine: false };
      if (changes.trades.length || changes.book || changes.ticker || changes.mine) flush(changes);
    }, everyMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function top(side: readonly Level[]): [number, number][] {
  const out: [number, number][] = [];
  if (!Array.isArray(side)) return out;
  for (const level of side) {
    if (out.length >= VIEW_BOOK_LEVELS) break;
    const [price, size] = level;
    // A malformed level never reaches the UI schema (which would refuse the whole update).
    if (Number.isSafeInteger(price) && Number.isSafeInteger(size) && price >= 0 && size >= 0) out.push([price, size]);
  }
  return out;
}
