import type { RankingRow, RankingSort } from '@protocol/api';
import { fill, useT, type MessageKey } from '../../i18n';
import { traderHash, useRoute } from '../../stores/route-store';
import { formatBps, formatWon, tone } from '../../lib/figures';
import { RankChange } from './RankChange';
import { SortHeader } from './SortHeader';

const COLUMNS: { column: RankingSort; label: MessageKey; numeric: boolean }[] = [
  { column: 'rank', label: 'ranking.col.rank', numeric: true },
  { column: 'nickname', label: 'ranking.col.nickname', numeric: false },
  { column: 'returnBps', label: 'ranking.col.return', numeric: true },
  { column: 'pnl', label: 'ranking.col.pnl', numeric: true },
  { column: 'maxDrawdownBps', label: 'ranking.col.drawdown', numeric: true },
  { column: 'winRateBps', label: 'ranking.col.winRate', numeric: true },
  { column: 'trades', label: 'ranking.col.trades', numeric: true },
  { column: 'followers', label: 'ranking.col.followers', numeric: true },
  { column: 'rankChange', label: 'ranking.col.rankChange', numeric: true },
];

/** One page of a leaderboard; a row (or its nickname link) opens the trader's profile. */
export function RankingTable({
  rows,
  sort,
  order,
  me,
  onSort,
}: {
  rows: RankingRow[];
  sort: RankingSort;
  order: 'asc' | 'desc';
  me?: string;
  onSort(column: RankingSort): void;
}) {
  const t = useT();
  const openTrader = useRoute((s) => s.openTrader);
  return (
    <table className="grid ranking-table" aria-label={t('ranking.table')}>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <SortHeader key={c.column} {...c} sort={sort} order={order} onSort={onSort} />
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr
            key={r.nickname}
            className={r.nickname === me ? 'clickable me' : 'clickable'}
            onClick={() => openTrader(r.nickname)}
          >
            <td className="num rank">{r.rank}</td>
            <th scope="row" className="trader">
              <a
                href={traderHash(r.nickname)}
                onClick={(e) => {
                  e.preventDefault();
                  e.stopPropagation();
                  openTrader(r.nickname);
                }}
                aria-label={fill(t('ranking.openProfile'), r.nickname)}
              >
                {r.nickname}
              </a>
              {r.nickname === me && <span className="me-tag">{t('ranking.you')}</span>}
            </th>
            <td className={`num ${tone(r.returnBps) ?? ''}`}>{formatBps(r.returnBps, true)}</td>
            <td className={`num ${tone(r.pnl) ?? ''}`}>{formatWon(r.pnl, true)}</td>
            <td className="num">{formatBps(-r.maxDrawdownBps)}</td>
            <td className="num">
              {r.winRateBps === null ? <span className="muted">–</span> : formatBps(r.winRateBps)}
            </td>
            <td className="num">{r.trades}</td>
            <td className="num">{r.followers}</td>
            <td className="num">
              <RankChange change={r.rankChange} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
