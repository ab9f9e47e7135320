/**
 * The Orders & trades screen: which list (orders or trades), the filters, and the venues' answer. Only the
 * latest request's answer is kept, so a slow answer never replaces a newer one.
 */
import { create } from 'zustand';
import type { VenueHistory } from '@protocol/api';
import { api } from '../api';
import { NO_FILTERS, type HistoryFilters } from '../lib/history-view';
import { hostError, type HostError } from './live-store';

/** Rows asked of each venue, of orders and of fills each. */
export const HISTORY_ROWS = 200;

interface HistoryStore {
  tab: 'orders' | 'trades';
  filters: HistoryFilters;
  venues: VenueHistory[] | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: HostError | null;
  setTab(tab: 'orders' | 'trades'): void;
  filter(patch: Partial<HistoryFilters>): void;
  load(): Promise<void>;
}

let latest = 0;

export const useHistory = create<HistoryStore>((set) => ({
  tab: 'orders',
  filters: NO_FILTERS,
  venues: null,
  status: 'idle',
  error: null,
  setTab: (tab) => set({ tab }),
  filter: (patch) => set((s) => ({ filters: { ...s.filters, ...patch } })),
  async load() {
    const mine = ++latest;
    set({ status: 'loading' });
    try {
      const { venues } = await api.invoke('history.list', { limit: HISTORY_ROWS });
      if (mine === latest) set({ venues, status: 'ready', error: null });
    } catch (err) {
      if (mine === latest) set({ status: 'error', error: hostError(err) });
    }
  },
}));
