/**
 * The notifications centre: my notifications from the sync server (the host keeps the list and what has been
 * read), new ones pushed with the `notification` event, and the server's markets that give their figures units.
 * The list is read again when the host says it changed as a whole (another account's backlog, marks set
 * elsewhere, the markets arrived).
 *
 * The app's own notices (origin 'app': my practice and paper fills, triggered stops, price alerts) are listed
 * with them; the two are numbered apart, so a notification is known by its origin and id together.
 *
 * Every new notification is also worded for the desktop (in the language chosen now), which shows it while the
 * window is not in front; a browser shows none (the centre is its notice). The host has already left out the
 * kinds switched off in Settings.
 */
import { create } from 'zustand';
import type { AppNotification, MarketSettings } from '@protocol/api';
import { api } from '../api';
import { translate } from '../i18n';
import { notificationText } from '../i18n/notification-text';
import { useSettings } from './settings-store';

interface NotificationsStore {
  items: AppNotification[];
  unread: number;
  markets: MarketSettings[];
  load(): Promise<void>;
  markRead(items: Pick<AppNotification, 'id' | 'origin'>[]): Promise<void>;
  markAllRead(): Promise<void>;
}

/** A notification's identity across both numberings (the server's and the app's). */
export function notificationKey(n: Pick<AppNotification, 'id' | 'origin'>): string {
  return `${n.origin ?? 'server'}:${n.id}`;
}

export const useNotifications = create<NotificationsStore>((set, get) => ({
  items: [],
  unread: 0,
  markets: [],
  async load() {
    set(await api.invoke('notifications.list', {}));
  },
  async markRead(marked) {
    const wanted = new Set(marked.map(notificationKey));
    set({ items: get().items.map((n) => (wanted.has(notificationKey(n)) ? { ...n, read: true } : n)) });
    const ids = marked.filter((n) => n.origin !== 'app').map((n) => n.id);
    const appIds = marked.filter((n) => n.origin === 'app').map((n) => n.id);
    set(await api.invoke('notifications.markRead', { ids, appIds }));
  },
  async markAllRead() {
    set({ items: get().items.map((n) => (n.read ? n : { ...n, read: true })) });
    set(await api.invoke('notifications.markRead', { all: true }));
  },
}));

api.onEvent((event) => {
  if (event.name === 'notification') {
    const { items, unread, markets } = useNotifications.getState();
    const key = notificationKey(event.payload);
    if (items.some((n) => notificationKey(n) === key)) return;
    useNotifications.setState({
      items: [event.payload, ...items].slice(0, 200),
      unread: unread + (event.payload.read ? 0 : 1),
    });
    const language = useSettings.getState().settings?.language ?? 'en';
    api.notify(notificationText(event.payload, markets, (k) => translate(language, k)));
  } else if (event.name === 'notifications.changed' || event.name === 'settings.changed') {
    // A switch in Settings shows or hides a kind already listed: read the list again.
    void useNotifications.getState().load();
  }
});
