/**
 * Max drawdown over a window of marks, from summaries of consecutive segments of index points:
 * (max, min, dd) where dd is the largest fall from a running peak inside the segment, in bps.
 *
 * Two segments A then B combine as max = max(A.max, B.max), min = min(A.min, B.min),
 * dd = max(A.dd, B.dd, drawdown(A.max → B.min)). drawdownBps rounds down a quantity that grows with the peak and
 * falls with the trough, so the combination is associative and exact: any grouping gives the same integer.
 * That is what lets the incremental service pre-combine whole days once a day while the batch scans.
 */
import { drawdownBps } from './exact';
import { PERIOD_DAYS, type RankingCore } from './core';

// Local alias for the per-account loops (some module loaders route each imported call through a getter).
const fall = drawdownBps;

/** A summary held in three scalars; max < 0 means an empty segment. */
export interface Segment {
  max: number;
  min: number;
  dd: number;
}

export const emptySegment = (): Segment => ({ max: -1, min: -1, dd: 0 });

/** Appends segment (max, min, dd) after `acc`, in place. */
export function appendSegment(acc: Segment, max: number, min: number, dd: number): void {
  if (max < 0) return;
  if (acc.max < 0) {
    acc.max = max;
    acc.min = min;
    acc.dd = dd;
    return;
  }
  const cross = fall(acc.max, min);
  let d = acc.dd > dd ? acc.dd : dd;
  if (cross > d) d = cross;
  acc.dd = d;
  if (max > acc.max) acc.max = max;
  if (min < acc.min) acc.min = min;
}

/** Drawdown of segment (max, min, dd) followed by the current day so far of slot s. */
export function withToday(core: RankingCore, s: number, max: number, min: number, dd: number): number {
  if (max < 0) return core.pDd[s];
  const cross = fall(max, core.pMin[s]);
  let d = dd > core.pDd[s] ? dd : core.pDd[s];
  if (cross > d) d = cross;
  return d;
}

/** Whether slot s has a point on day `day` (it was registered before the day ended). */
export function hasDay(core: RankingCore, s: number, day: number): boolean {
  return core.accounts.firstMark[s] < core.dayStartMark(day + 1);
}

/**
 * Direct computation from the snapshot rings, point by point and day by day, as the batch recompute does it.
 * 1d scans the hourly points of the last day; 7d/30d combine the stored summaries of the whole days in the
 * window and the current day so far; all-time is the running figure kept at every mark.
 */
export function scanDrawdown(core: RankingCore, s: number, period: '1d' | '7d' | '30d' | 'all'): number {
  if (period === 'all') return core.allDd[s];
  const acc = emptySegment();
  if (period === '1d') {
    const first = core.accounts.firstMark[s];
    const H = core.hourSlots;
    for (let m = Math.max(core.markNo - core.cfg.marksPerDay, first); m <= core.markNo; m++) {
      const v = core.hIdx[(m % H) * core.cap + s];
      appendSegment(acc, v, v, 0);
    }
    return acc.dd;
  }
  const today = core.dayNoOf(core.markMs);
  const D = core.daySlots;
  for (let day = today - PERIOD_DAYS[period]; day < today; day++) {
    if (!hasDay(core, s, day)) continue;
    const p = (((day % D) + D) % D) * core.cap + s;
    appendSegment(acc, core.dMax[p], core.dMin[p], core.dDd[p]);
  }
  return withToday(core, s, acc.max, acc.min, acc.dd);
}
