import type {
  CandlestickData,
  HistogramData,
  IChartApi,
  ISeriesApi,
  MouseEventParams,
  UTCTimestamp,
} from 'lightweight-charts';
import { memo, useEffect, useRef, useState } from 'react';
import type { CandleBar, Language } from '@protocol/api';
import { fill, useLanguage, useT } from '../../i18n';
import { afterNextPaint } from '../../lib/after-paint';
import { loadChartLib, type ChartLib } from '../../lib/charts';
import { formatUnits } from '../../lib/units';
import { formatPlottedPrice, formatPrice, formatSize } from '../../lib/market-format';
import type { ViewMarket } from '../../lib/market-view';
import { useLegend, type LegendStudy } from '../../stores/chart-legend-store';
import { useView, useViewStore } from '../../stores/view-context';
import { CandleSet, TIMEFRAMES, type Timeframe } from './chart-data';
import { ChartStudies } from './chart-studies';
import { scrollBack, type OlderState } from './chart-scrollback';
import { IndicatorPicker } from './IndicatorPicker';
import { useChartIndicators } from '../../stores/chart-indicators-store';
import { crosshairTimeText, tickMarkText, type TickMark } from './chart-time';
import { PanelState } from './PanelState';
import { ChartOrderLayer, ChartParts } from './ChartOrderLayer';
import { rovingKeys } from '../roving-keys';

const HISTORY = 500;

interface Series {
  candles: ISeriesApi<'Candlestick'>;
  volume: ISeriesApi<'Histogram'>;
}

type Palette = ReturnType<typeof palette>;

/** The theme's colours, read from one computed style (each getComputedStyle read may bring styles up to date). */
function palette() {
  const style = getComputedStyle(document.documentElement);
  const cssVar = (name: string) => style.getPropertyValue(name).trim();
  return {
    text: cssVar('--muted') || '#8b95a3',
    grid: cssVar('--grid') || '#1d232c',
    border: cssVar('--border') || '#262d37',
    panel: cssVar('--panel') || '#161b22',
    up: cssVar('--up') || '#f04452',
    down: cssVar('--down') || '#3182f6',
    upFill: cssVar('--up-fill') || '#cc2d3d',
    downFill: cssVar('--down-fill') || '#1763d0',
    upFaint: cssVar('--up-faint') || 'rgba(240,68,82,0.45)',
    downFaint: cssVar('--down-faint') || 'rgba(49,130,246,0.45)',
    /** Any other token (the studies' colours), from the same computed style. */
    token: (name: string) => cssVar(name) || '#8b95a3',
  };
}

function applyTheme(lib: ChartLib, chart: IChartApi, s: Series, p: Palette): void {
  chart.applyOptions({
    layout: {
      background: { type: lib.ColorType.Solid, color: p.panel },
      textColor: p.text,
      panes: { separatorColor: p.border },
    },
    grid: { vertLines: { color: p.grid }, horzLines: { color: p.grid } },
    rightPriceScale: { borderColor: p.border },
    timeScale: { borderColor: p.border },
  });
  s.candles.applyOptions({
    upColor: p.up,
    downColor: p.down,
    wickUpColor: p.up,
    wickDownColor: p.down,
    borderVisible: false,
  });
}

/**
 * The last price's label on the price axis. lightweight-charts writes it in white or black (by its own grey
 * scale) on the series' price-line colour, which is the last candle's colour unless set; the dark theme's candle
 * colours are too light for white text, so the label (and its line) take the buy or sell fill of the last
 * candle's direction instead, which white text meets at 4.5:1 in both themes (theme-contrast.test.ts). A candle
 * that closes where it opened is drawn as rising (the library's rule), and so is its label.
 */
function showLastPriceLabel(c: { series: Series; colours: Palette; label: string }, bar?: CandleBar): void {
  const colour = !bar || bar.open <= bar.close ? c.colours.upFill : c.colours.downFill;
  if (colour === c.label) return;
  c.label = colour;
  c.series.candles.applyOptions({ priceLineColor: colour });
}

/**
 * A width for the price axis that the market's labels fit from the start: when the labels need another width,
 * every pane's canvases are resized and laid out again and the whole chart redrawn — in the frame that first
 * draws the candles, or while streaming when the range gains or loses a digit. Sized for the last price × 1.5
 * written with 8s (a wide digit) in the axis font, plus the axis's ticks and padding (24 px; the library took
 * 22 for LPJ's labels); 0 (the library's own sizing) while no price is known.
 */
function axisWidthFor(lastPrice: number, priceDecimals: number, fontFamily: string): number {
  if (!(lastPrice > 0)) return 0;
  const label = formatUnits(Math.round(lastPrice * 1.5), priceDecimals, { minFraction: priceDecimals }).replace(
    /\d/g,
    '8',
  );
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return 0;
  ctx.font = `12px ${fontFamily || 'sans-serif'}`;
  return Math.ceil(ctx.measureText(label).width) + 24;
}

/** The chart's time labels, written without the browser's locale data (see chart-time). */
function timeLabels(language: Language) {
  return {
    timeFormatter: (time: unknown) => (typeof time === 'number' ? crosshairTimeText(time, language) : String(time)),
    tickMarkFormatter: (time: unknown, type: TickMark) =>
      typeof time === 'number' ? tickMarkText(time, type, language) : null,
  };
}

/** The timeframes as one radio group (one tab stop; the arrows choose another), like the order form's tabs. */
function ChartToolbar({ timeframe, onChange }: { timeframe: Timeframe; onChange(tf: Timeframe): void }) {
  const t = useT();
  return (
    <div
      className="chart-toolbar"
      role="radiogroup"
      aria-label={t('chart.timeframe')}
      onKeyDown={(e) => rovingKeys(e, 'radio', TIMEFRAMES, timeframe, onChange)}
    >
      {TIMEFRAMES.map((tf) => (
        <button
          key={tf}
          type="button"
          role="radio"
          className={tf === timeframe ? 'chip active' : 'chip'}
          aria-checked={tf === timeframe}
          tabIndex={tf === timeframe ? 0 : -1}
          onClick={() => onChange(tf)}
        >
          {t(`chart.tf.${tf}`)}
        </button>
      ))}
    </div>
  );
}

/** The readout by the market's rule: prices to the tick (the studies' averages rounded to it), volume to the lot. */
function ChartLegend({ market }: { market: ViewMarket }) {
  const t = useT();
  const legend = useLegend((s) => s.legend);
  if (!legend) return null;
  const dir = legend.close >= legend.open ? 'up' : 'down';
  return (
    <div
      className="chart-legend"
      aria-label="OHLC"
      data-time={Number.isFinite(legend.openTime) ? legend.openTime : undefined}
    >
      <span>
        {t('chart.open')} <b className={dir}>{formatPrice(market, legend.open)}</b>
      </span>
      <span>
        {t('chart.high')} <b className={dir}>{formatPrice(market, legend.high)}</b>
      </span>
      <span>
        {t('chart.low')} <b className={dir}>{formatPrice(market, legend.low)}</b>
      </span>
      <span>
        {t('chart.close')} <b className={dir}>{formatPrice(market, legend.close)}</b>
      </span>
      <span>
        {t('chart.volume')} <b>{formatSize(market, legend.volume)}</b>
      </span>
      {legend.studies.map(
        (s) =>
          s.kind !== 'volume' && (
            <span key={s.id} style={{ color: s.colour }} data-study={s.id}>
              {s.label} {studyText(market, s)}
            </span>
          ),
      )}
    </div>
  );
}

/** A study's values as the legend writes them: RSI to a tenth, the others as prices to the tick. */
function studyText(market: ViewMarket, s: LegendStudy): string {
  const shown = s.values.filter((v) => !Number.isNaN(v));
  if (shown.length === 0) return '—';
  if (s.kind === 'rsi') return shown[0].toFixed(1);
  return shown.map((v) => formatPlottedPrice(market, v)).join(' / ');
}

/** Older candles being fetched as the chart is scrolled back, or the start of history reached. */
function OlderNote({ state }: { state: OlderState }) {
  const t = useT();
  if (state === 'idle') return null;
  return (
    <span className={state === 'error' ? 'chart-older error' : 'chart-older muted'} role="status" data-older={state}>
      {t(`chart.older.${state}`)}
    </span>
  );
}

/** While a real exchange's candle history is fetched page by page: how far it got, or that it stopped short. */
function HistoryProgress({ timeframe }: { timeframe: Timeframe }) {
  const t = useT();
  const p = useView((s) => s.history[timeframe]);
  if (!p || p.state === 'complete') return null;
  if (p.state === 'loading') {
    const pages = p.pagesEstimated ? `${p.pagesDone}/${p.pagesEstimated}` : String(p.pagesDone);
    return (
      <span className="chart-progress muted" role="status">
        {fill(t('chart.history'), pages)}
      </span>
    );
  }
  return (
    <span className="chart-progress error" role="status" title={p.error}>
      {t('chart.historyPartial')}
    </span>
  );
}

/** Candles with the chosen studies; history on open and when scrolled back, the live candle updated in place. */
export const PriceChart = memo(function PriceChart() {
  const t = useT();
  const language = useLanguage();
  const languageRef = useRef(language);
  languageRef.current = language;
  const view = useViewStore();
  const market = useView((s) => s.market);
  const epoch = useView((s) => s.epoch);
  const historyDone = useView((s) => s.history);
  const baseDecimals = market?.sizeDecimals ?? 8;
  const priceDecimals = market?.priceDecimals ?? 0;
  const marketId = market?.id ?? null;
  const [timeframe, setTimeframe] = useState<Timeframe>('1m');
  const [status, setStatus] = useState<{ state: 'loading' | 'ready' | 'empty' | 'error'; error?: string }>({
    state: 'loading',
  });
  const [attempt, setAttempt] = useState(0);
  const [older, setOlder] = useState<OlderState>('idle');
  const indicators = useChartIndicators((s) => s.indicators);
  const host = useRef<HTMLDivElement>(null);
  const scale = useRef(1);
  scale.current = 10 ** priceDecimals;
  const chartRef = useRef<{
    lib: ChartLib;
    chart: IChartApi;
    series: Series;
    studies: ChartStudies;
    /** The candles shown now (null until the history arrived). */
    set: CandleSet | null;
    colours: Palette;
    /** The last price label's colour now (see showLastPriceLabel). */
    label: string;
    /** The newest candle, whose direction the label's colour follows. */
    lastBar?: CandleBar;
    /** The price axis's least width: the widest it has been (see axisWidthFor). */
    axisWidth: number;
    hovering: boolean;
    showLatest(): void;
    /** Colours the volume bars again in the palette now (their colours are in their data). */
    repaintVolume?(): void;
  } | null>(null);
  // Set once the chart exists: the effects that feed it run again then.
  const [chartReady, setChartReady] = useState(false);
  // My orders, fills and position drawn on the chart (ChartOrderLayer), once the chart exists.
  const [orderParts, setOrderParts] = useState<ChartParts | null>(null);

  // The chart itself lives as long as the panel. The library is its own chunk, loaded (and evaluated) in its own
  // task; the chart is made after the panel's first frame, and its data is set later still (see below), so
  // start-up is several short tasks rather than one long one.
  useEffect(() => {
    let alive = true;
    let cancelFrame = () => {};
    let dispose = () => {};
    void loadChartLib().then((lib) => {
      if (!alive) return;
      cancelFrame = afterNextPaint(() => {
        if (alive) dispose = makeChart(lib);
      });
    });
    return () => {
      alive = false;
      cancelFrame();
      dispose();
    };
    // Made once per panel (a new market mounts a new one): makeChart reads the language, the price scale and the
    // view's state through refs and getState() when it runs, and the effects below follow their changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function makeChart(lib: ChartLib): () => void {
    const { CandlestickSeries, CrosshairMode, HistogramSeries, createChart } = lib;
    // Styles are up to date right after a frame: read them before the chart adds its elements.
    const colours = palette();
    const fontFamily = getComputedStyle(document.body).fontFamily;
    const shown = view.getState();
    const axisWidth = axisWidthFor(shown.lastPrice, shown.market?.priceDecimals ?? 0, fontFamily);
    const chart = createChart(host.current!, {
      autoSize: true,
      // The page's own font: already resolved for the page's text, so the first measuring of axis labels does
      // not have to look a new one up.
      layout: fontFamily ? { fontFamily } : {},
      crosshair: { mode: CrosshairMode.Normal },
      localization: {
        priceFormatter: (p: number) => String(Math.round(p)),
        timeFormatter: timeLabels(languageRef.current).timeFormatter,
      },
      timeScale: {
        timeVisible: true,
        secondsVisible: false,
        rightOffset: 4,
        tickMarkFormatter: timeLabels(languageRef.current).tickMarkFormatter,
      },
      rightPriceScale: { minimumWidth: axisWidth },
    });
    const candles = chart.addSeries(CandlestickSeries);
    const volume = chart.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: 'volume',
      lastValueVisible: false,
      priceLineVisible: false,
    });
    // An overlay scale pinned to the bottom fifth, so volume sits under the candles.
    volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.08, bottom: 0.22 } });
    const series: Series = { candles, volume };
    applyTheme(lib, chart, series, colours);
    const studies = new ChartStudies(lib, chart, volume);
    const state = {
      lib,
      chart,
      series,
      studies,
      set: null as CandleSet | null,
      colours,
      label: '',
      lastBar: undefined as CandleBar | undefined,
      axisWidth,
      hovering: false,
      showLatest: () => {},
    };
    showLastPriceLabel(state);
    chartRef.current = state;
    setChartReady(true);
    const parts = new ChartParts(lib, chart, candles, host.current!);
    setOrderParts(parts);

    const onMove = (param: MouseEventParams) => {
      if (!param.point) {
        // The pointer left the chart: back to following the newest candle.
        state.hovering = false;
        state.showLatest();
        return;
      }
      state.hovering = true;
      const bar = param.seriesData.get(candles) as CandlestickData<UTCTimestamp> | undefined;
      if (!bar) return; // between candles: keep showing the one last hovered
      const v = param.seriesData.get(volume) as HistogramData<UTCTimestamp> | undefined;
      // The hovered candle's index in the set (the studies are read there).
      const index = state.set?.indexOfTime(bar.time);
      // Plotted prices back to price units for the exact readout.
      const k = scale.current;
      const units = (p: number) => Math.round(p * k);
      const hovered = index === undefined ? undefined : state.set?.bars[index];
      useLegend.setState({
        legend: {
          openTime: hovered?.openTime ?? NaN,
          open: units(bar.open),
          high: units(bar.high),
          low: units(bar.low),
          close: units(bar.close),
          volume: Math.round((v?.value ?? 0) * 10 ** (view.getState().market?.sizeDecimals ?? 0)),
          studies: studies.readings(index),
        },
      });
    };
    chart.subscribeCrosshairMove(onMove);
    return () => {
      parts.removed = true;
      setOrderParts(null);
      chart.unsubscribeCrosshairMove(onMove);
      chart.remove();
      chartRef.current = null;
    };
  }

  // The chosen studies: read from the host once, drawn anew whenever the choice changes.
  useEffect(() => void useChartIndicators.getState().load(), []);
  useEffect(() => {
    const c = chartRef.current;
    if (!c || !indicators) return;
    c.studies.configure(indicators, c.colours.token, c.set);
    c.showLatest();
  }, [indicators, chartReady]);

  // The theme's colours are CSS variables set on <html> by the app shell, after this component's effects
  // run; follow the attribute itself rather than the setting, so the colours read are the new ones.
  useEffect(() => {
    const observer = new MutationObserver(() => {
      const c = chartRef.current;
      if (!c) return;
      c.colours = palette();
      applyTheme(c.lib, c.chart, c.series, c.colours);
      c.studies.recolour(c.colours.token);
      showLastPriceLabel(c, c.lastBar);
      c.repaintVolume?.();
    });
    // The theme and the up/down colour convention (Settings) both change the tokens.
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'data-updown'] });
    return () => observer.disconnect();
  }, []);

  // Time labels in the app's language (new functions, so the chart drops the labels it has cached).
  useEffect(() => {
    const c = chartRef.current;
    if (!c) return;
    const { timeFormatter, tickMarkFormatter } = timeLabels(language);
    c.chart.applyOptions({ localization: { timeFormatter }, timeScale: { tickMarkFormatter } });
  }, [language, chartReady]);

  // Prices on the axis as the market writes them: its decimals, thousands grouped (the plot itself is float).
  useEffect(() => {
    const c = chartRef.current;
    if (!c) return;
    const k = 10 ** priceDecimals;
    c.chart.applyOptions({
      localization: {
        priceFormatter: (p: number) => formatUnits(Math.round(p * k), priceDecimals, { minFraction: priceDecimals }),
      },
    });
    c.series.candles.applyOptions({ priceFormat: { type: 'price', precision: priceDecimals, minMove: 1 / k } });
  }, [priceDecimals, chartReady]);

  // A history fetch that finished (or stopped) while the chart showed what it had: read it again.
  const progress = historyDone[timeframe]?.state;
  const lastProgress = useRef(progress);
  useEffect(() => {
    if (lastProgress.current === 'loading' && progress && progress !== 'loading') setAttempt((a) => a + 1);
    lastProgress.current = progress;
  }, [progress]);

  // History for the timeframe, then live candles (or trades) folded into the last candle.
  useEffect(() => {
    const c = chartRef.current;
    if (!c || !marketId) return;
    const { chart, series } = c;
    const parts = orderParts;
    let set: CandleSet | null = null;
    let drawn = false;
    let cancelDraw = () => {};
    let loadedAt = Infinity;
    let alive = true;
    // Read when the chart was made (or the theme last changed): reading styles here would make the browser
    // bring them up to date for the chart's new elements inside this task.
    let p = c.colours;

    const draw = () => {
      if (!set) return;
      series.candles.setData(set.bars.map((b) => set!.candle(b)));
      series.volume.setData(set.bars.map((b) => set!.volume(b, baseDecimals, p.upFaint, p.downFaint)));
      c.studies.draw(set);
      // How many candles are loaded and from when: what scrolling back changes (read by the e2e specs).
      host.current?.setAttribute('data-bars', String(set.bars.length));
      host.current?.setAttribute('data-oldest', String(set.bars[0]?.openTime ?? ''));
      c.lastBar = set.bars[set.bars.length - 1];
      showLastPriceLabel(c, c.lastBar);
      parts?.barsDrawn(timeframe, set.bars[0]?.openTime);
    };
    c.repaintVolume = () => {
      p = c.colours;
      if (set && drawn)
        series.volume.setData(set.bars.map((b) => set!.volume(b, baseDecimals, p.upFaint, p.downFaint)));
    };
    // The studies' newest points: a live update (up to every frame) computes them once, from the last candles
    // only, and hands them to the legend too.
    const showLatest = () => {
      const bar = set?.bars[set.bars.length - 1];
      if (!set || !bar || c.hovering) return;
      useLegend.setState({
        legend: {
          openTime: bar.openTime,
          open: bar.open,
          high: bar.high,
          low: bar.low,
          close: bar.close,
          volume: bar.volume,
          studies: c.studies.readings(),
        },
      });
    };

    // `data-painted` on the chart host says candles of this timeframe are on the canvas: the chart draws in the
    // animation frame after setData/update, and a frame callback asked for afterwards runs after that drawing.
    // Load tests (npm run bench:ui) time the first chart from it.
    const hostEl = host.current!;
    let paintAsked = false;
    const markPainted = () => {
      if (paintAsked) return;
      paintAsked = true;
      requestAnimationFrame(() => alive && hostEl.setAttribute('data-painted', ''));
    };
    hostEl.removeAttribute('data-painted');

    c.showLatest = showLatest;
    c.set = null;
    setStatus({ state: 'loading' });
    setOlder('idle');
    useLegend.setState({ legend: null });
    view
      .getState()
      .candles(timeframe, HISTORY)
      .then(({ bars, loading }) => {
        if (!alive) return;
        // Trades stamped before the answer arrived are already inside these candles (host and UI share the
        // machine's clock); only later ones are folded in, so no trade is counted twice.
        loadedAt = Date.now();
        const candles = (set = c.set = new CandleSet(bars, timeframe, priceDecimals));
        // Handed to the chart in a task after the next frame, so that a chart just made draws its empty panes
        // (and sizes its canvases) in one frame and the candles in another, rather than all in one long frame
        // when the answer comes back before the chart's first frame. Trades meanwhile go into the set.
        cancelDraw = afterNextPaint(() => {
          if (!alive) return;
          drawn = true;
          draw();
          if (candles.bars.length) markPainted();
          chart.timeScale().scrollToRealTime();
          showLatest();
          setStatus({ state: candles.bars.length ? 'ready' : loading ? 'loading' : 'empty' });
        });
      })
      .catch((err: Error) => alive && setStatus({ state: 'error', error: err.message }));

    const off = view.getState().onLive((live) => {
      if (!set) return;
      const count = set.bars.length;
      if (live.kind === 'candles') {
        // The host sends the forming candle of each timeframe: take this chart's, ignore the others.
        if (live.interval !== timeframe || !set.upsert(live.candle)) return;
      } else {
        const fresh = live.trades.filter((tr) => tr.ts > loadedAt);
        if (!fresh.length || !set.apply(fresh)) return;
      }
      if (!drawn) return; // in the set, drawn with the history
      if (count === 0) setStatus({ state: 'ready' });
      // Only the newest points change: update them in place rather than redrawing the series.
      const opened = set.bars.length - count;
      for (const b of set.bars.slice(-Math.max(1, opened))) {
        series.candles.update(set.candle(b));
        series.volume.update(set.volume(b, baseDecimals, p.upFaint, p.downFaint));
      }
      c.lastBar = set.bars[set.bars.length - 1];
      showLastPriceLabel(c, c.lastBar);
      // The axis keeps the widest width it has had: were it to narrow again, every canvas would be resized.
      const width = series.candles.priceScale().width();
      if (width > c.axisWidth) {
        c.axisWidth = width;
        chart.applyOptions({ rightPriceScale: { minimumWidth: width } });
      }
      c.studies.update(set);
      showLatest();
      markPainted();
    });

    // Scrolled to the oldest candle: the ones before it are fetched and put in front.
    const stopScrollBack = scrollBack({
      chart,
      oldest: () => (drawn ? set?.bars[0]?.openTime : undefined),
      load: async (before) => (await view.getState().candles(timeframe, HISTORY, before)).bars,
      prepend: (bars) => {
        const added = set!.prepend(bars);
        draw();
        return added;
      },
      onState: setOlder,
    });
    return () => {
      alive = false;
      c.repaintVolume = undefined;
      cancelDraw();
      off();
      stopScrollBack();
    };
  }, [timeframe, baseDecimals, priceDecimals, attempt, marketId, epoch, view, chartReady, orderParts]);

  return (
    <section className="panel chart-panel" aria-label={t('chart.label')}>
      <div className="panel-head">
        <ChartToolbar timeframe={timeframe} onChange={setTimeframe} />
        <IndicatorPicker />
        <HistoryProgress timeframe={timeframe} />
      </div>
      <div className="chart-host" ref={host} data-state={status.state}>
        {/* Over the chart's top left rather than in the head: its figures change width with every trade, and
            in the head a wrap would change the chart's height, which redraws the whole chart. */}
        {market && <ChartLegend market={market} />}
        {market && orderParts && <ChartOrderLayer parts={orderParts} market={market} />}
        <OlderNote state={older} />
        {status.state !== 'ready' && (
          <div className="chart-overlay">
            <PanelState
              state={status.state === 'empty' ? 'empty' : status.state}
              emptyKey="chart.empty"
              error={status.error}
              onRetry={() => setAttempt((a) => a + 1)}
            />
          </div>
        )}
      </div>
    </section>
  );
});
