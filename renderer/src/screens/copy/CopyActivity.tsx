import { useT } from '../../i18n';
import { notificationText } from '../../i18n/notification-text';
import { formatDateTime } from '../../lib/time';
import { COPY_KINDS } from '../../stores/copy-store';
import { useNotifications } from '../../stores/notifications-store';

/**
 * The latest copy-trading notices from the server (copies made or skipped, followers, settlements), worded in
 * the user's language with the figures in their market's format.
 */
export function CopyActivity() {
  const t = useT();
  const markets = useNotifications((s) => s.markets);
  const items = useNotifications((s) => s.items)
    .filter((n) => COPY_KINDS.has(n.kind))
    .slice(0, 20);
  return (
    <section className="panel" aria-labelledby="activity-title">
      <div className="panel-head">
        <h2 id="activity-title">{t('copy.activity')}</h2>
      </div>
      {items.length === 0 ? (
        <div className="panel-state muted">{t('copy.activityEmpty')}</div>
      ) : (
        <ul className="activity scroll" aria-label={t('copy.activity')}>
          {items.map((n) => {
            const { title, body } = notificationText(n, markets, t);
            return (
              <li key={n.id} data-kind={n.kind}>
                <time dateTime={new Date(n.ts).toISOString()}>{formatDateTime(n.ts)}</time>
                <strong>{title}</strong> <span>{body}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
