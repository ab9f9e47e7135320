/**
 * Paper portfolios: separate paper accounts on real-coin prices, each with its own starting balances, fees
 * and fill model, one of them active in the Market screen. Amounts are integers in balance units (KRW 10^-4
 * won, USDT 10^-8 USDT, as every paper balance); fees are whole basis points; latency whole milliseconds.
 * Every bound below is the reason a request past it is refused.
 */
import { z } from 'zod';

/** The most portfolios kept: each is a journal file of its own, and a selector of more stops being one click. */
export const MAX_PORTFOLIOS = 20;
/** Fees as the paper engine takes them: 0 to 1,000 bp (10 %), the venue paying no rebates. */
export const MAX_FEE_BPS = 1_000;
/** The longest order latency: 10 s, beyond any real round trip to an exchange. */
export const MAX_LATENCY_MS = 10_000;
/** A new portfolio's latency: a few hundred ms, what an order from a home connection takes to reach a book. */
export const DEFAULT_LATENCY_MS = 300;
/**
 * The largest starting balance, balance units: 10^15 (100 billion won, 10 million USDT). Fills, fees and
 * positions must stay safe integers on top of it, so it stays well below 2^53.
 */
export const MAX_STARTING_BALANCE = 1_000_000_000_000_000;
export const MAX_PORTFOLIO_NAME = 40;
/**
 * Decimals of the starting balances' units, as the paper engine keeps these assets (core/paper QUOTE_DECIMALS;
 * a test holds the two equal): what the UI multiplies a whole amount by.
 */
export const BALANCE_DECIMALS = { KRW: 4, USDT: 8 } as const;

export const PortfolioId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/**
 * A name shown in a selector: 1 to 40 characters, spaces at the ends trimmed, no control characters nor the
 * bidirectional overrides that would make one name read as another.
 */
export const PortfolioName = z
  .string()
  .trim()
  .min(1)
  .max(MAX_PORTFOLIO_NAME)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/, 'no control characters');
export const PortfolioExchange = z.enum(['upbit', 'binance']);
export const FeeBps = z.number().int().min(0).max(MAX_FEE_BPS);
export const LatencyMs = z.number().int().min(0).max(MAX_LATENCY_MS);
/** queue: a resting limit fills behind the book's queue at its price (as an exchange would); touch: whole when touched. */
export const FillModel = z.enum(['queue', 'touch']);
const startingAmount = z.number().int().min(1).max(MAX_STARTING_BALANCE);
/** Starting balances of the quote assets paper markets trade in; at least one. */
export const StartingBalances = z
  .object({ KRW: startingAmount.optional(), USDT: startingAmount.optional() })
  .strict()
  .refine((b) => b.KRW !== undefined || b.USDT !== undefined, 'at least one starting balance');

export const PaperPortfolio = z.object({
  id: PortfolioId,
  name: PortfolioName,
  /** The exchange whose prices it trades: switching to it switches the feed to that exchange. */
  exchange: PortfolioExchange,
  startingBalances: StartingBalances,
  /** Fees on its exchange's markets (the other exchange's markets keep that exchange's schedule). */
  makerFeeBps: FeeBps,
  takerFeeBps: FeeBps,
  latencyMs: LatencyMs,
  fillModel: FillModel,
  createdAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** What a create may set: a name and an exchange at least; the rest defaults (fees to the exchange's schedule). */
export const NewPortfolio = z
  .object({
    name: PortfolioName,
    exchange: PortfolioExchange,
    startingBalances: StartingBalances.optional(),
    makerFeeBps: FeeBps.optional(),
    takerFeeBps: FeeBps.optional(),
    latencyMs: LatencyMs.optional(),
    fillModel: FillModel.optional(),
  })
  .strict();

/** What an edit may change; new starting balances apply from the next reset. A portfolio keeps its exchange. */
export const PortfolioChange = z
  .object({
    name: PortfolioName.optional(),
    startingBalances: StartingBalances.optional(),
    makerFeeBps: FeeBps.optional(),
    takerFeeBps: FeeBps.optional(),
    latencyMs: LatencyMs.optional(),
    fillModel: FillModel.optional(),
  })
  .strict();

export const PortfolioList = z.object({
  /** The portfolio the Market screen trades in when the feed is an exchange. */
  active: PortfolioId,
  portfolios: z.array(PaperPortfolio).max(MAX_PORTFOLIOS),
  max: z.number().int(),
  /** Each exchange's published spot fees: what a new portfolio's fees default to. */
  feeDefaults: z.record(PortfolioExchange, z.object({ makerFeeBps: FeeBps, takerFeeBps: FeeBps })),
});

const byId = z.object({ id: PortfolioId }).strict();

export const paperPortfolioMethods = {
  'paper.portfolios': { params: z.object({}).strict(), result: PortfolioList },
  /** Creates a portfolio (not yet active); refused TOO_MANY_PORTFOLIOS past MAX_PORTFOLIOS. */
  'paper.createPortfolio': { params: NewPortfolio, result: PortfolioList },
  'paper.updatePortfolio': {
    params: z.object({ id: PortfolioId, change: PortfolioChange }).strict(),
    result: PortfolioList,
  },
  /** Makes it the one the Market screen trades in, and switches the feed to its exchange. */
  'paper.selectPortfolio': { params: byId, result: PortfolioList },
  /** Cancels its orders, clears its positions and restores its starting balances; the others are untouched. */
  'paper.resetPortfolio': { params: byId, result: PortfolioList },
  /** Deletes it with its journal; the active portfolio cannot be deleted (PORTFOLIO_ACTIVE). */
  'paper.deletePortfolio': { params: byId, result: PortfolioList },
} as const;

export const paperPortfolioEvents = {
  /** The portfolios or the active one changed (in any window). */
  'paper.portfolios': PortfolioList,
} as const;

export type PaperPortfolio = z.output<typeof PaperPortfolio>;
export type NewPortfolio = z.output<typeof NewPortfolio>;
export type PortfolioChange = z.output<typeof PortfolioChange>;
export type PortfolioList = z.output<typeof PortfolioList>;
export type StartingBalances = z.output<typeof StartingBalances>;
