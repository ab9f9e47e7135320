/**
 * The app's equity chart (a trader's profile, the portfolio, a result's run): one lightweight-charts area series,
 * made once the library has loaded (it loads on first use), coloured from the theme's CSS variables whenever the
 * theme changes, and removed with the component.
 *
 * The chart is state, not a ref: it is null until made, and the effects that feed it name it, so they run again
 * once it exists.
 */
import type { IChartApi, ISeriesApi, ISeriesMarkersPluginApi, Time } from 'lightweight-charts';
import { useEffect, useState, type RefObject } from 'react';
import { loadChartLib, type ChartLib } from '../lib/charts';
import { formatInt } from '../lib/units';

export interface EquityArea {
  lib: ChartLib;
  api: IChartApi;
  series: ISeriesApi<'Area'>;
  markers: ISeriesMarkersPluginApi<Time>;
}

export function themeColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function useEquityArea(
  host: RefObject<HTMLDivElement | null>,
  theme: string,
  options: {
    /** A run's clock counts seconds; a trader's history counts minutes at the finest. */
    secondsVisible: boolean;
    /** Equity that moves only at fills is drawn in steps, not slopes between them. */
    stepped?: boolean;
  },
): EquityArea | null {
  const [chart, setChart] = useState<EquityArea | null>(null);
  const { secondsVisible, stepped = false } = options;

  useEffect(() => {
    let alive = true;
    let api: IChartApi | null = null;
    void loadChartLib().then((lib) => {
      const el = host.current;
      if (!alive || !el) return;
      api = lib.createChart(el, {
        autoSize: true,
        timeScale: { timeVisible: true, secondsVisible },
        localization: { priceFormatter: (v: number) => formatInt(Math.round(v)) },
        handleScroll: false,
        handleScale: false,
      });
      const series = api.addSeries(lib.AreaSeries, {
        lineWidth: 2,
        priceLineVisible: false,
        ...(stepped ? { lineType: lib.LineType.WithSteps } : {}),
      });
      setChart({ lib, api, series, markers: lib.createSeriesMarkers(series, []) });
    });
    return () => {
      alive = false;
      setChart(null);
      api?.remove();
    };
  }, [host, secondsVisible, stepped]);

  useEffect(() => {
    if (!chart) return;
    chart.api.applyOptions({
      layout: {
        background: { type: chart.lib.ColorType.Solid, color: themeColour('--panel', '#161b22') },
        textColor: themeColour('--muted', '#8b95a3'),
      },
      grid: {
        vertLines: { color: themeColour('--grid', '#1c222b') },
        horzLines: { color: themeColour('--grid', '#1c222b') },
      },
      rightPriceScale: { borderColor: themeColour('--border', '#262d37') },
      timeScale: { borderColor: themeColour('--border', '#262d37') },
    });
    // The line's colour is also its last value's label, whose text the library writes in black or white:
    // --accent is checked for that label in both themes (theme-contrast.test.ts).
    chart.series.applyOptions({
      lineColor: themeColour('--accent', '#f0b90b'),
      topColor: 'rgba(240, 185, 11, 0.35)',
      bottomColor: 'rgba(240, 185, 11, 0.02)',
    });
  }, [chart, theme]);

  return chart;
}
