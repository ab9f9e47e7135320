import { fill, useT } from '../../i18n';
import type { MessageKey } from '../../i18n';
import { isLive } from '../../lib/market-state';
import { useMarketState } from '../../stores/market-state';
import { useInMarketView } from '../../stores/view-context';

/**
 * What a panel shows instead of its content: still loading, nothing to show, or why it failed. While the
 * market itself is not live, the notes above the panels say so once and a panel with nothing to show stays
 * quiet: no spinner that never ends, no "could not load" repeated in every panel, no "nothing here" about data
 * that is merely not current. Outside a market view (another screen's list) it says what it says plainly.
 */
export function PanelState(props: PanelStateProps) {
  return useInMarketView() ? <MarketPanelState {...props} /> : <PanelBody {...props} />;
}

interface PanelStateProps {
  state: 'loading' | 'empty' | 'error';
  emptyKey?: MessageKey;
  error?: string | null;
  onRetry?: () => void;
}

function MarketPanelState(props: PanelStateProps) {
  const market = useMarketState();
  if (!isLive(market)) return <div className="panel-state quiet" data-state="quiet" aria-hidden="true" />;
  return <PanelBody {...props} />;
}

function PanelBody({ state, emptyKey, error, onRetry }: PanelStateProps) {
  const t = useT();
  if (state === 'loading') {
    return (
      <div className="panel-state" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        {t('loading')}
      </div>
    );
  }
  if (state === 'error') {
    return (
      <div className="panel-state error" role="alert">
        <span>{fill(t('panel.error'), error ?? '')}</span>
        {onRetry && (
          <button type="button" className="link-button" onClick={onRetry}>
            {t('panel.retry')}
          </button>
        )}
      </div>
    );
  }
  return <div className="panel-state muted">{emptyKey ? t(emptyKey) : null}</div>;
}

/** The practice store's load status as a panel state, or null when the panel should show its content. */
export function loadState(status: 'idle' | 'loading' | 'ready' | 'error'): 'loading' | 'error' | null {
  if (status === 'error') return 'error';
  return status === 'ready' ? null : 'loading';
}
