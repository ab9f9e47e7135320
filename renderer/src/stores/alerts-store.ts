/**
 * My price alerts as the host keeps them (waiting first, then fired), followed through `alerts.changed` so an
 * alert that fires shows as fired at once, wherever the list is open.
 */
import { create } from 'zustand';
import type { NewPriceAlert, PriceAlert } from '@protocol/alerts';
import { api } from '../api';
import { hostError, type HostError } from './live-store';

interface AlertsState {
  items: PriceAlert[] | null;
  loadError: string | null;
  load(): Promise<void>;
  /** Sets an alert; the host's refusal comes back, nothing is thrown. */
  create(alert: NewPriceAlert): Promise<HostError | null>;
  remove(id: number): Promise<void>;
}

export const useAlerts = create<AlertsState>((set) => ({
  items: null,
  loadError: null,
  async load() {
    try {
      set({ items: (await api.invoke('alerts.list', {})).items, loadError: null });
    } catch (err) {
      set({ loadError: (err as Error).message });
    }
  },
  async create(alert) {
    try {
      await api.invoke('alerts.create', alert);
      return null;
    } catch (err) {
      return hostError(err);
    }
  },
  async remove(id) {
    try {
      await api.invoke('alerts.delete', { id });
    } catch (err) {
      set({ loadError: (err as Error).message });
    }
  },
}));

api.onEvent((event) => {
  if (event.name === 'alerts.changed') useAlerts.setState({ items: event.payload.items, loadError: null });
});
