/**
 * The server's settings: where it listens, where it keeps its data, which markets it runs and what a new
 * account is granted. Read from flags and environment by ./main.ts; tests build it directly.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import { validateMarketConfig } from '../engine/matching/market-config';
import type { MarketConfig } from '../engine/matching/types';

export interface ServerConfig {
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  markets: MarketConfig[];
  /** Practice money credited to every new account, per asset, in minimal units. */
  grant: Record<string, number>;
  /** Access tokens live this long (ms); refresh tokens `refreshTtlMs`. */
  accessTtlMs: number;
  refreshTtlMs: number;
  /** Per-connection WebSocket message budget: `burst` at once, refilled at `perSecond`. */
  wsRate: { perSecond: number; burst: number };
  /** Orders per account per second across all its connections. */
  accountOrderRate: { perSecond: number; burst: number };
  /** Bytes queued to one WebSocket before the server gives up on a slow consumer. */
  maxBufferedBytes: number;
  /** Log level for pino ('info' in production, 'silent' in tests). */
  logLevel: string;
  /** Where the log goes (default stdout); tests pass a stream to read it. */
  logDestination?: DestinationStream;
  /** Clock, injectable for token-expiry tests. */
  now: () => number;
  /** Leaderboards: mark interval (default one hour), board filters (defaults 5 trades, one day of age). */
  ranking?: { markIntervalMs?: number; minTrades?: number; minAccountAgeMs?: number };
  /** Copy trading: minimum allocation, slippage limit, settlement period (default daily from 00:00 UTC). */
  copy?: { minAllocation?: number; slippageBps?: number; settlementPeriodMs?: number; settlementOffsetMs?: number };
  /** How often (real ms) the server marks the ranking, checks stop-losses and settles due periods (default 60 s;
   *  0 turns the timer off, for tests that drive the schedule themselves). */
  scheduleEveryMs?: number;
}

export const MarketsFile = z.object({
  markets: z.array(z.object({
    id: z.string(),
    base: z.string(),
    quote: z.string(),
    baseDecimals: z.number().int(),
    tickSize: z.number().int(),
    lotSize: z.number().int(),
    minNotional: z.number().int(),
    makerFeeBps: z.number().int(),
    takerFeeBps: z.number().int(),
    priceBandBps: z.number().int(),
  }).strict()).min(1),
  grant: z.record(z.string(), z.number().int().nonnegative()),
}).strict();

export const DEFAULT_MARKETS_FILE = resolve(import.meta.dirname, 'markets.json');

export function loadMarketsFile(path: string): { markets: MarketConfig[]; grant: Record<string, number> } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`markets file ${path}: ${(err as Error).message}`);
  }
  const parsed = MarketsFile.safeParse(raw);
  if (!parsed.success) throw new Error(`markets file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const m of parsed.data.markets) validateMarketConfig(m);
  const assets = new Set(parsed.data.markets.flatMap((m) => [m.base, m.quote]));
  for (const asset of Object.keys(parsed.data.grant)) if (!assets.has(asset)) throw new Error(`markets file ${path}: grant in ${asset}, which no market trades`);
  return parsed.data;
}

export function defaultConfig(overrides: Partial<ServerConfig> & { dataDir: string }): ServerConfig {
  const file = overrides.markets ? undefined : loadMarketsFile(DEFAULT_MARKETS_FILE);
  return {
    host: '127.0.0.1',
    port: 7780,
    markets: file?.markets ?? [],
    grant: file?.grant ?? {},
    accessTtlMs: 15 * 60_000,
    refreshTtlMs: 30 * 24 * 3_600_000,
    wsRate: { perSecond: 50, burst: 100 },
    accountOrderRate: { perSecond: 200, burst: 400 },
    maxBufferedBytes: 4 * 1024 * 1024,
    logLevel: 'info',
    now: Date.now,
    ...overrides,
  };
}
