/**
 * Orders & trades: one list of my orders and one of my fills across the offline practice market, paper trading
 * and the live market. Each row is written by its own market's number rule; a place that cannot be listed says
 * why above the list while the others still show.
 */
import { useEffect, useMemo } from 'react';
import type { HistoryFill, HistoryOrder, HistoryVenue, VenueHistory } from '@protocol/api';
import { PanelState } from '../../components/market/PanelState';
import { fill, useT, type MessageKey } from '../../i18n';
import { errorText } from '../../i18n/host-errors';
import {
  filteredFills,
  filteredOrders,
  marketIds,
  marketKey,
  marketsOf,
  type HistoryFilters,
} from '../../lib/history-view';
import { formatPrice, formatQuote, formatSize } from '../../lib/market-format';
import type { ViewMarket } from '../../lib/market-view';
import { marketName } from '../../lib/market-identity';
import { ORDER_STATUSES, hasTrigger } from '../../lib/order-status';
import { formatDateTime } from '../../lib/time';
import { formatUnits } from '../../lib/units';
import { useHistory } from '../../stores/history-store';
import { useLive } from '../../stores/live-store';
import { useRoute } from '../../stores/route-store';
import './history.css';

const VENUES: HistoryVenue[] = ['practice', 'paper', 'live'];
/** Order statuses a history row can have (a triggered stop is open or partly filled there). */
const STATUSES = ORDER_STATUSES.filter((s) => s !== 'triggered') as HistoryOrder['status'][];

type Markets = Map<string, ViewMarket>;

/** An amount by its market's rule, or its raw units where the venue did not list the market's settings. */
function amounts(markets: Markets, venue: HistoryVenue, market: string) {
  const m = markets.get(marketKey(venue, market));
  return {
    price: (v: number) => (m ? formatPrice(m, v) : formatUnits(v, 0)),
    size: (v: number) => (m ? formatSize(m, v) : formatUnits(v, 0)),
    quote: (v: number) => (m ? formatQuote(m, v) : formatUnits(v, 0)),
  };
}

function Select<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange(value: T): void;
}) {
  return (
    <label className="history-filter">
      <span className="muted">{label}</span>
      <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Filters({ venues, filters }: { venues: VenueHistory[]; filters: HistoryFilters }) {
  const t = useT();
  const { tab, filter } = useHistory();
  const all = t('history.filter.all');
  return (
    <div className="history-filters" role="group" aria-label={t('history.filters')}>
      <Select
        label={t('history.filter.venue')}
        value={filters.venue}
        options={[{ value: 'all', label: all }, ...VENUES.map((v) => ({ value: v, label: t(`history.venue.${v}`) }))]}
        onChange={(venue) => filter({ venue })}
      />
      <Select
        label={t('history.filter.market')}
        value={filters.market}
        options={[
          { value: 'all', label: all },
          ...marketIds(venues).map((id) => ({ value: id, label: marketName(id) })),
        ]}
        onChange={(market) => filter({ market })}
      />
      <Select
        label={t('history.filter.side')}
        value={filters.side}
        options={[
          { value: 'all', label: all },
          { value: 'buy', label: t('side.buy') },
          { value: 'sell', label: t('side.sell') },
        ]}
        onChange={(side) => filter({ side })}
      />
      {tab === 'orders' && (
        <Select
          label={t('history.filter.status')}
          value={filters.status}
          options={[{ value: 'all', label: all }, ...STATUSES.map((s) => ({ value: s, label: t(`orderStatus.${s}`) }))]}
          onChange={(status) => filter({ status })}
        />
      )}
    </div>
  );
}

/** What a venue that could not list says instead. */
function VenueNotes({ venues }: { venues: VenueHistory[] }) {
  const t = useT();
  const go = useRoute((s) => s.go);
  const notes = venues.filter((v) => v.state !== 'ok');
  if (notes.length === 0) return null;
  return (
    <div className="history-notes">
      {notes.map((v) => (
        <p key={v.venue} role="status" className={v.state === 'error' ? 'error' : 'muted'} data-venue={v.venue}>
          {v.state === 'error'
            ? fill(t('history.venueError'), v.error ?? '').replace('{venue}', t(`history.venue.${v.venue}`))
            : t(`history.live.${v.state}` as MessageKey)}
          {v.venue === 'live' && v.state !== 'error' && (
            <>
              {' '}
              <button type="button" className="link-button" onClick={() => go('settings')}>
                {t('live.gate.settings')}
              </button>
            </>
          )}
        </p>
      ))}
    </div>
  );
}

function OrderRows({ orders, markets }: { orders: HistoryOrder[]; markets: Markets }) {
  const t = useT();
  return (
    <table className="grid history-table" aria-label={t('history.tab.orders')}>
      <thead>
        <tr>
          <th scope="col">{t('col.time')}</th>
          <th scope="col">{t('history.filter.venue')}</th>
          <th scope="col">{t('col.market')}</th>
          <th scope="col">{t('col.side')}</th>
          <th scope="col">{t('col.type')}</th>
          <th scope="col" className="num">
            {t('col.price')}
          </th>
          <th scope="col" className="num">
            {t('col.stop')}
          </th>
          <th scope="col" className="num">
            {t('col.amount')}
          </th>
          <th scope="col" className="num">
            {t('col.filled')}
          </th>
          <th scope="col">{t('col.status')}</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => {
          const f = amounts(markets, o.venue, o.market);
          const stop = hasTrigger(o.type);
          return (
            <tr key={`${o.venue}:${o.market}:${o.id}`} data-venue={o.venue} data-order-id={o.id}>
              <td className="muted">{formatDateTime(o.ts)}</td>
              <td>{t(`history.venue.${o.venue}`)}</td>
              <td>{marketName(o.market)}</td>
              <td className={o.side === 'buy' ? 'up' : 'down'}>{t(o.side === 'buy' ? 'side.buy' : 'side.sell')}</td>
              <td>{t(`type.${o.type}`)}</td>
              <td className="num">{o.price ? f.price(o.price) : '—'}</td>
              <td className="num">{stop ? f.price(o.stopPrice) : '—'}</td>
              <td className="num">{o.quantity ? f.size(o.quantity) : '—'}</td>
              <td className="num">{f.size(o.filled)}</td>
              <td data-status={o.status}>{t(`orderStatus.${o.status}`)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function FillRows({ fills, markets }: { fills: HistoryFill[]; markets: Markets }) {
  const t = useT();
  return (
    <table className="grid history-table" aria-label={t('history.tab.trades')}>
      <thead>
        <tr>
          <th scope="col">{t('col.time')}</th>
          <th scope="col">{t('history.filter.venue')}</th>
          <th scope="col">{t('col.market')}</th>
          <th scope="col">{t('col.side')}</th>
          <th scope="col" className="num">
            {t('col.price')}
          </th>
          <th scope="col" className="num">
            {t('col.amount')}
          </th>
          <th scope="col" className="num">
            {t('col.total')}
          </th>
          <th scope="col" className="num">
            {t('col.fee')}
          </th>
          <th scope="col">{t('history.col.role')}</th>
        </tr>
      </thead>
      <tbody>
        {fills.map((x) => {
          const f = amounts(markets, x.venue, x.market);
          return (
            <tr key={`${x.venue}:${x.market}:${x.tradeId}:${x.orderId}`} data-venue={x.venue}>
              <td className="muted">{formatDateTime(x.ts)}</td>
              <td>{t(`history.venue.${x.venue}`)}</td>
              <td>{marketName(x.market)}</td>
              <td className={x.side === 'buy' ? 'up' : 'down'}>{t(x.side === 'buy' ? 'side.buy' : 'side.sell')}</td>
              <td className="num">{f.price(x.price)}</td>
              <td className="num">{f.size(x.quantity)}</td>
              <td className="num">{f.quote(x.quoteAmount)}</td>
              <td className="num">{f.quote(x.fee)}</td>
              <td className="muted">{t(`history.role.${x.liquidity}`)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function HistoryBody() {
  const t = useT();
  const { tab, filters, venues, status, error, load } = useHistory();
  const markets = useMemo(() => marketsOf(venues ?? []), [venues]);
  if (!venues) {
    if (status === 'error' && error)
      return <PanelState state="error" error={errorText(error, t)} onRetry={() => void load()} />;
    return <PanelState state="loading" />;
  }
  const rows = tab === 'orders' ? filteredOrders(venues, filters) : filteredFills(venues, filters);
  const any = venues.some((v) => (tab === 'orders' ? v.orders.length : v.fills.length) > 0);
  return (
    <>
      <VenueNotes venues={venues} />
      {status === 'error' && error && (
        <p className="error history-stale" role="alert">
          {fill(t('panel.error'), errorText(error, t))}
        </p>
      )}
      {rows.length === 0 ? (
        <PanelState
          state="empty"
          emptyKey={any ? 'history.noMatch' : tab === 'orders' ? 'history.empty.orders' : 'history.empty.trades'}
        />
      ) : (
        <div className="scroll" aria-busy={status === 'loading'}>
          {tab === 'orders' ? (
            <OrderRows orders={rows as HistoryOrder[]} markets={markets} />
          ) : (
            <FillRows fills={rows as HistoryFill[]} markets={markets} />
          )}
        </div>
      )}
    </>
  );
}

/** Orders & trades: my orders and fills on the offline practice market, in paper trading and on the live market. */
export function HistoryScreen() {
  const t = useT();
  const { tab, setTab, venues, filters, status, load } = useHistory();
  const account = useLive((s) => s.status?.account?.nickname);
  const go = useRoute((s) => s.go);
  useEffect(() => {
    void load();
  }, [load, account]);
  return (
    <section className="screen history" aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title">{t('history.title')}</h1>
        <p className="muted">{t('history.intro')}</p>
      </div>
      <div className="panel history-panel">
        <div className="panel-head history-toolbar">
          <div className="tabs" role="tablist" aria-label={t('history.tabs')}>
            {(['orders', 'trades'] as const).map((x) => (
              <button
                key={x}
                type="button"
                role="tab"
                aria-selected={tab === x}
                className={tab === x ? 'tab active' : 'tab'}
                onClick={() => setTab(x)}
              >
                {t(`history.tab.${x}`)}
              </button>
            ))}
          </div>
          <Filters venues={venues ?? []} filters={filters} />
          <button type="button" className="button small" disabled={status === 'loading'} onClick={() => void load()}>
            {t('history.refresh')}
          </button>
          <button type="button" className="outline-button small" onClick={() => go('results')}>
            {t('history.toResults')}
          </button>
        </div>
        <HistoryBody />
      </div>
    </section>
  );
}
