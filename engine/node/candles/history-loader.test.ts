import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedMarket } from '../../core/market-data/types';
import { aggregateCandles } from '../../core/candles/aggregate';
import { CandleStore } from './candle-store';
import { CandleHistoryLoader, chartRange, type HistoryProgress } from './history-loader';
import { MINUTE_MS } from '../../core/candles/intervals';
import { syntheticMinutes } from '../../core/candles/synthetic-minutes';
import { MemoryCandleSource } from '../../core/candles/testing/memory-candle-source';
import { useTempDirs } from './testing/temp-dir';

const tempDir = useTempDirs('history-loader-');
const MARKET: FeedMarket = {
  exchange: 'upbit',
  id: 'BTC-KRW',
  symbol: 'KRW-BTC',
  base: 'BTC',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
};
const T0 = Date.UTC(2024, 5, 1); // 00:00 UTC
const at = (minute: number) => T0 + minute * MINUTE_MS;
// The exchange's history: 3 days, with 10% quiet minutes, and nothing before T0 (the market's listing).
const HISTORY = syntheticMinutes({ seed: 3, from: T0, minutes: 3 * 1440, gapRate: 0.1 });
const NOW = at(3 * 1440) + 30_000; // half a minute into the minute after the history

const truth = (from: number, to: number) => HISTORY.filter((c) => c.openTime >= from && c.openTime < to);

function setup(options: ConstructorParameters<typeof CandleHistoryLoader>[2] = {}) {
  const store = CandleStore.open(join(tempDir(), 'candles.db'));
  const source = new MemoryCandleSource(HISTORY);
  const loader = new CandleHistoryLoader(store, source, { pageLimit: 100, concurrency: 1, now: () => NOW, ...options });
  return { store, source, loader };
}

describe('CandleHistoryLoader', () => {
  it('returns stored candles at once, then fetches only the missing ranges, newest first', async () => {
    const { store, source, loader } = setup();
    store.writeRange(MARKET, { from: at(300), to: at(600) }, truth(at(300), at(600)));
    const chart = loader.open({ market: MARKET, interval: '5m', from: at(0), to: at(900) });
    expect(chart.range).toEqual({ from: at(0), to: at(900) });
    expect(chart.stored).toEqual(aggregateCandles(truth(at(300), at(600)), '5m'));
    expect(chart.missing).toEqual([
      { from: at(0), to: at(300) },
      { from: at(600), to: at(900) },
    ]);
    const result = await chart.done;
    expect(result.state).toBe('complete');
    expect(result.candles).toEqual(aggregateCandles(truth(at(0), at(900)), '5m'));
    // The newer hole first; nothing in the stored stretch was asked for.
    expect(source.calls[0].endBefore).toBe(at(900));
    for (const call of source.calls) expect(call.endBefore <= at(300) || call.endBefore > at(600)).toBe(true);
    expect(store.missingRanges(MARKET, chart.range)).toEqual([]);
    // Opening again fetches nothing.
    const again = loader.open({ market: MARKET, interval: '1h', from: at(0), to: at(900) });
    expect((await again.done).pages).toBe(0);
    expect(source.calls.length).toBe(result.pages);
    store.close();
  });

  it('pages backwards from each page’s oldest candle and reports progress per page', async () => {
    const { store, source, loader } = setup();
    const progress: HistoryProgress[] = [];
    const chart = loader.open(
      { market: MARKET, interval: '1m', from: at(1000), to: at(1500) },
      { onProgress: (p) => progress.push(p) },
    );
    const result = await chart.done;
    const ends = source.calls.map((c) => c.endBefore);
    expect(ends[0]).toBe(at(1500));
    for (let i = 1; i < ends.length; i++) {
      // Each request ends at the oldest candle of the page before it.
      const previousPageOldest = truth(at(0), ends[i - 1]).slice(-100)[0].openTime;
      expect(ends[i]).toBe(previousPageOldest);
    }
    expect(result.pages).toBe(ends.length);
    expect(ends.length).toBe(Math.ceil(truth(at(1000), at(1500)).length / 100));
    expect(progress.map((p) => p.pagesDone)).toEqual(ends.map((_, i) => i + 1));
    expect(progress[0].pagesEstimated).toBe(5); // 1 + ceil(rest / 100) after a page of 100 candles
    for (let i = 1; i < progress.length; i++)
      expect(progress[i].minutesCovered).toBeGreaterThan(progress[i - 1].minutesCovered);
    expect(progress.at(-1)).toMatchObject({ minutesCovered: 500, minutesTotal: 500, pagesEstimated: ends.length });
    // Adjacent pages tile the range exactly.
    for (let i = 1; i < progress.length; i++) expect(progress[i].page.to).toBe(progress[i - 1].page.from);
    expect(result.candles).toEqual(truth(at(1000), at(1500)));
    store.close();
  });

  it('an error mid-paging keeps the pages written whole and records nothing of the rest', async () => {
    const { store, source, loader } = setup();
    source.failOnCall = { call: 3, error: new Error('HTTP 429 Too Many Requests') };
    const chart = loader.open({ market: MARKET, interval: '1m', from: at(0), to: at(1440) });
    const result = await chart.done;
    expect(result.state).toBe('error');
    expect(result.error?.message).toMatch(/429/);
    expect(source.calls).toHaveLength(3);
    // Exactly the two written pages are known, and hold exactly the exchange's candles.
    const known = store.knownRanges(MARKET, chart.range);
    expect(known).toHaveLength(1);
    expect(known[0].to).toBe(at(1440));
    expect(known[0].from).toBe(source.calls[2].endBefore);
    expect(store.readCandles(MARKET, '1m', chart.range)).toEqual(truth(known[0].from, at(1440)));
    expect(result.candles).toEqual(truth(known[0].from, at(1440)));
    expect(result.missing).toEqual([{ from: at(0), to: known[0].from }]);
    store.close();
  });

  it('a page the store refuses mid-write rolls back entirely (rows and known range)', async () => {
    const { store, source, loader } = setup({ pageLimit: 1000 });
    // The second page spans a day boundary; its last candle (in the later day) has an impossible price, so
    // the write fails after the earlier day's row was already replaced inside the transaction.
    source.tamper = (page, call) => {
      if (call !== 2) return page;
      const candles = page.candles.map((c) => ({ ...c }));
      const last = candles[candles.length - 1];
      Object.assign(last, { high: 2 ** 52 + 10 });
      return { ...page, candles };
    };
    const result = await loader.open({ market: MARKET, interval: '1m', from: at(0), to: at(3 * 1440) }).done;
    expect(result.state).toBe('error');
    expect(result.error?.message).toMatch(/too large to store/);
    const known = store.knownRanges(MARKET, { from: at(0), to: at(3 * 1440) });
    expect(known).toHaveLength(1);
    const firstPageFrom = known[0].from;
    expect(known[0].to).toBe(at(3 * 1440));
    expect(store.readCandles(MARKET, '1m', { from: at(0), to: at(3 * 1440) })).toEqual(
      truth(firstPageFrom, at(3 * 1440)),
    );
    store.close();
  });

  it('works offline from what is stored: error state, stored candles, no throw', async () => {
    const { store, source, loader } = setup();
    store.writeRange(MARKET, { from: at(0), to: at(60) }, truth(at(0), at(60)));
    source.failAlways = new Error('getaddrinfo ENOTFOUND api.upbit.com');
    const chart = loader.open({ market: MARKET, interval: '15m', from: at(0), to: at(120) });
    expect(chart.stored).toEqual(aggregateCandles(truth(at(0), at(60)), '15m'));
    const result = await chart.done;
    expect(result).toMatchObject({ state: 'error', pages: 1, missing: [{ from: at(60), to: at(120) }] });
    expect(result.candles).toEqual(chart.stored);
    expect(result.error?.message).toMatch(/ENOTFOUND/);
    store.close();
  });

  it('stops on abort, passing the signal to the source, and a later open resumes', async () => {
    const { store, source, loader } = setup();
    let release!: () => void;
    let calls = 0;
    source.gate = () => (++calls === 1 ? Promise.resolve() : new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    const chart = loader.open(
      { market: MARKET, interval: '1m', from: at(0), to: at(1000) },
      { signal: ac.signal, onProgress: () => ac.abort(new Error('chart closed')) },
    );
    const result = await chart.done;
    expect(result.state).toBe('aborted');
    expect(result.pages).toBe(1);
    expect(release).toBeUndefined(); // no second request was started after the abort
    expect(source.calls).toHaveLength(1);
    const [kept] = store.knownRanges(MARKET, { from: at(0), to: at(1000) });
    expect(kept.to).toBe(at(1000));
    source.gate = undefined;
    const resumed = await loader.open({ market: MARKET, interval: '1m', from: at(0), to: at(1000) }).done;
    expect(resumed.state).toBe('complete');
    expect(source.calls[1].endBefore).toBe(kept.from); // picks up where the aborted open stopped
    expect(resumed.candles).toEqual(truth(at(0), at(1000)));
    store.close();
  });

  it('bounds the pages per open (partial) and the ranges fetched at once', async () => {
    const { store, source, loader } = setup({ maxPages: 2, concurrency: 2 });
    let inFlight = 0;
    let maxInFlight = 0;
    source.gate = async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    };
    store.writeRange(MARKET, { from: at(200), to: at(210) }, truth(at(200), at(210)));
    store.writeRange(MARKET, { from: at(400), to: at(410) }, truth(at(400), at(410)));
    const result = await loader.open({ market: MARKET, interval: '1m', from: at(0), to: at(1440) }).done;
    expect(result.state).toBe('partial');
    expect(result.pages).toBe(2);
    expect(source.calls).toHaveLength(2);
    expect(maxInFlight).toBe(2);
    // The two newest holes were started together.
    expect(source.calls.map((c) => c.endBefore).sort()).toEqual([at(400), at(1440)].sort());
    store.close();
  });

  it('never marks the current minute known, and treats the time before the first candle as known-empty', async () => {
    const { store, loader } = setup();
    const range = chartRange('1h', at(-120), NOW + 3_600_000, NOW);
    expect(range).toEqual({ from: at(-120), to: at(3 * 1440) }); // cut at the start of the current minute
    const result = await loader.open({ market: MARKET, interval: '1h', from: at(-120), to: at(200) }).done;
    expect(result.state).toBe('complete');
    // Before the listing there is nothing, and the loader learnt that from a page with no nextEndBefore.
    expect(store.knownRanges(MARKET, { from: at(-120), to: at(0) })).toEqual([{ from: at(-120), to: at(0) }]);
    expect(result.candles[0].openTime).toBe(at(0));
    store.close();
  });

  it('rejects a page that breaks the contract without storing it', async () => {
    const { store, source, loader } = setup();
    source.tamper = (page) => ({ ...page, candles: [...page.candles].reverse() });
    const result = await loader.open({ market: MARKET, interval: '1m', from: at(0), to: at(300) }).done;
    expect(result.state).toBe('error');
    expect(result.error?.message).toMatch(/bad page: candles not oldest first/);
    expect(store.knownRanges(MARKET, { from: at(0), to: at(300) })).toEqual([]);
    store.close();
  });
});

describe('chartRange', () => {
  it('widens to whole candles of the interval', () => {
    const now = at(10_000);
    expect(chartRange('1h', at(61), at(125), now)).toEqual({ from: at(60), to: at(180) });
    expect(chartRange('1d', at(61), at(125), now, { dayStartMinute: 60 })).toEqual({ from: at(60), to: at(60 + 1440) });
    expect(chartRange('1m', at(5), at(5), now)).toEqual({ from: at(5), to: at(5) });
  });
});
