/**
 * Paper trading on a real coin as a market view: one market open at a time (`paper.open`, and `paper.close`
 * for the one left), fed by `paper.update` pushes, `feed.status` and `candles.progress`.
 *
 * As with the practice market, pushes are merged and applied once per animation frame: the book, ticker and
 * status are replaced by the newest, trades are prepended, and the chart gets only the newest forming candle
 * of each interval. Each push carries the marks of the other markets whose coins the account holds, so the
 * balances value every holding, not only this market's.
 */
import { create } from 'zustand';
import type {
  PaperAccount,
  PaperMarketInfo,
  PaperMark,
  PaperMarketState,
  PaperPosition,
  PaperUpdate,
  OrderRequest,
} from '@protocol/api';
import { api } from '../api';
import type {
  Interval,
  LiveCandles,
  OrderChange,
  Outcome,
  ViewBalance,
  ViewMark,
  ViewMarket,
  ViewOrder,
  ViewState,
  ViewTicker,
  ViewTrade,
} from '../lib/market-view';
import { emptyView, fillRows, prependTrades, priceMove } from './view-merge';
import { onFeedJump, useFeedSource } from './feed-source-store';
import { oncePerFrame } from '../lib/once-per-frame';

function marketOf(m: PaperMarketInfo): ViewMarket {
  return {
    id: m.id,
    base: m.base,
    quote: m.quote,
    priceDecimals: m.priceDecimals,
    sizeDecimals: m.sizeDecimals,
    quoteDecimals: m.quoteDecimals,
    // The paper engine takes any price and size in the feed's units.
    tickSize: 1,
    lotSize: 1,
    minNotional: m.minNotional,
    makerFeeBps: m.makerFeeBps,
    takerFeeBps: m.takerFeeBps,
  };
}

function tradesOf(trades: PaperUpdate['trades']): ViewTrade[] {
  return trades.map((t) => ({ id: t.tradeId, price: t.price, size: t.size, side: t.side, ts: t.ts }));
}

function tickerOf(t: PaperMarketState['ticker']): ViewTicker | null {
  if (!t) return null;
  return { last: t.last, reference: t.prevClose || t.open, high: t.high, low: t.low, volume: BigInt(t.volume24h) };
}

function accountPatch(
  account: PaperAccount,
  market: string,
  fills?: PaperMarketState['fills'],
): Pick<ViewState, 'balances' | 'openOrders' | 'positions'> & Partial<Pick<ViewState, 'fills'>> {
  const balances: ViewBalance[] = account.balances.map((b) => ({
    asset: b.asset,
    available: b.available,
    held: b.held,
    decimals: b.decimals,
  }));
  const openOrders: ViewOrder[] = account.openOrders.filter((o) => o.market === market);
  return { balances, openOrders, positions: account.positions, ...(fills ? { fills: fillRows(fills) } : {}) };
}

function marksOf(marks: readonly PaperMark[]): ViewMark[] {
  return marks.map((m) => ({ ...m, price: m.price ?? null }));
}

function withPosition(positions: PaperPosition[] | null, p: PaperPosition): PaperPosition[] {
  const list = positions ?? [];
  const i = list.findIndex((x) => x.market === p.market);
  if (i < 0) return [...list, p];
  const next = list.slice();
  next[i] = p;
  return next;
}

const liveListeners = new Set<(live: LiveCandles) => void>();

/** The open market id, and a counter that lets answers to an earlier open be told apart. */
let current: string | null = null;
let generation = 0;

async function placeOrder(order: OrderRequest): Promise<Outcome> {
  if (!current) throw new Error('no market open');
  // Time in force and post-only belong to the LPJ markets (the form offers neither here): refused as the paper
  // engine refuses fields of another order type.
  if (order.timeInForce !== undefined || order.postOnly !== undefined)
    return { status: 'rejected', reason: 'INVALID_ORDER', fills: 0 };
  const outcome = await api.invoke('paper.place', { ...order, market: current });
  void refreshAccount();
  return outcome;
}

async function cancelOrder(orderId: number): Promise<Outcome> {
  if (!current) throw new Error('no market open');
  const outcome = await api.invoke('paper.cancel', { market: current, orderId });
  void refreshAccount();
  return outcome;
}

async function amendOrder(orderId: number, change: OrderChange): Promise<Outcome> {
  if (!current) throw new Error('no market open');
  const outcome = await api.invoke('order.amend', { venue: 'paper', market: current, orderId, ...change });
  void refreshAccount();
  return outcome;
}

/** The paper engine cancels one order at a time: cancel each open order of this market. */
async function cancelAllOrders(): Promise<{ cancelled: number }> {
  const market = current;
  if (!market) return { cancelled: 0 };
  let cancelled = 0;
  for (const o of paperView.getState().openOrders) {
    const outcome = await api.invoke('paper.cancel', { market, orderId: o.id });
    if (outcome.status === 'accepted') cancelled++;
  }
  void refreshAccount();
  return { cancelled };
}

export const paperView = create<ViewState>(() => ({
  ...emptyView('paper', { fills: true, positions: true }),
  refresh: () => (current ? openPaperMarket(current, true) : Promise.resolve()),
  place: placeOrder,
  cancel: cancelOrder,
  amend: amendOrder,
  cancelAll: cancelAllOrders,
  candles: async (interval, limit, before) => {
    if (!current) return { bars: [], loading: false };
    const c = await api.invoke('paper.candles', { market: current, interval, limit, before });
    return { bars: c.candles, loading: c.loading };
  },
  onLive: (listener) => {
    liveListeners.add(listener);
    return () => liveListeners.delete(listener);
  },
}));

/** The whole state of the open market from a snapshot. */
function applySnapshot(state: PaperMarketState): void {
  const prev = paperView.getState();
  paperView.setState({
    status: 'ready',
    error: null,
    market: marketOf(state.market),
    bids: state.bids,
    asks: state.asks,
    trades: prependTrades(tradesOf(state.trades), prev.market?.id === state.market.id ? prev.trades : []),
    ticker: tickerOf(state.ticker),
    lastMove: priceMove(prev.lastPrice, state.lastPrice ?? 0, prev.lastMove),
    lastPrice: state.lastPrice ?? 0,
    feed: { source: state.source, status: state.status, ...(state.statusReason ? { reason: state.statusReason } : {}) },
    marks: marksOf(state.marks),
    ...accountPatch(state.account, state.market.id, state.fills),
  });
  if (state.replay) useFeedSource.getState().setReplay(state.replay);
}

/**
 * Shows `market`: closes the view of the one shown before, opens this one. `again` re-reads the one shown
 * (retry after an error, or after the source changed under it).
 */
export async function openPaperMarket(market: string, again = false): Promise<void> {
  if (current === market && !again) return;
  const left = current;
  const gen = ++generation;
  if (left !== market) {
    current = market;
    if (left) void api.invoke('paper.close', { market: left }).catch(() => undefined);
    pending = null;
    paperView.setState({
      status: 'loading',
      error: null,
      market: null,
      bids: [],
      asks: [],
      trades: [],
      ticker: null,
      lastPrice: 0,
      lastMove: 'flat',
      feed: null,
      history: {},
      openOrders: [],
      marks: [],
      fills: [],
    });
  } else if (paperView.getState().status === 'error') {
    paperView.setState({ status: 'loading', error: null });
  }
  try {
    // A retry of a market already open re-reads it; opening again would count a second view.
    const state =
      left === market && paperView.getState().market
        ? await api.invoke('paper.state', { market })
        : await api.invoke('paper.open', { market });
    if (gen === generation) applySnapshot(state);
  } catch (err) {
    if (gen === generation) paperView.setState({ status: 'error', error: (err as Error).message });
  }
}

/** Reads the market on screen again: the active portfolio changed, with its own balances and fees. */
export function reloadPaperMarket(): void {
  if (current) void openPaperMarket(current, true);
}

/** Leaves the real-coin view (back to the practice market): the host may unsubscribe the market. */
export function closePaperMarket(): void {
  const left = current;
  current = null;
  generation++;
  pending = null;
  if (left) void api.invoke('paper.close', { market: left }).catch(() => undefined);
  paperView.setState({ status: 'idle', market: null, feed: null, trades: [], bids: [], asks: [] });
}

/** After my order or cancel: my orders, balances and positions (the book keeps following the pushes). */
async function refreshAccount(): Promise<void> {
  const market = current;
  if (!market) return;
  try {
    const state = await api.invoke('paper.state', { market });
    if (market === current)
      paperView.setState({ ...accountPatch(state.account, market, state.fills), marks: marksOf(state.marks) });
  } catch {
    // the next push carries the account anyway
  }
}

// A seek or a source switch: the tape and candles shown belong to the old position; read the market again.
onFeedJump(() => {
  if (!current) return;
  pending = null;
  paperView.setState((s) => ({ trades: [], epoch: s.epoch + 1 }));
  void openPaperMarket(current, true);
});

/** Resets the paper account of the current source (starting balances, no orders). */
export async function resetPaperAccount(): Promise<void> {
  const account = await api.invoke('paper.reset', {});
  if (current) paperView.setState(accountPatch(account, current));
}

// --- pushed updates, applied once per frame ---

let pending: {
  last: PaperUpdate;
  trades: ViewTrade[];
  candles: Map<Interval, LiveCandles>;
  account?: PaperAccount;
  fills?: PaperMarketState['fills'];
} | null = null;
const applySoon = oncePerFrame(applyPending);

function applyPending(): void {
  const p = pending;
  pending = null;
  if (!p || p.last.market !== current) return;
  const s = paperView.getState();
  const u = p.last;
  paperView.setState({
    ...(u.bids ? { bids: u.bids } : {}),
    ...(u.asks ? { asks: u.asks } : {}),
    ...(u.ticker ? { ticker: tickerOf(u.ticker) } : {}),
    ...(u.lastPrice !== undefined
      ? { lastPrice: u.lastPrice, lastMove: priceMove(s.lastPrice, u.lastPrice, s.lastMove) }
      : {}),
    trades: prependTrades(p.trades, s.trades),
    feed: {
      source: u.source,
      status: u.status,
      ...(u.status === s.feed?.status && s.feed.reason ? { reason: s.feed.reason } : {}),
    },
    ...(u.position ? { positions: withPosition(s.positions, u.position) } : {}),
    ...(p.account ? accountPatch(p.account, u.market, p.fills) : {}),
    ...(u.marks ? { marks: marksOf(u.marks) } : {}),
  });
  for (const live of p.candles.values()) for (const l of liveListeners) l(live);
}

api.onEvent((event) => {
  if (event.name === 'paper.update') {
    const u = event.payload;
    if (u.market !== current) return;
    if (!pending) pending = { last: u, trades: [], candles: new Map() };
    // Each push lists its trades newest first; a later push's trades are newer still.
    pending.trades = [...tradesOf(u.trades), ...pending.trades];
    pending.last = { ...pending.last, ...u };
    for (const c of u.candles ?? [])
      pending.candles.set(c.interval, { kind: 'candles', interval: c.interval, candle: c.candle });
    if (u.account) pending.account = u.account;
    if (u.fills) pending.fills = u.fills;
    applySoon();
  } else if (event.name === 'feed.status') {
    const f = event.payload;
    if (f.market !== current) return;
    paperView.setState({ feed: { source: f.source, status: f.status, ...(f.reason ? { reason: f.reason } : {}) } });
  } else if (event.name === 'candles.progress') {
    const p = event.payload;
    if (p.market !== current) return;
    paperView.setState((s) => ({ history: { ...s.history, [p.interval]: p } }));
  }
});
