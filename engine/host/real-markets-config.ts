/**
 * Where the real-coin feed connects and which markets the app offers per source.
 *
 * Exchange base URLs come from the host's options first, then the environment (LPJ_UPBIT_WS, LPJ_UPBIT_REST,
 * LPJ_BINANCE_WS, LPJ_BINANCE_REST), then the exchanges' public endpoints (the feed clients' own defaults).
 * Tests and e2e runs set them to the mock exchange so nothing reaches the internet.
 */
import type { FeedClientOptions } from '../node/feed';
import type { ExchangeId } from '../core/market-data/types';

/** Per-exchange feed client settings a host may override (URLs, timings, logger). */
export type ExchangeOptions = Partial<Omit<FeedClientOptions, 'exchange'>>;

const ENV_KEYS: Record<ExchangeId, { ws: string; rest: string }> = {
  upbit: { ws: 'LPJ_UPBIT_WS', rest: 'LPJ_UPBIT_REST' },
  binance: { ws: 'LPJ_BINANCE_WS', rest: 'LPJ_BINANCE_REST' },
};

/** Feed client options for an exchange: explicit options, else environment, else the client's defaults. */
export function feedClientOptions(
  exchange: ExchangeId,
  explicit: ExchangeOptions | undefined,
  env: NodeJS.ProcessEnv = process.env,
): FeedClientOptions {
  const options: FeedClientOptions = { ...explicit, exchange };
  const wsUrl = explicit?.wsUrl ?? nonEmpty(env[ENV_KEYS[exchange].ws]);
  const restUrl = explicit?.restUrl ?? nonEmpty(env[ENV_KEYS[exchange].rest]);
  if (wsUrl) options.wsUrl = wsUrl;
  if (restUrl) options.restUrl = restUrl;
  return options;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v && v.trim() ? v.trim() : undefined;
}

/**
 * The markets listed in the market picker. Any other BASE-QUOTE id of the exchange's quote currency can still be
 * opened; these are the ones whose price decimals the feed's market table knows for sure.
 */
export const OFFERED_MARKETS: Record<ExchangeId, readonly string[]> = {
  upbit: ['BTC-KRW', 'ETH-KRW', 'XRP-KRW', 'SOL-KRW', 'DOGE-KRW', 'ADA-KRW'],
  binance: ['BTC-USDT', 'ETH-USDT', 'XRP-USDT', 'SOL-USDT', 'DOGE-USDT', 'ADA-USDT'],
};
