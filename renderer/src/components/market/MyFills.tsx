import { memo } from 'react';
import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { formatPrice, formatQuote, formatSize } from '../../lib/market-format';
import type { ViewFill, ViewMarket } from '../../lib/market-view';
import { useView } from '../../stores/view-context';
import { PanelState, loadState } from './PanelState';

const FillRow = memo(function FillRow({
  f,
  market,
  sideLabel,
}: {
  f: ViewFill;
  market: ViewMarket;
  sideLabel: string;
}) {
  return (
    <tr>
      <td className="muted">{formatDateTime(f.ts)}</td>
      <td className={f.side === 'buy' ? 'up' : 'down'}>{sideLabel}</td>
      <td className="num">{formatPrice(market, f.price)}</td>
      <td className="num">{formatSize(market, f.quantity)}</td>
      <td className="num">{formatQuote(market, f.quoteAmount)}</td>
      <td className="num">{formatQuote(market, f.fee)}</td>
    </tr>
  );
});

/** My latest trades, newest first, with what each cost in fees. */
export const MyFills = memo(function MyFills() {
  const t = useT();
  const fills = useView((s) => s.fills);
  const status = useView((s) => s.status);
  const error = useView((s) => s.error);
  const market = useView((s) => s.market);
  const refresh = useView((s) => s.refresh);
  const pending = loadState(status);
  if (pending || !market)
    return <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />;
  if (!fills || fills.length === 0) return <PanelState state="empty" emptyKey="fills.empty" />;
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
            <FillRow key={f.key} f={f} market={market} sideLabel={t(f.side === 'buy' ? 'side.buy' : 'side.sell')} />
          ))}
        </tbody>
      </table>
    </div>
  );
});
