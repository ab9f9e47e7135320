import { afterEach, describe, expect, it } from 'vitest';
import { BinanceRest } from './binance/binance-rest';
import { silentLogger } from './logger';
import { resolveMarket, UnknownMarketError } from '../../core/market-data/markets';
import { MockExchange, type MockExchangeOptions } from '../../tools/mock-exchange/mock-exchange';
import { RateLimitedError, RestClient, type RestClientOptions } from './rest-client';
import { UpbitCandleSource } from './upbit/upbit-candles';
import type { Candle } from '../../core/market-data/types';

let mock: MockExchange;
afterEach(async () => {
  await mock?.close();
});

// A fixed exchange clock (mid-minute) so history pages are the same on every run.
const NOW = Date.UTC(2025, 0, 15, 12, 30, 17, 250);

async function start(options: MockExchangeOptions = {}): Promise<void> {
  mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW, ...options });
}

function upbit(options: Partial<RestClientOptions> = {}): { source: UpbitCandleSource; rest: RestClient } {
  const rest = new RestClient({
    exchange: 'upbit',
    baseURL: mock.urls.upbitRest,
    logger: silentLogger,
    backoff: { baseMs: 20, maxMs: 200 },
    rateLimitFloorMs: 50,
    ...options,
  });
  return { source: new UpbitCandleSource(rest), rest };
}

function binance(options: Partial<RestClientOptions> = {}): BinanceRest {
  return new BinanceRest(
    new RestClient({
      exchange: 'binance',
      baseURL: mock.urls.binanceRest,
      logger: silentLogger,
      backoff: { baseMs: 20, maxMs: 200 },
      rateLimitFloorMs: 50,
      ...options,
    }),
  );
}

const krwBtc = resolveMarket('upbit', 'BTC-KRW');
const btcUsdt = resolveMarket('binance', 'BTC-USDT');
const ascending = (c: Candle[]): boolean => c.every((x, i) => i === 0 || x.openTime > c[i - 1].openTime);
const restLog = (): { status: number; at: number }[] => mock.stats().rest;

describe('REST candle history', () => {
  it('pages Upbit backwards across minutes without trades', async () => {
    await start();
    const { source } = upbit();
    const all = await source.fetchMinuteCandles(krwBtc, NOW, 450);
    expect(all.candles).toHaveLength(450);
    expect(ascending(all.candles)).toBe(true);
    expect(all.candles.at(-1)!.openTime).toBe(Math.floor(NOW / 60_000) * 60_000);
    // Gaps: fewer minutes than candles would be contiguous.
    const span = (all.candles.at(-1)!.openTime - all.candles[0].openTime) / 60_000 + 1;
    expect(span).toBeGreaterThan(450);
    expect(all.nextEndBefore).toBe(all.candles[0].openTime);
    // 450 = 200 + 200 + 50 requests, newest first, each `to` the previous page's oldest candle.
    const paths = mock.stats().rest.map((r) => new URL(r.path, 'http://x').searchParams);
    expect(paths.map((p) => p.get('count'))).toEqual(['200', '200', '50']);
    expect(paths[0].get('to')).toBe('2025-01-15T12:30:18Z');
    expect(Date.parse(paths[1].get('to')!)).toBe(all.candles[250].openTime);
    // Paging by hand gives the same candles.
    const newer = await source.fetchMinuteCandles(krwBtc, NOW, 120);
    const older = await source.fetchMinuteCandles(krwBtc, newer.nextEndBefore!, 330);
    expect([...older.candles, ...newer.candles]).toEqual(all.candles);
    for (const c of all.candles) {
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
      expect(Number.isSafeInteger(c.volume)).toBe(true);
    }
  });

  it('reports the end of Upbit history', async () => {
    await start({ historyMinutes: 300 });
    const { source } = upbit();
    const page = await source.fetchMinuteCandles(krwBtc, NOW, 1000);
    expect(page.candles.length).toBeLessThan(300);
    expect(page.candles.length).toBeGreaterThan(200);
    expect(page.nextEndBefore).toBeUndefined();
  });

  it('pages Binance klines (contiguous, zero-volume minutes included)', async () => {
    await start();
    const rest = binance();
    const page = await rest.fetchMinuteCandles(btcUsdt, NOW, 1500);
    expect(page.candles).toHaveLength(1500);
    expect(ascending(page.candles)).toBe(true);
    expect((page.candles.at(-1)!.openTime - page.candles[0].openTime) / 60_000).toBe(1499);
    expect(page.candles.some((c) => c.volume === 0)).toBe(true);
    const older = await rest.fetchMinuteCandles(btcUsdt, page.nextEndBefore!, 10);
    expect(older.candles.at(-1)!.openTime).toBe(page.candles[0].openTime - 60_000);
  });

  it('says which market is unknown', async () => {
    await start();
    await expect(upbit().source.fetchMinuteCandles(resolveMarket('upbit', 'NOPE-KRW'), NOW, 5)).rejects.toThrow(
      UnknownMarketError,
    );
    await expect(binance().fetchMinuteCandles(resolveMarket('binance', 'NOPE-USDT'), NOW, 5)).rejects.toThrow(
      /unknown market "NOPE-USDT" on binance/,
    );
    await expect(binance().fetchDepth(resolveMarket('binance', 'NOPE-USDT'), 100)).rejects.toThrow(UnknownMarketError);
  });
});

describe('REST rate limits', () => {
  it('backs off on 429 and retries without a storm', async () => {
    await start({ now: Date.now });
    mock.failRest(429, 3, { exchange: 'upbit' });
    const { source } = upbit();
    const page = await source.fetchMinuteCandles(krwBtc, Date.now(), 10);
    expect(page.candles).toHaveLength(10);
    const log = restLog();
    expect(log.map((r) => r.status)).toEqual([429, 429, 429, 200]);
    // Every retry waited at least the floor (50 ms here).
    for (let i = 1; i < log.length; i++) expect(log[i].at - log[i - 1].at).toBeGreaterThanOrEqual(45);
  });

  it('waits Retry-After on 429 before the retry', async () => {
    await start({ now: Date.now });
    mock.failRest(429, 1, { exchange: 'binance', retryAfterSec: 1 });
    const t0 = Date.now();
    await binance().fetchMinuteCandles(btcUsdt, Date.now(), 5);
    const log = restLog();
    expect(log.map((r) => r.status)).toEqual([429, 200]);
    expect(log[1].at - log[0].at).toBeGreaterThanOrEqual(990);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
  });

  it('on 418 holds every queued request until the block ends, then sends each once', async () => {
    await start({ now: Date.now });
    mock.failRest(418, 1, { exchange: 'upbit', retryAfterSec: 1 });
    const { source } = upbit();
    const results = await Promise.all([1, 2, 3].map((n) => source.fetchMinuteCandles(krwBtc, Date.now(), n)));
    expect(results.map((r) => r.candles.length)).toEqual([1, 2, 3]);
    const log = restLog();
    expect(log.map((r) => r.status)).toEqual([418, 200, 200, 200]);
    expect(log[1].at - log[0].at).toBeGreaterThanOrEqual(990);
  });

  it('fails fast while a long 418 block lasts instead of hanging or hammering', async () => {
    await start({ now: Date.now });
    mock.failRest(418, 1, { exchange: 'binance', retryAfterSec: 600 });
    const rest = binance({ maxBlockWaitMs: 5000 });
    await expect(rest.fetchDepth(btcUsdt, 100)).rejects.toThrow(RateLimitedError);
    await expect(rest.fetchDepth(btcUsdt, 100)).rejects.toThrow(/blocked for 600 s more/);
    expect(restLog()).toHaveLength(1);
  });

  it('slows down when Upbit says few requests are left this second', async () => {
    await start({ now: Date.now, upbitRequestsPerSec: 3 });
    const { source } = upbit();
    const t0 = Date.now();
    for (let i = 0; i < 7; i++) await source.fetchMinuteCandles(krwBtc, Date.now(), 1);
    expect(restLog().map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });
});
