/**
 * The watchlist: every market the app knows — the offline practice market, the live market while signed in, and the
 * paper markets of Upbit and Binance — with its last price, the day's change and a sparkline of the last day,
 * favourites first, searchable. Choosing a row opens that market on the Market screen.
 *
 * Keyboard: from the search box, ArrowDown goes to the first row; in the list, ArrowUp/ArrowDown, Home and End
 * move between rows, Enter opens the row's market and the star is a button of its own (Space or Enter).
 */
import { useEffect, useMemo, type KeyboardEvent } from 'react';
import type { WatchRow } from '@protocol/watchlist';
import { PanelState } from '../../components/market/PanelState';
import { fill, useT } from '../../i18n';
import { errorText } from '../../i18n/host-errors';
import { formatPrice } from '../../lib/market-format';
import { formatUnits } from '../../lib/units';
import { dayChange, isOpenRow, sparkPoints, visibleRows } from '../../lib/watchlist';
import { useFeedSource } from '../../stores/feed-source-store';
import { useMarketChoice } from '../../stores/market-choice-store';
import { useRoute } from '../../stores/route-store';
import { useWatchlist } from '../../stores/watchlist-store';
import './markets.css';

const SPARK_W = 96;
const SPARK_H = 24;

function Sparkline({ row, direction }: { row: WatchRow; direction: string }) {
  const t = useT();
  const points = sparkPoints(row.spark, SPARK_W, SPARK_H);
  const first = row.spark[0];
  const last = row.spark[row.spark.length - 1];
  const label = points
    ? fill(t('markets.trendLabel'), `${formatPrice(row, first)} → ${formatPrice(row, last)}`)
    : t('markets.trendNone');
  return (
    <svg
      className={`sparkline ${direction}`}
      width={SPARK_W}
      height={SPARK_H}
      viewBox={`0 0 ${SPARK_W} ${SPARK_H}`}
      role="img"
      aria-label={label}
      data-points={row.spark.length}
    >
      {points && <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />}
    </svg>
  );
}

function Row({ row, favourite, open }: { row: WatchRow; favourite: boolean; open: boolean }) {
  const t = useT();
  const name = `${row.base}/${row.quote}`;
  const change = dayChange(row.last, row.reference);
  const pct = change ? `${change.change > 0 ? '+' : ''}${formatUnits(change.bps, 2, { minFraction: 2 })}%` : '—';
  const openRow = () => {
    void useWatchlist
      .getState()
      .open(row)
      .then(() => useRoute.getState().go('market'));
  };
  return (
    <tr data-key={row.key} data-favourite={favourite || undefined} aria-current={open || undefined} onClick={openRow}>
      <td className="star-cell">
        <button
          type="button"
          className={favourite ? 'star on' : 'star'}
          aria-pressed={favourite}
          aria-label={fill(
            t(favourite ? 'markets.unstar' : 'markets.star'),
            `${name} · ${t(`markets.venue.${row.venue}`)}`,
          )}
          onClick={(e) => {
            e.stopPropagation();
            void useWatchlist.getState().setFavourite(row.key, !favourite);
          }}
        >
          {favourite ? '★' : '☆'}
        </button>
      </td>
      <th scope="row">
        <button type="button" className="market-open" data-row-open onClick={(e) => (e.stopPropagation(), openRow())}>
          <span className="pair">
            {row.base}
            <span className="muted">/{row.quote}</span>
          </span>
          <span className={`venue venue-${row.venue}`}>{t(`markets.venue.${row.venue}`)}</span>
          {open && <span className="open-now">{t('markets.open')}</span>}
        </button>
      </th>
      <td className="num" data-col="price">
        {row.last !== undefined ? formatPrice(row, row.last) : <span className="muted">{t('balances.noPrice')}</span>}
      </td>
      <td className={`num ${change?.direction ?? ''}`} data-col="change">
        {pct}
      </td>
      <td className="trend">
        <Sparkline row={row} direction={change?.direction ?? ''} />
      </td>
    </tr>
  );
}

/** Arrow keys between the rows' open buttons (one row at a time, wrapping never). */
function onListKey(e: KeyboardEvent<HTMLTableSectionElement>) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('[data-row-open]')];
  const here = buttons.findIndex((b) => b.closest('tr')?.contains(e.target as Node));
  if (here < 0) return;
  const to =
    e.key === 'ArrowDown'
      ? here + 1
      : e.key === 'ArrowUp'
        ? here - 1
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? buttons.length - 1
            : null;
  if (to === null) return;
  e.preventDefault();
  if (to < 0) document.getElementById('markets-search')?.focus();
  else buttons[Math.min(to, buttons.length - 1)].focus();
}

function MarketRows() {
  const t = useT();
  const { list, status, error, query, load } = useWatchlist();
  const choice = useMarketChoice((s) => s.choice);
  const source = useFeedSource((s) => s.source);
  const rows = useMemo(
    () => (list ? visibleRows(list.rows, list.favourites, query, (v) => t(`markets.venue.${v}`)) : []),
    [list, query, t],
  );
  if (!list) {
    if (status === 'error' && error)
      return <PanelState state="error" error={errorText(error, t)} onRetry={() => void load()} />;
    return <PanelState state="loading" />;
  }
  const favourites = new Set(list.favourites);
  const unreachable = list.exchanges.filter((e) => e.state === 'unreachable');
  const loading = list.exchanges.some((e) => e.state === 'loading');
  return (
    <>
      {(unreachable.length > 0 || loading) && (
        <div className="markets-notes">
          {unreachable.map((e) => (
            <p key={e.exchange} className="stale-note" role="status" data-exchange={e.exchange}>
              {fill(t('markets.unreachable'), t(`markets.venue.${e.exchange}`))}
            </p>
          ))}
          {loading && (
            <p className="muted" aria-busy="true">
              {t('markets.loading')}
            </p>
          )}
        </div>
      )}
      {rows.length === 0 ? (
        <p className="panel-state muted">{fill(t('markets.noMatch'), query.trim())}</p>
      ) : (
        <div className="scroll">
          <table className="grid markets-table" aria-label={t('markets.list')}>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">★</span>
                </th>
                <th scope="col">{t('markets.col.market')}</th>
                <th scope="col" className="num">
                  {t('markets.col.price')}
                </th>
                <th scope="col" className="num">
                  {t('markets.col.change')}
                </th>
                <th scope="col">{t('markets.col.trend')}</th>
              </tr>
            </thead>
            <tbody onKeyDown={onListKey}>
              {rows.map((r) => (
                <Row key={r.key} row={r} favourite={favourites.has(r.key)} open={isOpenRow(r, choice, source)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function MarketsScreen() {
  const t = useT();
  const query = useWatchlist((s) => s.query);
  const setQuery = useWatchlist((s) => s.setQuery);
  useEffect(() => {
    void useFeedSource.getState().load();
    return useWatchlist.getState().watch();
  }, []);
  return (
    <section className="screen markets" aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title">{t('markets.title')}</h1>
        <p className="muted">{t('markets.intro')}</p>
      </div>
      <div className="panel markets-panel">
        <div className="panel-head">
          <label className="markets-search">
            <span className="visually-hidden">{t('markets.search')}</span>
            <input
              id="markets-search"
              type="search"
              aria-label={t('markets.search')}
              placeholder={t('markets.searchHint')}
              value={query}
              autoComplete="off"
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key !== 'ArrowDown' && e.key !== 'Enter') return;
                const first = document.querySelector<HTMLButtonElement>('.markets-table [data-row-open]');
                if (!first) return;
                e.preventDefault();
                if (e.key === 'Enter') first.click();
                else first.focus();
              }}
            />
          </label>
        </div>
        <MarketRows />
      </div>
    </section>
  );
}
