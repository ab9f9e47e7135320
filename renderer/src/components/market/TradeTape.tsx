import { memo } from 'react';
import { formatTime } from '../../lib/time';
import { formatUnits } from '../../lib/units';
import { formatPrice, formatSize } from '../../lib/market-format';
import { useMarketT } from '../../stores/market-text';
import type { ViewMarket, ViewTrade } from '../../lib/market-view';
import { useView } from '../../stores/view-context';
import { useOrderForm } from '../../stores/order-form-store';
import { PanelState, loadState } from './PanelState';
import { useFitRows } from './fit-rows';

/** A print's row height in the layout, used until a row can be measured. */
const ROW_PX = 20;

/**
 * One row of the tape. Rows are slots (the newest print in the first, and so on), not one element per print:
 * as prints arrive each slot shows the next print along, so the rows' elements are kept and only their text
 * changes, instead of rows being created at the top and removed at the bottom up to every frame.
 */
const TradeRow = memo(function TradeRow({
  trade,
  market,
  sideLabel,
}: {
  trade: ViewTrade;
  market: ViewMarket;
  sideLabel: string;
}) {
  return (
    <tr
      className={trade.side === 'buy' ? 'up' : 'down'}
      onClick={() =>
        useOrderForm.getState().pickPrice(formatUnits(trade.price, market.priceDecimals, { group: false }))
      }
      title={sideLabel}
    >
      <td className="num">{formatPrice(market, trade.price)}</td>
      <td className="num">{formatSize(market, trade.size)}</td>
      <td className="num muted">{formatTime(trade.ts)}</td>
    </tr>
  );
});

/** The market's latest trades, newest first, coloured by the side that took liquidity. */
export const TradeTape = memo(function TradeTape() {
  const t = useMarketT();
  const trades = useView((s) => s.trades);
  const status = useView((s) => s.status);
  const error = useView((s) => s.error);
  const market = useView((s) => s.market);
  const refresh = useView((s) => s.refresh);
  const pending = loadState(status);
  // The store keeps the last trades, but only the rows that fit the scroller are mounted: new prints arrive
  // up to every frame, and each would otherwise reconcile and lay out the whole list. Keyed by slot (see
  // TradeRow).
  const [scrollRef, fit] = useFitRows(24, ROW_PX, 'tbody tr', 'thead');
  const shown = trades.length > fit ? trades.slice(0, fit) : trades;
  const buy = t('trades.buy');
  const sell = t('trades.sell');
  return (
    <section className="panel tape-panel" aria-label={t('trades.title')}>
      <div className="panel-head">
        <h2>{t('trades.title')}</h2>
      </div>
      {pending || !market ? (
        <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />
      ) : trades.length === 0 ? (
        <PanelState state="empty" emptyKey="trades.empty" />
      ) : (
        <div ref={scrollRef} className="scroll">
          <table className="grid tape">
            <thead>
              <tr>
                <th className="num">{t('book.price')}</th>
                <th className="num">{t('book.amount')}</th>
                <th className="num">{t('trades.time')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((tr, slot) => (
                <TradeRow key={slot} trade={tr} market={market} sideLabel={tr.side === 'buy' ? buy : sell} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
});
