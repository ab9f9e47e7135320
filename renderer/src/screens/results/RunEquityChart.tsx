import type { AreaData, IChartApi, ISeriesApi, UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ResultDetail } from '@protocol/results';
import { useT } from '../../i18n';
import { loadChartLib, type ChartLib } from '../../lib/charts';
import { curvePoints } from '../../lib/results-view';
import { formatInt } from '../../lib/units';

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** A run's equity over its own clock (a replay's session time) as a stepped area chart, following the app's theme. */
export function RunEquityChart({ run, theme }: { run: ResultDetail; theme: string }) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<{ lib: ChartLib; api: IChartApi; series: ISeriesApi<'Area'> } | null>(null);
  // Set once the chart exists (the library loads on first use): the effects that feed it run again then.
  const [ready, setReady] = useState(false);
  const points = useMemo(() => curvePoints(run.equity, run.quoteDecimals), [run.equity, run.quoteDecimals]);

  useEffect(() => {
    let alive = true;
    let api: IChartApi | null = null;
    void loadChartLib().then((lib) => {
      const el = host.current;
      if (!alive || !el) return;
      api = lib.createChart(el, {
        autoSize: true,
        timeScale: { timeVisible: true, secondsVisible: true },
        localization: { priceFormatter: (v: number) => formatInt(Math.round(v)) },
        handleScroll: false,
        handleScale: false,
      });
      // Equity moves only at fills (the prices a result knows are its fills'): steps, not slopes between them.
      const series = api.addSeries(lib.AreaSeries, {
        lineWidth: 2,
        priceLineVisible: false,
        lineType: lib.LineType.WithSteps,
      });
      chart.current = { lib, api, series };
      setReady(true);
    });
    return () => {
      alive = false;
      chart.current = null;
      api?.remove();
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.api.applyOptions({
      layout: {
        background: { type: c.lib.ColorType.Solid, color: cssVar('--panel', '#161b22') },
        textColor: cssVar('--muted', '#8b95a3'),
      },
      grid: { vertLines: { color: cssVar('--grid', '#1c222b') }, horzLines: { color: cssVar('--grid', '#1c222b') } },
      rightPriceScale: { borderColor: cssVar('--border', '#262d37') },
      timeScale: { borderColor: cssVar('--border', '#262d37') },
    });
    // --accent is checked as the last value's label colour in both themes (theme-contrast.test.ts).
    c.series.applyOptions({
      lineColor: cssVar('--accent', '#f0b90b'),
      topColor: 'rgba(240, 185, 11, 0.35)',
      bottomColor: 'rgba(240, 185, 11, 0.02)',
    });
  }, [theme, ready]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const data: AreaData<UTCTimestamp>[] = points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value }));
    c.series.setData(data);
    c.api.timeScale().fitContent();
  }, [ready, points]);

  return (
    <div className="equity-host" ref={host} role="img" aria-label={t('results.equity')} data-points={points.length}>
      {points.length < 2 && <div className="panel-state muted">{t('results.equityEmpty')}</div>}
    </div>
  );
}
