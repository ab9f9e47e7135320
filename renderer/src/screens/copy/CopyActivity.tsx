import type { AppNotification, MarketSettings } from '@protocol/api';
import { useT, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { formatUnits } from '../../lib/units';
import { COPY_KINDS, useCopy } from '../../stores/copy-store';
import { useNotifications } from '../../stores/notifications-store';
import { formatWon } from '../../lib/figures';

/**
 * A copied fill in the user's language and units, from the figures the notice carries; null when they are not
 * all there (the server's own title and body are shown then).
 */
function copiedFillText(
  n: AppNotification,
  market: MarketSettings | null,
  t: (k: MessageKey) => string,
): string | null {
  const d = n.data ?? {};
  const { leader, side, quantity, quoteAmount, fee } = d;
  if (
    typeof leader !== 'string' ||
    (side !== 'buy' && side !== 'sell') ||
    typeof quantity !== 'number' ||
    typeof quoteAmount !== 'number' ||
    typeof fee !== 'number'
  )
    return null;
  if (!market || d.market !== market.id) return null;
  return t(side === 'buy' ? 'copy.activity.bought' : 'copy.activity.sold')
    .replace('{leader}', leader)
    .replace('{qty}', `${formatUnits(quantity, market.baseDecimals, { minFraction: 2 })} ${market.base}`)
    .replace('{quote}', `${formatWon(quoteAmount)} ${market.quote}`)
    .replace('{fee}', formatWon(fee));
}

/** The latest copy-trading notices from the server (copies made or skipped, followers, settlements). */
export function CopyActivity() {
  const t = useT();
  const market = useCopy((s) => s.wallet.market);
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
            const copied = n.kind === 'copy_executed' ? copiedFillText(n, market, t) : null;
            return (
              <li key={n.id} data-kind={n.kind}>
                <time dateTime={new Date(n.ts).toISOString()}>{formatDateTime(n.ts)}</time>
                {copied ? (
                  <span>{copied}</span>
                ) : (
                  <>
                    <strong>{n.title}</strong>
                    <span>{n.body}</span>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
