import { create } from 'zustand';
import type { AppInfo, Health } from '@protocol/api';
import { api } from '../api';

interface EngineState {
  info: AppInfo | null;
  health: Health | null;
  /** Set when the host cannot be reached or answered with an error. */
  error: string | null;
  load(): Promise<void>;
}

export const useEngine = create<EngineState>((set) => ({
  info: null,
  health: null,
  error: null,
  async load() {
    try {
      const [info, health] = await Promise.all([api.invoke('app.info', {}), api.invoke('app.health', {})]);
      set({ info, health, error: null });
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
}));

api.onEvent((event) => {
  if (event.name === 'engine.status') useEngine.setState({ health: event.payload });
});
