/**
 * The market list (watchlist): every market the app knows — the offline practice market, the live LPJ market
 * while signed in, and the paper markets of Upbit and Binance — with its last price, the day's change reference
 * and hourly closes for a sparkline, and which ones the user starred. Prices are integers in each row's price
 * units (10^-priceDecimals quote per coin), as everywhere else.
 */
import { z } from 'zod';

const price = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const decimals = z.number().int().min(0).max(18);

/** The market list's exchanges: the ones paper markets come from. */
export const WatchExchange = z.enum(['upbit', 'binance']);

/**
 * A row's key: `lpj` (the offline practice market), `lpj-live` (the live market) or `<exchange>:<BASE-QUOTE>`
 * (a paper market, e.g. `upbit:BTC-KRW`). Favourites are kept by these keys.
 */
export const WatchKey = z
  .string()
  .max(40)
  .regex(/^(lpj|lpj-live|(upbit|binance):[A-Z0-9]{1,15}-[A-Z0-9]{1,15})$/);

/** The most favourites kept: more than any list offers, so the bound only stops a flood. */
export const MAX_FAVOURITES = 200;

export const WatchRow = z.object({
  key: WatchKey,
  venue: z.enum(['practice', 'live', 'upbit', 'binance']),
  /** BASE-QUOTE ("BTC-KRW"). */
  market: z.string(),
  base: z.string(),
  quote: z.string(),
  priceDecimals: decimals,
  /** Price step, price units (1 where any price unit trades). */
  tickSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Absent while no price is known (not fetched yet, the exchange unreachable, or the market not listed). */
  last: price.optional(),
  /** What the day's change is measured from (the exchange's previous close or the price 24 h ago). */
  reference: price.optional(),
  /** Hourly closes of about the last day, oldest first (empty until fetched). */
  spark: z.array(price).max(200),
});

export const WatchExchangeState = z.object({
  exchange: WatchExchange,
  /** loading: no answer yet; ok: prices as of `at`; unreachable: the last try failed (older prices may stay). */
  state: z.enum(['loading', 'ok', 'unreachable']),
  error: z.string().optional(),
  /** When the prices shown were fetched (ms UTC). */
  at: price.optional(),
});

export const WatchlistState = z.object({
  rows: z.array(WatchRow),
  exchanges: z.array(WatchExchangeState),
  favourites: z.array(WatchKey).max(MAX_FAVOURITES),
});

export const watchlistMethods = {
  /**
   * The market list now; prices older than the refresh interval are fetched again in the background and
   * arrive as `watchlist.update`. Call it at a modest interval while the list is on screen.
   */
  'watchlist.list': { params: z.object({}).strict(), result: WatchlistState },
  /** Stars or unstars a market (kept in the settings store); answers the favourites now. */
  'watchlist.favourite': {
    params: z.object({ key: WatchKey, favourite: z.boolean() }).strict(),
    result: z.object({ favourites: z.array(WatchKey).max(MAX_FAVOURITES) }),
  },
} as const;

export const watchlistEvents = {
  /** New prices or sparklines arrived, or the favourites changed (in any window). */
  'watchlist.update': WatchlistState,
} as const;

export type WatchKey = z.output<typeof WatchKey>;
export type WatchRow = z.output<typeof WatchRow>;
export type WatchExchange = z.output<typeof WatchExchange>;
export type WatchExchangeState = z.output<typeof WatchExchangeState>;
export type WatchlistState = z.output<typeof WatchlistState>;
