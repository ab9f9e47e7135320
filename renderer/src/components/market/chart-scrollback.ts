/**
 * Scrolling the price chart back: when the view reaches the oldest candle shown, the candles before it are
 * asked for (the host reads its store and fetches what it lacks) and put in front, keeping the candles on
 * screen where they were. One request at a time; an answer with nothing older is the start of history, said
 * once and not asked again; a failed request is tried again only after a pause, when the view is still there.
 */
import type { IChartApi, LogicalRange } from 'lightweight-charts';
import type { CandleBar } from '@protocol/api';

export type OlderState = 'idle' | 'loading' | 'end' | 'error';

/** Within this many bars of the oldest one, the older ones are fetched. */
const EDGE_BARS = 5;
const RETRY_AFTER_MS = 3_000;

export interface ScrollBackOptions {
  chart: IChartApi;
  /** Open time of the oldest candle shown (undefined: none yet, nothing to scroll back from). */
  oldest(): number | undefined;
  load(before: number): Promise<CandleBar[]>;
  /** Puts the older candles in front of the shown ones and redraws; returns how many were added. */
  prepend(bars: CandleBar[]): number;
  onState(state: OlderState): void;
}

/** Watches the view; returns the function that stops watching (an answer arriving after it is dropped). */
export function scrollBack(o: ScrollBackOptions): () => void {
  let state: OlderState = 'idle';
  let retryAt = 0;
  let alive = true;
  const timeScale = o.chart.timeScale();
  const set = (s: OlderState) => {
    state = s;
    o.onState(s);
  };

  const onRange = (range: LogicalRange | null) => {
    if (!range || range.from > EDGE_BARS || state === 'loading' || state === 'end') return;
    if (state === 'error' && Date.now() < retryAt) return;
    const before = o.oldest();
    if (before === undefined) return;
    set('loading');
    o.load(before).then(
      (bars) => {
        if (!alive) return;
        const older = bars.filter((b) => b.openTime < before);
        if (older.length === 0) return set('end');
        const shown = timeScale.getVisibleLogicalRange();
        const added = o.prepend(older);
        // The library keeps a range's indices when data is replaced: shift them past the added candles, so the
        // candles on screen stay where they were (unless it already kept them, anchored at the newest).
        const after = timeScale.getVisibleLogicalRange();
        if (shown && after && Math.abs(after.from - shown.from) < 0.5)
          timeScale.setVisibleLogicalRange({ from: shown.from + added, to: shown.to + added });
        set('idle');
      },
      () => {
        if (!alive) return;
        retryAt = Date.now() + RETRY_AFTER_MS;
        set('error');
      },
    );
  };
  timeScale.subscribeVisibleLogicalRangeChange(onRange);
  return () => {
    alive = false;
    timeScale.unsubscribeVisibleLogicalRangeChange(onRange);
  };
}
