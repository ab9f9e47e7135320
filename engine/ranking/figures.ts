/**
 * The figures of one account over one period at the current mark, stored in columns per period so a board is
 * built without allocating. Return, PnL, win rate and trade count are differences of the cumulative snapshots
 * between the period start and now; max drawdown is supplied by the caller, because the incremental service and
 * the batch derive it differently (see drawdown.ts).
 */
import type { AccountId } from '../matching/types';
import { UNIT } from './accounts';
import { changeBps, shareBps } from './exact';
import { PERIOD_DAYS, type Period, type RankingCore } from './core';

export interface BoardRow {
  rank: number;
  account: AccountId;
  nickname: string;
  /** Time-weighted return over the period, whole basis points rounded down. */
  returnBps: number;
  /** Equity change over the period less net external flows, quote minimal units. */
  pnl: number;
  /** Largest fall of the unit value from a running peak over the period's marks, basis points. */
  maxDrawdownBps: number;
  /** Share of the round trips closed in the period that ended in profit, bps; null with none closed. */
  winRateBps: number | null;
  closedRoundTrips: number;
  trades: number;
  followers: number;
  /** Places gained (+) or lost (−) since the board at the end of the previous day; null if not on it then. */
  rankChange: number | null;
}

export class FigureColumns {
  ret!: Float64Array;
  pnl!: Float64Array;
  dd!: Float64Array;
  /** −1 = no round trip closed. */
  win!: Float64Array;
  trips!: Float64Array;
  trades!: Float64Array;
  /** 1 = passes every filter and has a defined return. */
  ok!: Uint8Array;

  constructor(capacity: number) {
    this.grow(capacity);
  }

  grow(capacity: number): void {
    const g = (old: Float64Array | undefined): Float64Array => {
      const n = new Float64Array(capacity);
      if (old) n.set(old);
      return n;
    };
    this.ret = g(this.ret);
    this.pnl = g(this.pnl);
    this.dd = g(this.dd);
    this.win = g(this.win);
    this.trips = g(this.trips);
    this.trades = g(this.trades);
    const ok = new Uint8Array(capacity);
    if (this.ok) ok.set(this.ok);
    this.ok = ok;
  }
}

/**
 * Where each period starts at the current mark, worked out once per mark rather than per account: the mark
 * number and ring position of the 1d start, and the day-start mark and daily-ring position of 7d and 30d.
 */
export interface PeriodFrame {
  now: number; // offset of the current mark's run in the hourly ring
  m1: number; // mark number of the 1d start
  h1: number; // offset of its run in the hourly ring
  m7: number;
  d7: number;
  m30: number;
  d30: number;
}

export function periodFrame(core: RankingCore): PeriodFrame {
  const H = core.hourSlots;
  const D = core.daySlots;
  const today = core.dayNoOf(core.markMs);
  const m1 = core.markNo - core.cfg.marksPerDay;
  const day7 = today - PERIOD_DAYS['7d'];
  const day30 = today - PERIOD_DAYS['30d'];
  const c = core.cap;
  return {
    now: (core.markNo % H) * c,
    m1,
    h1: (((m1 % H) + H) % H) * c,
    m7: core.dayStartMark(day7),
    d7: (((day7 % D) + D) % D) * c,
    m30: core.dayStartMark(day30),
    d30: (((day30 % D) + D) % D) * c,
  };
}

// Local aliases: these run for every account at every mark, and some module loaders route each imported
// call through a getter.
const change = changeBps;
const share = shareBps;

/** Fills the columns for slot s over `period` at the core's current mark, with the given drawdown. */
export function fillFigures(
  core: RankingCore,
  f: PeriodFrame,
  s: number,
  period: Period,
  ddBps: number,
  cols: FigureColumns,
  rankable: boolean,
): void {
  const now = f.now + s;
  const first = core.accounts.firstMark[s];
  let idx0 = UNIT;
  let pnl0 = 0;
  let trades0 = 0;
  let trips0 = 0;
  let wins0 = 0;
  if (period === '1d') {
    if (f.m1 >= first) {
      const p = f.h1 + s;
      idx0 = core.hIdx[p];
      pnl0 = core.hPnl[p];
      trades0 = core.hTrades[p];
      trips0 = core.hTrips[p];
      wins0 = core.hWins[p];
    }
  } else if (period !== 'all') {
    const long = period === '30d';
    if ((long ? f.m30 : f.m7) >= first) {
      const p = (long ? f.d30 : f.d7) + s;
      idx0 = core.dIdx[p];
      pnl0 = core.dPnl[p];
      trades0 = core.dTrades[p];
      trips0 = core.dTrips[p];
      wins0 = core.dWins[p];
    }
  }
  const trades = core.hTrades[now] - trades0;
  const trips = core.hTrips[now] - trips0;
  cols.ret[s] = change(idx0, core.hIdx[now]);
  cols.pnl[s] = core.hPnl[now] - pnl0;
  cols.dd[s] = ddBps;
  cols.win[s] = trips > 0 ? (share(core.hWins[now] - wins0, trips) as number) : -1;
  cols.trips[s] = trips;
  cols.trades[s] = trades;
  // A period that starts from a wiped-out index has no defined return: the account sits that board out.
  cols.ok[s] = rankable && idx0 > 0 && trades >= core.cfg.minTrades ? 1 : 0;
}
