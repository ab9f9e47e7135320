/**
 * The notifications centre: my notifications from the sync server (the host keeps the list and what has been
 * read), new ones pushed with the `notification` event, and the server's markets that give their figures units.
 * The list is read again when the host says it changed as a whole (another account's backlog, marks set
 * elsewhere, the markets arrived).
 *
 * A new fill is also worded for the desktop (in the language chosen now), which shows it while the window is not
 * in front; a browser shows none.
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
  markRead(ids: number[]): Promise<void>;
  markAllRead(): Promise<void>;
}

export const useNotifications = create<NotificationsStore>((set, get) => ({
  items: [],
  unread: 0,
  markets: [],
  async load() {
    set(await api.invoke('notifications.list', {}));
  },
  async markRead(ids) {
    const wanted = new Set(ids);
    set({ items: get().items.map((n) => (wanted.has(n.id) ? { ...n, read: true } : n)) });
    set(await api.invoke('notifications.markRead', { ids }));
  },
  async markAllRead() {
    set({ items: get().items.map((n) => (n.read ? n : { ...n, read: true })) });
    set(await api.invoke('notifications.markRead', { all: true }));
  },
}));

api.onEvent((event) => {
  if (event.name === 'notification') {
    const { items, unread, markets } = useNotifications.getState();
    if (items.some((n) => n.id === event.payload.id)) return;
    useNotifications.setState({
      items: [event.payload, ...items].slice(0, 200),
      unread: unread + (event.payload.read ? 0 : 1),
    });
    if (event.payload.kind === 'fill') {
      const language = useSettings.getState().settings?.language ?? 'en';
      api.notify(notificationText(event.payload, markets, (key) => translate(language, key)));
    }
  } else if (event.name === 'notifications.changed') void useNotifications.getState().load();
});
