/**
 * What the three market views (practice, paper, live) do alike when they fold a snapshot or a push into their
 * ViewState: the last price's direction, the newest-first tape, and the rows of my fills. The practice store,
 * which the practice view follows, takes its tape length and price direction from here too; the two LPJ views
 * (practice and live) share the mapping of LPJ's settings, balances and trades.
 */
import type { MarketSettings, PracticeState, TapeTrade } from '@protocol/api';
import type { PriceMove, ViewBalance, ViewFill, ViewMarket, ViewState, ViewTrade } from '../lib/market-view';

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
  rows: readonly {
    tradeId: number;
    orderId: number;
    side: ViewFill['side'];
    price: number;
    quantity: number;
    quoteAmount: number;
    fee: number;
    ts: number;
  }[],
): ViewFill[] {
  return rows.map((f) => ({
    key: `${f.tradeId}-${f.orderId}`,
    side: f.side,
    price: f.price,
    quantity: f.quantity,
    quoteAmount: f.quoteAmount,
    fee: f.fee,
    ts: f.ts,
  }));
}

/** An LPJ market (the offline practice market or the live one) in the view's terms. */
export function lpjMarket(m: MarketSettings): ViewMarket {
  return {
    id: m.id,
    base: m.base,
    quote: m.quote,
    // LPJ is priced in whole won and its balances are whole won.
    priceDecimals: 0,
    sizeDecimals: m.baseDecimals,
    quoteDecimals: 0,
    tickSize: m.tickSize,
    lotSize: m.lotSize,
    minNotional: m.minNotional,
    makerFeeBps: m.makerFeeBps,
    takerFeeBps: m.takerFeeBps,
    priceBandBps: m.priceBandBps,
  };
}

/** An LPJ market's balances: the coin in its own decimals, won whole. */
export function lpjBalances(rows: PracticeState['balances'], m: ViewMarket | null): ViewBalance[] {
  return rows.map((b) => ({ ...b, decimals: b.asset === m?.base ? m.sizeDecimals : 0 }));
}

const tapeRows = new WeakMap<TapeTrade, ViewTrade>();

/** An LPJ tape trade as a view row, mapped once per trade object, so a tick re-renders only the rows that changed. */
export function tapeRow(t: TapeTrade): ViewTrade {
  let row = tapeRows.get(t);
  if (!row)
    tapeRows.set(t, (row = { id: String(t.tradeId), price: t.price, size: t.quantity, side: t.takerSide, ts: t.ts }));
  return row;
}

type ViewActions = 'refresh' | 'place' | 'cancel' | 'amend' | 'cancelAll' | 'candles' | 'onLive';

/**
 * What a view shows before a market is open. `fills` and `positions` are empty lists where the engine keeps
 * them and null where it does not.
 */
export function emptyView(
  kind: ViewState['kind'],
  keeps: { fills: boolean; positions: boolean },
): Omit<ViewState, ViewActions> {
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
    marks: [],
    copies: [],
    openOrders: [],
    fills: keeps.fills ? [] : null,
    positions: keeps.positions ? [] : null,
    feed: null,
    preparing: null,
    history: {},
    epoch: 0,
  };
}
