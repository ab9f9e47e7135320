/**
 * Entry point of the real-coin market feed: one client per exchange.
 *
 *   const feed = createFeedClient({ exchange: 'upbit' });
 *   feed.on('book', (b) => …); feed.on('status', (s) => …);
 *   feed.subscribe('BTC-KRW');                       // ticker + trades + book
 *   const page = await feed.candles.fetchMinuteCandles(feed.market('BTC-KRW'), Date.now(), 200);
 */
import { BinanceFeedClient } from './binance/binance-feed';
import type { FeedClient, FeedClientOptions } from './feed-client-base';
import { UpbitFeedClient } from './upbit/upbit-feed';

export function createFeedClient(options: FeedClientOptions): FeedClient {
  const { exchange, ...rest } = options;
  switch (exchange) {
    case 'upbit':
      return new UpbitFeedClient(rest);
    case 'binance':
      return new BinanceFeedClient(rest);
    default:
      throw new Error(`unknown exchange "${String(exchange)}"`);
  }
}

export { FeedClient, DEFAULT_CHANNELS, type FeedClientOptions } from './feed-client-base';
export { UpbitFeedClient } from './upbit/upbit-feed';
export { BinanceFeedClient } from './binance/binance-feed';
