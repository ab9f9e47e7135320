/**
 * The Results view's and the reports' contract: each kept result of an account — a replay run of a session, or
 * a paper account's running result — with its figures, equity curve and fills; fills of any account as CSV; PnL
 * per period on screen and as CSV.
 *
 * Results are keyed by account id ('practice', 'paper', 'replay', 'live'; a paper portfolio 'paper:<id>') and,
 * for a replay, by the session played (a hash of its file, and its name), so runs of one session sit side by
 * side. Amounts are exact integers as decimal text (./portfolio's Units) in the result's quote at `quoteDecimals`;
 * ratios are whole basis points; a digest is 16 hex digits of the fills, equal for runs that traded the same.
 */
import { z } from 'zod';
import { Units } from './portfolio';

const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const decimals = z.number().int().min(0).max(18);
const bps = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

/** An account results and reports are kept for. */
export const ResultAccount = z.string().regex(/^(practice|paper|replay|live)(:[A-Za-z0-9_-]{1,40})?$/);

/** The session a replay run played: a hash of its file and its name (the file name, or the session's note). */
export const ResultSession = z.object({ key: z.string().regex(/^[0-9a-f]{16,64}$/), name: z.string().max(255) });

export const ResultFillView = z.object({
  ts: amount,
  market: z.string().max(40),
  side: z.enum(['buy', 'sell']),
  /** In the market's own units (below). */
  price: amount,
  quantity: amount,
  quoteAmount: amount,
  fee: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  liquidity: z.enum(['maker', 'taker']),
  priceDecimals: decimals,
  sizeDecimals: decimals,
  quoteDecimals: decimals,
});

/** A kept result's figures, without its curve and fills (what a list shows). */
export const ResultSummary = z.object({
  id: amount,
  account: ResultAccount,
  session: ResultSession.optional(),
  /** 'ended': the replay reached its end; 'stopped': stopped before; 'running': a paper account's result so far. */
  state: z.enum(['ended', 'stopped', 'running']),
  /** ms UTC (wall clock) the run started and was kept. */
  startedAt: amount,
  endedAt: amount,
  /** ms UTC on the traded clock (a replay's session time). */
  fromTs: amount,
  toTs: amount,
  quote: z.string().max(16),
  quoteDecimals: decimals,
  startEquity: Units,
  endEquity: Units,
  returnBps: bps.nullable(),
  maxDrawdownBps: bps,
  trades: amount,
  roundTrips: amount,
  wins: amount,
  winRateBps: bps.nullable(),
  fees: z.array(z.object({ asset: z.string().max(16), amount: Units })),
  unvalued: z.array(z.string().max(16)),
  digest: z.string().regex(/^[0-9a-f]{16}$/),
});

export const ResultDetail = ResultSummary.extend({
  equity: z.array(z.object({ ts: amount, value: Units })),
  fills: z.array(ResultFillView),
  /** Fills the run had beyond those kept (a run keeps its latest `fills.length`). */
  fillsLeftOut: amount,
});

export const ReportPeriod = z.enum(['day', 'week', 'month']);

export const PnlRow = z.object({
  periodStart: amount,
  market: z.string().max(40),
  base: z.string().max(16),
  quote: z.string().max(16),
  quoteDecimals: decimals,
  fills: amount,
  realisedPnl: Units,
  fees: Units,
  turnover: Units,
});

export const PnlReport = z.object({
  account: ResultAccount,
  period: ReportPeriod,
  /** 'ok', or why the account could not be read (signed out of the live market, the server unreachable). */
  state: z.enum(['ok', 'signed_out', 'offline']),
  rows: z.array(PnlRow),
  /** Markets whose fills could not be counted exactly. */
  outOfRange: z.array(z.string()),
  /** False when only the newest fills could be read. */
  complete: z.boolean(),
});

export const CsvFile = z.object({ filename: z.string(), csv: z.string(), rows: amount });

export const resultMethods = {
  /** Kept results, newest first, and each account's running result. */
  'results.list': {
    params: z.object({ account: ResultAccount.optional() }).strict(),
    result: z.object({ runs: z.array(ResultSummary) }),
  },
  'results.get': { params: z.object({ id: amount }).strict(), result: ResultDetail },
  'results.delete': { params: z.object({ id: amount }).strict(), result: z.object({ deleted: z.boolean() }) },
  /** One account's fills as CSV (live: read from the sync server). */
  'reports.fillsCsv': { params: z.object({ account: ResultAccount }).strict(), result: CsvFile },
  /** A kept run's fills as CSV. */
  'reports.runCsv': { params: z.object({ id: amount }).strict(), result: CsvFile },
  'reports.pnl': { params: z.object({ account: ResultAccount, period: ReportPeriod }).strict(), result: PnlReport },
  'reports.pnlCsv': { params: z.object({ account: ResultAccount, period: ReportPeriod }).strict(), result: CsvFile },
} as const;

export type ResultAccount = z.output<typeof ResultAccount>;
export type ResultSession = z.output<typeof ResultSession>;
export type ResultFillView = z.output<typeof ResultFillView>;
export type ResultSummary = z.output<typeof ResultSummary>;
export type ResultDetail = z.output<typeof ResultDetail>;
export type PnlReport = z.output<typeof PnlReport>;
export type CsvFile = z.output<typeof CsvFile>;
