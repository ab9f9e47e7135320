/**
 * The cumulative depth chart: bids and asks as cumulative amount against price around the mid, drawn on a canvas
 * (lightweight-charts places horizontal items by index, not by value, so it cannot draw uneven price steps to
 * scale). The book streams up to every frame: updates are read from the view store outside React and drawn at
 * most once per frame; only the hover readout is React state. Colours are the theme's up/down variables, read
 * at each draw, so a change of theme or colour convention repaints in its colours.
 */
import { memo, useEffect, useRef, useState, type PointerEvent } from 'react';
import {
  cumulate,
  depthWindow,
  priceAt,
  readingAt,
  stepOutline,
  xOf,
  type DepthReading,
  type DepthStep,
  type DepthWindow,
} from '../../lib/depth';
import { formatPrice, formatQuote, formatSize } from '../../lib/market-format';
import type { ViewMarket, ViewState } from '../../lib/market-view';
import { oncePerFrame } from '../../lib/once-per-frame';
import { useMarketT } from '../../stores/market-text';
import { useView, useViewStore } from '../../stores/view-context';
import { PanelState, loadState } from './PanelState';

/** Room under the plot for the price labels, px. */
const AXIS_PX = 18;

interface Drawn {
  market: ViewMarket;
  bids: DepthStep[];
  asks: DepthStep[];
  window: DepthWindow;
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

function draw(canvas: HTMLCanvasElement, d: Drawn | null, hoverX: number | null): DepthReading | null {
  const ctx = canvas.getContext('2d');
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!ctx || width === 0 || height === 0) return null;
  const ratio = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (!d) return null;
  const plot = { width, height: height - AXIS_PX };
  const muted = cssVar(canvas, '--muted', '#888');
  const sides = [
    {
      steps: d.bids,
      side: 'bid' as const,
      line: cssVar(canvas, '--up', '#e44'),
      area: cssVar(canvas, '--up-bg', '#e442'),
    },
    {
      steps: d.asks,
      side: 'ask' as const,
      line: cssVar(canvas, '--down', '#48f'),
      area: cssVar(canvas, '--down-bg', '#48f2'),
    },
  ];
  for (const s of sides) {
    const pts = stepOutline(s.steps, s.side, d.window, plot);
    if (pts.length === 0) continue;
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.fillStyle = s.area;
    ctx.fill();
    ctx.beginPath();
    // The outline without its drops to the baseline.
    pts.slice(1, -1).forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.strokeStyle = s.line;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
  // Price labels: the window's ends and the mid.
  ctx.fillStyle = muted;
  ctx.font = `11px ${cssVar(canvas, '--mono', 'monospace')}`;
  ctx.textBaseline = 'bottom';
  const labels: [number, CanvasTextAlign, number][] = [
    [d.window.low, 'left', 2],
    [d.window.mid, 'center', width / 2],
    [d.window.high, 'right', width - 2],
  ];
  for (const [price, align, x] of labels) {
    ctx.textAlign = align;
    ctx.fillText(formatPrice(d.market, Math.round(price)), x, height - 2);
  }
  // The top of the amount scale, in the far corner from the readout.
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(formatSize(d.market, d.window.maxCumulative), width - 2, 2);
  ctx.strokeStyle = muted;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(width / 2, 0);
  ctx.lineTo(width / 2, plot.height);
  ctx.stroke();
  ctx.setLineDash([]);
  if (hoverX === null) return null;
  const reading = readingAt(d.bids, d.asks, d.window.mid, priceAt(d.window, plot, hoverX));
  if (!reading) return null;
  const x = xOf(d.window, plot, reading.price);
  const y = plot.height - (reading.cumulative / d.window.maxCumulative) * plot.height;
  ctx.strokeStyle = cssVar(canvas, '--text', '#ccc');
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, 0);
  ctx.lineTo(x, plot.height);
  ctx.stroke();
  ctx.fillStyle = reading.side === 'bid' ? sides[0].line : sides[1].line;
  ctx.beginPath();
  ctx.arc(x, Math.max(3, y), 3, 0, Math.PI * 2);
  ctx.fill();
  return reading;
}

function drawnOf(s: Pick<ViewState, 'market' | 'bids' | 'asks'>): Drawn | null {
  if (!s.market) return null;
  const bids = cumulate(s.bids, s.market);
  const asks = cumulate(s.asks, s.market);
  const window = depthWindow(bids, asks);
  return window && { market: s.market, bids, asks, window };
}

function Readout({ market, reading }: { market: ViewMarket; reading: DepthReading }) {
  const t = useMarketT();
  return (
    <dl
      className={`depth-readout ${reading.side}`}
      role="status"
      aria-label={t(reading.side === 'bid' ? 'book.bid' : 'book.ask')}
      data-side={reading.side}
      data-price={reading.price}
      data-cumulative={reading.cumulative}
    >
      <dt>{t('depth.price')}</dt>
      <dd data-col="price">{formatPrice(market, reading.price)}</dd>
      <dt>{t('depth.total')}</dt>
      <dd data-col="total">
        {formatSize(market, reading.cumulative)} {market.base}
      </dd>
      <dt>{t('depth.value')}</dt>
      <dd data-col="value">
        {formatQuote(market, reading.value)} {market.quote}
      </dd>
    </dl>
  );
}

export const DepthChart = memo(function DepthChart() {
  const t = useMarketT();
  const view = useViewStore();
  const status = useView((s) => s.status);
  const error = useView((s) => s.error);
  const market = useView((s) => s.market);
  const empty = useView((s) => s.bids.length === 0 && s.asks.length === 0);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const hoverX = useRef<number | null>(null);
  const requestRef = useRef<() => void>(() => undefined);
  const [reading, setReading] = useState<DepthReading | null>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let drawn = drawnOf(view.getState());
    let dirty = false;
    const request = oncePerFrame(() => {
      if (dirty) drawn = drawnOf(view.getState());
      dirty = false;
      const r = draw(canvas, drawn, hoverX.current);
      // The readout follows the book under a still pointer; set only when what it says changed.
      setReading((prev) =>
        prev && r && prev.price === r.price && prev.cumulative === r.cumulative && prev.value === r.value ? prev : r,
      );
    });
    requestRef.current = request;
    const off = view.subscribe((s, prev) => {
      if (s.bids === prev.bids && s.asks === prev.asks && s.market === prev.market) return;
      dirty = true;
      request();
    });
    const resize = new ResizeObserver(request);
    resize.observe(canvas);
    // A change of theme or colour convention changes the variables the chart is painted with.
    const recolour = new MutationObserver(request);
    recolour.observe(document.documentElement, { attributes: true });
    request();
    return () => {
      off();
      resize.disconnect();
      recolour.disconnect();
      requestRef.current = () => undefined;
    };
  }, [view, market, empty, status]);

  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    hoverX.current = e.clientX - e.currentTarget.getBoundingClientRect().left;
    requestRef.current();
  };
  const onLeave = () => {
    hoverX.current = null;
    requestRef.current();
  };

  const pending = loadState(status);
  return (
    <div className="depth-body">
      {pending || !market ? (
        <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void view.getState().refresh()} />
      ) : empty ? (
        <p className="panel-state muted">{t('depth.empty')}</p>
      ) : (
        <>
          <canvas
            ref={canvasRef}
            className="depth-canvas"
            role="img"
            aria-label={t('depth.label')}
            onPointerMove={onMove}
            onPointerLeave={onLeave}
          />
          {reading ? (
            <Readout market={market} reading={reading} />
          ) : (
            <p className="depth-hint muted" aria-hidden="true">
              {t('depth.label')}
            </p>
          )}
        </>
      )}
    </div>
  );
});
