import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../../i18n';
import { formatInt, formatUnits, notional } from '../../lib/units';
import { usePractice } from '../../stores/practice-store';
import { PanelState, loadState } from './PanelState';

/** What I hold, free and in orders, valued in KRW at the last price. */
export const Balances = memo(function Balances() {
  const t = useT();
  const { balances, market, lastPrice, status, error } = usePractice(
    useShallow((s) => ({ balances: s.balances, market: s.market, lastPrice: s.lastPrice, status: s.status, error: s.error })),
  );
  const pending = loadState(status);
  const body = () => {
    if (pending || !market) return <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void usePractice.getState().refresh()} />;
    if (balances.length === 0) return <PanelState state="empty" emptyKey="balances.empty" />;
    const decimalsOf = (asset: string) => (asset === market.base ? market.baseDecimals : 0);
    const valueOf = (asset: string, units: bigint) => (asset === market.quote ? units : asset === market.base ? notional(BigInt(lastPrice), units, market.baseDecimals) : 0n);
    let total = 0n;
    const rows = balances.map((b) => {
      const d = decimalsOf(b.asset);
      const all = BigInt(b.available) + BigInt(b.held);
      const value = valueOf(b.asset, all);
      total += value;
      const fmt = (v: number | bigint) => (d ? formatUnits(v, d, { minFraction: 2 }) : formatInt(v));
      return (
        <tr key={b.asset} data-asset={b.asset}>
          <th scope="row">{b.asset}</th>
          <td className="num" data-col="available">
            {fmt(b.available)}
          </td>
          <td className="num" data-col="held">
            {fmt(b.held)}
          </td>
          <td className="num">{formatInt(value)}</td>
        </tr>
      );
    });
    return (
      <table className="grid balances">
        <thead>
          <tr>
            <th>{t('balances.asset')}</th>
            <th className="num">{t('balances.available')}</th>
            <th className="num">{t('balances.held')}</th>
            <th className="num">{t('balances.value')}</th>
          </tr>
        </thead>
        <tbody>{rows}</tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              {t('balances.total')}
            </th>
            <td className="num">{formatInt(total)}</td>
          </tr>
        </tfoot>
      </table>
    );
  };
  return (
    <section className="panel balances-panel" aria-label={t('balances.title')}>
      <div className="panel-head">
        <h2>{t('balances.title')}</h2>
      </div>
      {body()}
    </section>
  );
});
