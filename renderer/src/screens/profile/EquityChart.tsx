import type { AreaData, IChartApi, ISeriesApi, ISeriesMarkersPluginApi, Time, UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { EquityFlow, MarketSettings, TraderProfile } from '@protocol/api';
import { useT, type MessageKey } from '../../i18n';
import { loadChartLib, type ChartLib } from '../../lib/charts';
import { equitySeries, flowMarks } from '../../lib/equity-curve';
import { formatSize } from '../../lib/market-format';
import { formatDateTime } from '../../lib/time';
import { formatInt, formatUnits } from '../../lib/units';
import { lpjMarket } from '../../stores/view-merge';

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Whole quote units with a sign: "+10,000,000", "-2,000,000". */
function signedWon(value: number): string {
  return value > 0 ? `+${formatInt(value)}` : formatInt(value);
}

/** What a flow is called; money coming back from a copy is an allocation in reverse. */
function flowLabel(f: EquityFlow): MessageKey {
  if (f.kind === 'allocation' && f.amount > 0) return 'flow.allocationBack';
  return `flow.${f.kind}`;
}

/** A flow's amount in its own asset: the market's coin at its lot, the quote currency whole. */
function flowAmount(f: EquityFlow, market: MarketSettings | null, quote: string): string {
  const sign = f.amount > 0 ? '+' : '';
  if (market && f.asset === market.base) return `${sign}${formatSize(lpjMarket(market), f.amount)} ${f.asset}`;
  if (f.asset === quote) return `${signedWon(f.amount)} ${f.asset}`;
  return `${sign}${formatUnits(f.amount, 0)} ${f.asset}`;
}

/**
 * The trader's equity over time as an area chart, following the app's theme. Money moved in or out (grants,
 * deposits, copy allocations) is marked on the point whose step it made and listed under the chart, so a step
 * the return leaves out is not read as profit.
 */
export function EquityChart({
  equity,
  theme,
  market,
  labelKey = 'profile.equity',
  emptyKey = 'profile.equityEmpty',
}: {
  equity: TraderProfile['equity'];
  theme: string;
  market: MarketSettings | null;
  /** What the chart is called and what it says before it has two points (the Portfolio screen's own words). */
  labelKey?: MessageKey;
  emptyKey?: MessageKey;
}) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<{
    lib: ChartLib;
    api: IChartApi;
    series: ISeriesApi<'Area'>;
    markers: ISeriesMarkersPluginApi<Time>;
  } | null>(null);
  // Set once the chart exists (the library loads on first use): the effects that feed it run again then.
  const [ready, setReady] = useState(false);
  const points = useMemo(() => equitySeries(equity), [equity]);
  const marks = useMemo(() => flowMarks(points, equity.flows), [points, equity.flows]);
  const quote = market?.quote ?? 'KRW';
  const data: AreaData<UTCTimestamp>[] = points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value }));
  const last = data[data.length - 1];

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
      chart.current = { lib, api, series, markers: lib.createSeriesMarkers(series, []) };
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
    // The line's colour is also its last value's label, whose text the library writes in black or white:
    // --accent is checked for that label in both themes (theme-contrast.test.ts).
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
  }, [ready, data.length, last?.time, last?.value]); // eslint-disable-line react-hooks/exhaustive-deps

  // Money in under the curve, money out above it, each with the step's value.
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const text = cssVar('--text', '#e6e9ef');
    c.markers.setMarkers(
      marks.map((m) => ({
        time: m.time as UTCTimestamp,
        position: m.value >= 0 ? 'belowBar' : 'aboveBar',
        shape: m.value >= 0 ? 'arrowUp' : 'arrowDown',
        color: text,
        text: signedWon(m.value),
      })),
    );
  }, [ready, marks, theme]);

  // Flows listed newest first; those after the last mark are not on the curve yet.
  const shown = new Set(marks.flatMap((m) => m.flows));
  const flows = [...equity.flows].reverse();
  return (
    <>
      <div
        className="equity-host"
        ref={host}
        role="img"
        aria-label={t(labelKey)}
        data-points={data.length}
        data-marks={marks.map((m) => `${m.time}:${m.value}`).join(' ')}
      >
        {data.length < 2 && <div className="panel-state muted">{t(emptyKey)}</div>}
      </div>
      {flows.length > 0 && (
        <div className="equity-flows">
          <h3>{t('profile.flows')}</h3>
          <p className="muted small-note">{t('profile.flowsNote')}</p>
          <table className="grid" aria-label={t('profile.flows')}>
            <tbody>
              {flows.map((f, i) => (
                <tr key={i} data-kind={f.kind}>
                  <td className="muted">
                    {formatDateTime(f.ts)}
                    {!shown.has(f) && ` · ${t('profile.flowPending')}`}
                  </td>
                  <td>{t(flowLabel(f))}</td>
                  <td className="num">{flowAmount(f, market, quote)}</td>
                  <td className={`num ${f.value >= 0 ? 'up' : 'down'}`}>
                    {signedWon(f.value)} {quote}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
