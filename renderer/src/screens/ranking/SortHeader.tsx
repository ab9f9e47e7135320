import type { RankingSort } from '@protocol/api';
import { fill, useT, type MessageKey } from '../../i18n';

/**
 * A column header that sorts the board: a button (so Tab and Enter reach it) inside a header cell that tells
 * assistive technology how the column is sorted now.
 */
export function SortHeader({
  column,
  label,
  sort,
  order,
  numeric,
  onSort,
}: {
  column: RankingSort;
  label: MessageKey;
  sort: RankingSort;
  order: 'asc' | 'desc';
  numeric?: boolean;
  onSort(column: RankingSort): void;
}) {
  const t = useT();
  const active = sort === column;
  return (
    <th
      scope="col"
      className={numeric ? 'num' : undefined}
      aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => onSort(column)}
        aria-label={fill(t('ranking.sortBy'), t(label))}
      >
        {t(label)}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
