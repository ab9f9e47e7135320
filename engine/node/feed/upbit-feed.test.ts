import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedClient, type FeedClient } from './feed-client';
import { UnknownMarketError } from '../../core/market-data/markets';
import { MockExchange } from '../../tools/mock-exchange/mock-exchange';
import { fastOptions, recorder, sleepMs, waitFor } from './testing/helpers';
import type { BookEvent, FeedEvent, StatusEvent } from '../../core/market-data/types';

let mock: MockExchange;
let client: FeedClient;

beforeEach(async () => {
  mock = await MockExchange.start({ stepsPerSec: 40 });
});

afterEach(async () => {
  client?.close();
  await mock.close();
});

const statuses = (events: FeedEvent[], market: string): string[] =>
  events.filter((e): e is StatusEvent => e.type === 'status' && e.market === market).map((e) => e.status);
const subscribeMessages = (): unknown[][] => mock.stats().upbitSubscribeMessages.map((m) => JSON.parse(m));
const codesOf = (msg: unknown[], type: string): string[] =>
  (msg.find((o) => (o as { type?: string }).type === type) as { codes: string[] } | undefined)?.codes ?? [];

describe('Upbit feed client against the mock exchange', () => {
  it('subscribes and unsubscribes at run time, resending the whole array with a new ticket', async () => {
    client = createFeedClient(fastOptions(mock, 'upbit'));
    const events = recorder(client);
    client.subscribe('BTC-KRW');
    await waitFor(() => client.status('BTC-KRW') === 'live' && !!client.book('BTC-KRW'), 3000, 'BTC live');

    client.subscribe('ETH-KRW', ['trade', 'book']);
    client.subscribe('XRP-KRW', ['ticker']);
    await waitFor(
      () =>
        events.some((e) => e.type === 'book' && e.market === 'ETH-KRW') &&
        events.some((e) => e.type === 'ticker' && e.market === 'XRP-KRW'),
      3000,
      'ETH and XRP data',
    );
    const msgs = subscribeMessages();
    // Two calls in one tick: one message.
    expect(msgs).toHaveLength(2);
    const last = msgs[1];
    expect(codesOf(last, 'ticker')).toEqual(['KRW-BTC', 'KRW-XRP']);
    expect(codesOf(last, 'trade')).toEqual(['KRW-BTC', 'KRW-ETH']);
    expect(codesOf(last, 'orderbook')).toEqual(['KRW-BTC.30', 'KRW-ETH.30']);
    expect((last[0] as { ticket: string }).ticket).not.toBe((msgs[0][0] as { ticket: string }).ticket);
    // BTC kept flowing through the change.
    const btcBefore = events.filter((e) => e.market === 'BTC-KRW' && e.type === 'trade').length;
    await waitFor(
      () => events.filter((e) => e.market === 'BTC-KRW' && e.type === 'trade').length > btcBefore,
      2000,
      'more BTC trades',
    );

    client.unsubscribe('BTC-KRW');
    await waitFor(() => subscribeMessages().length === 3, 2000, 'third subscribe message');
    expect(codesOf(subscribeMessages()[2], 'ticker')).toEqual(['KRW-XRP']);
    await sleepMs(100);
    const btcAfter = events.filter((e) => e.market === 'BTC-KRW').length;
    await sleepMs(300);
    expect(events.filter((e) => e.market === 'BTC-KRW').length).toBe(btcAfter);
    expect(events.filter((e) => e.market === 'ETH-KRW' && e.type === 'ticker')).toHaveLength(0);
    expect(client.subscriptions()).toEqual([
      { market: 'ETH-KRW', channels: ['trade', 'book'] },
      { market: 'XRP-KRW', channels: ['ticker'] },
    ]);
    expect(mock.stats().closedForMessageRate).toBe(0);
  });

  it('replaces the book whole with every orderbook message (DEFAULT and SIMPLE)', async () => {
    for (const upbitFormat of ['DEFAULT', 'SIMPLE'] as const) {
      mock.setSpeed(0);
      client?.close();
      client = createFeedClient(fastOptions(mock, 'upbit', { upbitFormat, bookDepth: 15 }));
      const books: BookEvent[] = [];
      client.on('book', (b) => books.push(b));
      client.subscribe('BTC-KRW', ['book']);
      await waitFor(() => books.length === 1, 3000, 'snapshot book');
      const want = (): { bids: unknown; asks: unknown } => mock.market('KRW-BTC').book(15);
      expect({ bids: books[0].bids, asks: books[0].asks }).toEqual(want());
      for (let i = 0; i < 20; i++) {
        mock.step(1);
        await waitFor(() => books.length === i + 2, 2000, `book ${i + 2}`);
        expect({ bids: books.at(-1)!.bids, asks: books.at(-1)!.asks }, upbitFormat).toEqual(want());
      }
      expect(mock.stats().upbitSubscribeMessages.at(-1)).toContain(`"format":"${upbitFormat}"`);
    }
  });

  it('reconnects after the connection drops and resubscribes everything', async () => {
    client = createFeedClient(fastOptions(mock, 'upbit'));
    const events = recorder(client);
    client.subscribe('BTC-KRW');
    client.subscribe('SOL-KRW', ['trade']);
    await waitFor(() => client.status('BTC-KRW') === 'live' && client.status('SOL-KRW') === 'live', 3000, 'live');
    const before = mock.stats().upbitSubscribeMessages.length;
    mock.dropConnections();
    await waitFor(() => statuses(events, 'BTC-KRW').length === 4, 3000, 'back live');
    expect(statuses(events, 'BTC-KRW')).toEqual(['reconnecting', 'live', 'reconnecting', 'live']);
    expect(
      events.find((e) => e.type === 'status' && e.status === 'reconnecting' && e.reason?.includes('1006')),
    ).toBeTruthy();
    expect(client.stats().reconnects).toBe(1);
    expect(mock.stats().upbitConnections).toBe(2);
    const resent = subscribeMessages().slice(before);
    expect(resent).toHaveLength(1);
    expect(codesOf(resent[0], 'trade')).toEqual(['KRW-BTC', 'KRW-SOL']);
    await waitFor(() => client.status('SOL-KRW') === 'live', 2000, 'SOL live');
  });

  it('marks markets stale when the exchange goes silent, then reconnects and goes live again', async () => {
    client = createFeedClient(fastOptions(mock, 'upbit'));
    const events = recorder(client);
    client.subscribe('BTC-KRW');
    await waitFor(() => client.status('BTC-KRW') === 'live', 3000, 'live');
    const silentAt = Date.now();
    mock.silence(1500);
    await waitFor(() => statuses(events, 'BTC-KRW').includes('stale'), 2000, 'stale');
    // The link is declared dead (no data, no pong) within deadAfterMs and reconnected.
    await waitFor(
      () => statuses(events, 'BTC-KRW').filter((s) => s === 'reconnecting').length >= 2,
      2000,
      'reconnecting',
    );
    expect(Date.now() - silentAt).toBeLessThan(1400);
    await waitFor(
      () => statuses(events, 'BTC-KRW').at(-1) === 'live' && Date.now() - silentAt > 1500,
      5000,
      'live again',
    );
    const seq = statuses(events, 'BTC-KRW');
    expect(seq.indexOf('stale')).toBeLessThan(seq.lastIndexOf('reconnecting'));
    expect(client.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('keeps an idle link alive with PING and sees {"status":"UP"}', async () => {
    mock.setSpeed(0);
    client = createFeedClient(fastOptions(mock, 'upbit', { staleAfterMs: 60_000 }));
    client.subscribe('BTC-KRW', ['trade']);
    await waitFor(() => mock.stats().upbitConnections === 1, 2000, 'connected');
    await sleepMs(1500);
    expect(mock.stats().upbitPings).toBeGreaterThan(3);
    expect(client.stats().reconnects).toBe(0);
    expect(client.stats().parsed).toBeGreaterThan(3);
  });

  it('counts malformed frames, survives them and never lets them touch the book', async () => {
    client = createFeedClient(fastOptions(mock, 'upbit'));
    client.subscribe('BTC-KRW');
    await waitFor(() => !!client.book('BTC-KRW'), 3000, 'book');
    mock.setSpeed(0);
    await sleepMs(50);
    mock.sendMalformed(10, 'upbit');
    await waitFor(() => client.stats().malformed === 10, 2000, '10 malformed');
    mock.step(1);
    await waitFor(
      () => JSON.stringify(client.book('BTC-KRW')?.bids) === JSON.stringify(mock.market('KRW-BTC').book(30).bids),
      2000,
      'book matches',
    );
    expect(client.book('BTC-KRW')?.asks).toEqual(mock.market('KRW-BTC').book(30).asks);
    const s = client.stats();
    expect(s.frames).toBe(s.parsed + s.ignored + s.malformed);
    expect(client.status('BTC-KRW')).toBe('live');
  });

  it('gives clear errors for unknown markets', async () => {
    client = createFeedClient(fastOptions(mock, 'upbit'));
    expect(() => client.subscribe('BTC-USDT')).toThrow(UnknownMarketError);
    expect(() => client.subscribe('btc')).toThrow(/BASE-QUOTE/);
    await expect(client.candles.fetchMinuteCandles(client.market('NOPE-KRW'), Date.now(), 10)).rejects.toThrow(
      /unknown market "NOPE-KRW" on upbit/,
    );
  });
});
