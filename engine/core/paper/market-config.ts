/**
 * Paper market settings: built from the feed's market metadata with the exchange's fees, and checked before
 * the engine takes them (a wrong unit would otherwise surface much later as wrong money).
 */
import type { ExchangeId, FeedMarket } from '../market-data/types';
import type { PaperMarketConfig } from './types';

/**
 * The exchanges' published standard spot fees, maker and taker alike: Upbit's KRW market 0.05 % (its fee
 * guide, upbit.com/service_center/guide), Binance's regular (VIP 0) spot rate without the BNB discount 0.1 %
 * (binance.com/en/fee/schedule). A paper portfolio starts from these and may set its own.
 */
export const EXCHANGE_FEES: Record<ExchangeId, { makerFeeBps: number; takerFeeBps: number }> = {
  upbit: { makerFeeBps: 5, takerFeeBps: 5 },
  binance: { makerFeeBps: 10, takerFeeBps: 10 },
};

/**
 * Balance decimals of the quote assets. They must cover the finest price unit of every market quoted in them
 * (the feed's Upbit rule goes down to 0.0001 won, Binance's to 1e-8 USDT), so a fill's value is never
 * rounded coarser than its price.
 */
export const QUOTE_DECIMALS: Record<string, number> = { KRW: 4, USDT: 8 };

/** The exchanges' minimum order values: Upbit 5,000 KRW, Binance 5 USDT (in balance units). */
const MIN_NOTIONAL: Record<string, number> = {
  KRW: 5_000 * 10 ** QUOTE_DECIMALS.KRW,
  USDT: 5 * 10 ** QUOTE_DECIMALS.USDT,
};

/** Starting grant of a new or reset account: 10,000,000 KRW and 10,000 USDT, in balance units. */
export const DEFAULT_GRANTS: Readonly<Record<string, number>> = {
  KRW: 10_000_000 * 10 ** QUOTE_DECIMALS.KRW,
  USDT: 10_000 * 10 ** QUOTE_DECIMALS.USDT,
};

export const DEFAULT_STOP_BAND_BPS = 1_000;

/** The paper market for a feed market, with the exchange's fees; `overrides` replace any setting. */
export function paperMarket(
  feed: FeedMarket,
  overrides: Partial<Omit<PaperMarketConfig, 'id'>> = {},
): PaperMarketConfig {
  const quoteDecimals = overrides.quoteDecimals ?? QUOTE_DECIMALS[feed.quote] ?? feed.priceDecimals;
  return {
    id: feed.id,
    exchange: feed.exchange,
    base: feed.base,
    quote: feed.quote,
    priceDecimals: feed.priceDecimals,
    sizeDecimals: feed.sizeDecimals,
    quoteDecimals,
    ...EXCHANGE_FEES[feed.exchange],
    minNotional: MIN_NOTIONAL[feed.quote] ?? 0,
    stopBandBps: DEFAULT_STOP_BAND_BPS,
    ...overrides,
  };
}

export class PaperMarketConfigError extends Error {
  constructor(market: string, why: string) {
    super(`paper market ${market}: ${why}`);
    this.name = 'PaperMarketConfigError';
  }
}

const int = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const assetCode = (v: unknown): boolean => typeof v === 'string' && /^[A-Z0-9]{1,16}$/.test(v);

/** Why `c` is not a usable market, or null. */
export function marketConfigProblem(c: PaperMarketConfig): string | null {
  if (c === null || typeof c !== 'object') return 'not an object';
  if (typeof c.id !== 'string' || c.id !== `${c.base}-${c.quote}`) return 'id must be BASE-QUOTE of its base and quote';
  if (c.exchange !== 'upbit' && c.exchange !== 'binance') return 'unknown exchange';
  if (!assetCode(c.base) || !assetCode(c.quote) || c.base === c.quote)
    return 'base and quote must be two different asset codes';
  if (!int(c.priceDecimals, 0, 12) || !int(c.sizeDecimals, 0, 12))
    return 'priceDecimals and sizeDecimals must be integers 0..12';
  if (!int(c.quoteDecimals, c.priceDecimals, 12)) return 'quoteDecimals must be an integer from priceDecimals to 12';
  // notional = price × size / 10^(sizeDecimals − (quoteDecimals − priceDecimals)) needs a whole divisor.
  if (c.quoteDecimals - c.priceDecimals > c.sizeDecimals)
    return 'quoteDecimals − priceDecimals must not exceed sizeDecimals';
  if (!int(c.makerFeeBps, 0, 1000) || !int(c.takerFeeBps, 0, 1000)) return 'fees must be integers 0..1000 bps';
  if (!int(c.minNotional, 0)) return 'minNotional must be a non-negative integer';
  if (!int(c.stopBandBps, 1, 9000)) return 'stopBandBps must be an integer 1..9000';
  return null;
}

export function validatePaperMarket(c: PaperMarketConfig): void {
  const problem = marketConfigProblem(c);
  if (problem) throw new PaperMarketConfigError(typeof c?.id === 'string' ? c.id : '(no id)', problem);
}

/** The divisor that turns price × size into quote balance units: notional = floor(price × size / divisor). */
export function notionalDivisor(c: PaperMarketConfig): number {
  return 10 ** (c.sizeDecimals - (c.quoteDecimals - c.priceDecimals));
}
