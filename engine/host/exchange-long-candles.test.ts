/**
 * Weekly and monthly candles from the exchanges' own endpoints (Upbit /v1/candles/weeks and /months, Binance
 * 1w and 1M klines), served in their wire formats by the mock exchange on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../node/feed/logger';
import { resolveMarket } from '../core/market-data/markets';
import { MockExchange } from '../tools/mock-exchange/mock-exchange';
import { RestClient } from '../node/feed/rest-client';
import { UpbitCandleSource } from '../node/feed/upbit/upbit-candles';
import { BinanceRest } from '../node/feed/binance/binance-rest';
import { intervalStart, nextIntervalStart } from '../core/candles/intervals';
import type { ExchangeId } from '../core/market-data/types';
import { LongCandles } from './exchange-long-candles';

// Thursday 15 January 2026, 12:30 UTC.
const NOW = Date.UTC(2026, 0, 15, 12, 30, 17, 250);
let mock: MockExchange | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

function rest(exchange: ExchangeId, baseURL: string): RestClient {
  return new RestClient({
    exchange,
    baseURL,
    logger: silentLogger,
    backoff: { baseMs: 20, maxMs: 200 },
    rateLimitFloorMs: 10,
  });
}

describe('weekly and monthly candles from the exchanges', () => {
  it('Upbit weeks and months: Monday and 1st boundaries, newest last, paged back with `to`', async () => {
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW });
    const source = new UpbitCandleSource(rest('upbit', mock.urls.upbitRest));
    const market = resolveMarket('upbit', 'BTC-KRW');
    const weeks = await source.fetchLongCandles(market, '1w', NOW + 1, 30);
    expect(weeks.candles).toHaveLength(30);
    expect(weeks.candles.at(-1)!.openTime).toBe(Date.UTC(2026, 0, 12)); // Monday
    for (const [i, c] of weeks.candles.entries()) {
      expect(new Date(c.openTime).getUTCDay()).toBe(1);
      if (i > 0) expect(c.openTime - weeks.candles[i - 1].openTime).toBe(7 * 86_400_000);
      expect(c.low).toBeLessThanOrEqual(Math.min(c.open, c.close));
      expect(c.high).toBeGreaterThanOrEqual(Math.max(c.open, c.close));
    }
    const months = await source.fetchLongCandles(market, '1M', NOW + 1, 14);
    expect(months.candles.map((c) => new Date(c.openTime).toISOString().slice(0, 10))).toEqual([
      '2024-12-01',
      ...Array.from({ length: 12 }, (_, i) => `2025-${String(i + 1).padStart(2, '0')}-01`),
      '2026-01-01',
    ]);
    // The rows are Upbit's: first_day_of_period, no unit.
    const raw = (await fetch(`${mock.urls.upbitRest}/v1/candles/weeks?market=KRW-BTC&count=1`).then((r) =>
      r.json(),
    )) as Record<string, unknown>[];
    expect(raw[0]).toMatchObject({ market: 'KRW-BTC', first_day_of_period: '2026-01-12' });
    expect(raw[0].candle_date_time_kst).toBe('2026-01-12T09:00:00');
    expect(raw[0]).not.toHaveProperty('unit');
  });

  it('Binance 1w and 1M klines: oldest first, close time the next open - 1', async () => {
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW });
    const source = new BinanceRest(rest('binance', mock.urls.binanceRest));
    const market = resolveMarket('binance', 'BTC-USDT');
    const months = await source.fetchLongCandles(market, '1M', NOW + 1, 3);
    expect(months.candles.map((c) => c.openTime)).toEqual([
      Date.UTC(2025, 10, 1),
      Date.UTC(2025, 11, 1),
      Date.UTC(2026, 0, 1),
    ]);
    const raw = (await fetch(`${mock.urls.binanceRest}/api/v3/klines?symbol=BTCUSDT&interval=1w&limit=2`).then((r) =>
      r.json(),
    )) as unknown[][];
    expect(raw[1][0]).toBe(intervalStart(NOW, '1w'));
    expect(raw[1][6]).toBe(nextIntervalStart(intervalStart(NOW, '1w'), '1w') - 1);
    expect(typeof raw[1][1]).toBe('string');
  });

  it('keeps the forming week whole: later trades fold in, older pages go in front, the end of history is said', async () => {
    let now = NOW;
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => now });
    const source = new UpbitCandleSource(rest('upbit', mock.urls.upbitRest));
    const market = resolveMarket('upbit', 'BTC-KRW');
    const long = new LongCandles({ source, pageLimit: 50, now: () => now });
    const first = long.candles(market, '1w', 100);
    expect(first).toMatchObject({ candles: [], loading: true });
    await first.done;
    const shown = long.candles(market, '1w', 100);
    expect(shown.loading).toBe(false);
    expect(shown.candles).toHaveLength(100);
    const forming = shown.candles.at(-1)!;

    // A trade stamped before the fetch is inside the exchange's candle already; a later one is folded in.
    long.trade({ type: 'trade', market: market.id, tradeId: 'a', ts: NOW - 1000, price: 1, size: 5, side: 'buy' });
    now += 2000;
    long.trade({
      type: 'trade',
      market: market.id,
      tradeId: 'b',
      ts: now,
      price: forming.high + 10,
      size: 7,
      side: 'sell',
    });
    const current = long.current(market.id).find((c) => c.interval === '1w')!.candle;
    expect(current).toMatchObject({ openTime: forming.openTime, high: forming.high + 10, close: forming.high + 10 });
    expect(current.volume).toBe(forming.volume + 7);

    // Scrolling back past what is kept fetches the older weeks; the mock keeps three years, so it runs out.
    const older = long.candles(market, '1w', 100, shown.candles[0].openTime);
    expect(older.loading).toBe(true);
    await older.done;
    const page = long.candles(market, '1w', 100, shown.candles[0].openTime);
    expect(page.candles.at(-1)!.openTime).toBe(shown.candles[0].openTime - 7 * 86_400_000);
    let before = page.candles[0].openTime;
    for (let i = 0; i < 5; i++) {
      const next = long.candles(market, '1w', 100, before);
      await next.done;
      const got = long.candles(market, '1w', 100, before);
      if (!got.loading && got.candles.length === 0) break;
      before = got.candles[0]?.openTime ?? before;
    }
    expect(long.candles(market, '1w', 100, before)).toEqual({ candles: [], loading: false });
  });

  it('a source that fails leaves nothing invented and is asked again after a pause', async () => {
    let now = NOW;
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => now });
    const source = new UpbitCandleSource(rest('upbit', mock.urls.upbitRest));
    const long = new LongCandles({ source, pageLimit: 200, now: () => now });
    const unknown = { ...resolveMarket('upbit', 'BTC-KRW'), id: 'NOPE-KRW', symbol: 'KRW-NOPE' };
    const first = long.candles(unknown, '1M', 10);
    await expect(first.done).rejects.toThrow();
    // Not the end of history, and not asked again at once: after a pause it is tried again.
    expect(long.candles(unknown, '1M', 10)).toEqual({ candles: [], loading: false });
    now += 30_000;
    const again = long.candles(unknown, '1M', 10);
    expect(again.loading).toBe(true);
    await expect(again.done).rejects.toThrow();
  });
});
