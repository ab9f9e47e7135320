/**
 * The paper portfolios: the list, the active one, and the requests that change them. The list follows the
 * host's `paper.portfolios` event (any window's change); after a switch, reset or new settings the paper market
 * on screen is read again, since its balances and fees are the active portfolio's.
 */
import { create } from 'zustand';
import type { NewPortfolio, PaperPortfolio, PortfolioChange, PortfolioList } from '@protocol/paper-portfolios';
import { api } from '../api';
import { reloadPaperMarket } from './paper-view';

interface PortfoliosState {
  list: PortfolioList | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Set while a request is under way (the controls wait for it). */
  busy: boolean;
  load(): Promise<void>;
  select(id: number): Promise<void>;
  create(input: NewPortfolio): Promise<void>;
  update(id: number, change: PortfolioChange): Promise<void>;
  reset(id: number): Promise<void>;
  remove(id: number): Promise<void>;
}

export const usePortfolios = create<PortfoliosState>((set, get) => {
  /** Runs one request; its answer is the new list. Failures are thrown to the caller (a dialog shows them). */
  const run = async (request: () => Promise<PortfolioList>, reload: boolean) => {
    set({ busy: true });
    try {
      set({ list: await request(), status: 'ready', error: null });
      if (reload) reloadPaperMarket();
    } finally {
      set({ busy: false });
    }
  };
  return {
    list: null,
    status: 'idle',
    error: null,
    busy: false,
    async load() {
      if (get().status !== 'ready') set({ status: 'loading' });
      try {
        set({ list: await api.invoke('paper.portfolios', {}), status: 'ready', error: null });
      } catch (err) {
        set({ status: get().list ? 'ready' : 'error', error: (err as Error).message });
      }
    },
    select: (id) => run(() => api.invoke('paper.selectPortfolio', { id }), true),
    create: (input) => run(() => api.invoke('paper.createPortfolio', input), false),
    update: (id, change) => run(() => api.invoke('paper.updatePortfolio', { id, change }), true),
    reset: (id) => run(() => api.invoke('paper.resetPortfolio', { id }), true),
    remove: (id) => run(() => api.invoke('paper.deletePortfolio', { id }), false),
  };
});

/** The active portfolio, once the list is known. */
export function activePortfolio(list: PortfolioList | null): PaperPortfolio | undefined {
  return list?.portfolios.find((p) => p.id === list.active);
}

api.onEvent((event) => {
  if (event.name !== 'paper.portfolios') return;
  const before = usePortfolios.getState().list;
  usePortfolios.setState({ list: event.payload, status: 'ready', error: null });
  // Another window switched: what this one shows is the other portfolio's.
  if (before && before.active !== event.payload.active) reloadPaperMarket();
});
