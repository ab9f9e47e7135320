import { memo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { fill, useT } from '../../i18n';
import { formatBalance, formatQuote } from '../../lib/market-format';
import type { ViewBalance } from '../../lib/market-view';
import { valueAccounts, type HoldingValue } from '../../lib/valuation';
import { useMarketT } from '../../stores/market-text';
import { resetPaperAccount } from '../../stores/paper-view';
import { resetPracticeAccount } from '../../stores/practice-store';
import { useFeedSource } from '../../stores/feed-source-store';
import { PortfolioBar } from './PortfolioBar';
import { useView } from '../../stores/view-context';
import { accountKey } from '../../lib/market-identity';
import { useMarketIdentity } from '../../stores/market-state';
import { ConfirmDialog } from './ConfirmDialog';
import { PanelState, loadState } from './PanelState';

/** Back to the starting balances, after a confirmation (paper accounts, and the offline practice account). */
function ResetAccount({ practice = false }: { practice?: boolean }) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const reset = async () => {
    setAsking(false);
    try {
      await (practice ? resetPracticeAccount() : resetPaperAccount());
      setNote({ ok: true, text: t(practice ? 'reset.practiceDone' : 'reset.done') });
    } catch (err) {
      setNote({ ok: false, text: fill(t('reset.failed'), (err as Error).message) });
    }
  };
  return (
    <>
      {note && (
        <span role={note.ok ? 'status' : 'alert'} className={note.ok ? 'ok small-note' : 'error small-note'}>
          {note.text}
        </span>
      )}
      <button type="button" className="button small" onClick={() => setAsking(true)}>
        {t('reset.button')}
      </button>
      {asking && (
        <ConfirmDialog
          title={t(practice ? 'reset.practiceTitle' : 'reset.title')}
          body={t('reset.body')}
          confirmLabel={t('reset.ok')}
          danger
          onCancel={() => setAsking(false)}
          onConfirm={() => void reset()}
        />
      )}
    </>
  );
}

/**
 * What I hold, free and in orders, with my copies' sub-accounts (live market) below my own balances, each holding
 * valued in the market's quote currency at its own market's price (lib/valuation): the total is the same on
 * every market of that quote, and what it cannot count is named under it.
 */
export const Balances = memo(function Balances() {
  const t = useMarketT();
  const { balances, copies, marks, market, lastPrice, status, error, refresh, kind } = useView(
    useShallow((s) => ({
      balances: s.balances,
      copies: s.copies,
      marks: s.marks,
      market: s.market,
      lastPrice: s.lastPrice,
      status: s.status,
      error: s.error,
      refresh: s.refresh,
      kind: s.kind,
    })),
  );
  // Whose balances these are: the practice, live, paper and replay accounts are four different accounts.
  const account = accountKey(useMarketIdentity());
  const source = useFeedSource((s) => s.source);
  const pending = loadState(status);
  const body = () => {
    if (pending || !market)
      return <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />;
    if (balances.length === 0 && copies.length === 0) return <PanelState state="empty" emptyKey="balances.empty" />;
    const valuation = valueAccounts(market, lastPrice, marks, [balances, ...copies.map((c) => c.balances)]);
    const quotes = [
      market.quote,
      ...balances.filter((b) => b.asset !== market.base && b.decimals === market.quoteDecimals).map((b) => b.asset),
    ];
    const reason = (why: 'no_price' | 'no_market') => t(why === 'no_price' ? 'balances.noPrice' : 'balances.noMarket');
    const rows = (list: ViewBalance[], values: HoldingValue[], ofCopy = false) =>
      list.map((b, i) => {
        const value = values[i];
        const fmt = (v: number) => formatBalance(market, b.asset, v, b.decimals, quotes);
        return (
          <tr key={b.asset} {...(ofCopy ? { 'data-copy-asset': b.asset } : { 'data-asset': b.asset })}>
            <th scope="row">{b.asset}</th>
            <td className="num" data-col="available">
              {fmt(b.available)}
            </td>
            <td className="num" data-col="held">
              {fmt(b.held)}
            </td>
            <td className="num" data-col="value">
              {value.kind === 'valued' ? (
                formatQuote(market, value.value)
              ) : (
                <span className="muted" data-unvalued={value.kind}>
                  {reason(value.kind)}
                </span>
              )}
            </td>
          </tr>
        );
      });
    return (
      <div className="scroll">
        <table className="grid balances">
          <thead>
            <tr>
              <th>{t('balances.asset')}</th>
              <th className="num">{t('balances.available')}</th>
              <th className="num">{t('balances.held')}</th>
              <th className="num">{t('balances.value')}</th>
            </tr>
          </thead>
          <tbody>{rows(balances, valuation.values[0])}</tbody>
          {copies.map((c, i) => (
            <tbody key={c.key} className="copy-account" data-copy={c.key}>
              <tr>
                <th scope="rowgroup" colSpan={4}>
                  {fill(t('balances.copyOf'), c.leader)}
                  {c.status !== 'active' && <span className="muted"> · {t(`copy.status.${c.status}`)}</span>}
                </th>
              </tr>
              {rows(c.balances, valuation.values[i + 1], true)}
            </tbody>
          ))}
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                {t('balances.total')}
              </th>
              <td className="num" data-col="total">
                {formatQuote(market, valuation.total)}
              </td>
            </tr>
            {valuation.excluded.length > 0 && (
              <tr className="excluded">
                <td colSpan={4}>
                  {fill(
                    t('balances.excluded'),
                    valuation.excluded.map((x) => `${x.asset}: ${reason(x.why)}`).join(' · '),
                  )}
                </td>
              </tr>
            )}
          </tfoot>
        </table>
      </div>
    );
  };
  return (
    <section className="panel balances-panel" aria-label={t('balances.title')}>
      <div className="panel-head">
        <h2>{t('balances.title')}</h2>
        {kind === 'paper' && market && <ResetAccount />}
        {kind === 'practice' && market && <ResetAccount practice />}
      </div>
      {kind === 'paper' && source !== 'replay' && <PortfolioBar />}
      <p className="account-note muted" data-account={account.slice('account.'.length)}>
        {t(account)}
      </p>
      {body()}
    </section>
  );
});
