import { create } from 'zustand';
import type { Settings } from '@protocol/api';
import { api } from '../api';

interface SettingsState {
  settings: Settings | null;
  error: string | null;
  load(): Promise<void>;
  update(patch: Partial<Settings>): Promise<void>;
}

export const useSettings = create<SettingsState>((set, get) => ({
  settings: null,
  error: null,
  async load() {
    try {
      set({ settings: await api.invoke('settings.get', {}), error: null });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
  // Shown at once, as the control the user touched says: a switch that waited for the host's answer would not
  // move under the pointer when the host is busy. The host's answer then settles it, or its refusal puts back
  // what was there.
  async update(patch) {
    const before = get().settings;
    if (before) set({ settings: { ...before, ...patch } });
    try {
      set({ settings: await api.invoke('settings.update', patch), error: null });
    } catch (err) {
      set({ settings: before ?? get().settings, error: (err as Error).message });
    }
  },
}));

// Another window (or the host itself) may change settings: follow its pushes.
api.onEvent((event) => {
  if (event.name === 'settings.changed') useSettings.setState({ settings: event.payload });
});
