import { create } from 'zustand';
import type { Settings } from '@protocol/api';
import { api } from '../api';

interface SettingsState {
  settings: Settings | null;
  error: string | null;
  load(): Promise<void>;
  update(patch: Partial<Settings>): Promise<void>;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  error: null,
  async load() {
    try {
      set({ settings: await api.invoke('settings.get', {}), error: null });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
  async update(patch) {
    try {
      set({ settings: await api.invoke('settings.update', patch), error: null });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
}));

// Another window (or the host itself) may change settings: follow its pushes.
api.onEvent((event) => {
  if (event.name === 'settings.changed') useSettings.setState({ settings: event.payload });
});
