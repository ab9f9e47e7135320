/**
 * My fills over the whole history a chart has loaded: the view's latest fills reach back only so far, so where
 * the view's engine keeps more (`fillMarks`), the chart's fill marks are asked for per candle of its timeframe,
 * from its oldest candle, whenever the candles drawn change (a timeframe, scrolling back, a reload). The newest
 * answer wins; one that fails is asked for again with the next candles. Once all the view's latest fills came
 * after the marks counted, fills in between could be in neither, and the marks are asked for again.
 */
import type { ViewStore } from '../../stores/view-context';
import type { ChartOrders } from './chart-orders';
import type { ChartParts } from './ChartOrderLayer';

export interface ChartFillHistory {
  /** The candles drawn changed: ask for their marks unless those of the same candles are in. */
  load(): void;
  /** The view's latest fills changed (newest first). */
  fillsChanged(fills: readonly { ts: number }[]): void;
  stop(): void;
}

export function chartFillHistory(overlay: ChartOrders, parts: ChartParts, view: ViewStore): ChartFillHistory {
  let asked = 0;
  /** The timeframe and oldest candle of the marks asked for last. */
  let key = '';
  /** The newest fill the marks drawn count (null: none drawn yet). */
  let through: number | null = null;
  let stopped = false;

  const load = (again: boolean) => {
    const ask = view.getState().fillMarks;
    const drawn = parts.drawn;
    if (!ask || !drawn || stopped) return;
    const k = `${drawn.interval}:${drawn.oldest}`;
    if (!again && k === key) return;
    key = k;
    const n = ++asked;
    ask(drawn.interval, drawn.oldest).then(
      (history) => {
        if (stopped || n !== asked) return;
        through = history.through;
        overlay.setHistory(history);
      },
      () => {
        if (n === asked) key = '';
      },
    );
  };

  return {
    load: () => load(false),
    fillsChanged(fills) {
      if (through === null || fills.length === 0) return;
      const oldest = fills[fills.length - 1].ts;
      if (oldest > through) load(true);
    },
    stop() {
      stopped = true;
    },
  };
}
