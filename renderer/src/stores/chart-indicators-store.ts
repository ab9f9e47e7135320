/**
 * The price chart's chosen studies, kept by the host (so a reload or another window shows the same ones):
 * read once, changed here at once and written through `chart.setIndicators`. A write that fails puts back what
 * the host holds and says why.
 */
import { create } from 'zustand';
import type { ChartIndicator } from '@protocol/chart-indicators';
import { api } from '../api';

interface ChartIndicatorsState {
  /** null until read from the host. */
  indicators: ChartIndicator[] | null;
  error: string | null;
  load(): Promise<void>;
  choose(indicators: ChartIndicator[]): Promise<void>;
}

let loading: Promise<void> | null = null;

export const useChartIndicators = create<ChartIndicatorsState>((set, get) => ({
  indicators: null,
  error: null,
  load() {
    loading ??= api
      .invoke('chart.indicators', {})
      .then(({ indicators }) => set({ indicators, error: null }))
      .catch((err: Error) => {
        loading = null; // asked again next time
        set({ error: err.message });
      });
    return loading;
  },
  async choose(indicators) {
    const before = get().indicators;
    set({ indicators, error: null });
    try {
      const saved = await api.invoke('chart.setIndicators', { indicators });
      set({ indicators: saved.indicators });
    } catch (err) {
      set({ indicators: before, error: (err as Error).message });
    }
  },
}));
