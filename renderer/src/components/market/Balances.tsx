import { memo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { fill, useT } from '../../i18n';
import { formatBalance, formatQuote, valueOf } from '../../lib/market-format';
import { useMarketT } from '../../stores/market-text';
import { resetPaperAccount } from '../../stores/paper-view';
import { useView } from '../../stores/view-context';
import { ConfirmDialog } from './ConfirmDialog';
import { PanelState, loadState } from './PanelState';

/** Back to the starting balances, after a confirmation (paper accounts only). */
function ResetAccount() {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const reset = async () => {
    setAsking(false);
    try {
      await resetPaperAccount();
      setNote({ ok: true, text: t('reset.done') });
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
          title={t('reset.title')}
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

/** What I hold, free and in orders, valued in the market's quote currency at the last price. */
export const Balances = memo(function Balances() {
  const t = useMarketT();
  const { balances, market, lastPrice, status, error, refresh, kind } = useView(
    useShallow((s) => ({
      balances: s.balances,
      market: s.market,
      lastPrice: s.lastPrice,
      status: s.status,
      error: s.error,
      refresh: s.refresh,
      kind: s.kind,
    })),
  );
  const pending = loadState(status);
  const body = () => {
    if (pending || !market)
      return <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />;
    if (balances.length === 0) return <PanelState state="empty" emptyKey="balances.empty" />;
    // Only the market's two assets have a value in its quote; other currencies' balances are listed unvalued.
    const valueOfAsset = (asset: string, units: bigint): bigint | null =>
      asset === market.quote ? units : asset === market.base ? valueOf(market, BigInt(lastPrice), units) : null;
    const quotes = [
      market.quote,
      ...balances.filter((b) => b.asset !== market.base && b.decimals === market.quoteDecimals).map((b) => b.asset),
    ];
    let total = 0n;
    const rows = balances.map((b) => {
      const all = BigInt(b.available) + BigInt(b.held);
      const value = valueOfAsset(b.asset, all);
      if (value !== null) total += value;
      const fmt = (v: number) => formatBalance(market, b.asset, v, b.decimals, quotes);
      return (
        <tr key={b.asset} data-asset={b.asset}>
          <th scope="row">{b.asset}</th>
          <td className="num" data-col="available">
            {fmt(b.available)}
          </td>
          <td className="num" data-col="held">
            {fmt(b.held)}
          </td>
          <td className="num">{value === null ? '—' : formatQuote(market, value)}</td>
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
          <tbody>{rows}</tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                {t('balances.total')}
              </th>
              <td className="num">{formatQuote(market, total)}</td>
            </tr>
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
      </div>
      {body()}
    </section>
  );
});
