/** Test helpers for the feed suites: fast timeouts and polling. */
import type { FeedClientOptions } from '../feed-client-base';
import { silentLogger } from '../logger';
import type { MockExchange } from '../../../tools/mock-exchange/mock-exchange';
import type { FeedEvent } from '../../../core/market-data/types';

/** Client options pointed at a mock, with timings short enough for a suite that runs in seconds. */
export function fastOptions(
  mock: MockExchange,
  exchange: 'upbit' | 'binance',
  extra: Partial<FeedClientOptions> = {},
): FeedClientOptions {
  return {
    exchange,
    wsUrl: exchange === 'upbit' ? mock.urls.upbitWs : mock.urls.binanceWs,
    restUrl: exchange === 'upbit' ? mock.urls.upbitRest : mock.urls.binanceRest,
    heartbeatMs: 250,
    deadAfterMs: 800,
    staleAfterMs: 250,
    offlineAfterMs: 5000,
    backoff: { baseMs: 20, maxMs: 200 },
    logger: silentLogger,
    rest: { backoff: { baseMs: 20, maxMs: 200 }, rateLimitFloorMs: 50 },
    ...extra,
  };
}

export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects every event a client emits. */
export function recorder(client: { onEvent(l: (e: FeedEvent) => void): () => void }): FeedEvent[] {
  const events: FeedEvent[] = [];
  client.onEvent((e) => events.push(e));
  return events;
}
