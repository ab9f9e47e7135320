/**
 * The live LPJ market (on the sync server, shared with other players) as a market view: one `live.state` read,
 * then `live.update` pushes merged and applied once per animation frame, like the practice market. My orders,
 * balances (my copies' sub-accounts' too) and fills are read again when an update says they changed.
 *
 * Units are the practice market's: prices and quote amounts in whole won, sizes in 1e-8 LPJ.
 */
import { create } from 'zustand';
import type { LiveState, LiveUpdate, TapeTrade } from '@protocol/api';
import { api } from '../api';
import type { LiveCandles, Outcome, ViewState, ViewTicker } from '../lib/market-view';
import { emptyView, fillRows, lpjBalances, lpjMarket, prependTrades, priceMove, tapeRow } from './view-merge';
import { oncePerFrame } from '../lib/once-per-frame';
import { oneAtATime } from '../lib/one-at-a-time';

function tickerOf(t: LiveState['ticker']): ViewTicker | null {
  if (!t || t.last === 0) return null;
  return { last: t.last, reference: t.open, high: t.high, low: t.low, volume: BigInt(t.volume) };
}

const liveListeners = new Set<(live: LiveCandles) => void>();
let seq = 0;

/** Not being signed in or connected is a refusal like the engine's, with its code as the reason. */
async function answer(call: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await call();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'NOT_SIGNED_IN' || code === 'OFFLINE') return { status: 'rejected', reason: code, fills: 0 };
    throw err;
  } finally {
    void refresh();
  }
}

export const liveView = create<ViewState>(() => ({
  ...emptyView('live', { fills: true, positions: false }),
  refresh: () => refresh(),
  place: (order) => answer(() => api.invoke('live.place', order)),
  cancel: (orderId) => answer(() => api.invoke('live.cancel', { orderId })),
  amend: (orderId, change) => answer(() => api.invoke('order.amend', { venue: 'live', orderId, ...change })),
  cancelAll: async () => {
    const r = await api.invoke('live.cancelAll', {});
    void refresh();
    return r;
  },
  candles: async (interval, limit, before) => ({
    bars: await api.invoke('live.candles', { interval, limit: Math.min(limit, 1_000), before }),
    loading: false,
  }),
  onLive: (listener) => {
    liveListeners.add(listener);
    return () => liveListeners.delete(listener);
  },
}));

/** One state read at a time; one asked for meanwhile runs once after it. */
const refresh = oneAtATime(() => {
  const s = liveView.getState();
  if (s.status === 'idle' || s.status === 'error') liveView.setState({ status: 'loading' });
  return api
    .invoke('live.state', {})
    .then((state) => {
      const prev = liveView.getState();
      const market = state.market ? lpjMarket(state.market) : prev.market;
      const bookIsNewer = seq > state.seq && state.seq > 0;
      liveView.setState({
        // Without the market's settings (never reached the server) the panels have nothing to show yet.
        status: market ? 'ready' : 'error',
        error: market ? null : (state.status.reason ?? state.status.connection),
        market,
        balances: lpjBalances(state.balances, market),
        copies: state.copies.map((c) => ({
          key: String(c.subscriptionId),
          leader: c.leader,
          status: c.status,
          balances: lpjBalances(c.balances, market),
        })),
        openOrders: state.openOrders,
        fills: fillRows(state.fills),
        ticker: tickerOf(state.ticker) ?? prev.ticker,
        ...(bookIsNewer
          ? {}
          : {
              bids: state.bids,
              asks: state.asks,
              lastMove: priceMove(prev.lastPrice, state.lastPrice, prev.lastMove),
              lastPrice: state.lastPrice,
              trades: prependTrades(state.trades.map(tapeRow), prev.trades),
            }),
      });
      if (!bookIsNewer) seq = state.seq;
    })
    .catch((err: Error) =>
      liveView.setState({ status: liveView.getState().market ? 'ready' : 'error', error: err.message }),
    );
});

// --- pushed updates, applied once per frame ---

let pending: { last: LiveUpdate; trades: TapeTrade[]; mine: boolean } | null = null;
const applySoon = oncePerFrame(applyPending);

function applyPending(): void {
  const p = pending;
  pending = null;
  if (!p) return;
  const s = liveView.getState();
  const fresh = p.trades.map(tapeRow).reverse(); // pushes are oldest first; the tape is newest first
  seq = p.last.seq;
  liveView.setState({
    bids: p.last.bids,
    asks: p.last.asks,
    lastMove: priceMove(s.lastPrice, p.last.lastPrice, s.lastMove),
    lastPrice: p.last.lastPrice,
    ticker: tickerOf(p.last.ticker) ?? s.ticker,
    trades: prependTrades(fresh, s.trades),
  });
  if (p.trades.length) for (const l of liveListeners) l({ kind: 'trades', trades: p.trades.map(tapeRow) });
  if (s.status !== 'idle' && (p.mine || s.status !== 'ready')) void refresh();
}

api.onEvent((event) => {
  if (event.name === 'live.status') {
    // Signed in or out, or the server changed: what is shown of my account (or the market) is out of date.
    if (liveView.getState().status !== 'idle') void refresh();
    return;
  }
  if (event.name !== 'live.update') return;
  const u = event.payload;
  if (pending) {
    pending.last = u;
    pending.trades.push(...u.trades);
    pending.mine ||= u.mine;
  } else pending = { last: u, trades: [...u.trades], mine: u.mine };
  applySoon();
});
