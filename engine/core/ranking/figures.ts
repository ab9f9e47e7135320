/**
 * The figures of one account over one period at the current mark. Return, PnL, win rate and trade count are
 * differences of the cumulative snapshots between the period start and now; max drawdown is supplied by the
 * caller, because the incremental service and the batch derive it differently (see drawdown.ts).
 *
 * Only what orders and filters a board — the return and whether the account qualifies — is computed for every
 * account at each mark and kept in columns; the rest is computed for the rows actually read, from the same
 * snapshots, which stay as they were at the mark until the next one.
 */
import type { AccountId } from '../matching/types';
import { UNIT } from './accounts';
import { changeBps, clampAmount, shareBps } from './exact';
import { PERIOD_DAYS, type Period, type RankingCore } from './core';

export interface BoardRow {
  rank: number;
  account: AccountId;
  nickname: string;
  /** Time-weighted return over the period, whole basis points rounded down. */
  returnBps: number;
  /** Equity change over the period less net external flows, quote minimal units (held to ±(2^53 − 1)). */
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
  /** 1 = passes every filter and has a defined return. */
  ok!: Uint8Array;

  constructor(capacity: number) {
    this.grow(capacity);
  }

  grow(capacity: number): void {
    const ret = new Float64Array(capacity);
    if (this.ret) ret.set(this.ret);
    this.ret = ret;
    const ok = new Uint8Array(capacity);
    if (this.ok) ok.set(this.ok);
    this.ok = ok;
  }
}

export type Figures = Pick<
  BoardRow,
  'returnBps' | 'pnl' | 'maxDrawdownBps' | 'winRateBps' | 'closedRoundTrips' | 'trades'
>;

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

/** Snapshot values at the start of `period` for slot s: the ring position, or −1 for the origin values. */
function startOf(core: RankingCore, f: PeriodFrame, s: number, period: Period): { hourly: boolean; p: number } {
  const first = core.accounts.firstMark[s];
  if (period === '1d') return { hourly: true, p: f.m1 >= first ? f.h1 + s : -1 };
  if (period === 'all') return { hourly: false, p: -1 };
  const long = period === '30d';
  return { hourly: false, p: (long ? f.m30 : f.m7) >= first ? (long ? f.d30 : f.d7) + s : -1 };
}

/** Return and qualification of slot s over `period` at the current mark, into the columns. */
export function fillFigures(
  core: RankingCore,
  f: PeriodFrame,
  s: number,
  period: Period,
  cols: FigureColumns,
  rankable: boolean,
): void {
  const { hourly, p } = startOf(core, f, s, period);
  const idx0 = p < 0 ? UNIT : hourly ? core.hIdx[p] : core.dIdx[p];
  const trades0 = p < 0 ? 0 : hourly ? core.hTrades[p] : core.dTrades[p];
  const now = f.now + s;
  cols.ret[s] = change(idx0, core.hIdx[now]);
  // A period that starts from a wiped-out index has no defined return: the account sits that board out.
  cols.ok[s] = rankable && idx0 > 0 && core.hTrades[now] - trades0 >= core.cfg.minTrades ? 1 : 0;
}

/** Every figure of slot s over `period` at the current mark, with the given drawdown. */
export function figuresOf(core: RankingCore, f: PeriodFrame, s: number, period: Period, ddBps: number): Figures {
  const { hourly, p } = startOf(core, f, s, period);
  const now = f.now + s;
  const o = p >= 0;
  const idx0 = o ? (hourly ? core.hIdx[p] : core.dIdx[p]) : UNIT;
  const pnl0 = o ? (hourly ? core.hPnl[p] : core.dPnl[p]) : 0;
  const trades0 = o ? (hourly ? core.hTrades[p] : core.dTrades[p]) : 0;
  const trips0 = o ? (hourly ? core.hTrips[p] : core.dTrips[p]) : 0;
  const wins0 = o ? (hourly ? core.hWins[p] : core.dWins[p]) : 0;
  const trips = core.hTrips[now] - trips0;
  return {
    returnBps: change(idx0, core.hIdx[now]),
    pnl: clampAmount(core.hPnl[now] - pnl0),
    maxDrawdownBps: ddBps,
    winRateBps: trips > 0 ? share(core.hWins[now] - wins0, trips) : null,
    closedRoundTrips: trips,
    trades: core.hTrades[now] - trades0,
  };
}
