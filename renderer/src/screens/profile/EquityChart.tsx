import type { AreaData, IChartApi, ISeriesApi, UTCTimestamp } from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import type { TraderProfile } from '@protocol/api';
import { useT } from '../../i18n';
import { loadChartLib, type ChartLib } from '../../lib/charts';
import { formatInt } from '../../lib/units';

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * One curve from the server's two resolutions: the day starts kept, then the marks of the last day (the
 * finer points win where both cover a time). lightweight-charts wants whole seconds, strictly increasing.
 */
export function equitySeries(equity: TraderProfile['equity']): AreaData<UTCTimestamp>[] {
  const firstHourly = equity.hourly[0]?.ts ?? Number.POSITIVE_INFINITY;
  const points = [...equity.daily.filter((p) => p.ts < firstHourly), ...equity.hourly];
  // Marks taken before the account's first money arrived say nothing about trading: the curve starts after them.
  const funded = points.findIndex((p) => p.equity !== 0);
  if (funded > 0) points.splice(0, funded);
  const out: AreaData<UTCTimestamp>[] = [];
  for (const p of points) {
    const time = Math.floor(p.ts / 1000) as UTCTimestamp;
    const last = out[out.length - 1];
    if (last && time <= last.time) {
      if (time === last.time) last.value = p.equity;
      continue;
    }
    // Equity is whole won; the chart only draws it (the readout formats the integer itself).
    out.push({ time, value: p.equity });
  }
  return out;
}

/** The trader's equity over time as an area chart, following the app's theme. */
export function EquityChart({ equity, theme }: { equity: TraderProfile['equity']; theme: string }) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<{ lib: ChartLib; api: IChartApi; series: ISeriesApi<'Area'> } | null>(null);
  // Set once the chart exists (the library loads on first use): the effects that feed it run again then.
  const [ready, setReady] = useState(false);
  const data = equitySeries(equity);

  useEffect(() => {
    let alive = true;
    let api: IChartApi | null = null;
    void loadChartLib().then((lib) => {
      const el = host.current;
      if (!alive || !el) return;
      api = lib.createChart(el, {
        autoSize: true,
        timeScale: { timeVisible: true, secondsVisible: false },
        localization: { priceFormatter: (v: number) => formatInt(Math.round(v)) },
        handleScroll: false,
        handleScale: false,
      });
      const series = api.addSeries(lib.AreaSeries, { lineWidth: 2, priceLineVisible: false });
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
    const accent = cssVar('--accent', '#f0b90b');
    c.api.applyOptions({
      layout: {
        background: { type: c.lib.ColorType.Solid, color: cssVar('--panel', '#161b22') },
        textColor: cssVar('--muted', '#8b95a3'),
      },
      grid: { vertLines: { color: cssVar('--grid', '#1c222b') }, horzLines: { color: cssVar('--grid', '#1c222b') } },
      rightPriceScale: { borderColor: cssVar('--border', '#262d37') },
      timeScale: { borderColor: cssVar('--border', '#262d37') },
    });
    c.series.applyOptions({
      lineColor: accent,
      topColor: 'rgba(240, 185, 11, 0.35)',
      bottomColor: 'rgba(240, 185, 11, 0.02)',
    });
  }, [theme, ready]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.series.setData(data);
    c.api.timeScale().fitContent();
  }, [ready, data.length, data[data.length - 1]?.time, data[data.length - 1]?.value]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="equity-host" ref={host} role="img" aria-label={t('profile.equity')}>
      {data.length < 2 && <div className="panel-state muted">{t('profile.equityEmpty')}</div>}
    </div>
  );
}
