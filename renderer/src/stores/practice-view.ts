/**
 * The LPJ practice market as a market view: the practice store's state mapped onto the view's shape, only the
 * slices that changed, and trade rows once per trade (view-merge's tapeRow), so a tick re-renders only what changed.
 */
import { create } from 'zustand';
import { api } from '../api';
import { amendOrder, cancelAllOrders, cancelOrder, onTrades, placeOrder, usePractice } from './practice-store';
import type { ViewState } from '../lib/market-view';
import { emptyView, fillRows, lpjBalances, lpjMarket, tapeRow } from './view-merge';

export const practiceView = create<ViewState>(() => ({
  // The day's figures (ticker) come from hourly candles, read by the ticker itself.
  ...emptyView('practice', { fills: true, positions: false }),
  refresh: () => usePractice.getState().refresh(),
  place: (order) => placeOrder(order),
  cancel: (orderId) => cancelOrder(orderId),
  amend: (orderId, change) => amendOrder(orderId, change),
  cancelAll: () => cancelAllOrders(),
  candles: async (interval, limit, before) => ({
    bars: await api.invoke('practice.candles', { interval, limit, before }),
    loading: false,
  }),
  fillMarks: (interval, from) => api.invoke('practice.fillMarks', { interval, from }),
  onLive: (listener) => onTrades((trades) => listener({ kind: 'trades', trades: trades.map(tapeRow) })),
}));

/** Keeps the view in step with the practice store, re-mapping only the slices that changed. */
function follow(
  s: ReturnType<typeof usePractice.getState>,
  prev: ReturnType<typeof usePractice.getState> | null,
): void {
  const patch: Partial<ViewState> = {};
  if (!prev || s.status !== prev.status) patch.status = s.status;
  if (!prev || s.error !== prev.error) patch.error = s.error;
  if (!prev || s.market !== prev.market) patch.market = s.market ? lpjMarket(s.market) : null;
  if (!prev || s.lastPrice !== prev.lastPrice) patch.lastPrice = s.lastPrice;
  if (!prev || s.lastMove !== prev.lastMove) patch.lastMove = s.lastMove;
  if (!prev || s.bids !== prev.bids) patch.bids = s.bids;
  if (!prev || s.asks !== prev.asks) patch.asks = s.asks;
  if (!prev || s.trades !== prev.trades) patch.trades = s.trades.map(tapeRow);
  if (!prev || s.balances !== prev.balances || s.market !== prev.market)
    patch.balances = lpjBalances(s.balances, patch.market ?? practiceView.getState().market);
  if (!prev || s.openOrders !== prev.openOrders) patch.openOrders = s.openOrders;
  if (!prev || s.fills !== prev.fills) patch.fills = fillRows(s.fills);
  if (!prev || s.preparing !== prev.preparing) {
    patch.preparing = s.preparing;
    // The past is complete: charts and the day's figures read their history again.
    if (prev?.preparing && !s.preparing) patch.epoch = practiceView.getState().epoch + 1;
  }
  if (Object.keys(patch).length) practiceView.setState(patch);
}

follow(usePractice.getState(), null);
usePractice.subscribe((s, prev) => follow(s, prev));
