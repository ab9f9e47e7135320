/**
 * My trading drawn on the price chart: each open order as a price line (side, amount and type in its label, a
 * waiting stop dashed at its stop price), my fills as buy/sell marks on the candles they happened in, and the
 * position's average entry price as a line whose label carries its unrealised PnL. The marks cover the candles
 * loaded: the engine's count of my fills per candle (`setHistory`) plus the view's latest fills that came after.
 * An amendable order's line can be dragged to a new price; on release the move goes through the market view's
 * amend, and a refused move snaps back. A right-click asks to start an order at the price under the pointer.
 *
 * Imperative, as the chart is: the React layer (ChartOrderLayer) hands it what to draw and places the controls
 * it reports positions for. The order lines are one series primitive (./order-lines-primitive); lines and marks
 * change only when what they show changes, so a streaming market costs no more than their drawing.
 */
import type {
  IChartApi,
  IPriceLine,
  ISeriesApi,
  ISeriesMarkersPluginApi,
  SeriesMarker,
  Time,
  UTCTimestamp,
} from 'lightweight-charts';
import type { FillMark } from '@protocol/api';
import type { ChartLib } from '../../lib/charts';
import { fillMarks, isAmendable, isWaitingStop, orderLinePrice, plotted, snapToTick } from '../../lib/chart-orders';
import type { ViewMarket, ViewOrder } from '../../lib/market-view';
import { chartTime } from './chart-data';
import { OrderLinesPrimitive } from './order-lines-primitive';

/** How close (px) the pointer must come to a line to take it. */
const GRAB_PX = 5;

export interface OrderLine {
  order: ViewOrder;
  /** The label drawn on the line (its price included: the lines have no axis labels). */
  title: string;
}

export interface EntryLine {
  price: number;
  title: string;
  gain: boolean;
}

export interface ChartOrderEvents {
  /** A line was dropped at a new price: amend the order; resolve with whether it was done. */
  amend(orderId: number, price: number): Promise<boolean>;
  /** Right-click at a price (null: off the price range), at this point of the chart host. */
  menu(price: number | null, x: number, y: number): void;
  /** Where each order's line is now (px from the top of the chart host; null when off the pane). */
  layout(rows: ReadonlyMap<number, number | null>): void;
}

interface Drawn {
  order: ViewOrder;
  /** Where the line is drawn now, price units. */
  price: number;
}

export class ChartOrders {
  private readonly drawn = new Map<number, Drawn>();
  private readonly lines: OrderLinesPrimitive;
  private titles: readonly OrderLine[] = [];
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private market: ViewMarket | null = null;
  private colours = { up: '#f04452', down: '#3182f6', upFill: '#cc2d3d', downFill: '#1763d0' };
  private entry: { line: IPriceLine; price: number; title: string; colour: string } | null = null;
  private fills: readonly { ts: number; side: 'buy' | 'sell' }[] = [];
  private history: { marks: readonly FillMark[]; through: number } | null = null;
  private drag: { id: number; from: number; to: number; pointer: number } | null = null;
  /** Orders whose drop is being confirmed: their line stays where it was dropped until the answer. */
  private readonly moving = new Map<number, number>();

  constructor(
    lib: ChartLib,
    private readonly chart: IChartApi,
    private readonly series: ISeriesApi<'Candlestick'>,
    private readonly host: HTMLElement,
    private readonly events: ChartOrderEvents,
  ) {
    this.markers = lib.createSeriesMarkers(series, []);
    this.lines = new OrderLinesPrimitive((rows) => events.layout(rows));
    series.attachPrimitive(this.lines);
    this.readColours();
    // Capture phase: a press on a line is this overlay's, and the chart must not start panning with it.
    host.addEventListener('pointerdown', this.onDown, true);
    host.addEventListener('mousedown', this.onMouseDown, true);
    host.addEventListener('pointermove', this.onMove);
    host.addEventListener('pointerup', this.onUp);
    host.addEventListener('pointercancel', this.onCancel);
    host.addEventListener('contextmenu', this.onContextMenu);
  }

  /** Takes everything off the chart (`chartGone`: the chart itself was removed first, with all of it). */
  dispose(chartGone: boolean): void {
    if (!chartGone) {
      this.series.detachPrimitive(this.lines);
      this.markers.detach();
      if (this.entry) this.series.removePriceLine(this.entry.line);
    }
    this.host.removeEventListener('pointerdown', this.onDown, true);
    this.host.removeEventListener('mousedown', this.onMouseDown, true);
    this.host.removeEventListener('pointermove', this.onMove);
    this.host.removeEventListener('pointerup', this.onUp);
    this.host.removeEventListener('pointercancel', this.onCancel);
    this.host.removeEventListener('contextmenu', this.onContextMenu);
  }

  /** The colours of buys and sells, read again when the theme or colour convention changes. */
  readColours(): void {
    const style = getComputedStyle(document.documentElement);
    const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    this.colours = {
      up: read('--up', this.colours.up),
      down: read('--down', this.colours.down),
      // Behind white text (the lines' labels) the fills, which white meets at 4.5:1 in both themes.
      upFill: read('--up-fill', this.colours.upFill),
      downFill: read('--down-fill', this.colours.downFill),
    };
    if (this.entry) this.entry.colour = '';
    if (this.market) this.drawLines();
  }

  /** The open orders to draw (each with its label), redrawn in one pass. */
  setOrders(market: ViewMarket, lines: readonly OrderLine[]): void {
    this.market = market;
    this.titles = lines;
    const seen = new Set<number>();
    for (const { order } of lines) {
      seen.add(order.id);
      const d = this.drawn.get(order.id);
      const price = this.moving.get(order.id) ?? orderLinePrice(order);
      if (!d) this.drawn.set(order.id, { order, price });
      else {
        d.order = order;
        if (this.drag?.id !== order.id) d.price = price;
      }
    }
    for (const id of this.drawn.keys()) {
      if (seen.has(id)) continue;
      this.drawn.delete(id);
      this.moving.delete(id);
      if (this.drag?.id === id) this.endDrag();
    }
    this.drawLines();
  }

  private drawLines(): void {
    const market = this.market!;
    this.lines.setLines(
      this.titles.map(({ order, title }) => {
        return {
          id: order.id,
          value: plotted(market, this.drawn.get(order.id)?.price ?? orderLinePrice(order)),
          colour: order.side === 'buy' ? this.colours.upFill : this.colours.downFill,
          dashed: isWaitingStop(order),
          label: title,
        };
      }),
    );
  }

  /** The position's average entry line (null while flat or where the engine keeps no positions). */
  setEntry(market: ViewMarket, entry: EntryLine | null): void {
    if (this.market === null) this.market = market;
    // What the entry line says, for tests (the line itself is on the canvas).
    if (entry) this.host.dataset.entry = entry.title;
    else delete this.host.dataset.entry;
    if (!entry) {
      if (this.entry) this.series.removePriceLine(this.entry.line);
      this.entry = null;
      return;
    }
    const colour = entry.gain ? this.colours.upFill : this.colours.downFill;
    if (!this.entry) {
      const line = this.series.createPriceLine({
        price: plotted(market, entry.price),
        color: colour,
        lineWidth: 2,
        lineStyle: 1,
        axisLabelVisible: true,
        title: entry.title,
      });
      this.entry = { line, price: entry.price, title: entry.title, colour };
      return;
    }
    const e = this.entry;
    if (e.price === entry.price && e.title === entry.title && e.colour === colour) return;
    e.line.applyOptions({ price: plotted(market, entry.price), title: entry.title, color: colour });
    e.price = entry.price;
    e.title = entry.title;
    e.colour = colour;
  }

  /** My latest fills (any order), marked on the candles they happened in. */
  setFills(fills: readonly { ts: number; side: 'buy' | 'sell' }[]): void {
    this.fills = fills;
    this.barsChanged();
  }

  /**
   * My fills per candle over the loaded history (times in ms UTC), counting those up to `through`: the latest
   * fills are marked from then on only, so none counts twice.
   */
  setHistory(history: { marks: readonly FillMark[]; through: number }): void {
    this.history = history;
    this.barsChanged();
  }

  /** The candles were replaced (a new timeframe or history): the marks go to the new candles. */
  barsChanged(): void {
    const bars = this.series.data();
    const times = bars.map((b) => b.time as number);
    const history = this.history;
    const through = history?.through ?? -Infinity;
    const fills: { time: number; side: 'buy' | 'sell'; count?: number }[] = [];
    if (history) for (const m of history.marks) fills.push({ time: chartTime(m.time), side: m.side, count: m.count });
    for (const f of this.fills) if (f.ts > through) fills.push({ time: chartTime(f.ts), side: f.side });
    const marks = fillMarks(fills, times);
    const markers: SeriesMarker<Time>[] = marks.map((m) => ({
      time: m.time as UTCTimestamp,
      position: m.side === 'buy' ? 'belowBar' : 'aboveBar',
      shape: m.side === 'buy' ? 'arrowUp' : 'arrowDown',
      color: m.side === 'buy' ? this.colours.up : this.colours.down,
      ...(m.count > 1 ? { text: String(m.count) } : {}),
    }));
    this.markers.setMarkers(markers);
    // How many marks are drawn and how many fills they count, for tests and load tests (the marks themselves
    // are on the canvas).
    this.host.dataset.fillMarks = String(markers.length);
    this.host.dataset.fillCount = String(marks.reduce((n, m) => n + m.count, 0));
  }

  // ------------------------------------------------------------------ dragging

  private pointAt(e: MouseEvent): { x: number; y: number } {
    const r = this.host.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  /** The amendable order whose line is under `y`, if any. */
  private lineAt(y: number): Drawn | null {
    let best: Drawn | null = null;
    let bestGap = GRAB_PX + 1;
    for (const d of this.drawn.values()) {
      if (!isAmendable(d.order) || this.moving.has(d.order.id)) continue;
      const at = this.lines.rowOf(d.order.id);
      if (at === null) continue;
      const gap = Math.abs(at - y);
      if (gap < bestGap) {
        best = d;
        bestGap = gap;
      }
    }
    return best;
  }

  private readonly onMouseDown = (e: MouseEvent) => {
    // The chart listens to mouse events too: a press that took a line is not a pan.
    if (this.drag) e.stopPropagation();
  };

  private readonly onDown = (e: PointerEvent) => {
    if (e.button !== 0 || !this.market) return;
    const { y } = this.pointAt(e);
    const d = this.lineAt(y);
    if (!d) return;
    e.preventDefault();
    e.stopPropagation();
    this.drag = { id: d.order.id, from: d.price, to: d.price, pointer: e.pointerId };
    this.host.setPointerCapture?.(e.pointerId);
    this.host.dataset.dragging = '';
    this.chart.applyOptions({ handleScroll: false, handleScale: false });
  };

  private readonly onMove = (e: PointerEvent) => {
    const { y } = this.pointAt(e);
    if (!this.drag) {
      // Says which lines can be taken before they are.
      const over = this.market && e.buttons === 0 ? this.lineAt(y) : null;
      if (over) this.host.dataset.grab = '';
      else delete this.host.dataset.grab;
      return;
    }
    const value = this.series.coordinateToPrice(y);
    const price = value === null ? null : snapToTick(this.market!, value);
    if (price === null || price === this.drag.to) return;
    this.drag.to = price;
    this.lines.moveLine(this.drag.id, plotted(this.market!, price));
  };

  private readonly onUp = () => {
    const drag = this.drag;
    if (!drag) return;
    this.endDrag();
    const d = this.drawn.get(drag.id);
    if (!d || drag.to === drag.from) return;
    d.price = drag.to;
    this.moving.set(drag.id, drag.to);
    void this.events.amend(drag.id, drag.to).then((done) => {
      this.moving.delete(drag.id);
      const now = this.drawn.get(drag.id);
      if (!now || done) return;
      // Refused: back where the order still is.
      const back = orderLinePrice(now.order);
      now.price = back;
      this.lines.moveLine(drag.id, plotted(this.market!, back));
    });
  };

  private readonly onCancel = () => {
    const drag = this.drag;
    if (!drag) return;
    this.endDrag();
    this.lines.moveLine(drag.id, plotted(this.market!, drag.from));
  };

  private endDrag(): void {
    if (this.drag && this.host.hasPointerCapture?.(this.drag.pointer))
      this.host.releasePointerCapture(this.drag.pointer);
    this.drag = null;
    delete this.host.dataset.dragging;
    this.chart.applyOptions({ handleScroll: true, handleScale: true });
  }

  // ------------------------------------------------------------------ right-click

  private readonly onContextMenu = (e: MouseEvent) => {
    if (!this.market) return;
    e.preventDefault();
    const { x, y } = this.pointAt(e);
    const height = this.chart.panes()[0]?.getHeight() ?? 0;
    const value = y <= height ? this.series.coordinateToPrice(y) : null;
    this.events.menu(value === null ? null : snapToTick(this.market, value), x, y);
  };
}
