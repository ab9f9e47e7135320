/**
 * What the three market views (practice, paper, live) do alike when they fold a snapshot or a push into their
 * ViewState: the last price's direction, the newest-first tape, and the rows of my fills. The practice store,
 * which the practice view follows, takes its tape length and price direction from here too.
 */
import type { PriceMove, ViewFill, ViewState, ViewTrade } from '../lib/market-view';

/** Trades kept on the tape. */
export const TAPE_LENGTH = 100;

/** Which way the last price moved; an unchanged or first price keeps the previous direction. */
export function priceMove(previous: number, next: number, fallback: PriceMove): PriceMove {
  if (!previous || next === previous) return fallback;
  return next > previous ? 'up' : 'down';
}

/** Newest-first tape: new trades in front, none twice (a snapshot and a push may overlap). */
export function prependTrades(fresh: ViewTrade[], shown: ViewTrade[]): ViewTrade[] {
  if (!fresh.length) return shown;
  const ids = new Set(shown.map((t) => t.id));
  const add = fresh.filter((t) => !ids.has(t.id));
  return add.length ? [...add, ...shown].slice(0, TAPE_LENGTH) : shown;
}

/** My fills as the view shows them (a trade fills two orders, so the key names both). */
export function fillRows(
  rows: readonly { tradeId: number; orderId: number; side: ViewFill['side']; price: number; quantity: number; quoteAmount: number; fee: number; ts: number }[],
): ViewFill[] {
  return rows.map((f) => ({ key: `${f.tradeId}-${f.orderId}`, side: f.side, price: f.price, quantity: f.quantity, quoteAmount: f.quoteAmount, fee: f.fee, ts: f.ts }));
}

type ViewActions = 'refresh' | 'place' | 'cancel' | 'cancelAll' | 'candles' | 'onLive';

/**
 * What a view shows before a market is open. `fills` and `positions` are empty lists where the engine keeps
 * them and null where it does not.
 */
export function emptyView(kind: ViewState['kind'], keeps: { fills: boolean; positions: boolean }): Omit<ViewState, ViewActions> {
  return {
    kind,
    status: 'idle',
    error: null,
    market: null,
    lastPrice: 0,
    lastMove: 'flat',
    bids: [],
    asks: [],
    trades: [],
    ticker: null,
    balances: [],
    openOrders: [],
    fills: keeps.fills ? [] : null,
    positions: keeps.positions ? [] : null,
    feed: null,
    history: {},
    epoch: 0,
  };
}
