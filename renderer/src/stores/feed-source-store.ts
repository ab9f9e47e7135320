/**
 * Where real-coin prices come from (Upbit, Binance or a replayed session), the markets that source offers,
 * and the replay's player state. Shared by the Market screen (selector, replay controls) and Settings.
 */
import { create } from 'zustand';
import type { FeedSourceName, PaperMarketInfo, ReplayControl, ReplayDownload, ReplayInfo } from '@protocol/api';
import { api } from '../api';

export interface ReplayClock {
  info: ReplayInfo;
  /** When the info arrived (performance clock): the position moves on from there while playing. */
  at: number;
}

interface FeedSourceState {
  source: FeedSourceName | null;
  markets: PaperMarketInfo[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  replay: ReplayClock | null;
  /** Set while a source switch is under way. */
  switching: boolean;
  /** Name of the session file the user last picked to replay (this run). */
  picked: string | null;
  load(): Promise<void>;
  setSource(source: FeedSourceName): Promise<void>;
  /** Lets the user pick a session file and replays it; call it from the click (it opens a file picker). */
  pickSession(): Promise<void>;
  setReplay(info: ReplayInfo): void;
  control(c: ReplayControl): Promise<void>;
  /** The download of a past window under way (its latest progress), while replayHistory runs. */
  download: ReplayDownload | null;
  pastError: string | null;
  /** Downloads a past window of an exchange's market and replays it (paused at its start). */
  replayHistory(p: {
    exchange: 'upbit' | 'binance';
    market: string;
    from: number;
    to: number;
    trades: boolean;
  }): Promise<void>;
}

/** Listeners told when the source changed or the replay jumped: what is shown belongs to another time. */
const jumpListeners = new Set<() => void>();
export function onFeedJump(listener: () => void): () => void {
  jumpListeners.add(listener);
  return () => jumpListeners.delete(listener);
}

export const useFeedSource = create<FeedSourceState>((set, get) => ({
  source: null,
  markets: [],
  status: 'idle',
  error: null,
  replay: null,
  switching: false,
  picked: null,
  download: null,
  pastError: null,
  async load() {
    if (get().status === 'idle' || get().status === 'error') set({ status: 'loading' });
    try {
      const m = await api.invoke('paper.markets', {});
      set({
        source: m.source,
        markets: m.markets,
        status: 'ready',
        error: null,
        replay: m.replay ? { info: m.replay, at: performance.now() } : null,
      });
    } catch (err) {
      set({ status: get().markets.length ? 'ready' : 'error', error: (err as Error).message });
    }
  },
  async setSource(source) {
    set({ switching: true, error: null });
    try {
      await api.invoke('feed.setSource', { source });
      await get().load();
    } catch (err) {
      set({ error: (err as Error).message });
    } finally {
      set({ switching: false });
    }
  },
  async pickSession() {
    // The picker opens before anything is awaited: browsers open one only within the user's click.
    const picking = api.pickSession();
    set({ switching: true, error: null });
    try {
      const picked = await picking;
      if (!picked) return;
      await api.invoke('feed.setSource', { source: 'replay', session: picked.session });
      set({ picked: picked.name });
      await get().load();
    } catch (err) {
      set({ error: (err as Error).message });
    } finally {
      set({ switching: false });
    }
  },
  async replayHistory(p) {
    set({ switching: true, pastError: null, download: { market: p.market, phase: 'candles', done: 0 } });
    try {
      await api.invoke('replay.history', p);
      set({ picked: null });
      await get().load();
      for (const l of jumpListeners) l();
    } catch (err) {
      set({ pastError: (err as Error).message });
    } finally {
      set({ switching: false, download: null });
    }
  },
  setReplay(info) {
    set({ replay: { info, at: performance.now() } });
  },
  async control(c) {
    try {
      const info = await api.invoke('replay.control', c);
      set({ replay: { info, at: performance.now() }, error: null });
      if (c.action === 'seek') for (const l of jumpListeners) l();
    } catch (err) {
      set({ error: (err as Error).message });
    }
  },
}));

/** The replay's position now (ms since the session's start), moving on locally between the host's reports. */
export function replayPosition(clock: ReplayClock, now = performance.now()): number {
  const { info } = clock;
  // At max speed the host reports where it is; there is no rate to move on with.
  if (info.state !== 'playing' || info.speed === 'max') return info.position;
  return Math.min(info.endAt, info.position + Math.floor((now - clock.at) * info.speed));
}

api.onEvent((event) => {
  if (event.name === 'replay.download') {
    if (useFeedSource.getState().download) useFeedSource.setState({ download: event.payload });
  } else if (event.name === 'replay.state') {
    const before = useFeedSource.getState().replay?.info;
    useFeedSource.getState().setReplay(event.payload);
    // At max speed minutes pass faster than updates are published: when such a run stops, the market is read
    // again, so the chart holds every minute played.
    if (before?.state === 'playing' && before.speed === 'max' && event.payload.state !== 'playing')
      for (const l of jumpListeners) l();
  } else if (event.name === 'feed.source') {
    const s = useFeedSource.getState();
    const changed = s.source !== event.payload.source;
    useFeedSource.setState({
      source: event.payload.source,
      replay: event.payload.replay ? { info: event.payload.replay, at: performance.now() } : null,
    });
    if (changed) void s.load();
    for (const l of jumpListeners) l();
  }
});
