/**
 * Which market view the panels read: the Market screen provides the store of the market chosen in the
 * selector (practice-view, paper-view or live-view), and every panel reads it, or a slice of it, from here.
 */
import { createContext, useContext } from 'react';
import type { StoreApi, UseBoundStore } from 'zustand';
import type { ViewState } from '../lib/market-view';

export type ViewStore = UseBoundStore<StoreApi<ViewState>>;

export const ViewContext = createContext<ViewStore | null>(null);

/** The view of the market on screen, or a slice of it. */
export function useView<T>(selector: (s: ViewState) => T): T {
  const store = useContext(ViewContext);
  if (!store) throw new Error('useView outside a market view');
  return store(selector);
}

/** Whether this component is rendered inside a market view (the Market screen's panels), or elsewhere. */
export function useInMarketView(): boolean {
  return useContext(ViewContext) !== null;
}

/** The view store itself, for actions taken outside rendering. */
export function useViewStore(): ViewStore {
  const store = useContext(ViewContext);
  if (!store) throw new Error('useViewStore outside a market view');
  return store;
}
