import { memo } from 'react';
import type { PaperMarketInfo, PaperPosition } from '@protocol/api';
import { useT } from '../../i18n';
import { useFeedSource } from '../../stores/feed-source-store';
import { formatPrice, formatQuote, formatSignedQuote, formatSize } from '../../lib/market-format';
import type { ViewMarket } from '../../lib/market-view';
import { useView } from '../../stores/view-context';
import { PanelState, loadState } from './PanelState';
import { marketName } from '../../lib/market-identity';

function pnlClass(v: number | undefined): string {
  if (!v) return 'num';
  return v > 0 ? 'num up' : 'num down';
}

const PositionRow = memo(function PositionRow({
  p,
  market,
  current,
}: {
  p: PaperPosition;
  market: ViewMarket;
  current: boolean;
}) {
  return (
    <tr data-market={p.market} aria-current={current || undefined}>
      <th scope="row">{marketName(p.market)}</th>
      <td className="num" data-col="quantity">
        {formatSize(market, p.quantity)}
      </td>
      <td className="num" data-col="average">
        {p.quantity !== 0 ? formatPrice(market, p.averagePrice) : '—'}
      </td>
      <td className="num" data-col="mark">
        {p.markPrice !== undefined ? formatPrice(market, p.markPrice) : '—'}
      </td>
      <td className={pnlClass(p.unrealisedPnl)} data-col="unrealised">
        {p.unrealisedPnl !== undefined ? formatSignedQuote(market, p.unrealisedPnl) : '—'}
      </td>
      <td className={pnlClass(p.realisedPnl)} data-col="realised">
        {formatSignedQuote(market, p.realisedPnl)}
      </td>
      <td className="num" data-col="fees">
        {formatQuote(market, p.feesPaid)}
      </td>
      <td className={pnlClass(p.netPnl)} data-col="net">
        {formatSignedQuote(market, p.netPnl)}
      </td>
    </tr>
  );
});

function infoToMarket(m: PaperMarketInfo): ViewMarket {
  return { ...m, tickSize: 1, lotSize: 1 };
}

/**
 * My positions on the paper account, as the paper engine computes them: size, average price, the price they
 * are marked at, unrealised and realised PnL (fees apart), and the net of all three. Amounts are in each
 * market's own units, so a position shows only when its market's units are known (the open market, or one the
 * current source lists).
 */
export const Positions = memo(function Positions() {
  const t = useT();
  const positions = useView((s) => s.positions);
  const status = useView((s) => s.status);
  const error = useView((s) => s.error);
  const refresh = useView((s) => s.refresh);
  const market = useView((s) => s.market);
  const listed = useFeedSource((s) => s.markets);
  const pending = loadState(status);
  if (pending || !market)
    return <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />;
  const marketOf = (id: string): ViewMarket | undefined => {
    if (id === market.id) return market;
    const info = listed.find((m) => m.id === id);
    return info ? infoToMarket(info) : undefined;
  };
  // Open positions first, the shown market's on top; closed ones still carry realised PnL.
  const rows = (positions ?? [])
    .map((p) => ({ p, m: marketOf(p.market) }))
    .filter((r): r is { p: PaperPosition; m: ViewMarket } => r.m !== undefined)
    .sort(
      (a, b) =>
        Number(b.p.market === market.id) - Number(a.p.market === market.id) ||
        Number(b.p.quantity !== 0) - Number(a.p.quantity !== 0),
    );
  if (rows.length === 0) return <PanelState state="empty" emptyKey="positions.empty" />;
  return (
    <div className="scroll" role="region" aria-label={t('positions.title')}>
      <table className="grid positions">
        <thead>
          <tr>
            <th>{t('col.market')}</th>
            <th className="num">{t('col.amount')}</th>
            <th className="num">{t('col.avgPrice')}</th>
            <th className="num">{t('col.markPrice')}</th>
            <th className="num">{t('col.unrealised')}</th>
            <th className="num">{t('col.realised')}</th>
            <th className="num">{t('col.fees')}</th>
            <th className="num">{t('col.netPnl')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ p, m }) => (
            <PositionRow key={p.market} p={p} market={m} current={p.market === market.id} />
          ))}
        </tbody>
      </table>
    </div>
  );
});
