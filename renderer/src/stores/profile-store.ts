/**
 * The trader profile on screen: loaded by nickname (from the ranking or a playground777://trader link) and
 * read again after I subscribe, so the Subscribe button turns into the state of my copy.
 */
import { create } from 'zustand';
import type { TraderProfile } from '@protocol/api';
import { api } from '../api';
import { hostError, type HostError } from './live-store';

interface ProfileStore {
  nickname: string | null;
  profile: TraderProfile | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: HostError | null;
  open(nickname: string): Promise<void>;
  reload(): Promise<void>;
}

let latest = 0;

export const useProfile = create<ProfileStore>((set, get) => ({
  nickname: null,
  profile: null,
  status: 'idle',
  error: null,
  async open(nickname) {
    // Another trader's figures must not show under this nickname while it loads.
    if (get().nickname !== nickname) set({ nickname, profile: null });
    await get().reload();
  },
  async reload() {
    const nickname = get().nickname;
    if (!nickname) return;
    const request = ++latest;
    set({ status: 'loading' });
    try {
      const profile = await api.invoke('ranking.profile', { nickname });
      if (request === latest) set({ profile, status: 'ready', error: null });
    } catch (err) {
      if (request === latest) set({ status: 'error', error: hostError(err) });
    }
  },
}));
