import type { KeyboardEvent } from 'react';
import { RankingPeriod, type RankingPeriod as Period } from '@protocol/api';
import { useT } from '../../i18n';

const PERIODS = RankingPeriod.options;

/** The board's period as tabs; arrow keys move between them as in any tab list. */
export function PeriodTabs({ value, onChange }: { value: Period; onChange(period: Period): void }) {
  const t = useT();
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = PERIODS[(PERIODS.indexOf(value) + step + PERIODS.length) % PERIODS.length];
    onChange(next);
    (e.currentTarget.querySelector(`[data-period="${next}"]`) as HTMLElement | null)?.focus();
  };
  return (
    <div className="period-tabs" role="tablist" aria-label={t('ranking.period')} onKeyDown={onKey}>
      {PERIODS.map((p) => (
        <button
          key={p}
          type="button"
          role="tab"
          data-period={p}
          aria-selected={p === value}
          tabIndex={p === value ? 0 : -1}
          className={p === value ? 'chip active' : 'chip'}
          onClick={() => onChange(p)}
        >
          {t(`ranking.period.${p}`)}
        </button>
      ))}
    </div>
  );
}
