/**
 * The server's settings: where it listens, where it keeps its data, which markets it runs, what a new
 * account is granted and whether a liquidity provider trades. Read from flags and environment by ./main.ts;
 * tests build it directly.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DestinationStream } from 'pino';
import { z } from 'zod';
import type { Clock } from '../engine/core/market-data/clock';
import type { Synchronous } from '../engine/node/db/database';
import { validateMarketConfig } from '../engine/core/matching/market-config';
import { notional } from '../engine/core/matching/money';
import type { MarketConfig } from '../engine/core/matching/types';

export interface ServerConfig {
  /** Runs as a cluster's core (docs/cluster.md): answers gateways over this NATS server and publishes commits to it. */
  natsUrl?: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  markets: ListedMarket[];
  /** Practice money credited to every new account, per asset, in minimal units. */
  grant: Record<string, number>;
  /** The liquidity provider (liquidity/liquidity-provider.ts); absent or `enabled: false`: users alone set the price.
   *  `clock` paces its turns (default real time); tests step it by hand. */
  liquidity?: LiquiditySettings & { clock?: Clock };
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
  /** What an acknowledged order survives: `full` (default) syncs every group commit of markets.db and server.db,
   *  so it survives power loss; `normal` only a crash of the process (kept for measuring what `full` costs). */
  synchronous?: Synchronous;
  /** What one client may hold or make the server do: connections, request rates, stored rows (see ServerLimits). */
  limits: ServerLimits;
}

/**
 * Bounds on what clients can make the server hold or do. Every one has a default (`defaultLimits`) and a flag
 * (main.ts). A client address is the connecting socket's (an IPv6 address counts by its /64, which one machine
 * usually has whole).
 */
export interface ServerLimits {
  /** WebSocket connections open at once from one client address; more are refused with 429. */
  wsConnectionsPerIp: number;
  /**
   * WebSocket connections open at once. At the cap a new connection takes the place of the one that has waited
   * longest without signing in or subscribing; when every connection is in use it is refused with 503. The
   * default leaves 1,024 of the process's open-file limit for databases and HTTP.
   */
  wsConnections: number;
  /**
   * TCP connections open at once, of every kind (HTTP, WebSocket, ones that have sent nothing yet). At the cap a
   * new connection takes the place of the one idle the longest (no request in progress); with none idle it is
   * closed. The default leaves 256 of the process's open-file limit for databases and logs.
   */
  connections: number;
  /** A connection with no HTTP request in progress this long (ms) is closed: a request's headers sent slowly
   *  or never, or keep-alive between requests. WebSockets are timed by `wsIdleMs` instead. */
  httpIdleMs: number;
  /** A WebSocket that neither signs in nor subscribes within this long (ms) is closed: market-data readers
   *  subscribe and stay, traders sign in and stay, an idle socket goes. */
  wsIdleMs: number;
  /** A protocol ping is sent this often (ms); a connection that has not answered the previous one is cut. */
  wsHeartbeatMs: number;
  /** HTTP requests (reads and writes alike) per client address per window; more get 429 with Retry-After. */
  httpPerIp: { max: number; windowMs: number };
  /** HTTP requests per signed-in account per window, across all its addresses. */
  httpPerAccount: { max: number; windowMs: number };
  /** Practice-journal entries, and bytes of their ids and data, kept per account; an upload past either is
   *  refused whole (413 QUOTA_EXCEEDED) until the account deletes old entries. */
  practiceEntries: number;
  practiceBytes: number;
  /** Cloud sync's fields, and bytes of their ids, keys and values, kept per account; an upload past either is
   *  refused whole (413 QUOTA_EXCEEDED). */
  cloudChanges: number;
  cloudBytes: number;
  /** How far ahead of the server's clock a change's stamp may be (ms); further is refused (CLOCK_AHEAD). */
  cloudClockDriftMs: number;
  /** Notifications kept per account: the oldest are deleted as new ones arrive, so new fills always get in. */
  notifications: number;
  /** Live sign-in sessions per account: signing in past it signs out the oldest (SESSION_REVOKED). */
  sessions: number;
}

/**
 * A market the server runs: the matching engine's settings, and the price its coin is valued at until it first
 * trades (quote units per whole coin). Every sign-up is granted coins before anyone has traded them; valued at
 * nothing, they would enter equity as a jump at the first trade, a jump the return leaves out but the equity
 * curve shows.
 */
export interface ListedMarket extends MarketConfig {
  listingPrice: number;
}

/** The matching engine's settings of a listed market: the listing price is the server's, not the engine's. */
export function engineMarket(market: ListedMarket): MarketConfig {
  const { listingPrice, ...config } = market;
  return config;
}

/** File descriptors kept beyond WebSocket connections (databases, logs, HTTP), and beyond all connections. */
const FD_RESERVE = 1_024;
const FD_RESERVE_ALL = 256;

let fdLimit: number | null | undefined;
/** The process's soft open-file limit, or null where the platform reports none (Windows). */
function openFileLimit(): number | null {
  if (fdLimit === undefined) {
    const report = process.report.getReport() as { userLimits?: { open_files?: { soft?: number | string } } };
    const soft = report.userLimits?.open_files?.soft;
    fdLimit = typeof soft === 'number' && Number.isSafeInteger(soft) ? soft : null;
  }
  return fdLimit;
}

export function defaultLimits(): ServerLimits {
  const fds = openFileLimit();
  return {
    wsConnectionsPerIp: 256,
    wsConnections: fds === null ? 50_000 : Math.max(64, fds - FD_RESERVE),
    connections: fds === null ? 60_000 : Math.max(128, fds - FD_RESERVE_ALL),
    httpIdleMs: 15_000,
    wsIdleMs: 15_000,
    wsHeartbeatMs: 30_000,
    httpPerIp: { max: 1_200, windowMs: 60_000 },
    httpPerAccount: { max: 600, windowMs: 60_000 },
    practiceEntries: 20_000,
    practiceBytes: 16 * 1024 * 1024,
    // Room for years of practice history (each order and fill a field) and every preference and alert.
    cloudChanges: 200_000,
    cloudBytes: 64 * 1024 * 1024,
    cloudClockDriftMs: 5 * 60_000,
    notifications: 1_000,
    sessions: 10,
  };
}

/** One kind of the liquidity provider's agents: how many, and what each one's account is granted once, when opened. */
const LiquidityAgents = z
  .object({
    count: z.number().int().min(0).max(20),
    // Bounded so that the provider can never take a noticeable share of an asset's supply range (2^53 − 1
    // minimal units, which every sign-up's grant also comes out of): 60 agents × 10^13 is under 7% of it.
    grant: z.record(z.string(), z.number().int().min(0).max(10_000_000_000_000)),
  })
  .strict();

/**
 * The liquidity provider: the offline practice market's simulated traders (market makers, noise traders,
 * momentum takers) trading one live market through ordinary, labelled accounts. See
 * liquidity/liquidity-provider.ts for how it trades; `enabled` is the switch (`--liquidity on|off` overrides it).
 */
export const LiquiditySection = z
  .object({
    enabled: z.boolean(),
    market: z.string(),
    /** Seeds the agents' random choices. */
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** Agent turns per second. */
    ticksPerSecond: z.number().positive().max(50),
    /** Orders, amends and cancels per second, all agents together: a turn sends at most ordersPerSecond / ticksPerSecond. */
    ordersPerSecond: z.number().int().min(1).max(1_000),
    /** Where the agents' fair value starts if the market has never traded, quote units per whole coin. */
    startPrice: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    marketMakers: LiquidityAgents,
    noiseTraders: LiquidityAgents,
    momentumTakers: LiquidityAgents,
  })
  .strict();
export type LiquiditySettings = z.output<typeof LiquiditySection>;

export const MarketsFile = z
  .object({
    markets: z
      .array(
        z
          .object({
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
            /** Valuation before the first trade, quote units per whole coin, on the tick grid. */
            listingPrice: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
          })
          .strict(),
      )
      .min(1),
    grant: z.record(z.string(), z.number().int().nonnegative()),
    liquidity: LiquiditySection.optional(),
  })
  .strict();

export const DEFAULT_MARKETS_FILE = resolve(import.meta.dirname, 'markets.json');

/** Why a liquidity section cannot run on these markets, or undefined when it can. */
function liquidityProblem(l: LiquiditySettings, markets: readonly MarketConfig[]): string | undefined {
  const market = markets.find((m) => m.id === l.market);
  if (!market) return `liquidity.market: no market ${l.market}`;
  if (l.ordersPerSecond < l.ticksPerSecond)
    return 'liquidity.ordersPerSecond must be at least ticksPerSecond (one command per turn)';
  if (l.marketMakers.count + l.noiseTraders.count + l.momentumTakers.count === 0) return 'liquidity: no agents';
  for (const kind of ['marketMakers', 'noiseTraders', 'momentumTakers'] as const) {
    for (const asset of Object.keys(l[kind].grant)) {
      if (asset !== market.base && asset !== market.quote)
        return `liquidity.${kind}.grant: ${asset} is not traded on ${market.id}`;
    }
    // Agents value what they hold at the market price; leave that room to rise a thousandfold in range.
    const coins = l[kind].grant[market.base] ?? 0;
    if (notional(l.startPrice, coins, 10 ** market.baseDecimals) > Number.MAX_SAFE_INTEGER / 1_000) {
      return `liquidity.${kind}.grant: ${coins} ${market.base} at startPrice ${l.startPrice} is worth too much to value (keep it under ${Math.floor(Number.MAX_SAFE_INTEGER / 1_000)} ${market.quote})`;
    }
  }
  return undefined;
}

/** Why a market's listing price cannot value its coins, or undefined when it can. */
function listingProblem(m: ListedMarket, grant: Record<string, number>): string | undefined {
  if (m.listingPrice % m.tickSize !== 0)
    return `${m.id}.listingPrice: ${m.listingPrice} is not a multiple of the tick (${m.tickSize})`;
  // The ranking values holdings at it: leave a granted amount the same thousandfold room as the provider's.
  const coins = grant[m.base] ?? 0;
  if (notional(m.listingPrice, coins, 10 ** m.baseDecimals) > Number.MAX_SAFE_INTEGER / 1_000)
    return `${m.id}.listingPrice: the grant of ${coins} ${m.base} at ${m.listingPrice} is worth too much to value`;
  return undefined;
}

export function loadMarketsFile(path: string): {
  markets: ListedMarket[];
  grant: Record<string, number>;
  liquidity?: LiquiditySettings;
} {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`markets file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = MarketsFile.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `markets file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  for (const m of parsed.data.markets) {
    validateMarketConfig(m);
    const problem = listingProblem(m, parsed.data.grant);
    if (problem) throw new Error(`markets file ${path}: ${problem}`);
  }
  const assets = new Set(parsed.data.markets.flatMap((m) => [m.base, m.quote]));
  for (const asset of Object.keys(parsed.data.grant))
    if (!assets.has(asset)) throw new Error(`markets file ${path}: grant in ${asset}, which no market trades`);
  const problem = parsed.data.liquidity && liquidityProblem(parsed.data.liquidity, parsed.data.markets);
  if (problem) throw new Error(`markets file ${path}: ${problem}`);
  return parsed.data;
}

export function defaultConfig(
  overrides: Partial<Omit<ServerConfig, 'limits'>> & { dataDir: string; limits?: Partial<ServerLimits> },
): ServerConfig {
  const file = overrides.markets ? undefined : loadMarketsFile(DEFAULT_MARKETS_FILE);
  return {
    host: '127.0.0.1',
    port: 7780,
    markets: file?.markets ?? [],
    grant: file?.grant ?? {},
    liquidity: file?.liquidity,
    accessTtlMs: 15 * 60_000,
    refreshTtlMs: 30 * 24 * 3_600_000,
    wsRate: { perSecond: 50, burst: 100 },
    accountOrderRate: { perSecond: 200, burst: 400 },
    maxBufferedBytes: 4 * 1024 * 1024,
    logLevel: 'info',
    now: Date.now,
    ...overrides,
    limits: { ...defaultLimits(), ...overrides.limits },
  };
}
