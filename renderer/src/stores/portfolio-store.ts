/**
 * The Portfolio screen's answer from the host: every account valued, with PnL and the total's record. Only the
 * latest request's answer is kept, so a slow answer never replaces a newer one; a failed refresh keeps the last
 * answer on screen and says it failed.
 */
import { create } from 'zustand';
import type { Portfolio } from '@protocol/portfolio';
import { api } from '../api';
import { hostError, type HostError } from './live-store';

interface PortfolioStore {
  portfolio: Portfolio | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: HostError | null;
  load(): Promise<void>;
}

let latest = 0;

export const usePortfolio = create<PortfolioStore>((set) => ({
  portfolio: null,
  status: 'idle',
  error: null,
  async load() {
    const mine = ++latest;
    set({ status: 'loading' });
    try {
      const portfolio = await api.invoke('portfolio.get', {});
      if (mine === latest) set({ portfolio, status: 'ready', error: null });
    } catch (err) {
      if (mine === latest) set({ status: 'error', error: hostError(err) });
    }
  },
}));
