import type { AreaData, UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo, useRef } from 'react';
import type { ResultDetail } from '@protocol/results';
import { useT } from '../../i18n';
import { useEquityArea } from '../../components/use-equity-area';
import { curvePoints } from '../../lib/results-view';

/** A run's equity over its own clock (a replay's session time) as a stepped area chart, following the app's theme. */
export function RunEquityChart({ run, theme }: { run: ResultDetail; theme: string }) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const chart = useEquityArea(host, theme, { secondsVisible: true, stepped: true });
  const points = useMemo(() => curvePoints(run.equity, run.quoteDecimals), [run.equity, run.quoteDecimals]);

  useEffect(() => {
    if (!chart) return;
    const data: AreaData<UTCTimestamp>[] = points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value }));
    chart.series.setData(data);
    chart.api.timeScale().fitContent();
  }, [chart, points]);

  return (
    <div className="equity-host" ref={host} role="img" aria-label={t('results.equity')} data-points={points.length}>
      {points.length < 2 && <div className="panel-state muted">{t('results.equityEmpty')}</div>}
    </div>
  );
}
