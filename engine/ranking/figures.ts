/**
 * The figures of one account over one period at the current mark, stored in columns per period so a board is
 * built without allocating. Return, PnL, win rate and trade count are differences of the cumulative snapshots
 * between the period start and now; max drawdown is supplied by the caller, because the incremental service and
 * the batch derive it differently (see drawdown.ts).
 */
import type { AccountId } from '../matching/types';
import { UNIT } from './accounts';
import { changeBps, shareBps } from './exact';
import { ORIGIN, type Period, type RankingCore } from './core';

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

/** Fills the columns for slot s over `period` at the core's current mark, with the given drawdown. */
export function fillFigures(core: RankingCore, s: number, period: Period, ddBps: number, cols: FigureColumns, rankable: boolean): void {
  const now = core.nowPos(s);
  const start = core.startPos(s, period);
  let idx0 = UNIT;
  let pnl0 = 0;
  let trades0 = 0;
  let trips0 = 0;
  let wins0 = 0;
  if (start !== ORIGIN) {
    const hourly = period === '1d';
    idx0 = hourly ? core.hIdx[start] : core.dIdx[start];
    pnl0 = hourly ? core.hPnl[start] : core.dPnl[start];
    trades0 = hourly ? core.hTrades[start] : core.dTrades[start];
    trips0 = hourly ? core.hTrips[start] : core.dTrips[start];
    wins0 = hourly ? core.hWins[start] : core.dWins[start];
  }
  const trades = core.hTrades[now] - trades0;
  const trips = core.hTrips[now] - trips0;
  cols.ret[s] = changeBps(idx0, core.hIdx[now]);
  cols.pnl[s] = core.hPnl[now] - pnl0;
  cols.dd[s] = ddBps;
  cols.win[s] = trips > 0 ? (shareBps(core.hWins[now] - wins0, trips) as number) : -1;
  cols.trips[s] = trips;
  cols.trades[s] = trades;
  // A period that starts from a wiped-out index has no defined return: the account sits that board out.
  cols.ok[s] = rankable && idx0 > 0 && trades >= core.cfg.minTrades ? 1 : 0;
}
