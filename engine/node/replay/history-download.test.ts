/**
 * Downloading a past window from the mock exchange on 127.0.0.1 through the real adapters: candles and trades
 * paged as the exchange pages them, cached and reused, and every bad answer turned into a reason while the
 * window stays replayable and tradable.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../core/candles/intervals';
import { resolveMarket } from '../../core/market-data/markets';
import type { FeedMarket } from '../../core/market-data/types';
import { paperMarket } from '../../core/paper/market-config';
import { EngineSink } from '../../core/replay/engine-sink';
import { HistoryFills } from '../../core/replay/history-fills';
import { MockExchange } from '../../tools/mock-exchange/mock-exchange';
import { CandleStore } from '../candles/candle-store';
import { useTempDirs } from '../candles/testing/temp-dir';
import { BinanceRest } from '../feed/binance/binance-rest';
import { silentLogger } from '../feed/logger';
import { RestClient } from '../feed/rest-client';
import { UpbitCandleSource } from '../feed/upbit/upbit-candles';
import { UpbitTrades } from '../feed/upbit/upbit-trades';
import {
  BinanceTradeHistory,
  HistoryDownloader,
  UpbitTradeHistory,
  type HistoryOutcome,
  type PastHistory,
} from './history-download';

const tempDir = useTempDirs('history-download-');
const NOW = Date.UTC(2025, 2, 10, 15, 42, 31, 500);
const MINUTE = Math.floor(NOW / MINUTE_MS) * MINUTE_MS;
const BTCUSDT = resolveMarket('binance', 'BTC-USDT');
let mock: MockExchange | undefined;
const stores: CandleStore[] = [];
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  for (const s of stores.splice(0)) s.close();
});

async function setup(exchange: 'binance' | 'upbit' = 'binance', cacheBytes?: number) {
  mock ??= await MockExchange.start({ stepsPerSec: 0, now: () => NOW, historyMinutes: 10 * 1440 });
  const rest = new RestClient({
    exchange,
    baseURL: exchange === 'binance' ? mock.urls.binanceRest : mock.urls.upbitRest,
    logger: silentLogger,
    backoff: { baseMs: 20, maxMs: 200 },
    rateLimitFloorMs: 50,
    maxRetries: 3,
  });
  const dir = tempDir();
  const store = CandleStore.open(join(dir, 'candles.db'));
  stores.push(store);
  const binance = new BinanceRest(rest);
  const downloader = new HistoryDownloader({
    store,
    candles: exchange === 'binance' ? binance : new UpbitCandleSource(rest),
    trades:
      exchange === 'binance'
        ? new BinanceTradeHistory(binance)
        : new UpbitTradeHistory(new UpbitTrades(rest), () => NOW),
    cacheDir: join(dir, 'replay-history'),
    ...(cacheBytes !== undefined ? { cacheBytes } : {}),
    candlePageLimit: exchange === 'binance' ? 1000 : 200,
    now: () => NOW,
  });
  return { downloader, dir, binance, mock };
}

const requests = (path: string) => mock!.stats().rest.filter((r) => r.path.startsWith(path));
function history(outcome: HistoryOutcome): PastHistory {
  if (!outcome.ok) throw new Error(`refused: ${outcome.reason} ${outcome.detail}`);
  return outcome.history;
}

/** A limit buy one unit above the window's later low, replayed through the window: it fills once the price passes it. */
function tradeThrough(h: PastHistory, market: FeedMarket) {
  const config = paperMarket(market);
  const sink = new EngineSink(config, { USDT: 10 ** 15, KRW: 10 ** 15, BTC: 10 ** 12 });
  sink.open(1);
  const fills = new HistoryFills(market.id, h.model, h.minutes, sink);
  // Below every later minute's low but one: the price trades through it after it is placed.
  const low = Math.min(...h.minutes.slice(1).map((c) => c.low));
  const first = h.minutes[0];
  fills.onCandle(first);
  if (h.model === 'trades') fills.onTrade(h.trades[0]);
  const placed = sink.place(1, {
    market: market.id,
    side: 'buy',
    orderType: 'limit',
    price: low + 1,
    quantity: 100_000,
  });
  expect(placed[0].type).toBe('accepted');
  for (const c of h.minutes.slice(1)) fills.onCandle(c);
  for (const t of h.trades.slice(1)) fills.onTrade(t);
  return sink.events.filter((e) => e.type === 'trade');
}

describe('downloading a past window', () => {
  it('pages Binance klines and aggTrades over three hours, the trades agreeing with the candles', async () => {
    const { downloader } = await setup();
    const w = { market: BTCUSDT, from: MINUTE - 5 * 60 * MINUTE_MS, to: MINUTE - 2 * 60 * MINUTE_MS };
    const progress: string[] = [];
    const h = history(await downloader.download(w, { onProgress: (p) => progress.push(`${p.phase} ${p.done}`) }));
    expect(h.model).toBe('trades');
    expect(h.minutes).toHaveLength(180); // Binance reports every minute, zero volume included
    expect(h.missingMinutes).toBe(0);
    expect(h.trades.length).toBeGreaterThan(2_000);
    expect(progress).toContain('candles 1');
    expect(progress.at(-1)).toBe('trades 1');
    // Oldest first, inside the window, no trade twice.
    expect(h.trades.every((t, i) => i === 0 || Number(t.tradeId) > Number(h.trades[i - 1].tradeId))).toBe(true);
    expect(h.trades[0].ts).toBeGreaterThanOrEqual(w.from);
    expect(h.trades.at(-1)!.ts).toBeLessThan(w.to);
    // Each minute's trades make its candle.
    for (const c of h.minutes) {
      const ts = h.trades.filter((t) => t.ts >= c.openTime && t.ts < c.openTime + MINUTE_MS);
      if (c.volume === 0) {
        expect(ts).toEqual([]);
        continue;
      }
      expect(ts[0].price).toBe(c.open);
      expect(ts.at(-1)!.price).toBe(c.close);
      expect(Math.max(...ts.map((t) => t.price))).toBe(c.high);
      expect(Math.min(...ts.map((t) => t.price))).toBe(c.low);
      expect(ts.reduce((n, t) => n + t.size, 0)).toBe(c.volume);
    }
    // From the window's start by time (a span under an hour: the exchange refuses more), then by id.
    const agg = requests('/api/v3/aggTrades');
    expect(agg.every((r) => r.status === 200)).toBe(true);
    const byTime = agg.map((r) => new URL(r.path, 'http://x').searchParams).filter((q) => q.has('startTime'));
    expect(byTime.map((q) => Number(q.get('startTime')))).toEqual([w.from]);
    expect(Number(byTime[0].get('endTime')) - w.from).toBe(3_600_000 - 1);
    expect(agg.filter((r) => r.path.includes('fromId=')).length).toBeGreaterThanOrEqual(2);
  });

  it('walks a quiet market hour by hour when an hour holds less than a page', async () => {
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW, gapRate: 0.85 });
    const { downloader } = await setup();
    const w = { market: BTCUSDT, from: MINUTE - 5 * 60 * MINUTE_MS, to: MINUTE - 2 * 60 * MINUTE_MS };
    const h = history(await downloader.download(w));
    expect(h.model).toBe('trades');
    const byTime = requests('/api/v3/aggTrades').map((r) => new URL(r.path, 'http://x').searchParams);
    expect(byTime.map((q) => [Number(q.get('startTime')) - w.from, Number(q.get('endTime')) - w.from])).toEqual([
      [0, 60 * MINUTE_MS - 1],
      [60 * MINUTE_MS, 120 * MINUTE_MS - 1],
      [120 * MINUTE_MS, 180 * MINUTE_MS - 1],
    ]);
    const traded = h.minutes.filter((c) => c.volume > 0);
    expect(traded.length).toBeLessThan(60);
    expect(h.trades.reduce((n, t) => n + t.size, 0)).toBe(traded.reduce((n, c) => n + c.volume, 0));
  });

  it('reuses both caches for the same window: nothing is asked again', async () => {
    const { downloader } = await setup();
    const w = { market: BTCUSDT, from: MINUTE - 90 * MINUTE_MS, to: MINUTE - 30 * MINUTE_MS };
    const first = history(await downloader.download(w));
    expect(first.fromCache).toEqual({ candles: false, trades: false });
    const asked = mock!.stats().rest.length;
    const again = history(await downloader.download(w));
    expect(again.fromCache).toEqual({ candles: true, trades: true });
    expect(mock!.stats().rest.length).toBe(asked);
    expect(again.trades).toEqual(first.trades);
    expect(again.minutes).toEqual(first.minutes);
  });

  it('keeps the trades cache under its bound: older windows go, the one just downloaded stays', async () => {
    const window = (hoursAgo: number) => ({
      market: BTCUSDT,
      from: MINUTE - hoursAgo * 60 * MINUTE_MS,
      to: MINUTE - hoursAgo * 60 * MINUTE_MS + 30 * MINUTE_MS,
    });
    const name = (w: { from: number; to: number }) => `binance-BTCUSDT-${w.from}-${w.to}.trades`;
    const roomy = await setup('binance');
    history(await roomy.downloader.download(window(5)));
    history(await roomy.downloader.download(window(4)));
    expect(readdirSync(join(roomy.dir, 'replay-history')).sort()).toEqual([name(window(5)), name(window(4))].sort());

    const { downloader, dir } = await setup('binance', 1);
    history(await downloader.download(window(5)));
    const again = history(await downloader.download(window(4)));
    expect(readdirSync(join(dir, 'replay-history'))).toEqual([name(window(4))]);
    // The one kept is whole and replays from the cache.
    expect(history(await downloader.download(window(4)))).toMatchObject({ fromCache: { trades: true } });
    expect(statSync(join(dir, 'replay-history', name(window(4)))).size).toBe(again.trades.length * 40);
  });

  it('refuses a huge, future or ragged window with a reason, asking the exchange nothing', async () => {
    const { downloader } = await setup();
    const ask = (from: number, to: number) => downloader.download({ market: BTCUSDT, from, to });
    expect(await ask(MINUTE - 40 * 86_400_000, MINUTE)).toMatchObject({ ok: false, reason: 'WINDOW_TOO_LONG' });
    expect(await ask(MINUTE - MINUTE_MS, MINUTE + MINUTE_MS)).toMatchObject({ ok: false, reason: 'WINDOW_NOT_PAST' });
    expect(await ask(MINUTE - 10 * MINUTE_MS + 1, MINUTE)).toMatchObject({ ok: false, reason: 'WINDOW_NOT_MINUTES' });
    expect(await ask(MINUTE, MINUTE - MINUTE_MS)).toMatchObject({ ok: false, reason: 'WINDOW_EMPTY' });
    expect(await ask(Number.NaN, MINUTE)).toMatchObject({ ok: false, reason: 'WINDOW_NOT_MINUTES' });
    expect(mock!.stats().rest).toEqual([]);
  });

  it('is refused by the exchange, as Binance does, when aggTrades spans an hour or more', async () => {
    const { binance } = await setup();
    const from = { startTime: MINUTE - 3 * 3_600_000, endTime: MINUTE - 2 * 3_600_000 };
    await expect(binance.fetchAggTrades(BTCUSDT, from)).rejects.toThrow(/-1127/);
    const fine = await binance.fetchAggTrades(BTCUSDT, { ...from, endTime: from.endTime - 1 }, 10);
    expect(fine).toHaveLength(10);
  });

  it('falls back to the candle path when trades come malformed or out of order, and the day still trades', async () => {
    const { downloader } = await setup();
    const w = { market: BTCUSDT, from: MINUTE - 120 * MINUTE_MS, to: MINUTE - 60 * MINUTE_MS };
    history(await downloader.download(w, { wantTrades: false })); // candles now cached
    for (const kind of ['malformed', 'out_of_order'] as const) {
      mock!.historyFault(kind);
      const h = history(await downloader.download(w));
      expect(h).toMatchObject({ model: 'candle_path', tradesNote: 'TRADES_FAILED' });
      expect(h.tradesDetail).toMatch(/aggTrades|decimal|number/i);
      expect(h.minutes).toHaveLength(60);
      const fills = tradeThrough(h, BTCUSDT);
      expect(fills.map((t) => t.makerAccount)).toEqual([1]);
    }
    // Nothing partial was cached: the next try downloads the trades whole.
    const h = history(await downloader.download(w));
    expect(h).toMatchObject({ model: 'trades', fromCache: { candles: true, trades: false } });
    expect(tradeThrough(h, BTCUSDT)).toHaveLength(1);
  });

  it('ends a candle download the exchange spoils with a reason, then succeeds on the next try', async () => {
    const { downloader } = await setup();
    const w = { market: BTCUSDT, from: MINUTE - 30 * MINUTE_MS, to: MINUTE - 10 * MINUTE_MS };
    mock!.historyFault('malformed');
    expect(await downloader.download(w)).toMatchObject({ ok: false, reason: 'CANDLES_FAILED' });
    mock!.historyFault('out_of_order');
    expect(await downloader.download(w)).toMatchObject({ ok: false, reason: 'CANDLES_FAILED' });
    expect(history(await downloader.download(w)).model).toBe('trades');
  });

  it('waits out a 429 with Retry-After and completes', async () => {
    const { downloader } = await setup();
    const w = { market: BTCUSDT, from: MINUTE - 20 * MINUTE_MS, to: MINUTE - 10 * MINUTE_MS };
    mock!.failRest(429, 1, { retryAfterSec: 1, exchange: 'binance' });
    const h = history(await downloader.download(w));
    expect(h.model).toBe('trades');
    expect(mock!.stats().rest.map((r) => r.status)).toContain(429);
  });

  it('pages Upbit’s trades of its last days back by cursor, in time order, and its older days on the candle path', async () => {
    const { downloader } = await setup('upbit');
    const market = resolveMarket('upbit', 'BTC-KRW');
    // Across midnight UTC: the two days are asked with daysAgo 0 and 1.
    const midnight = Math.floor(NOW / 86_400_000) * 86_400_000;
    const w = { market, from: midnight - 30 * MINUTE_MS, to: midnight + 30 * MINUTE_MS };
    mock!.historyFault('out_of_order'); // Upbit promises no order within a page: it is sorted here
    const h = history(await downloader.download(w));
    expect(h.model).toBe('trades');
    expect(h.trades.length).toBeGreaterThan(500);
    expect(h.trades.every((t, i) => i === 0 || t.ts >= h.trades[i - 1].ts)).toBe(true);
    expect(new Set(h.trades.map((t) => t.tradeId)).size).toBe(h.trades.length);
    for (const c of h.minutes) {
      const ts = h.trades.filter((t) => t.ts >= c.openTime && t.ts < c.openTime + MINUTE_MS);
      expect([ts[0].price, ts.at(-1)!.price]).toEqual([c.open, c.close]);
      expect(ts.reduce((n, t) => n + t.size, 0)).toBe(c.volume);
    }
    const ticks = requests('/v1/trades/ticks').map((r) => new URL(r.path, 'http://x').searchParams);
    expect(ticks.some((q) => q.get('daysAgo') === '1')).toBe(true);
    expect(ticks.some((q) => !q.has('daysAgo'))).toBe(true);
    expect(ticks.some((q) => q.has('cursor'))).toBe(true);

    // Nine days back, Upbit publishes no trades: candles only (minutes without a trade have no candle).
    const old = { market, from: midnight - 9 * 86_400_000, to: midnight - 9 * 86_400_000 + 600 * MINUTE_MS };
    const o = history(await downloader.download(old));
    expect(o).toMatchObject({ model: 'candle_path', tradesNote: 'TRADES_NOT_PUBLISHED', trades: [] });
    expect(o.minutes.length).toBeGreaterThan(450);
    expect(o.minutes.length).toBeLessThan(600);
  });

  it('falls back to the candle path when Upbit’s trades come malformed', async () => {
    const { downloader } = await setup('upbit');
    const market = resolveMarket('upbit', 'BTC-KRW');
    const w = { market, from: MINUTE - 60 * MINUTE_MS, to: MINUTE - 30 * MINUTE_MS };
    history(await downloader.download(w, { wantTrades: false }));
    mock!.historyFault('malformed');
    const h = history(await downloader.download(w));
    expect(h).toMatchObject({ model: 'candle_path', tradesNote: 'TRADES_FAILED' });
    expect(tradeThrough(h, market).map((t) => t.makerAccount)).toEqual([1]);
  });
});
