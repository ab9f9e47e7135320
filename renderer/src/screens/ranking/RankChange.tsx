import { fill, useT } from '../../i18n';

/** Places gained or lost since yesterday's board: ▲3, ▼2, –, or "new" for a trader not on it then. */
export function RankChange({ change }: { change: number | null }) {
  const t = useT();
  if (change === null) return <span className="muted">{t('ranking.new')}</span>;
  if (change === 0)
    return (
      <span className="muted" aria-label={t('ranking.same')}>
        –
      </span>
    );
  const up = change > 0;
  return (
    <span className={up ? 'up' : 'down'} aria-label={fill(t(up ? 'ranking.gained' : 'ranking.lost'), Math.abs(change))}>
      {up ? '▲' : '▼'}
      {Math.abs(change)}
    </span>
  );
}
