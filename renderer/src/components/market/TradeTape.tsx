import { memo } from 'react';
import type { TapeTrade } from '../../../../engine/protocol/api';
import { useT } from '../../i18n';
import { formatTime } from '../../lib/time';
import { formatInt, formatUnits } from '../../lib/units';
import { useOrderForm } from '../../stores/order-form-store';
import { usePractice } from '../../stores/practice-store';
import { PanelState, loadState } from './PanelState';

/** One print; trades never change, so a row renders once for its lifetime. */
const TradeRow = memo(function TradeRow({ trade, decimals, sideLabel }: { trade: TapeTrade; decimals: number; sideLabel: string }) {
  return (
    <tr className={trade.takerSide === 'buy' ? 'up' : 'down'} onClick={() => useOrderForm.getState().pickPrice(String(trade.price))} title={sideLabel}>
      <td className="num">{formatInt(trade.price)}</td>
      <td className="num">{formatUnits(trade.quantity, decimals, { minFraction: 2 })}</td>
      <td className="num muted">{formatTime(trade.ts)}</td>
    </tr>
  );
});

/** The market's latest trades, newest first, coloured by the side that took liquidity. */
export const TradeTape = memo(function TradeTape() {
  const t = useT();
  const trades = usePractice((s) => s.trades);
  const status = usePractice((s) => s.status);
  const error = usePractice((s) => s.error);
  const decimals = usePractice((s) => s.market?.baseDecimals ?? 8);
  const pending = loadState(status);
  const buy = t('trades.buy');
  const sell = t('trades.sell');
  return (
    <section className="panel tape-panel" aria-label={t('trades.title')}>
      <div className="panel-head">
        <h2>{t('trades.title')}</h2>
      </div>
      {pending ? (
        <PanelState state={pending} error={error} onRetry={() => void usePractice.getState().refresh()} />
      ) : trades.length === 0 ? (
        <PanelState state="empty" emptyKey="trades.empty" />
      ) : (
        <div className="scroll">
          <table className="grid tape">
            <thead>
              <tr>
                <th className="num">{t('book.price')}</th>
                <th className="num">{t('book.amount')}</th>
                <th className="num">{t('trades.time')}</th>
              </tr>
            </thead>
            <tbody>
              {trades.map((tr) => (
                <TradeRow key={tr.tradeId} trade={tr} decimals={decimals} sideLabel={tr.takerSide === 'buy' ? buy : sell} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
});
