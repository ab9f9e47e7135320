/**
 * The studies the user chose, drawn on the price chart: moving averages and Bollinger bands over the candles,
 * RSI and MACD each in a pane of its own below, volume as the bars under the candles. Each study keeps its
 * computed series so the legend can read it at any candle; a live candle recomputes only the newest points
 * (the `…Last` forms of lib/indicators), never the whole history.
 */
import type { IChartApi, ISeriesApi, LineData, UTCTimestamp } from 'lightweight-charts';
import type { ChartIndicator } from '@protocol/chart-indicators';
import type { ChartLib } from '../../lib/charts';
import {
  bollinger,
  bollingerLast,
  ema,
  emaLast,
  macd,
  macdLast,
  rsi,
  rsiLast,
  sma,
  smaLast,
} from '../../lib/indicators';
import type { LegendStudy } from '../../stores/chart-legend-store';
import { chartTime, type CandleSet } from './chart-data';

/** Theme tokens the studies take their colours from, in turn (contrast-checked in both themes). */
export const STUDY_COLOURS = ['--ma-short', '--ma-long', '--rsi', '--study-4', '--study-5'] as const;

/** A study's short name and its stable id (also the legend's data-study). */
export function studyName(s: ChartIndicator): { id: string; label: string } {
  switch (s.kind) {
    case 'ma':
      return { id: `ma${s.period}`, label: `MA${s.period}` };
    case 'ema':
      return { id: `ema${s.period}`, label: `EMA${s.period}` };
    case 'bollinger':
      return { id: `bb${s.period}-${s.deviations}`, label: `BB${s.period} ${s.deviations}` };
    case 'rsi':
      return { id: `rsi${s.period}`, label: `RSI${s.period}` };
    case 'macd':
      return { id: `macd${s.fast}-${s.slow}-${s.signal}`, label: `MACD ${s.fast} ${s.slow} ${s.signal}` };
    case 'volume':
      return { id: 'volume', label: 'Vol' };
  }
}

/** The full series of a study over the closes (one array per plotted line), and its newest values. */
function compute(s: ChartIndicator, closes: number[]): number[][] {
  switch (s.kind) {
    case 'ma':
      return [sma(closes, s.period)];
    case 'ema':
      return [ema(closes, s.period)];
    case 'bollinger': {
      const b = bollinger(closes, s.period, s.deviations);
      return [b.middle, b.upper, b.lower];
    }
    case 'rsi':
      return [rsi(closes, s.period)];
    case 'macd': {
      const m = macd(closes, s.fast, s.slow, s.signal);
      return [m.macd, m.signal, m.histogram];
    }
    case 'volume':
      return [];
  }
}

function computeLast(s: ChartIndicator, closes: number[]): number[] {
  switch (s.kind) {
    case 'ma':
      return [smaLast(closes, s.period)];
    case 'ema':
      return [emaLast(closes, s.period)];
    case 'bollinger': {
      const b = bollingerLast(closes, s.period, s.deviations);
      return b ? [b.middle, b.upper, b.lower] : [NaN, NaN, NaN];
    }
    case 'rsi':
      return [rsiLast(closes, s.period)];
    case 'macd': {
      const m = macdLast(closes, s.fast, s.slow, s.signal);
      return m ? [m.macd, m.signal, m.histogram] : [NaN, NaN, NaN];
    }
    case 'volume':
      return [];
  }
}

interface Plot {
  study: ChartIndicator;
  id: string;
  label: string;
  colourVar: string;
  series: (ISeriesApi<'Line'> | ISeriesApi<'Histogram'>)[];
  /** The theme token of each series, to follow a theme change. */
  seriesColours: readonly string[];
  values: number[][];
}

export class ChartStudies {
  private plots: Plot[] = [];
  private volumeShown = true;

  constructor(
    private readonly lib: ChartLib,
    private readonly chart: IChartApi,
    private readonly volume: ISeriesApi<'Histogram'>,
  ) {}

  /** Replaces the studies drawn (series and panes made anew), then draws them from `set` if there is one. */
  configure(studies: readonly ChartIndicator[], colour: (cssVar: string) => string, set?: CandleSet | null): void {
    for (const p of this.plots) for (const s of p.series) this.chart.removeSeries(s);
    this.plots = [];
    // Panes left empty by removed oscillators go too (the candles' pane is always the first).
    for (let i = this.chart.panes().length - 1; i > 0; i--) this.chart.removePane(i);
    this.volumeShown = studies.some((s) => s.kind === 'volume');
    this.volume.applyOptions({ visible: this.volumeShown });
    const { LineSeries, HistogramSeries, LineStyle } = this.lib;
    let pane = 0;
    let turn = 0;
    for (const study of studies) {
      if (study.kind === 'volume') continue;
      const colourVar = STUDY_COLOURS[turn++ % STUDY_COLOURS.length];
      const c = colour(colourVar);
      const line = (paneIndex: number, options: Record<string, unknown> = {}) =>
        this.chart.addSeries(
          LineSeries,
          {
            color: c,
            lineWidth: 1,
            priceLineVisible: false,
            lastValueVisible: false,
            crosshairMarkerVisible: false,
            ...options,
          },
          paneIndex,
        );
      const series: Plot['series'] = [];
      let seriesColours: string[] = [colourVar];
      if (study.kind === 'ma' || study.kind === 'ema') series.push(line(0));
      else if (study.kind === 'bollinger') {
        series.push(line(0, { lineStyle: LineStyle.Dashed }), line(0), line(0));
        seriesColours = [colourVar, colourVar, colourVar];
      } else if (study.kind === 'rsi') {
        const s = line(++pane, {
          lastValueVisible: true,
          priceFormat: { type: 'price', precision: 1, minMove: 0.1 },
        });
        for (const level of [70, 30])
          s.createPriceLine({
            price: level,
            color: '#5f6b7a',
            lineStyle: LineStyle.Dashed,
            lineWidth: 1,
            axisLabelVisible: false,
          });
        series.push(s);
      } else {
        const p = ++pane;
        const signalVar = STUDY_COLOURS[turn++ % STUDY_COLOURS.length];
        seriesColours = [colourVar, signalVar, '--muted'];
        series.push(
          line(p),
          line(p, { color: colour(signalVar) }),
          this.chart.addSeries(
            HistogramSeries,
            { color: colour('--muted'), priceLineVisible: false, lastValueVisible: false },
            p,
          ),
        );
      }
      this.plots.push({ study, ...studyName(study), colourVar, series, seriesColours, values: [] });
    }
    for (const p of this.chart.panes().slice(1)) p.setStretchFactor(0.28);
    if (set) this.draw(set);
  }

  /** Follows the theme: every study's colour read again. */
  recolour(colour: (cssVar: string) => string): void {
    for (const p of this.plots) p.series.forEach((s, i) => s.applyOptions({ color: colour(p.seriesColours[i]) }));
  }

  /** Every study computed from all candles and handed to the chart. */
  draw(set: CandleSet): void {
    const closes = set.closes();
    for (const p of this.plots) {
      p.values = compute(p.study, closes);
      p.values.forEach((v, i) => p.series[i].setData(set.points(v)));
    }
  }

  /** The newest candle changed (or a new one opened): only each study's newest point is computed and drawn. */
  update(set: CandleSet): void {
    const closes = set.closes();
    const n = closes.length;
    if (n === 0) return;
    const time = chartTime(set.bars[n - 1].openTime);
    for (const p of this.plots) {
      const last = computeLast(p.study, closes);
      last.forEach((value, i) => {
        const column = p.values[i];
        if (column) {
          if (column.length > n) column.length = n;
          while (column.length < n) column.push(NaN);
          column[n - 1] = value;
        }
        if (!Number.isNaN(value)) p.series[i].update({ time, value } as LineData<UTCTimestamp>);
      });
    }
  }

  /** Each study's values at candle `index` (default: the newest), for the legend. */
  readings(index?: number): LegendStudy[] {
    return this.plots.map((p) => {
      const at = index ?? (p.values[0]?.length ?? 0) - 1;
      return {
        id: p.id,
        label: p.label,
        kind: p.study.kind,
        colour: `var(${p.colourVar})`,
        values: p.values.map((v) => v[at] ?? NaN),
      };
    });
  }
}
