import { useEffect } from 'react';
import { FeedSource } from '@protocol/api';
import { fill, useT } from '../../i18n';
import { replayTitle } from '../../i18n/replay-title';
import { useFeedSource } from '../../stores/feed-source-store';

/**
 * Settings: where real-coin prices come from — Upbit, Binance, or an offline replay (`feed.setSource`) of the
 * shipped session or of a session file the user picks (the transport's file picker; never a typed path).
 */
export function FeedSourceField() {
  const t = useT();
  const { source, switching, error, replay, picked } = useFeedSource();
  useEffect(() => {
    void useFeedSource.getState().load();
  }, []);
  return (
    <div className="field feed-source-field">
      <span id="feed-source-label">{t('settings.feed')}</span>
      <div className="field-body">
        <div className="field-controls">
          <select
            aria-labelledby="feed-source-label"
            value={source ?? ''}
            disabled={!source || switching}
            aria-busy={switching}
            aria-describedby="feed-source-hint"
            onChange={(e) => void useFeedSource.getState().setSource(FeedSource.parse(e.target.value))}
          >
            {!source && <option value="">{t('loading')}</option>}
            {FeedSource.options.map((s) => (
              <option key={s} value={s}>
                {t(`settings.feed.${s}`)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="outline-button"
            disabled={!source || switching}
            onClick={() => void useFeedSource.getState().pickSession()}
          >
            {t('settings.feed.pick')}
          </button>
          {switching && <span className="muted">{t('settings.feed.switching')}</span>}
        </div>
        <p id="feed-source-hint" className="muted field-hint">
          {t('settings.feed.hint')}
        </p>
        {source === 'replay' && replay && (
          <p className={`field-hint replay-label${replay.info.kind === 'generated' ? ' generated' : ''}`}>
            {replayTitle(replay.info, t)}
          </p>
        )}
        {source === 'replay' && picked && <p className="muted field-hint">{fill(t('settings.feed.picked'), picked)}</p>}
        {error && (
          <p role="alert" className="error field-hint">
            {fill(t('settings.feed.error'), error)}
          </p>
        )}
      </div>
    </div>
  );
}
