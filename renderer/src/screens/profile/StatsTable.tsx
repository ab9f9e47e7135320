import { RankingPeriod, type TraderProfile, type TraderStats } from '@protocol/api';
import { useT, type MessageKey } from '../../i18n';
import { formatBps, formatWon, tone } from '../../lib/figures';
import { RankChange } from '../ranking/RankChange';

const ROWS: {
  label: MessageKey;
  cell(s: TraderStats): React.ReactNode;
  className?(s: TraderStats): string | undefined;
}[] = [
  { label: 'ranking.col.rank', cell: (s) => (s.rank > 0 ? s.rank : <span className="muted">–</span>) },
  { label: 'ranking.col.return', cell: (s) => formatBps(s.returnBps, true), className: (s) => tone(s.returnBps) },
  { label: 'ranking.col.pnl', cell: (s) => formatWon(s.pnl, true), className: (s) => tone(s.pnl) },
  { label: 'ranking.col.drawdown', cell: (s) => formatBps(-s.maxDrawdownBps) },
  {
    label: 'ranking.col.winRate',
    cell: (s) => (s.winRateBps === null ? <span className="muted">–</span> : formatBps(s.winRateBps)),
  },
  { label: 'profile.roundTrips', cell: (s) => s.closedRoundTrips },
  { label: 'ranking.col.trades', cell: (s) => s.trades },
  {
    label: 'ranking.col.rankChange',
    cell: (s) => (s.rank > 0 ? <RankChange change={s.rankChange} /> : <span className="muted">–</span>),
  },
];

/** The trader's figures over each period side by side. */
export function StatsTable({ stats }: { stats: TraderProfile['stats'] }) {
  const t = useT();
  return (
    <table className="grid stats" aria-label={t('profile.stats')}>
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">{t('profile.figure')}</span>
          </th>
          {RankingPeriod.options.map((p) => (
            <th key={p} scope="col" className="num">
              {t(`ranking.period.${p}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ROWS.map((row) => (
          <tr key={row.label}>
            <th scope="row">{t(row.label)}</th>
            {RankingPeriod.options.map((p) => (
              <td key={p} className={`num ${row.className?.(stats[p]) ?? ''}`}>
                {row.cell(stats[p])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
