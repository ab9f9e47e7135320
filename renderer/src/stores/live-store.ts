/**
 * The live LPJ market's connection and my account on the sync server, as the host reports them (`live.status`
 * once, then `live.status` pushes). Sign-in and server changes go through here so every screen (Settings, the
 * live market view, the header) shows the same state.
 */
import { create } from 'zustand';
import type { LiveStatus } from '@protocol/api';
import { api } from '../api';

interface LiveStore {
  status: LiveStatus | null;
  /** Set while a sign-in, sign-up, sign-out, deletion or server change is under way. */
  busy: boolean;
  load(): Promise<void>;
  setServer(url: string): Promise<void>;
  signIn(nickname: string, password: string): Promise<void>;
  signUp(nickname: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Deletes the account on the server (its password asked again) and signs out. */
  deleteAccount(password: string): Promise<void>;
}

/** An error the host answered with: its code (for a friendly message) and text. */
export interface HostError {
  code: string;
  message: string;
}

export function hostError(err: unknown): HostError {
  const e = err as { code?: unknown; message?: unknown };
  return {
    code: typeof e.code === 'string' ? e.code : 'INTERNAL',
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

async function busy<T>(work: () => Promise<T>): Promise<T> {
  useLive.setState({ busy: true });
  try {
    return await work();
  } finally {
    useLive.setState({ busy: false });
  }
}

export const useLive = create<LiveStore>((set) => ({
  status: null,
  busy: false,
  async load() {
    set({ status: await api.invoke('live.status', {}) });
  },
  // Errors are thrown to the form that asked, which shows them next to its fields.
  setServer: (url) => busy(async () => set({ status: await api.invoke('live.setServer', { url }) })),
  signIn: (nickname, password) =>
    busy(async () => set({ status: await api.invoke('live.signIn', { nickname, password }) })),
  signUp: (nickname, password) =>
    busy(async () => set({ status: await api.invoke('live.signUp', { nickname, password }) })),
  signOut: () => busy(async () => set({ status: await api.invoke('live.signOut', {}) })),
  deleteAccount: (password) => busy(async () => set({ status: await api.invoke('live.deleteAccount', { password }) })),
}));

api.onEvent((event) => {
  if (event.name === 'live.status') useLive.setState({ status: event.payload });
});
