/**
 * The loader against the real Upbit candle source, served by the mock exchange on 127.0.0.1: checks that the
 * loader's reading of the CandleSource contract (what a page proves, how to page on) matches the adapter's.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../feed/logger';
import { resolveMarket } from '../../core/market-data/markets';
import { MockExchange } from '../../tools/mock-exchange/mock-exchange';
import { RestClient } from '../feed/rest-client';
import { UpbitCandleSource } from '../feed/upbit/upbit-candles';
import { CandleStore } from './candle-store';
import { CandleHistoryLoader } from './history-loader';
import { MINUTE_MS } from '../../core/candles/intervals';
import { useTempDirs } from './testing/temp-dir';

const tempDir = useTempDirs('loader-mock-');
const NOW = Date.UTC(2025, 0, 15, 12, 30, 17, 250);
let mock: MockExchange | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe('CandleHistoryLoader with the Upbit adapter and the mock exchange', () => {
  it('fills a 6-hour chart exactly with the exchange’s candles, gaps included, and asks nothing twice', async () => {
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW });
    const rest = new RestClient({
      exchange: 'upbit',
      baseURL: mock.urls.upbitRest,
      logger: silentLogger,
      backoff: { baseMs: 20, maxMs: 200 },
      rateLimitFloorMs: 50,
    });
    const source = new UpbitCandleSource(rest);
    const market = resolveMarket('upbit', 'BTC-KRW');
    const store = CandleStore.open(join(tempDir(), 'candles.db'));
    const loader = new CandleHistoryLoader(store, source, { now: () => NOW });
    const progress: number[] = [];
    const chart = loader.open(
      { market, interval: '1h', from: NOW - 6 * 3_600_000, to: NOW },
      { onProgress: (p) => progress.push(p.minutesCovered) },
    );
    const result = await chart.done;
    expect(result.state).toBe('complete');
    const range = chart.range;
    expect(range.to).toBe(Math.floor(NOW / MINUTE_MS) * MINUTE_MS); // the current minute is left to the live feed
    expect(progress.at(-1)).toBe((range.to - range.from) / MINUTE_MS);

    // The same minutes straight from the exchange.
    const direct = await source.fetchMinuteCandles(market, range.to, 1000);
    const expected = direct.candles.filter((c) => c.openTime >= range.from);
    expect(expected.length).toBeLessThan((range.to - range.from) / MINUTE_MS); // the mock leaves gaps
    expect(store.readCandles(market, '1m', range)).toEqual(expected);
    expect(store.missingRanges(market, range)).toEqual([]);

    const requests = mock.stats().rest.length;
    const again = await loader.open({ market, interval: '15m', from: NOW - 3 * 3_600_000, to: NOW }).done;
    expect(again).toMatchObject({ state: 'complete', pages: 0 });
    expect(mock.stats().rest.length).toBe(requests);
    store.close();
  });
});
