import { useEffect, useState } from 'react';
import type { TraderProfile } from '@protocol/api';
import { fill, useT } from '../../i18n';
import { useCopy } from '../../stores/copy-store';
import { useLive } from '../../stores/live-store';
import { useProfile } from '../../stores/profile-store';
import { useRoute } from '../../stores/route-store';
import { useSettings } from '../../stores/settings-store';
import { formatBps } from '../../lib/figures';
import { formatDate } from '../../lib/time';
import { errorText } from '../../i18n/host-errors';
import '../ranking/ranking.css';
import { EquityChart } from './EquityChart';
import { RecentTrades } from './RecentTrades';
import { StatsTable } from './StatsTable';
import { SubscribeDialog } from './SubscribeDialog';

/** Subscribe, or where I stand with this trader when subscribing is not the next step. */
function ProfileAction({ profile, onSubscribe }: { profile: TraderProfile; onSubscribe(): void }) {
  const t = useT();
  const go = useRoute((s) => s.go);
  const { viewer, strategy } = profile;
  if (viewer.self) return <span className="muted">{t('profile.self')}</span>;
  if (viewer.subscriptionId !== undefined) {
    return (
      <>
        <span className="status-chip active">{t('profile.copying')}</span>
        <button type="button" className="button" onClick={() => go('copy')}>
          {t('profile.manage')}
        </button>
      </>
    );
  }
  if (!strategy || !strategy.open) return <span className="muted">{t('profile.notOpen')}</span>;
  if (!viewer.signedIn) {
    return (
      <>
        <span className="muted">{t('profile.signInToCopy')}</span>
        <button type="button" className="button" onClick={() => go('settings')}>
          {t('live.gate.settings')}
        </button>
      </>
    );
  }
  return (
    <button type="button" className="button primary" onClick={onSubscribe}>
      {t('profile.subscribe')}
    </button>
  );
}

function ProfileBody({ profile }: { profile: TraderProfile }) {
  const t = useT();
  const theme = useSettings((s) => s.settings?.theme ?? 'dark');
  const market = useCopy((s) => s.wallet.market);
  const [subscribing, setSubscribing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const all = profile.stats.all;
  return (
    <>
      <div className="panel profile-head">
        <h1 id="screen-title">{profile.nickname}</h1>
        <dl className="profile-facts">
          <div>
            <dt>{t('profile.rankAll')}</dt>
            <dd>{all.rank > 0 ? all.rank : '–'}</dd>
          </div>
          <div>
            <dt>{t('ranking.col.followers')}</dt>
            <dd>{profile.followers}</dd>
          </div>
          <div>
            <dt>{t('profile.joined')}</dt>
            <dd>{formatDate(profile.joinedAt)}</dd>
          </div>
        </dl>
        <div className="profile-action">
          <ProfileAction profile={profile} onSubscribe={() => setSubscribing(true)} />
        </div>
      </div>
      {notice && (
        <p className="ok" role="status">
          {notice}
        </p>
      )}
      <div className="profile-grid">
        <section className="panel" aria-labelledby="equity-title">
          <div className="panel-head">
            <h2 id="equity-title">{t('profile.equity')}</h2>
          </div>
          <EquityChart equity={profile.equity} theme={theme} market={market} />
        </section>
        <section className="panel" aria-labelledby="strategy-title">
          <div className="panel-head">
            <h2 id="strategy-title">{t('profile.strategy')}</h2>
            {profile.strategy && (
              <span className={`status-chip ${profile.strategy.open ? 'active' : 'ended'}`}>
                {t(profile.strategy.open ? 'strategy.open' : 'strategy.closed')}
              </span>
            )}
          </div>
          {profile.strategy ? (
            <>
              <p className="strategy-text">
                {profile.strategy.description || <span className="muted">{t('profile.noDescription')}</span>}
              </p>
              <dl className="strategy-facts">
                <div>
                  <dt>{t('strategy.profitShare')}</dt>
                  <dd>{formatBps(profile.strategy.profitShareBps)}</dd>
                </div>
                <div>
                  <dt>{t('ranking.col.followers')}</dt>
                  <dd>{profile.followers}</dd>
                </div>
              </dl>
            </>
          ) : (
            <div className="panel-state muted">{t('profile.noStrategy')}</div>
          )}
        </section>
        <section className="panel" aria-labelledby="stats-title">
          <div className="panel-head">
            <h2 id="stats-title">{t('profile.stats')}</h2>
          </div>
          <StatsTable stats={profile.stats} />
        </section>
        <section className="panel" aria-labelledby="trades-title">
          <div className="panel-head">
            <h2 id="trades-title">{t('profile.trades')}</h2>
          </div>
          <RecentTrades trades={profile.recentTrades} market={market} />
        </section>
      </div>
      {subscribing && profile.strategy && (
        <SubscribeDialog
          leader={profile.nickname}
          strategy={profile.strategy}
          onCancel={() => setSubscribing(false)}
          onDone={() => {
            setSubscribing(false);
            setNotice(fill(t('subscribe.done'), profile.nickname));
            void useProfile.getState().reload();
          }}
        />
      )}
    </>
  );
}

/** A trader's public profile: figures per period, equity curve, strategy, recent trades, and Subscribe. */
export function ProfileScreen({ nickname }: { nickname: string }) {
  const t = useT();
  const go = useRoute((s) => s.go);
  const { profile, status, error } = useProfile();
  const account = useLive((s) => s.status?.account?.nickname);
  useEffect(() => {
    void useProfile.getState().open(nickname);
    void useCopy.getState().loadWallet();
  }, [nickname, account]);
  const shown = profile && profile.nickname.toLowerCase() === nickname.toLowerCase() ? profile : null;
  return (
    <section className="screen profile" aria-labelledby="screen-title">
      <a
        href="#/ranking"
        className="back-link"
        onClick={(e) => {
          e.preventDefault();
          go('ranking');
        }}
      >
        ← {t('profile.back')}
      </a>
      {shown ? (
        <ProfileBody profile={shown} />
      ) : status === 'error' && error ? (
        <div className="panel">
          <h1 id="screen-title" className="visually-hidden">
            {nickname}
          </h1>
          <div className="panel-state error" role="alert">
            <span>{error.code === 'UNKNOWN_TRADER' ? fill(t('profile.unknown'), nickname) : errorText(error, t)}</span>
            <button type="button" className="link-button" onClick={() => void useProfile.getState().reload()}>
              {t('panel.retry')}
            </button>
          </div>
        </div>
      ) : (
        <div className="panel">
          <h1 id="screen-title" className="visually-hidden">
            {nickname}
          </h1>
          <div className="panel-state" aria-busy="true">
            <span className="spinner" aria-hidden="true" />
            {t('loading')}
          </div>
        </div>
      )}
    </section>
  );
}
