import { fill, useT } from '../i18n';
import { useMarketIdentity } from '../stores/market-state';
import { useRoute } from '../stores/route-store';
import { NotificationCentre } from './NotificationCentre';

/**
 * Which market the Market screen trades on, across the top of the window in its kind's colour: the offline
 * practice market, the live market shared with every player, or paper trading on a source's prices.
 */
function HeaderMarket() {
  const t = useT();
  const { kind, base, quote, source } = useMarketIdentity();
  const about =
    kind === 'paper'
      ? fill(t('market.paper.about'), source ? t(`source.${source}`) : '…')
      : t(kind === 'live' ? 'market.live.about' : 'market.practice.about');
  return (
    <span className="header-market" data-kind={kind} role="note" aria-label={t('market.identity')}>
      <b className="header-market-kind">
        {t(kind === 'practice' ? 'market.practice' : kind === 'live' ? 'market.live' : 'market.paper')}
      </b>
      <span className="header-market-pair">
        {base}/{quote}
      </span>
      <span className="header-market-about">{about}</span>
    </span>
  );
}

export function Header() {
  const t = useT();
  const onMarket = useRoute((s) => s.route === 'market');
  return (
    <header className="header">
      <span className="logo" aria-label="LPJ">
        LPJ
      </span>
      <span className="product">{t('app.title')}</span>
      <span className="tagline">{t('app.tagline')}</span>
      {onMarket && <HeaderMarket />}
      <span className="header-spacer" />
      <NotificationCentre />
    </header>
  );
}
