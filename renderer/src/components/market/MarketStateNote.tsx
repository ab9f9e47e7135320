import { fill, useT } from '../../i18n';
import { useLive } from '../../stores/live-store';
import { useMarketIdentity, useMarketState } from '../../stores/market-state';
import { useRoute } from '../../stores/route-store';
import { useView } from '../../stores/view-context';
import type { MessageKey } from '../../i18n';

/**
 * The market's state in words, said once above the panels while it is not live (the panels below stay quiet
 * rather than each repeating it): connecting, a new practice market preparing its past, reconnecting with the
 * last data kept, stale, offline or unavailable, with the host's reason and what the user can do about it.
 */
export function MarketStateNote() {
  const t = useT();
  const state = useMarketState();
  const { kind, source } = useMarketIdentity();
  const serverUrl = useLive((s) => s.status?.serverUrl ?? '');
  const refresh = useView((s) => s.refresh);
  if (state.name === 'live' && !state.preparing) return null;
  const sourceName = source ? t(`source.${source}`) : '';
  const p = state.preparing;
  let text: string;
  if (p) text = fill(t('state.note.preparing'), p.total ? Math.floor((p.done * 100) / p.total) : 0);
  else if (state.name === 'connecting')
    text =
      kind === 'live'
        ? fill(t('state.note.connecting.live'), serverUrl)
        : kind === 'paper'
          ? fill(t('state.note.connecting.paper'), sourceName)
          : t('state.note.connecting.practice');
  else if (state.name === 'reconnecting')
    text = t(kind === 'live' ? 'state.note.reconnecting.live' : 'state.note.reconnecting.paper');
  else if (state.name === 'offline') {
    text = kind === 'live' ? t('live.gate.offline') : fill(t('state.note.offline.paper'), sourceName);
    if (state.hasData) text += ` ${t('state.note.lastData')}`;
  } else text = t(state.name === 'stale' ? 'feed.staleNote' : ('state.note.unavailable' satisfies MessageKey));
  return (
    <p className="stale-note state-note" role="note" data-state={p ? 'preparing' : state.name}>
      {p && <progress className="state-progress" value={p.done} max={p.total || 1} aria-hidden="true" />}
      {text}
      {state.reason && <span className="muted"> {fill(t('live.gate.why'), state.reason)}</span>}{' '}
      {kind === 'live' && (
        <button type="button" className="link-button" onClick={() => useRoute.getState().go('settings')}>
          {t('live.gate.settings')}
        </button>
      )}
      {state.name === 'unavailable' && (
        <button type="button" className="link-button" onClick={() => void refresh()}>
          {t('panel.retry')}
        </button>
      )}
    </p>
  );
}
