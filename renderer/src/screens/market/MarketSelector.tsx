import { useT } from '../../i18n';
import { LIVE_CHOICE, PRACTICE_CHOICE, marketName } from '../../lib/market-identity';
import { useFeedSource } from '../../stores/feed-source-store';
import { useMarketChoice } from '../../stores/market-choice-store';

/**
 * The market on screen: the offline LPJ practice market, or a real coin of the chosen price source (paper
 * trading). The real-coin list says which source it comes from, so a replayed session is never mistaken for
 * live prices.
 */
export function MarketSelector() {
  const t = useT();
  const choice = useMarketChoice((s) => s.choice);
  const choose = useMarketChoice((s) => s.choose);
  const { source, markets, status } = useFeedSource();
  const group = source
    ? t(`market.group.${source}`)
    : status === 'error'
      ? t('market.marketsError').replace('{n}', '')
      : t('market.marketsLoading');
  return (
    <label className="market-select">
      <span className="visually-hidden">{t('market.select')}</span>
      <select aria-label={t('market.select')} value={choice} onChange={(e) => choose(e.target.value)}>
        <optgroup label={t('market.group.practice')}>
          <option value={PRACTICE_CHOICE}>{t('market.lpj')}</option>
        </optgroup>
        <optgroup label={t('live.group')}>
          <option value={LIVE_CHOICE}>{t('live.market')}</option>
        </optgroup>
        <optgroup label={group}>
          {markets.map((m) => (
            <option key={m.id} value={m.id}>
              {m.base}/{m.quote}
            </option>
          ))}
          {/* Until the list arrives, keep the chosen market selectable so the select shows it. */}
          {choice !== PRACTICE_CHOICE && choice !== LIVE_CHOICE && !markets.some((m) => m.id === choice) && (
            <option value={choice}>{marketName(choice)}</option>
          )}
        </optgroup>
      </select>
    </label>
  );
}
