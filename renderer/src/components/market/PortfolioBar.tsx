/**
 * The paper portfolio in use, by the balances: one click switches to another; below it, the fees and fill
 * model in force on the market shown (the fees are the market's as the engine charges them).
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { fill, useT } from '../../i18n';
import { activePortfolio, usePortfolios } from '../../stores/paper-portfolios-store';
import { useView } from '../../stores/view-context';
import { PortfolioDialog } from './PortfolioDialog';

const percent = (bps: number) => `${(bps / 100).toFixed(2)} %`;

export function PortfolioBar() {
  const t = useT();
  const { list, status, error, busy } = usePortfolios(
    useShallow((s) => ({ list: s.list, status: s.status, error: s.error, busy: s.busy })),
  );
  const market = useView((s) => s.market);
  const [managing, setManaging] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    void usePortfolios.getState().load();
  }, []);
  if (status === 'error' || (status === 'ready' && !list))
    return (
      <div className="portfolio-bar" role="alert">
        <span className="error small-note">{fill(t('portfolios.error'), error ?? '')}</span>
        <button type="button" className="button small" onClick={() => void usePortfolios.getState().load()}>
          {t('portfolios.retry')}
        </button>
      </div>
    );
  if (!list)
    return (
      <p className="portfolio-bar muted small-note" role="status">
        {t('portfolios.loading')}
      </p>
    );
  const active = activePortfolio(list);
  const maker = market?.makerFeeBps ?? active?.makerFeeBps;
  const taker = market?.takerFeeBps ?? active?.takerFeeBps;
  return (
    <div className="portfolio-bar" data-portfolio={active?.name}>
      <label className="portfolio-select">
        <span>{t('portfolios.label')}</span>
        <select
          value={list.active}
          disabled={busy}
          onChange={(e) => {
            setFailed(null);
            usePortfolios
              .getState()
              .select(Number(e.target.value))
              .catch((err: Error) => setFailed(err.message));
          }}
        >
          {list.portfolios.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button small" onClick={() => setManaging(true)}>
        {t('portfolios.manage')}
      </button>
      {active && (
        <p className="portfolio-terms muted small-note" data-terms>
          {maker !== undefined && <span data-fee="maker">{fill(t('portfolios.maker'), percent(maker))}</span>}
          {' · '}
          {taker !== undefined && <span data-fee="taker">{fill(t('portfolios.taker'), percent(taker))}</span>}
          {' · '}
          <span data-fill-model={active.fillModel}>{t(`portfolios.fill.${active.fillModel}`)}</span>
          {' · '}
          <span data-latency={active.latencyMs}>{fill(t('portfolios.latency'), active.latencyMs)}</span>
        </p>
      )}
      {failed && (
        <p role="alert" className="error small-note">
          {fill(t('portfolios.failed'), failed)}
        </p>
      )}
      {managing && <PortfolioDialog onClose={() => setManaging(false)} />}
    </div>
  );
}
