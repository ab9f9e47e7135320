import type { MarketConfig } from '../matching/types';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type RankingErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_RECORD' // a field is missing, not a safe integer, out of range or of the wrong kind
  | 'UNKNOWN_MARKET'
  | 'UNKNOWN_ACCOUNT'
  | 'UNKNOWN_ASSET' // a flow in an asset that is neither the valuation asset nor a market's base
  | 'ACCOUNT_CLOSED'
  | 'NO_PRICE' // a flow in a coin that has no price yet cannot be valued
  | 'INVALID_QUERY'; // a read with an unknown period or an out-of-range page

export class RankingError extends Error {
  constructor(
    readonly code: RankingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RankingError';
  }
}

/** What the ranking needs to know of a market (a subset of the engine's MarketConfig). */
export type RankingMarket = Pick<MarketConfig, 'id' | 'base' | 'quote' | 'baseDecimals'>;

export interface RankingConfig {
  /** Every market whose trades or prices are fed in. All must share one quote asset: the valuation currency. */
  markets: readonly RankingMarket[];
  /** Equity is marked and the boards re-ranked every this many ms (default one hour). Must divide a day. */
  markIntervalMs?: number;
  /** Where the day starts, ms after 00:00 UTC (default 0; Korean time would be −9 h, i.e. 15:00 UTC = 54,000,000). */
  dayStartOffsetMs?: number;
  /** Daily snapshots kept per account (default 35; at least 31 for the 30-day board). */
  dailyRetentionDays?: number;
  /** An account needs this many fills within the window to appear on a board (default 5). */
  minTrades?: number;
  /** ... and to be at least this old at the mark (default one day). */
  minAccountAgeMs?: number;
  /** Room reserved up front; the arrays grow past it by doubling. */
  expectedAccounts?: number;
}

export interface ResolvedRankingConfig {
  markets: readonly RankingMarket[];
  quote: string;
  markIntervalMs: number;
  marksPerDay: number;
  dayStartOffsetMs: number;
  dailyRetentionDays: number;
  minTrades: number;
  minAccountAgeMs: number;
  expectedAccounts: number;
}

const isNonNegInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export function resolveConfig(config: RankingConfig): ResolvedRankingConfig {
  const bad = (why: string): never => {
    throw new RankingError('INVALID_CONFIG', why);
  };
  if (!config.markets.length) bad('at least one market is needed');
  const quote = config.markets[0].quote;
  const ids = new Set<string>();
  const bases = new Set<string>();
  for (const m of config.markets) {
    if (m.quote !== quote)
      bad(`market ${m.id} is quoted in ${m.quote}, not ${quote}: one valuation currency is required`);
    if (ids.has(m.id)) bad(`market ${m.id} is listed twice`);
    if (bases.has(m.base) || m.base === quote) bad(`asset ${m.base} is the base of two markets or the quote`);
    if (!Number.isInteger(m.baseDecimals) || m.baseDecimals < 0 || m.baseDecimals > 15)
      bad(`market ${m.id}: baseDecimals out of range`);
    ids.add(m.id);
    bases.add(m.base);
  }
  const markIntervalMs = config.markIntervalMs ?? HOUR_MS;
  if (!isNonNegInt(markIntervalMs) || markIntervalMs < 1000 || DAY_MS % markIntervalMs !== 0) {
    bad('markIntervalMs must be a whole number of ms, at least a second, that divides a day');
  }
  const dayStartOffsetMs = config.dayStartOffsetMs ?? 0;
  if (
    !Number.isSafeInteger(dayStartOffsetMs) ||
    Math.abs(dayStartOffsetMs) >= DAY_MS ||
    dayStartOffsetMs % markIntervalMs !== 0
  ) {
    bad('dayStartOffsetMs must be a multiple of markIntervalMs within a day');
  }
  const dailyRetentionDays = config.dailyRetentionDays ?? 35;
  if (!isNonNegInt(dailyRetentionDays) || dailyRetentionDays < 31) bad('dailyRetentionDays must be at least 31');
  const minTrades = config.minTrades ?? 5;
  if (!isNonNegInt(minTrades)) bad('minTrades must be a non-negative integer');
  const minAccountAgeMs = config.minAccountAgeMs ?? DAY_MS;
  if (!isNonNegInt(minAccountAgeMs)) bad('minAccountAgeMs must be a non-negative integer');
  const expectedAccounts = config.expectedAccounts ?? 1024;
  if (!isNonNegInt(expectedAccounts)) bad('expectedAccounts must be a non-negative integer');
  return {
    markets: config.markets,
    quote,
    markIntervalMs,
    marksPerDay: DAY_MS / markIntervalMs,
    dayStartOffsetMs,
    dailyRetentionDays,
    minTrades,
    minAccountAgeMs,
    expectedAccounts: Math.max(16, expectedAccounts),
  };
}
