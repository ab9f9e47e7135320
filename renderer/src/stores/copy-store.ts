/**
 * Copy trading, my side: the traders I copy, my strategy if I lead one, who copies me, and the profit-share
 * settlements between us — each read from the host on its own, so one failing section does not blank the
 * others. Copy notifications (a mirrored fill, a settlement, a follower joining) and sign-in changes make the
 * screen read them again; nothing here is computed from guesses between reads.
 */
import { create } from 'zustand';
import type {
  CopyChange,
  CopyFollower,
  CopySettlement,
  CopySubscription,
  MarketSettings,
  MyStrategy,
} from '@protocol/api';
import { api } from '../api';
import { hostError, type HostError } from './live-store';
import { COPY_NOTIFICATION_KINDS } from '@protocol/notification-kinds';

export interface Section<T> {
  data: T | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: HostError | null;
}
const idle = <T>(): Section<T> => ({ data: null, status: 'idle', error: null });

/** What the subscribe and funds forms check against: my available quote on the live market, and its units. */
export interface Wallet {
  market: MarketSettings | null;
  /** Available quote (won), null until read. */
  available: number | null;
}

interface CopyStore {
  subscriptions: Section<CopySubscription[]>;
  strategy: Section<MyStrategy | null>;
  followers: Section<CopyFollower[]>;
  settlements: Section<CopySettlement[]>;
  wallet: Wallet;
  loadAll(): Promise<void>;
  loadSubscriptions(): Promise<void>;
  loadWallet(): Promise<void>;
  subscribe(leader: string, allocation: number, stopLossBps?: number): Promise<CopySubscription>;
  change(id: number, change: CopyChange): Promise<void>;
  unsubscribe(id: number): Promise<void>;
  setStrategy(open: boolean, description: string, profitShareBps: number): Promise<void>;
}

type SectionKey = 'subscriptions' | 'strategy' | 'followers' | 'settlements';

async function read<K extends SectionKey>(key: K, fetch: () => Promise<CopyStore[K]['data']>): Promise<void> {
  useCopy.setState((s) => ({ [key]: { ...s[key], status: 'loading' } }) as Partial<CopyStore>);
  try {
    const data = await fetch();
    useCopy.setState({ [key]: { data, status: 'ready', error: null } } as Partial<CopyStore>);
  } catch (err) {
    useCopy.setState(
      (s) => ({ [key]: { data: s[key].data, status: 'error', error: hostError(err) } }) as Partial<CopyStore>,
    );
  }
}

export const useCopy = create<CopyStore>((set, get) => ({
  subscriptions: idle(),
  strategy: idle(),
  followers: idle(),
  settlements: idle(),
  wallet: { market: null, available: null },
  async loadAll() {
    await Promise.all([
      get().loadSubscriptions(),
      read('strategy', async () => (await api.invoke('copy.strategy.get', {})).strategy),
      read('followers', async () => (await api.invoke('copy.followers', {})).items),
      read('settlements', async () => (await api.invoke('copy.settlements', {})).items),
      get().loadWallet(),
    ]);
  },
  loadSubscriptions: () => read('subscriptions', async () => (await api.invoke('copy.subscriptions', {})).items),
  async loadWallet() {
    try {
      const state = await api.invoke('live.state', {});
      const quote = state.market?.quote ?? 'KRW';
      const row = state.balances.find((b) => b.asset === quote);
      set({ wallet: { market: state.market ?? null, available: state.status.account ? (row?.available ?? 0) : null } });
    } catch {
      set({ wallet: { market: null, available: null } });
    }
  },
  async subscribe(leader, allocation, stopLossBps) {
    const sub = await api.invoke('copy.subscribe', {
      leader,
      allocation,
      ...(stopLossBps !== undefined && { stopLossBps }),
    });
    void get().loadSubscriptions();
    void get().loadWallet();
    return sub;
  },
  async change(id, change) {
    const sub = await api.invoke('copy.update', { id, change });
    replace(sub);
    void get().loadWallet();
  },
  async unsubscribe(id) {
    replace(await api.invoke('copy.unsubscribe', { id }));
    void get().loadWallet();
  },
  async setStrategy(open, description, profitShareBps) {
    const { strategy } = await api.invoke('copy.strategy.set', { open, description, profitShareBps });
    set({ strategy: { data: strategy, status: 'ready', error: null } });
  },
}));

/** Puts the host's answer for one copy in place of the row shown. */
function replace(sub: CopySubscription): void {
  const current = useCopy.getState().subscriptions.data ?? [];
  const rows = current.some((s) => s.id === sub.id)
    ? current.map((s) => (s.id === sub.id ? sub : s))
    : [sub, ...current];
  useCopy.setState({ subscriptions: { data: rows, status: 'ready', error: null } });
}

/** Notification kinds after which my copies, followers or settlements have changed on the server. */
export const COPY_KINDS: ReadonlySet<string> = new Set(COPY_NOTIFICATION_KINDS.filter((k) => k !== 'rank_top10'));

let pending: ReturnType<typeof setTimeout> | undefined;
api.onEvent((event) => {
  const copyNews = event.name === 'notification' && COPY_KINDS.has(event.payload.kind);
  const accountChange = event.name === 'live.status';
  if (!copyNews && !accountChange) return;
  // Only a screen that has read them keeps them fresh; a burst of notices becomes one read.
  if (useCopy.getState().subscriptions.status === 'idle') return;
  clearTimeout(pending);
  pending = setTimeout(() => void useCopy.getState().loadAll(), 300);
});
