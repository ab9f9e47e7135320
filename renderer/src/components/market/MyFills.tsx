import { memo } from 'react';
import type { PracticeState } from '../../../../engine/protocol/api';
import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { formatInt, formatUnits } from '../../lib/units';
import { usePractice } from '../../stores/practice-store';
import { PanelState, loadState } from './PanelState';

type Fill = PracticeState['fills'][number];

const FillRow = memo(function FillRow({ f, decimals, sideLabel }: { f: Fill; decimals: number; sideLabel: string }) {
  return (
    <tr>
      <td className="muted">{formatDateTime(f.ts)}</td>
      <td className={f.side === 'buy' ? 'up' : 'down'}>{sideLabel}</td>
      <td className="num">{formatInt(f.price)}</td>
      <td className="num">{formatUnits(f.quantity, decimals, { minFraction: 2 })}</td>
      <td className="num">{formatInt(f.quoteAmount)}</td>
      <td className="num">{formatInt(f.fee)}</td>
    </tr>
  );
});

/** My latest trades, newest first, with what each cost in fees. */
export const MyFills = memo(function MyFills() {
  const t = useT();
  const fills = usePractice((s) => s.fills);
  const status = usePractice((s) => s.status);
  const error = usePractice((s) => s.error);
  const decimals = usePractice((s) => s.market?.baseDecimals ?? 8);
  const pending = loadState(status);
  if (pending) return <PanelState state={pending} error={error} onRetry={() => void usePractice.getState().refresh()} />;
  if (fills.length === 0) return <PanelState state="empty" emptyKey="fills.empty" />;
  return (
    <div className="scroll" role="region" aria-label={t('fills.title')}>
      <table className="grid">
        <thead>
          <tr>
            <th>{t('col.time')}</th>
            <th>{t('col.side')}</th>
            <th className="num">{t('col.price')}</th>
            <th className="num">{t('col.amount')}</th>
            <th className="num">{t('col.total')}</th>
            <th className="num">{t('col.fee')}</th>
          </tr>
        </thead>
        <tbody>
          {fills.map((f) => (
            <FillRow key={`${f.tradeId}-${f.orderId}`} f={f} decimals={decimals} sideLabel={t(f.side === 'buy' ? 'side.buy' : 'side.sell')} />
          ))}
        </tbody>
      </table>
    </div>
  );
});
