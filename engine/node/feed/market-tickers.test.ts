/**
 * Many markets' prices in one request per exchange, against the mock exchange's copies of Upbit's and Binance's
 * REST formats: what a market list shows, including markets the exchange does not list and broken answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveMarket } from '../../core/market-data/markets';
import { MockExchange } from '../../tools/mock-exchange/mock-exchange';
import { silentLogger } from './logger';
import { RestClient } from './rest-client';
import { fetchHourlyCloses, fetchQuotes } from './market-tickers';

let mock: MockExchange | undefined;
let server: Server | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

const NOW = Date.UTC(2025, 0, 15, 12, 30, 17, 250);

function rest(exchange: 'upbit' | 'binance', baseURL: string): RestClient {
  return new RestClient({ exchange, baseURL, logger: silentLogger, maxRetries: 0, backoff: { baseMs: 10, maxMs: 20 } });
}

/** A server answering every request with `body` (status 200), to send what no honest exchange would. */
async function lying(body: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('fetchQuotes', () => {
  it('reads every Upbit market of the list in one request, and names the codes Upbit does not list', async () => {
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW });
    mock.step(20);
    const markets = ['BTC-KRW', 'ETH-KRW', 'DOGE-KRW'].map((id) => resolveMarket('upbit', id));
    const answer = await fetchQuotes(rest('upbit', mock.urls.upbitRest), 'upbit', markets);
    expect(answer.quotes.map((q) => q.market)).toEqual(['BTC-KRW', 'ETH-KRW']);
    expect(answer.unlisted).toEqual(['DOGE-KRW']);
    const btc = mock.markets.get('KRW-BTC')!;
    expect(answer.quotes[0]).toEqual({ market: 'BTC-KRW', last: btc.last, reference: btc.prevClose });
    const tickerRequests = mock.stats().rest.filter((r) => r.path.startsWith('/v1/ticker'));
    expect(tickerRequests).toHaveLength(1);
  });

  it('reads Binance markets in one request while all are listed, and finds the unlisted one when not', async () => {
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW });
    mock.step(20);
    const client = rest('binance', mock.urls.binanceRest);
    const listed = ['BTC-USDT', 'XRP-USDT'].map((id) => resolveMarket('binance', id));
    const one = await fetchQuotes(client, 'binance', listed);
    const xrp = mock.markets.get('XRPUSDT')!;
    expect(one.quotes).toEqual([
      expect.objectContaining({ market: 'BTC-USDT' }),
      { market: 'XRP-USDT', last: xrp.last, reference: xrp.open24 },
    ]);
    expect(mock.stats().rest.filter((r) => r.path.startsWith('/api/v3/ticker/24hr'))).toHaveLength(1);

    const withUnlisted = await fetchQuotes(client, 'binance', [...listed, resolveMarket('binance', 'DOGE-USDT')]);
    expect(withUnlisted.quotes.map((q) => q.market)).toEqual(['BTC-USDT', 'XRP-USDT']);
    expect(withUnlisted.unlisted).toEqual(['DOGE-USDT']);
  });

  it('finds the unlisted code when Upbit refuses the whole list for it, and still prices the others', async () => {
    server = createServer((req, res) => {
      const codes = new URL(req.url ?? '/', 'http://x').searchParams.get('markets')!.split(',');
      if (codes.includes('KRW-DOGE')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"name":"404","message":"Code not found"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(codes.map((c) => ({ market: c, trade_price: 1000, prev_closing_price: 900 }))));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const markets = ['BTC-KRW', 'DOGE-KRW', 'ETH-KRW'].map((id) => resolveMarket('upbit', id));
    const answer = await fetchQuotes(rest('upbit', url), 'upbit', markets);
    expect(answer.quotes.map((q) => q.market)).toEqual(['BTC-KRW', 'ETH-KRW']);
    expect(answer.unlisted).toEqual(['DOGE-KRW']);
  });

  it('drops rows that are not prices of the market instead of showing them', async () => {
    const url = await lying(
      JSON.stringify([
        { market: 'KRW-BTC', trade_price: 'lots', prev_closing_price: 1 },
        { market: 'KRW-ETH', trade_price: 1.23456, prev_closing_price: 1 },
        { market: 'KRW-SOL', trade_price: -5, prev_closing_price: 1 },
        { market: 'KRW-XRP', trade_price: 1e300, prev_closing_price: 1 },
        { market: 'KRW-ADA', trade_price: 500.5, prev_closing_price: 480 },
        null,
        'text',
      ]),
    );
    const markets = ['BTC-KRW', 'ETH-KRW', 'SOL-KRW', 'XRP-KRW', 'ADA-KRW'].map((id) => resolveMarket('upbit', id));
    const answer = await fetchQuotes(rest('upbit', url), 'upbit', markets);
    expect(answer.quotes).toEqual([{ market: 'ADA-KRW', last: 5005, reference: 4800 }]);
  });

  it('fails (for the caller to report the exchange unreachable) when nothing answers', async () => {
    const client = rest('binance', 'http://127.0.0.1:9');
    await expect(fetchQuotes(client, 'binance', [resolveMarket('binance', 'BTC-USDT')])).rejects.toThrow();
  });
});

describe('fetchHourlyCloses', () => {
  it('gives the last hours of both exchanges oldest first', async () => {
    mock = await MockExchange.start({ stepsPerSec: 0, now: () => NOW });
    const upbit = await fetchHourlyCloses(rest('upbit', mock.urls.upbitRest), resolveMarket('upbit', 'BTC-KRW'), 24);
    const binance = await fetchHourlyCloses(
      rest('binance', mock.urls.binanceRest),
      resolveMarket('binance', 'BTC-USDT'),
      24,
    );
    expect(upbit.length).toBeGreaterThan(12);
    expect(upbit.length).toBeLessThanOrEqual(24);
    expect(binance).toHaveLength(24);
    for (const closes of [upbit, binance]) for (const c of closes) expect(Number.isSafeInteger(c) && c > 0).toBe(true);
    const path = mock.stats().rest.find((r) => r.path.startsWith('/api/v3/klines'))!.path;
    expect(path).toContain('interval=1h');
  });
});
