import './account/live.css';
import { useEffect } from 'react';
import { fill, useT } from '../i18n';
import { notificationText } from '../i18n/notification-text';
import { formatDateTime } from '../lib/time';
import { useLive } from '../stores/live-store';
import { notificationKey, useNotifications } from '../stores/notifications-store';
import { usePopover } from './use-popover';

/**
 * The bell in the header: my unread count — the live market's notifications and the app's own (practice and paper
 * fills, triggered stops, price alerts) — and a panel listing them (newest first, worded in the user's language)
 * with mark-read. Esc or a click outside closes the panel.
 */
export function NotificationCentre() {
  const t = useT();
  const { items, unread, markets } = useNotifications();
  const signedIn = useLive((s) => s.status?.account !== undefined);
  const { open, setOpen, root } = usePopover();

  useEffect(() => {
    void useNotifications.getState().load();
    if (!useLive.getState().status) void useLive.getState().load();
  }, []);

  return (
    <div className="notif" ref={root}>
      <button
        type="button"
        className="notif-bell"
        aria-label={fill(t('notifications.open'), unread)}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          />
        </svg>
        {unread > 0 && (
          <span className="notif-count" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="notif-panel panel" role="dialog" aria-label={t('notifications.title')}>
          <div className="panel-head">
            <h2>{t('notifications.title')}</h2>
            <button
              type="button"
              className="link-button"
              disabled={unread === 0}
              onClick={() => void useNotifications.getState().markAllRead()}
            >
              {t('notifications.markAll')}
            </button>
          </div>
          {items.length === 0 ? (
            <p className="panel-state muted">{t(signedIn ? 'notifications.empty' : 'notifications.signedOut')}</p>
          ) : (
            <ul className="notif-list">
              {items.map((n) => {
                const { title, body } = notificationText(n, markets, t);
                return (
                  <li
                    key={notificationKey(n)}
                    className={n.read ? 'notif-item' : 'notif-item unread'}
                    data-kind={n.kind}
                    data-read={n.read}
                  >
                    <div className="notif-text">
                      <strong>{title}</strong>
                      {body && <span>{body}</span>}
                      <time className="muted" dateTime={new Date(n.ts).toISOString()}>
                        {formatDateTime(n.ts)}
                      </time>
                    </div>
                    {!n.read && (
                      <button
                        type="button"
                        className="link-button"
                        aria-label={`${t('notifications.markRead')}: ${title}`}
                        onClick={() => void useNotifications.getState().markRead([n])}
                      >
                        {t('notifications.markRead')}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
