/**
 * The market list: the host's rows and favourites, the search typed, and opening a market. While a list is on
 * screen (`watch`), it is asked for again every REFRESH_MS (the host fetches prices no more often than that and
 * pushes what arrives); nothing is fetched while no list is shown.
 */
import { create } from 'zustand';
import type { WatchlistState, WatchRow } from '@protocol/watchlist';
import { api } from '../api';
import { rowChoice } from '../lib/watchlist';
import { useFeedSource } from './feed-source-store';
import { useMarketChoice } from './market-choice-store';
import { hostError, type HostError } from './live-store';

/** How often a shown list asks for prices. */
const REFRESH_MS = 10_000;

interface WatchlistStore {
  list: WatchlistState | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: HostError | null;
  query: string;
  setQuery(query: string): void;
  load(): Promise<void>;
  /** Keeps the list fresh while the returned function has not been called. */
  watch(): () => void;
  setFavourite(key: string, favourite: boolean): Promise<void>;
  /** Opens a row's market (switching the price source to its exchange first, when another one is chosen). */
  open(row: WatchRow): Promise<void>;
}

export const useWatchlist = create<WatchlistStore>((set, get) => ({
  list: null,
  status: 'idle',
  error: null,
  query: '',
  setQuery: (query) => set({ query }),
  async load() {
    if (!get().list) set({ status: 'loading' });
    try {
      const list = await api.invoke('watchlist.list', {});
      set({ list, status: 'ready', error: null });
    } catch (err) {
      set({ status: get().list ? 'ready' : 'error', error: hostError(err) });
    }
  },
  watch() {
    void get().load();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void get().load();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  },
  async setFavourite(key, favourite) {
    // Shown at once; the host's answer (and its push to every window) is what stays.
    const list = get().list;
    if (list) {
      const favourites = list.favourites.filter((k) => k !== key);
      set({ list: { ...list, favourites: favourite ? [...favourites, key] : favourites } });
    }
    try {
      const { favourites } = await api.invoke('watchlist.favourite', { key, favourite });
      const now = get().list;
      if (now) set({ list: { ...now, favourites }, error: null });
    } catch (err) {
      set({ error: hostError(err) });
      void get().load();
    }
  },
  async open(row) {
    const { choice, source } = rowChoice(row);
    const feed = useFeedSource.getState();
    if (source !== null && feed.source !== source) {
      await feed.setSource(source);
      if (useFeedSource.getState().source !== source) return; // the switch failed: its error is shown in Settings
    }
    useMarketChoice.getState().choose(choice);
  },
}));

api.onEvent((event) => {
  if (event.name === 'watchlist.update') useWatchlist.setState({ list: event.payload, status: 'ready' });
});
