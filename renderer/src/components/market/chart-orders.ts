/**
 * My trading drawn on the price chart: each open order as a price line (side, amount and type in its label, a
 * waiting stop dashed at its stop price), my fills as buy/sell marks on the candles they happened in, and the
 * position's average entry price as a line whose label carries its unrealised PnL. An amendable order's line
 * can be dragged to a new price; on release the move goes through the market view's amend, and a refused move
 * snaps back. A right-click asks to start an order at the price under the pointer.
 *
 * Imperative, as the chart is: the React layer (ChartOrderLayer) hands it what to draw and places the controls
 * it reports positions for. Lines and marks change only when what they show changes, so a streaming market
 * redraws nothing here but the entry line's label when its PnL moves.
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
import type { ChartLib } from '../../lib/charts';
import { fillMarks, isAmendable, orderLinePrice, plotted, snapToTick } from '../../lib/chart-orders';
import type { ViewMarket, ViewOrder } from '../../lib/market-view';
import { chartTime } from './chart-data';

/** How close (px) the pointer must come to a line to take it. */
const GRAB_PX = 5;

export interface OrderLine {
  order: ViewOrder;
  /** The label drawn on the line. */
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
  line: IPriceLine;
  order: ViewOrder;
  price: number;
  title: string;
  colour: string;
}

export class ChartOrders {
  private readonly drawn = new Map<number, Drawn>();
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private market: ViewMarket | null = null;
  private colours = { up: '#f04452', down: '#3182f6' };
  private entry: { line: IPriceLine; price: number; title: string; colour: string } | null = null;
  private fills: readonly { ts: number; side: 'buy' | 'sell'; quantity: number }[] = [];
  private drag: { id: number; from: number; to: number; pointer: number } | null = null;
  /** Orders whose drop is being confirmed: their line stays where it was dropped until the answer. */
  private readonly moving = new Map<number, number>();
  private readonly rows = new Map<number, number | null>();
  private frame = 0;
  private disposed = false;

  constructor(
    lib: ChartLib,
    private readonly chart: IChartApi,
    private readonly series: ISeriesApi<'Candlestick'>,
    private readonly host: HTMLElement,
    private readonly events: ChartOrderEvents,
  ) {
    this.markers = lib.createSeriesMarkers(series, []);
    this.readColours();
    // Capture phase: a press on a line is this overlay's, and the chart must not start panning with it.
    host.addEventListener('pointerdown', this.onDown, true);
    host.addEventListener('mousedown', this.onMouseDown, true);
    host.addEventListener('pointermove', this.onMove);
    host.addEventListener('pointerup', this.onUp);
    host.addEventListener('pointercancel', this.onCancel);
    host.addEventListener('contextmenu', this.onContextMenu);
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.frame);
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
    this.colours = {
      up: style.getPropertyValue('--up').trim() || this.colours.up,
      down: style.getPropertyValue('--down').trim() || this.colours.down,
    };
    for (const d of this.drawn.values()) d.colour = '';
    if (this.entry) this.entry.colour = '';
  }

  /** The open orders to draw; lines are made, moved, relabelled or removed only where something changed. */
  setOrders(market: ViewMarket, lines: readonly OrderLine[]): void {
    if (this.market !== market) this.market = market;
    const seen = new Set<number>();
    for (const { order, title } of lines) {
      seen.add(order.id);
      const price = this.moving.get(order.id) ?? orderLinePrice(order);
      const colour = order.side === 'buy' ? this.colours.up : this.colours.down;
      const waiting = orderLinePrice(order) !== order.price || order.price === 0;
      const d = this.drawn.get(order.id);
      if (!d) {
        const line = this.series.createPriceLine({
          price: plotted(market, price),
          color: colour,
          lineWidth: 1,
          lineStyle: waiting ? 2 : 0,
          axisLabelVisible: true,
          title,
        });
        this.drawn.set(order.id, { line, order, price, title, colour });
        continue;
      }
      d.order = order;
      if (this.drag?.id === order.id) continue;
      if (d.price !== price || d.title !== title || d.colour !== colour) {
        d.line.applyOptions({ price: plotted(market, price), title, color: colour, lineStyle: waiting ? 2 : 0 });
        d.price = price;
        d.title = title;
        d.colour = colour;
      }
    }
    for (const [id, d] of this.drawn) {
      if (seen.has(id)) continue;
      this.series.removePriceLine(d.line);
      this.drawn.delete(id);
      this.moving.delete(id);
      if (this.drag?.id === id) this.endDrag();
    }
    this.followLayout();
  }

  /** The position's average entry line (null while flat or where the engine keeps no positions). */
  setEntry(market: ViewMarket, entry: EntryLine | null): void {
    if (!entry) {
      if (this.entry) this.series.removePriceLine(this.entry.line);
      this.entry = null;
      return;
    }
    const colour = entry.gain ? this.colours.up : this.colours.down;
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

  /** My fills (any order), marked on the candles they happened in. */
  setFills(fills: readonly { ts: number; side: 'buy' | 'sell'; quantity: number }[]): void {
    this.fills = fills;
    this.barsChanged();
  }

  /** The candles were replaced (a new timeframe or history): the marks go to the new candles. */
  barsChanged(): void {
    const bars = this.series.data();
    const times = bars.map((b) => b.time as number);
    const marks = fillMarks(
      this.fills.map((f) => ({ time: chartTime(f.ts), side: f.side, quantity: f.quantity })),
      times,
    );
    const markers: SeriesMarker<Time>[] = marks.map((m) => ({
      time: m.time as UTCTimestamp,
      position: m.side === 'buy' ? 'belowBar' : 'aboveBar',
      shape: m.side === 'buy' ? 'arrowUp' : 'arrowDown',
      color: m.side === 'buy' ? this.colours.up : this.colours.down,
      ...(m.count > 1 ? { text: String(m.count) } : {}),
    }));
    this.markers.setMarkers(markers);
    // How many marks are drawn, for tests and load tests (the marks themselves are on the canvas).
    this.host.dataset.fillMarks = String(markers.length);
  }

  // ------------------------------------------------------------------ where the lines are

  /**
   * Reports where each order's line is, every frame while there are orders (the price scale moves as the
   * market streams), and only the rows that changed reach the layer.
   */
  private followLayout(): void {
    if (this.frame || this.disposed) return;
    const tick = () => {
      this.frame = 0;
      if (this.disposed) return;
      const height = this.chart.panes()[0]?.getHeight() ?? 0;
      let changed = this.rows.size !== this.drawn.size;
      for (const id of this.rows.keys()) if (!this.drawn.has(id)) this.rows.delete(id);
      for (const [id, d] of this.drawn) {
        const y = this.series.priceToCoordinate(plotted(this.market!, this.drag?.id === id ? this.drag.to : d.price));
        const row = y === null || y < 0 || y > height ? null : Math.round(y);
        if (this.rows.get(id) !== row) {
          this.rows.set(id, row);
          changed = true;
        }
      }
      if (changed) this.events.layout(this.rows);
      if (this.drawn.size) this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
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
      const at = this.series.priceToCoordinate(plotted(this.market!, d.price));
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
    this.drawn.get(this.drag.id)?.line.applyOptions({ price: plotted(this.market!, price) });
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
      now.line.applyOptions({ price: plotted(this.market!, back) });
    });
  };

  private readonly onCancel = () => {
    const drag = this.drag;
    if (!drag) return;
    this.endDrag();
    this.drawn.get(drag.id)?.line.applyOptions({ price: plotted(this.market!, drag.from) });
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
