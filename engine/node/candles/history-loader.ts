/**
 * Opens a chart's history: stored candles at once, then only the missing minutes fetched from the exchange.
 *
 * Missing 1m ranges are paged backwards from their newest minute (so the part of the chart nearest to now fills
 * first), a bounded number of ranges at a time and a bounded number of pages per open. Each page is written in
 * its own transaction with the known range it proves, so an error, an abort or a killed app between pages
 * leaves every written range whole and the next open resumes where this one stopped. A source that fails —
 * offline, rate-limited, down — ends the load with an error state and the stored candles; it never throws.
 */
import type { Candle, CandleInterval, CandlePage, CandleSource, FeedMarket } from '../../core/market-data/types';
import type { CandleStore } from './candle-store';
import { candleProblem } from '../../core/candles/columns';
import {
  MINUTE_MS,
  bucketStart,
  intervalStart,
  isMinuteAligned,
  nextIntervalStart,
  type BoundaryOptions,
} from '../../core/candles/intervals';
import { rangeLength, type TimeRange } from '../../core/candles/time-ranges';

export interface HistoryRequest {
  market: FeedMarket;
  interval: CandleInterval;
  /** Wanted span, ms UTC; widened to whole candles of the interval and cut at the current minute. */
  from: number;
  to: number;
}

export interface HistoryProgress {
  market: string;
  pagesDone: number;
  /** Pages done plus an upper bound for the rest (gaps make real pages cover more minutes than estimated). */
  pagesEstimated: number;
  /** Minutes of the requested range now known (stored before or fetched now). */
  minutesCovered: number;
  minutesTotal: number;
  /** The range the page just written made known. */
  page: TimeRange;
}

export type HistoryState = 'complete' | 'partial' | 'aborted' | 'error';

export interface HistoryResult {
  /** complete: nothing missing; partial: the page budget ran out; aborted: the signal fired; error: see `error`. */
  state: HistoryState;
  /** Candles of the requested interval over the range, from everything stored now. */
  candles: Candle[];
  pages: number;
  /** What is still not known. */
  missing: TimeRange[];
  error?: Error;
}

export interface ChartHistory {
  /** The aligned range the chart covers. */
  range: TimeRange;
  /** What was stored when the chart opened, aggregated to the interval. */
  stored: Candle[];
  /** What was missing then (and is being fetched). */
  missing: TimeRange[];
  /** Settles when fetching ends; never rejects for a source error. */
  done: Promise<HistoryResult>;
}

export interface HistoryLoaderOptions extends BoundaryOptions {
  /** Candles asked for per page (Upbit allows 200, Binance 1000). Default 200. */
  pageLimit?: number;
  /** Most pages one open may fetch; the rest is left for the next open. Default 500 (100,000 minutes). */
  maxPages?: number;
  /** Missing ranges fetched at the same time (each one's pages go strictly one after another). Default 2. */
  concurrency?: number;
  now?: () => number;
}

export interface OpenOptions {
  signal?: AbortSignal;
  onProgress?: (progress: HistoryProgress) => void;
}

/** A page the source returned that breaks the CandleSource contract. */
export class CandlePageError extends Error {
  constructor(detail: string) {
    super(`candle source returned a bad page: ${detail}`);
    this.name = 'CandlePageError';
  }
}

/** The 1m range behind a chart: whole candles of the interval, never reaching into the current minute. */
export function chartRange(
  interval: CandleInterval,
  from: number,
  to: number,
  now: number,
  options: BoundaryOptions = {},
): TimeRange {
  const start = intervalStart(from, interval, options);
  const endCandle = nextIntervalStart(intervalStart(to - 1, interval, options), interval, options);
  // The current minute is still trading: it is never stored as known (live candles cover it).
  const end = Math.min(endCandle, bucketStart(now, MINUTE_MS));
  return { from: start, to: Math.max(start, end) };
}

export class CandleHistoryLoader {
  private readonly pageLimit: number;
  private readonly maxPages: number;
  private readonly concurrency: number;
  private readonly now: () => number;

  constructor(
    private readonly store: CandleStore,
    private readonly source: CandleSource,
    private readonly options: HistoryLoaderOptions = {},
  ) {
    this.pageLimit = options.pageLimit ?? 200;
    this.maxPages = options.maxPages ?? 500;
    this.concurrency = options.concurrency ?? 2;
    this.now = options.now ?? Date.now;
    for (const [name, v] of [
      ['pageLimit', this.pageLimit],
      ['maxPages', this.maxPages],
      ['concurrency', this.concurrency],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
  }

  /** Stored candles now (throws only if the store itself is damaged); the fetch of the rest runs on. */
  open(request: HistoryRequest, options: OpenOptions = {}): ChartHistory {
    const range = chartRange(request.interval, request.from, request.to, this.now(), this.options);
    const stored = this.store.readCandles(request.market, request.interval, range, this.options);
    const missing = this.store.missingRanges(request.market, range);
    const done = this.fetchMissing(request, range, missing, options);
    return { range, stored, missing, done };
  }

  private async fetchMissing(
    request: HistoryRequest,
    range: TimeRange,
    missing: TimeRange[],
    { signal, onProgress }: OpenOptions,
  ): Promise<HistoryResult> {
    const { market } = request;
    const minutesTotal = (range.to - range.from) / MINUTE_MS;
    let remainingMinutes = rangeLength(missing) / MINUTE_MS;
    let pages = 0;
    let budgetHit = false;
    let failure: Error | undefined;
    // One controller for the whole load: the caller's abort or the first error stops every range.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) stop.abort(signal.reason);

    const queue = [...missing].reverse(); // newest range first
    const pageRange = async (r: TimeRange) => {
      // endBefore is the source's cursor; coveredTo is where the known part of this range begins (whole minutes).
      let endBefore = r.to;
      let coveredTo = r.to;
      while (coveredTo > r.from) {
        if (stop.signal.aborted) return;
        if (pages >= this.maxPages) {
          budgetHit = true;
          return;
        }
        pages++;
        const page = await this.source.fetchMinuteCandles(market, endBefore, this.pageLimit, stop.signal);
        if (stop.signal.aborted) return; // an abort that raced the response: write nothing more
        const { coverFrom, candles, next } = checkPage(page, endBefore, coveredTo, r.from);
        this.store.writeRange(market, { from: coverFrom, to: coveredTo }, candles);
        remainingMinutes -= (coveredTo - coverFrom) / MINUTE_MS;
        onProgress?.({
          market: market.id,
          pagesDone: pages,
          pagesEstimated: pages + Math.ceil(remainingMinutes / this.pageLimit),
          minutesCovered: minutesTotal - remainingMinutes,
          minutesTotal,
          page: { from: coverFrom, to: coveredTo },
        });
        coveredTo = coverFrom;
        endBefore = next;
      }
    };
    const worker = async () => {
      for (let r = queue.shift(); r && !stop.signal.aborted; r = queue.shift()) {
        try {
          await pageRange(r);
        } catch (err) {
          // A source rejecting because the caller aborted is the abort, not a failure.
          if (!signal?.aborted) failure ??= err instanceof Error ? err : new Error(String(err));
          stop.abort(failure);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    signal?.removeEventListener('abort', onAbort);

    const candles = this.store.readCandles(market, request.interval, range, this.options);
    const stillMissing = this.store.missingRanges(market, range);
    const state: HistoryState = failure
      ? 'error'
      : signal?.aborted
        ? 'aborted'
        : budgetHit || stillMissing.length
          ? 'partial'
          : 'complete';
    return { state, candles, pages, missing: stillMissing, ...(failure ? { error: failure } : {}) };
  }
}

/**
 * Validates a page against the CandleSource contract and works out what it proves: the candles in
 * [coverFrom, coveredTo) are all there are. Candles older than that are left for the next page.
 */
function checkPage(
  page: CandlePage,
  endBefore: number,
  coveredTo: number,
  rangeFrom: number,
): { coverFrom: number; candles: Candle[]; next: number } {
  if (!page || !Array.isArray(page.candles)) throw new CandlePageError('no candles array');
  const { nextEndBefore } = page;
  if (nextEndBefore !== undefined && (!Number.isSafeInteger(nextEndBefore) || nextEndBefore >= endBefore)) {
    throw new CandlePageError(`nextEndBefore ${nextEndBefore} does not go back from ${endBefore}`);
  }
  // Nothing older: the whole rest of the range is known (before a market's first trade there are none).
  // Otherwise the page proves the whole minutes from nextEndBefore on.
  const reach = nextEndBefore === undefined ? rangeFrom : Math.ceil(nextEndBefore / MINUTE_MS) * MINUTE_MS;
  const coverFrom = Math.max(rangeFrom, reach);
  if (coverFrom >= coveredTo) throw new CandlePageError(`no whole minute covered before ${coveredTo}`);
  let prev = -Infinity;
  const candles: Candle[] = [];
  for (const c of page.candles) {
    const problem = candleProblem(c) ?? (isMinuteAligned(c.openTime) ? undefined : 'openTime is not a whole minute');
    if (problem) throw new CandlePageError(`candle at ${c.openTime}: ${problem}`);
    if (c.openTime <= prev) throw new CandlePageError(`candles not oldest first at ${c.openTime}`);
    if (c.openTime >= endBefore) throw new CandlePageError(`candle at ${c.openTime} is not before ${endBefore}`);
    prev = c.openTime;
    if (c.openTime >= coverFrom) {
      candles.push({ openTime: c.openTime, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });
    }
  }
  return { coverFrom, candles, next: nextEndBefore ?? rangeFrom };
}
