/**
 * Results and reports behind the Results view: kept replay runs and each paper account's running result
 * (./results-store), fills of every account as CSV — the offline practice market, paper trading, the replay
 * account and the live LPJ market (read from the sync server) — and PnL per day, week or month on screen and as
 * CSV (../core/results).
 *
 * Accounts are named by id ('practice', 'paper', 'replay', 'live'; a paper portfolio 'paper:<id>' once there are
 * several): an id with no account behind it is refused with UNKNOWN_ACCOUNT. The live account signed out or
 * unreachable is an answer (`state`), not an error. A paper account's running result is worked out again from
 * its journal whenever results are listed, so it always matches the fills.
 */
import { formatFixedUnits } from '../core/market-data/decimal';
import { QUOTE_DECIMALS } from '../core/paper';
import { accountResult, periodReport, type ResultFill, type ResultMarket } from '../core/results';
import { ApiError } from '../protocol/errors';
import type { CsvFile, PnlReport, ResultAccount, resultMethods, ResultSummary } from '../protocol/results';
import type { z } from 'zod';
import type { Methods, Result } from '../protocol/api';
import { csvText } from './csv';
import type { LiveMarket } from './live-market';
import type { PracticeMarket } from './practice-market';
import type { RealMarkets } from './real-markets';
import { fillRows } from './result-fills';
import type { ResultsStore } from './results-store';
import { fillsCsv, type FillRow } from './trade-export';

/** Live fills read for a report at most (the server's newest; the report says when older ones were left out). */
const LIVE_FILLS_READ = 5_000;

export interface ResultsServiceOptions {
  store: ResultsStore;
  practice: PracticeMarket;
  realMarkets: RealMarkets;
  live: LiveMarket;
  now?: () => number;
}

interface AccountRead {
  state: PnlReport['state'];
  fills: ResultFill[];
  markets: ResultMarket[];
  complete: boolean;
}

type ResultMethod = keyof typeof resultMethods;
type ResultHandlers = {
  [M in ResultMethod]: (params: z.output<Methods[M]['params']>) => Result<M> | Promise<Result<M>>;
};

/** The name an export gives an account's fills in its venue column. */
const VENUE: Record<string, string> = {
  practice: 'lpj-practice',
  paper: 'paper',
  replay: 'paper-replay',
  live: 'lpj-live',
};

export class ResultsService {
  private readonly now: () => number;

  constructor(private readonly o: ResultsServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  handlers(): ResultHandlers {
    return {
      'results.list': async ({ account }) => {
        if (account === undefined || account === 'paper') await this.keepRunning('paper');
        return { runs: this.o.store.list(account) };
      },
      'results.get': ({ id }) => {
        const d = this.o.store.get(id);
        if (!d) throw new ApiError('NOT_FOUND', `no kept result ${id}`);
        return d;
      },
      'results.delete': ({ id }) => ({ deleted: this.o.store.delete(id) }),
      'reports.fillsCsv': async ({ account }) => {
        const read = await this.read(account);
        const rows = fillRows(read.fills, read.markets, venueOf(account));
        return {
          filename: `playground777-${account.replace(':', '-')}-fills-${this.day()}.csv`,
          csv: fillsCsv(rows),
          rows: rows.length,
        };
      },
      'reports.runCsv': ({ id }) => {
        const d = this.o.store.get(id);
        if (!d) throw new ApiError('NOT_FOUND', `no kept result ${id}`);
        const markets = new Map<string, ResultMarket>();
        for (const f of d.fills) markets.set(f.market, { id: f.market, base: '', quote: '', ...f });
        const rows = fillRows(d.fills, [...markets.values()], venueOf(d.account));
        return { filename: `playground777-run-${id}-${d.digest}.csv`, csv: fillsCsv(rows), rows: rows.length };
      },
      'reports.pnl': ({ account, period }) => this.pnl(account, period),
      'reports.pnlCsv': async ({ account, period }) => {
        const report = await this.pnl(account, period);
        return pnlCsv(report, `playground777-${account.replace(':', '-')}-pnl-${period}-${this.day()}.csv`);
      },
    };
  }

  /** My live LPJ fills as trade-history rows; none while signed out or the server is not reached. */
  async liveFillRows(): Promise<FillRow[]> {
    const read = await this.readLive();
    return fillRows(read.fills, read.markets, VENUE.live);
  }

  /** Works out an account's running result from its journal and keeps it. */
  async keepRunning(account: 'paper'): Promise<ResultSummary | undefined> {
    const a = await this.o.realMarkets.accountFills(account);
    // A reset starts the account over: its running result counts from there.
    const fills = a.fills.filter((f) => f.ts >= a.since);
    const quote = 'KRW';
    const won = a.markets.find((m) => m.quote === quote);
    const now = this.now();
    const result = accountResult({
      quote,
      start: a.start,
      startTs: a.since,
      fills,
      markets: a.markets,
      endMarks: a.prices,
      endTs: Math.max(now, fills.at(-1)?.ts ?? 0),
    });
    return this.o.store.keep({
      account,
      state: 'running',
      startedAt: a.since,
      endedAt: now,
      fromTs: a.since,
      toTs: now,
      // Before the account has a market, its quote's balance is still in paper trading's units of that quote.
      quoteDecimals: won?.quoteDecimals ?? QUOTE_DECIMALS[quote] ?? 0,
      result,
      fills,
      markets: a.markets,
    });
  }

  async pnl(account: ResultAccount, period: PnlReport['period']): Promise<PnlReport> {
    const read = await this.read(account);
    const r = periodReport(read.fills, read.markets, period);
    return {
      account,
      period,
      state: read.state,
      rows: r.rows.map((x) => ({
        ...x,
        realisedPnl: String(x.realisedPnl),
        fees: String(x.fees),
        turnover: String(x.turnover),
      })),
      outOfRange: r.outOfRange,
      complete: read.complete,
    };
  }

  private async read(account: ResultAccount): Promise<AccountRead> {
    switch (account) {
      case 'practice': {
        const m = this.o.practice.market;
        // LPJ is priced in whole won and its amounts are whole won.
        const market = {
          id: m.id,
          base: m.base,
          quote: m.quote,
          priceDecimals: 0,
          sizeDecimals: m.baseDecimals,
          quoteDecimals: 0,
        };
        return { state: 'ok', fills: this.o.practice.myFills(), markets: [market], complete: true };
      }
      case 'paper':
      case 'replay': {
        const a = await this.o.realMarkets.accountFills(account);
        return { state: 'ok', fills: a.fills, markets: a.markets, complete: true };
      }
      case 'live':
        return this.readLive();
      default:
        throw new ApiError('UNKNOWN_ACCOUNT', `no account "${account}"`);
    }
  }

  private async readLive(): Promise<AccountRead> {
    const none = { fills: [], markets: [], complete: true };
    const st = await this.o.live.state();
    if (!st.status.account) return { state: 'signed_out', ...none };
    if (!st.market) return { state: 'offline', ...none };
    const m = st.market;
    const market = {
      id: m.id,
      base: m.base,
      quote: m.quote,
      priceDecimals: 0,
      sizeDecimals: m.baseDecimals,
      quoteDecimals: 0,
    };
    const { fills, complete } = await this.o.live.fillsForPnl(LIVE_FILLS_READ);
    return {
      state: 'ok',
      fills: fills.map((f) => ({ ...f })),
      markets: [market],
      complete,
    };
  }

  private day(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }
}

function venueOf(account: string): string {
  const [kind, id] = account.split(':');
  return id ? `${VENUE[kind] ?? kind}-${id}` : (VENUE[kind] ?? kind);
}

const PNL_HEADER = ['period_start_utc', 'market', 'asset', 'quote', 'fills', 'realised_pnl', 'fees', 'turnover'];

/** A PnL report as CSV: a line per period and market, amounts as exact decimals of the quote. */
export function pnlCsv(report: PnlReport, filename: string): CsvFile {
  const q = (v: string, d: number) => formatFixedUnits(Number(v), d);
  const rows = report.rows.map((r) => [
    new Date(r.periodStart).toISOString(),
    r.market,
    r.base,
    r.quote,
    r.fills,
    q(r.realisedPnl, r.quoteDecimals),
    q(r.fees, r.quoteDecimals),
    q(r.turnover, r.quoteDecimals),
  ]);
  return { filename, csv: csvText(PNL_HEADER, rows), rows: rows.length };
}
