/**
 * Recording live sessions: the host's recording state (pushed as it grows), the recorded files, and the user's
 * actions on them — start and stop on a market, replay one, save one.
 */
import { create } from 'zustand';
import type { RecordedSession, RecordingState } from '@protocol/recording';
import { api } from '../api';
import { useFeedSource } from './feed-source-store';

interface RecordingStore {
  state: RecordingState | null;
  sessions: RecordedSession[] | null;
  busy: boolean;
  error: string | null;
  load(): Promise<void>;
  start(market: string): Promise<void>;
  stop(): Promise<void>;
  /** Replays a recorded file (the feed source becomes that replay). */
  play(session: string): Promise<void>;
  /** The file's bytes, for the user to save. */
  download(session: string): Promise<{ filename: string; bytes: Uint8Array }>;
}

export const useRecording = create<RecordingStore>((set, get) => {
  const act = async (work: () => Promise<void>) => {
    set({ busy: true, error: null });
    try {
      await work();
    } catch (err) {
      set({ error: (err as Error).message });
    } finally {
      set({ busy: false });
    }
  };
  return {
    state: null,
    sessions: null,
    busy: false,
    error: null,
    async load() {
      try {
        const [state, list] = await Promise.all([api.invoke('recording.state', {}), api.invoke('recording.list', {})]);
        set({ state, sessions: list.sessions });
      } catch (err) {
        set({ error: (err as Error).message });
      }
    },
    start: (market) =>
      act(async () => {
        set({ state: await api.invoke('recording.start', { market }) });
      }),
    stop: () =>
      act(async () => {
        set({ state: await api.invoke('recording.stop', {}) });
        await get().load();
      }),
    play: (session) =>
      act(async () => {
        await api.invoke('feed.setSource', { source: 'replay', session });
        await useFeedSource.getState().load();
      }),
    async download(session) {
      const { filename, base64 } = await api.invoke('recording.export', { session });
      return { filename, bytes: Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)) };
    },
  };
});

api.onEvent((event) => {
  if (event.name !== 'recording.state') return;
  const before = useRecording.getState().state;
  useRecording.setState({ state: event.payload });
  // A recording that just finished is a new file in the list.
  if (before?.state === 'recording' && event.payload.state === 'idle') void useRecording.getState().load();
});
