import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedClient, type FeedClient } from './feed-client';
import { MockExchange } from '../../tools/mock-exchange/mock-exchange';
import { fastOptions, recorder, sleepMs, waitFor } from './testing/helpers';
import type { FeedEvent, StatusEvent } from '../../core/market-data/types';

let mock: MockExchange;
let client: FeedClient;

beforeEach(async () => {
  mock = await MockExchange.start({ stepsPerSec: 40, binancePingIntervalMs: 100, binancePongTimeoutMs: 400 });
});

afterEach(async () => {
  client?.close();
  await mock.close();
});

const statuses = (events: FeedEvent[], market: string): string[] =>
  events.filter((e): e is StatusEvent => e.type === 'status' && e.market === market).map((e) => e.status);
const depthRequests = (): number => mock.stats().rest.filter((r) => r.path.startsWith('/api/v3/depth')).length;

/** The client's kept book equals the mock's own book (top 30 per side). */
function booksMatch(market = 'BTC-USDT', symbol = 'BTCUSDT'): boolean {
  const kept = client.book(market);
  const truth = mock.market(symbol).book(30);
  return !!kept && JSON.stringify([kept.bids, kept.asks]) === JSON.stringify([truth.bids, truth.asks]);
}

async function settle(market = 'BTC-USDT', symbol = 'BTCUSDT'): Promise<void> {
  mock.setSpeed(0);
  await sleepMs(30);
  mock.step(1); // one more diff, so a book that was resyncing has something to apply
  await waitFor(() => booksMatch(market, symbol), 3000, `${market} book equal to the mock's`);
}

describe('Binance feed client against the mock exchange', () => {
  it('keeps a local book from snapshot + diffs equal to the exchange book', async () => {
    client = createFeedClient(fastOptions(mock, 'binance'));
    client.subscribe('BTC-USDT');
    await waitFor(() => !!client.book('BTC-USDT'), 3000, 'book');
    await sleepMs(300);
    await settle();
    expect(client.stats().bookResyncs).toBe(0);
    expect(mock.stats().binanceConnectUrls[0]).toBe('/stream?streams=btcusdt@ticker/btcusdt@trade/btcusdt@depth@100ms');
  });

  it('resyncs after a missed diff and after reordered diffs', async () => {
    client = createFeedClient(fastOptions(mock, 'binance'));
    client.subscribe('BTC-USDT', ['book']);
    await waitFor(() => !!client.book('BTC-USDT'), 3000, 'book');
    for (const kind of ['gap', 'reorder'] as const) {
      const resyncs = client.stats().bookResyncs;
      const snapshots = depthRequests();
      mock.binanceDiffFault(kind, 1, 'BTCUSDT');
      await waitFor(() => client.stats().bookResyncs > resyncs, 3000, `${kind} noticed`);
      await waitFor(() => depthRequests() > snapshots, 3000, 'new snapshot');
      mock.setSpeed(40);
      await sleepMs(200);
      await settle();
      mock.setSpeed(40);
    }
  });

  it('subscribes and unsubscribes at run time with SUBSCRIBE/UNSUBSCRIBE and matches the replies', async () => {
    client = createFeedClient(fastOptions(mock, 'binance'));
    const events = recorder(client);
    client.subscribe('BTC-USDT', ['trade']);
    await waitFor(() => client.status('BTC-USDT') === 'live', 3000, 'live');
    client.subscribe('ETH-USDT', ['trade', 'ticker']);
    client.subscribe('BTC-USDT', ['candle']);
    await waitFor(
      () =>
        events.some((e) => e.type === 'trade' && e.market === 'ETH-USDT') && events.some((e) => e.type === 'candle'),
      3000,
      'ETH trades and BTC candles',
    );
    expect(mock.stats().binanceRequests).toEqual([
      { method: 'SUBSCRIBE', params: ['btcusdt@kline_1m', 'ethusdt@ticker', 'ethusdt@trade'], id: 1 },
    ]);
    client.unsubscribe('BTC-USDT');
    await waitFor(() => mock.stats().binanceRequests.length === 2, 2000, 'UNSUBSCRIBE');
    expect(mock.stats().binanceRequests[1]).toEqual({
      method: 'UNSUBSCRIBE',
      params: ['btcusdt@trade', 'btcusdt@kline_1m'],
      id: 2,
    });
    await sleepMs(100);
    const btc = events.filter((e) => e.market === 'BTC-USDT' && e.type !== 'status').length;
    const eth = events.filter((e) => e.market === 'ETH-USDT').length;
    await sleepMs(300);
    expect(events.filter((e) => e.market === 'BTC-USDT' && e.type !== 'status').length).toBe(btc);
    expect(events.filter((e) => e.market === 'ETH-USDT').length).toBeGreaterThan(eth);
    expect(client.stats().exchangeErrors).toBe(0);
    expect(mock.stats().binanceConnections).toBe(1);
  });

  it('reconnects after a drop with every stream in the URL and rebuilds the book', async () => {
    client = createFeedClient(fastOptions(mock, 'binance'));
    const events = recorder(client);
    client.subscribe('BTC-USDT');
    await waitFor(() => !!client.book('BTC-USDT'), 3000, 'book');
    client.subscribe('SOL-USDT', ['trade']);
    await waitFor(() => client.status('SOL-USDT') === 'live', 3000, 'SOL live');
    mock.dropConnections();
    await waitFor(() => statuses(events, 'BTC-USDT').length === 4, 3000, 'reconnecting then live');
    expect(statuses(events, 'BTC-USDT')).toEqual(['reconnecting', 'live', 'reconnecting', 'live']);
    expect(mock.stats().binanceConnectUrls[1]).toBe(
      '/stream?streams=btcusdt@ticker/btcusdt@trade/btcusdt@depth@100ms/solusdt@trade',
    );
    expect(client.stats().reconnects).toBe(1);
    await sleepMs(200);
    await settle();
  });

  it('answers server pings, notices silence, goes stale, reconnects and goes live', async () => {
    mock.setSpeed(0);
    client = createFeedClient(
      fastOptions(mock, 'binance', { heartbeatMs: 10_000, deadAfterMs: 800, staleAfterMs: 60_000 }),
    );
    client.subscribe('BTC-USDT', ['trade']);
    await waitFor(() => mock.stats().binanceConnections === 1, 2000, 'connected');
    // No data at all: only the server's pings (every 100 ms, answered or it closes us after 400 ms).
    await sleepMs(1000);
    expect(client.stats().reconnects).toBe(0);

    client.close();
    mock.setSpeed(40);
    client = createFeedClient(fastOptions(mock, 'binance'));
    const events = recorder(client);
    client.subscribe('BTC-USDT', ['trade']);
    await waitFor(() => client.status('BTC-USDT') === 'live', 3000, 'live');
    const silentAt = Date.now();
    mock.silence(1500, 'binance');
    await waitFor(() => statuses(events, 'BTC-USDT').includes('stale'), 2000, 'stale');
    await waitFor(
      () => statuses(events, 'BTC-USDT').filter((s) => s === 'reconnecting').length === 2,
      2000,
      'dead link noticed',
    );
    expect(Date.now() - silentAt).toBeLessThan(1400);
    await waitFor(
      () => statuses(events, 'BTC-USDT').at(-1) === 'live' && Date.now() - silentAt > 1500,
      5000,
      'live again',
    );
  });

  it('counts malformed frames and rebuilds a book whose diff failed validation', async () => {
    client = createFeedClient(fastOptions(mock, 'binance'));
    client.subscribe('BTC-USDT');
    await waitFor(() => !!client.book('BTC-USDT'), 3000, 'book');
    await sleepMs(100);
    mock.sendMalformed(5, 'binance');
    await waitFor(() => client.stats().malformed === 5, 2000, '5 malformed');
    expect(client.stats().bookResyncs).toBe(1);
    await sleepMs(200);
    await settle();
    const s = client.stats();
    expect(s.frames).toBe(s.parsed + s.ignored + s.malformed);
    expect(client.status('BTC-USDT')).toBe('live');
  });

  it('takes a market the exchange does not list offline with a clear reason', async () => {
    client = createFeedClient(fastOptions(mock, 'binance'));
    const events = recorder(client);
    client.subscribe('DOGE-USDT', ['book']);
    mock.step(1);
    await waitFor(() => client.status('DOGE-USDT') === 'offline', 3000, 'offline');
    expect(events.find((e) => e.type === 'status' && e.status === 'offline')).toMatchObject({
      reason: expect.stringMatching(/unknown market "DOGE-USDT" on binance/),
    });
    await waitFor(() => mock.stats().binanceRequests.some((r) => r.method === 'UNSUBSCRIBE'), 2000, 'stream dropped');
  });
});
