import type { MessageKey } from '../../i18n';
import { useT } from '../../i18n';
import { useView } from '../../stores/view-context';

/** Live / reconnecting / stale / offline, always in view for a real-coin market, with the reason on hover. */
export function FeedStatusBadge() {
  const t = useT();
  const feed = useView((s) => s.feed);
  const status = feed?.status ?? 'offline';
  return (
    <span
      className={`feed-status ${status}`}
      role="status"
      aria-label={t('feed.label')}
      data-status={feed ? status : 'loading'}
      title={feed?.reason}
    >
      <span className="dot" aria-hidden="true" />
      {feed ? t(`feed.${status}` as MessageKey) : t('loading')}
    </span>
  );
}
