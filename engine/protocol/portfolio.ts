/**
 * The Portfolio screen's contract: every account of mine — the offline practice market, paper trading on the
 * exchanges and on a replay, the live LPJ market and my copies' sub-accounts there — valued in one quote
 * currency, each holding at its own market's mark (./valuation), with PnL from each account's fills and the
 * total's record over time.
 *
 * Amounts are exact integers written as decimal text (a portfolio's sum may pass 2^53): minimal units of their
 * asset, or of the portfolio's quote at `decimals` for values and PnL. An account that cannot be read says why
 * and is left out of the total; a holding without a price is listed and left out, never counted at a guess.
 */
import { z } from 'zod';

/** An exact integer as decimal text. */
export const Units = z.string().regex(/^-?\d{1,40}$/);
const decimals = z.number().int().min(0).max(18);
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const PortfolioAccountKind = z.enum(['practice', 'paper', 'replay', 'live', 'copy']);
export const Unvalued = z.enum(['no_price', 'no_market']);

export const PortfolioHolding = z.object({
  asset: z.string(),
  /** Available and held for orders, minimal units of the asset. */
  units: Units,
  decimals,
  /** In the portfolio's quote; absent when it cannot be valued (`unvalued` says why). */
  value: Units.optional(),
  unvalued: Unvalued.optional(),
});

/** One market's position from the account's fills, average-cost basis, in that market's own units. */
export const PortfolioPosition = z.object({
  market: z.string(),
  base: z.string(),
  quote: z.string(),
  priceDecimals: decimals,
  sizeDecimals: decimals,
  quoteDecimals: decimals,
  /** Size units; negative when more was sold than bought on this market (coins that came from elsewhere). */
  quantity: Units,
  /** Price units; 0 when flat. */
  averagePrice: Units,
  markPrice: Units.optional(),
  realisedPnl: Units,
  /** Absent when the market has no price yet. */
  unrealisedPnl: Units.optional(),
  feesPaid: Units,
});

/** PnL in the portfolio's quote: realised, unrealised (at the marks known) and fees paid. */
export const PortfolioPnl = z.object({ realised: Units, unrealised: Units, fees: Units });

export const PortfolioAccount = z.object({
  /** Stable per account: 'practice', 'paper-<portfolio id>', 'replay', 'live', 'copy-<subscription id>'. */
  id: z.string(),
  kind: PortfolioAccountKind,
  /** A paper portfolio's name and the exchange whose prices it trades. */
  portfolio: z.object({ name: z.string(), exchange: z.enum(['upbit', 'binance']) }).optional(),
  /** A copy's leader (nickname). */
  leader: z.string().optional(),
  /** ok: counted; signed_out / offline / error: not read now, left out of the total. */
  state: z.enum(['ok', 'signed_out', 'offline', 'error']),
  reason: z.string().optional(),
  holdings: z.array(PortfolioHolding),
  /** The sum of the holdings valued, portfolio units. */
  value: Units,
  positions: z.array(PortfolioPosition),
  /** Absent where the fills are not mine to read (a copy's sub-account). */
  pnl: PortfolioPnl.optional(),
  /** The PnL counts only the latest fills (older ones were beyond what is read). */
  pnlPartial: z.boolean().optional(),
});

export const PortfolioAsset = z.object({
  asset: z.string(),
  /** Across every account counted, portfolio units. */
  value: Units,
  /** Of positions quoted in the portfolio's quote. */
  pnl: PortfolioPnl,
});

export const EquityRecord = z.object({ ts: amount, value: Units });

export const Portfolio = z.object({
  quote: z.string(),
  /** Decimals of the portfolio's values: the finest of its accounts' quote amounts. */
  decimals,
  asOf: amount,
  value: Units,
  /** Assets held that the total leaves out, with the reason. */
  unvalued: z.array(z.object({ asset: z.string(), why: Unvalued })),
  accounts: z.array(PortfolioAccount),
  assets: z.array(PortfolioAsset),
  /** The total as recorded over time, oldest first (see recordEveryMs). */
  equity: z.array(EquityRecord),
  recordEveryMs: amount,
});

export type Portfolio = z.output<typeof Portfolio>;
export type PortfolioAccount = z.output<typeof PortfolioAccount>;
export type PortfolioHolding = z.output<typeof PortfolioHolding>;
export type PortfolioPosition = z.output<typeof PortfolioPosition>;
export type PortfolioAsset = z.output<typeof PortfolioAsset>;
export type PortfolioPnl = z.output<typeof PortfolioPnl>;
