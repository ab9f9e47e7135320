import { useEffect } from 'react';
import { fill, useT } from '../../i18n';
import { useCopy } from '../../stores/copy-store';
import { useLive } from '../../stores/live-store';
import { useNotifications } from '../../stores/notifications-store';
import { useRoute } from '../../stores/route-store';
import '../ranking/ranking.css';
import { CopyActivity } from './CopyActivity';
import { MyFollowers } from './MyFollowers';
import { MyStrategyPanel } from './MyStrategyPanel';
import { MySubscriptions } from './MySubscriptions';
import { Settlements } from './Settlements';

/** Why copy trading cannot be shown now (no account, or no server), with the way to fix it. */
function CopyGate({ reason }: { reason: 'signedOut' | 'offline' }) {
  const t = useT();
  const go = useRoute((s) => s.go);
  const why = useLive((s) => s.status?.reason);
  return (
    <div className="panel gate" role="status">
      <p>{t(reason === 'offline' ? 'copy.gate.offline' : 'copy.gate.signedOut')}</p>
      {reason === 'offline' && why && <p className="muted">{fill(t('live.gate.why'), why)}</p>}
      <div>
        <button type="button" className="button primary" onClick={() => go('settings')}>
          {t('live.gate.settings')}
        </button>{' '}
        <button type="button" className="button" onClick={() => go('ranking')}>
          {t('copy.gate.ranking')}
        </button>
      </div>
    </div>
  );
}

/** Copy trading: the traders I copy, my own strategy and its followers, settlements, and the latest copies. */
export function CopyScreen() {
  const t = useT();
  const status = useLive((s) => s.status);
  const account = status?.account?.nickname;
  const connection = status?.connection;
  const reachable = connection === 'online' || connection === 'signed_out' || connection === 'reconnecting';
  useEffect(() => {
    if (!useLive.getState().status)
      void useLive
        .getState()
        .load()
        .catch(() => undefined);
  }, []);
  useEffect(() => {
    if (account && reachable) {
      void useCopy.getState().loadAll();
      void useNotifications.getState().load();
    }
  }, [account, reachable]);

  let body;
  if (!status) {
    body = (
      <div className="panel-state" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        {t('loading')}
      </div>
    );
  } else if (!account) body = <CopyGate reason="signedOut" />;
  else if (connection === 'offline') body = <CopyGate reason="offline" />;
  else {
    body = (
      <>
        <MySubscriptions />
        <div className="copy-columns">
          <CopyActivity />
          <MyStrategyPanel />
        </div>
        <div className="copy-columns">
          <MyFollowers />
          <Settlements />
        </div>
      </>
    );
  }
  return (
    <section className="screen copy" aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title">{t('nav.copy')}</h1>
        <p className="muted">{account ? fill(t('copy.intro'), account) : t('copy.introSignedOut')}</p>
      </div>
      {body}
    </section>
  );
}
