/**
 * The leaderboard screen: which board (period), how it is sorted, the nickname search and the page, and the
 * page the host answered. Only the latest request's answer is kept, so a slow answer to an earlier search
 * never replaces a newer one.
 */
import { create } from 'zustand';
import type { RankingBoard, RankingPeriod, RankingSort } from '@protocol/api';
import { api } from '../api';
import { hostError, type HostError } from './live-store';

export const PAGE_SIZE = 50;

/** Which way each column sorts before the user flips it: the best first. */
export function defaultOrder(sort: RankingSort): 'asc' | 'desc' {
  return sort === 'rank' || sort === 'maxDrawdownBps' || sort === 'nickname' ? 'asc' : 'desc';
}

interface RankingStore {
  period: RankingPeriod;
  sort: RankingSort;
  order: 'asc' | 'desc';
  search: string;
  offset: number;
  board: RankingBoard | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: HostError | null;
  setPeriod(period: RankingPeriod): void;
  /** The column's best-first order; the same column again flips it. */
  sortBy(sort: RankingSort): void;
  setSearch(search: string): void;
  setOffset(offset: number): void;
  load(): Promise<void>;
}

let latest = 0;

export const useRanking = create<RankingStore>((set, get) => ({
  period: '7d',
  sort: 'rank',
  order: 'asc',
  search: '',
  offset: 0,
  board: null,
  status: 'idle',
  error: null,
  setPeriod(period) {
    set({ period, offset: 0 });
    void get().load();
  },
  sortBy(sort) {
    const s = get();
    set({ sort, order: s.sort === sort ? (s.order === 'asc' ? 'desc' : 'asc') : defaultOrder(sort), offset: 0 });
    void get().load();
  },
  setSearch(search) {
    set({ search, offset: 0 });
    void get().load();
  },
  setOffset(offset) {
    set({ offset });
    void get().load();
  },
  async load() {
    const request = ++latest;
    const { period, sort, order, search, offset } = get();
    set({ status: 'loading' });
    try {
      const board = await api.invoke('ranking.board', {
        period,
        sort,
        order,
        search: search.trim() || undefined,
        limit: PAGE_SIZE,
        offset,
      });
      if (request === latest) set({ board, status: 'ready', error: null });
    } catch (err) {
      if (request === latest) set({ status: 'error', error: hostError(err) });
    }
  },
}));
