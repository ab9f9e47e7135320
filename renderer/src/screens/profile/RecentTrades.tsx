import type { MarketSettings, PublicTrade } from '@protocol/api';
import { useT } from '../../i18n';
import { marketName } from '../../lib/market-identity';
import { formatDateTime } from '../../lib/time';
import { formatPrice, formatSize } from '../../lib/market-format';
import { formatInt } from '../../lib/units';
import { lpjMarket } from '../../stores/view-merge';

/** Quantities need the market's decimals; without them (another market) the base units are shown as they are. */
function quantityText(trade: PublicTrade, market: MarketSettings | null): string {
  if (market && market.id === trade.market) return formatSize(lpjMarket(market), trade.quantity);
  return formatInt(trade.quantity);
}

function priceText(trade: PublicTrade, market: MarketSettings | null): string {
  if (market && market.id === trade.market) return formatPrice(lpjMarket(market), trade.price);
  return formatInt(trade.price);
}

/** The trader's latest fills, newest first. */
export function RecentTrades({ trades, market }: { trades: PublicTrade[]; market: MarketSettings | null }) {
  const t = useT();
  if (trades.length === 0) return <div className="panel-state muted">{t('profile.noTrades')}</div>;
  return (
    <div className="scroll">
      <table className="grid" aria-label={t('profile.trades')}>
        <thead>
          <tr>
            <th scope="col">{t('col.time')}</th>
            <th scope="col">{t('col.market')}</th>
            <th scope="col">{t('col.side')}</th>
            <th scope="col" className="num">
              {t('col.price')}
            </th>
            <th scope="col" className="num">
              {t('col.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {trades.map((tr, i) => (
            <tr key={`${tr.ts}-${i}`}>
              <td>{formatDateTime(tr.ts)}</td>
              <td>{marketName(tr.market)}</td>
              <td className={tr.side === 'buy' ? 'side-buy' : 'side-sell'}>
                {t(tr.side === 'buy' ? 'side.buy' : 'side.sell')}
              </td>
              <td className="num">{priceText(tr, market)}</td>
              <td className="num">{quantityText(tr, market)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
