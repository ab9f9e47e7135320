/** Public surface of the market feed (what the app host imports). */
export * from '../../core/market-data/types';
export {
  createFeedClient,
  FeedClient,
  UpbitFeedClient,
  BinanceFeedClient,
  DEFAULT_CHANNELS,
  type FeedClientOptions,
} from './feed-client';
export { MarketRegistry, resolveMarket, UnknownMarketError, QUOTE_OF } from '../../core/market-data/markets';
export {
  parseDecimalUnits,
  numberToUnits,
  toUnits,
  formatFixedUnits,
  formatUnitsTrimmed,
  DecimalError,
  type Rounding,
} from '../../core/market-data/decimal';
export { RestClient, HttpError, RateLimitedError } from './rest-client';
export { UpbitCandleSource } from './upbit/upbit-candles';
export { BinanceRest } from './binance/binance-rest';
export { systemClock, type Clock, type BackoffPolicy } from '../../core/market-data/clock';
export type { FeedLogger } from './logger';
