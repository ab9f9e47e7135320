/**
 * My open orders' lines as one series primitive of the candle series: every line and its label drawn in one
 * pass over the pane's canvas, rather than one price line (with its axis label) per order, so fifty orders cost
 * the chart one cheap draw per frame. The price is in each label, since the lines have no axis labels.
 *
 * Where each line is (px from the pane's top) is worked out when the chart updates its views — whenever the
 * price scale moves — and handed to `onLayout`, so the controls over the chart follow without a loop of their own.
 */
import type { CanvasRenderingTarget2D } from 'fancy-canvas';
import type {
  IChartApi,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  SeriesAttachedParameter,
  Time,
} from 'lightweight-charts';

export interface PlottedLine {
  id: number;
  /** Plotted price (the chart's float). */
  value: number;
  colour: string;
  dashed: boolean;
  label: string;
}

const FONT = '11px sans-serif';
const LABEL_PAD = 4;
const LABEL_HEIGHT = 16;

export class OrderLinesPrimitive implements ISeriesPrimitive<Time> {
  private lines: PlottedLine[] = [];
  private readonly rows = new Map<number, number | null>();
  private series: ISeriesApi<'Candlestick'> | null = null;
  private chart: IChartApi | null = null;
  private requestUpdate: (() => void) | null = null;
  /** Label widths by text: measured once per label. */
  private readonly widths = new Map<string, number>();
  private readonly view: IPrimitivePaneView;

  constructor(private readonly onLayout: (rows: ReadonlyMap<number, number | null>) => void) {
    const renderer: IPrimitivePaneRenderer = { draw: (target) => this.draw(target) };
    this.view = { renderer: () => renderer };
  }

  attached(param: SeriesAttachedParameter<Time>): void {
    this.series = param.series as ISeriesApi<'Candlestick'>;
    this.chart = param.chart as IChartApi;
    this.requestUpdate = param.requestUpdate;
  }

  detached(): void {
    this.series = null;
    this.chart = null;
    this.requestUpdate = null;
  }

  setLines(lines: PlottedLine[]): void {
    this.lines = lines;
    this.requestUpdate?.();
  }

  /** Moves one line (while it is dragged) without touching the others. */
  moveLine(id: number, value: number): void {
    const line = this.lines.find((l) => l.id === id);
    if (!line || line.value === value) return;
    line.value = value;
    this.requestUpdate?.();
  }

  /** Where a line is now (px from the pane's top), or null when off the pane (above or below what is shown). */
  rowOf(id: number): number | null {
    return this.rows.get(id) ?? null;
  }

  updateAllViews(): void {
    const series = this.series;
    if (!series) return;
    const height = this.chart?.panes()[0]?.getHeight() ?? 0;
    let changed = this.rows.size !== this.lines.length;
    const ids = new Set<number>();
    for (const line of this.lines) {
      ids.add(line.id);
      const y = series.priceToCoordinate(line.value);
      const row = y === null || y < 0 || y > height ? null : Math.round(y);
      if (this.rows.get(line.id) !== row) {
        this.rows.set(line.id, row);
        changed = true;
      }
    }
    for (const id of this.rows.keys()) if (!ids.has(id)) this.rows.delete(id);
    if (changed) this.onLayout(this.rows);
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.view];
  }

  private draw(target: CanvasRenderingTarget2D): void {
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      const { width } = mediaSize;
      ctx.save();
      ctx.lineWidth = 1;
      ctx.font = FONT;
      ctx.textBaseline = 'middle';
      for (const line of this.lines) {
        const y = this.rows.get(line.id);
        if (y === null || y === undefined) continue;
        const at = y + 0.5;
        ctx.strokeStyle = line.colour;
        ctx.setLineDash(line.dashed ? [4, 3] : []);
        ctx.beginPath();
        ctx.moveTo(0, at);
        ctx.lineTo(width, at);
        ctx.stroke();
        let w = this.widths.get(line.label);
        if (w === undefined) {
          w = Math.ceil(ctx.measureText(line.label).width);
          this.widths.set(line.label, w);
          if (this.widths.size > 500) this.widths.clear();
        }
        const x = width - w - 2 * LABEL_PAD - 4;
        ctx.fillStyle = line.colour;
        ctx.fillRect(x, y - LABEL_HEIGHT / 2, w + 2 * LABEL_PAD, LABEL_HEIGHT);
        ctx.fillStyle = '#ffffff';
        ctx.fillText(line.label, x + LABEL_PAD, at);
      }
      ctx.restore();
    });
  }
}
