/**
 * The live ranking: records are applied as they happen (O(1) per trade), and at every mark each account is
 * valued once and every board re-sorted, so a top-N query is a slice of a sorted array.
 *
 * The windowed drawdowns are kept O(1) per account per mark by preparing, once a day at the day start:
 * - for 1d, the summaries of every suffix of yesterday's marks (the 1d window at k marks into today is
 *   yesterday from mark k on, then today so far);
 * - for 7d and 30d, the combined summary of the whole days in the window (the window is those days, then today
 *   so far).
 * See drawdown.ts for why combining summaries is exact.
 */
import { drawdownBps } from './exact';
import type { RankingConfig } from './config';
import { PERIOD_DAYS } from './core';
import { emptySegment, appendSegment, hasDay, withToday } from './drawdown';
import { fillFigures } from './figures';
import { RankingReadModel } from './read-model';
import type { RankingRecord } from './records';

export class RankingService extends RankingReadModel {
  private sMax!: Float64Array;
  private sMin!: Float64Array;
  private sDd!: Float64Array;
  /** Whole-day summaries for 7d (index 0) and 30d (index 1): max, min, dd per slot. */
  private fMax!: [Float64Array, Float64Array];
  private fMin!: [Float64Array, Float64Array];
  private fDd!: [Float64Array, Float64Array];

  constructor(config: RankingConfig) {
    super(config);
    this.growWindows(this.accounts.capacity);
    const chained = this.accounts.onGrow;
    this.accounts.onGrow = (c) => {
      chained?.(c);
      this.growWindows(c);
    };
  }

  private growWindows(capacity: number): void {
    const g = (old: Float64Array | undefined, n: number, fill: number): Float64Array => {
      const next = new Float64Array(n).fill(fill);
      if (old) next.set(old);
      return next;
    };
    const mpd = this.cfg.marksPerDay;
    this.sMax = g(this.sMax, capacity * mpd, -1);
    this.sMin = g(this.sMin, capacity * mpd, -1);
    this.sDd = g(this.sDd, capacity * mpd, 0);
    this.fMax = [g(this.fMax?.[0], capacity, -1), g(this.fMax?.[1], capacity, -1)];
    this.fMin = [g(this.fMin?.[0], capacity, -1), g(this.fMin?.[1], capacity, -1)];
    this.fDd = [g(this.fDd?.[0], capacity, 0), g(this.fDd?.[1], capacity, 0)];
  }

  /** Applies records in order; boards move on at each mark they cross. */
  applyAll(records: Iterable<RankingRecord>): void {
    for (const r of records) this.apply(r);
  }

  protected override afterMark(ms: number, dayStart: boolean): void {
    const a = this.accounts;
    const n = a.count;
    if (dayStart) {
      if (!Number.isNaN(this.builtAt)) this.closeDay();
      for (let s = 0; s < n; s++) if (!a.closed[s]) this.prepareDay(s);
    }
    const k = this.markNo - this.dayStartMark(this.dayNoOf(ms));
    const mpd = this.cfg.marksPerDay;
    const c1 = this.cols['1d'];
    const c7 = this.cols['7d'];
    const c30 = this.cols['30d'];
    const cAll = this.cols.all;
    for (let s = 0; s < n; s++) {
      if (a.closed[s]) continue;
      const rk = this.rankable(s);
      const j = s * mpd + k;
      fillFigures(this, s, '1d', withToday(this, s, this.sMax[j], this.sMin[j], this.sDd[j]), c1, rk);
      fillFigures(this, s, '7d', withToday(this, s, this.fMax[0][s], this.fMin[0][s], this.fDd[0][s]), c7, rk);
      fillFigures(this, s, '30d', withToday(this, s, this.fMax[1][s], this.fMin[1][s], this.fDd[1][s]), c30, rk);
      fillFigures(this, s, 'all', this.allDd[s], cAll, rk);
    }
    this.buildBoards();
  }

  /** Day start: suffix summaries of yesterday's marks and the whole-day summaries for 7d and 30d. */
  private prepareDay(s: number): void {
    const mpd = this.cfg.marksPerDay;
    const H = this.hourSlots;
    const first = this.accounts.firstMark[s];
    const y0 = this.markNo - mpd;
    let max = -1;
    let min = -1;
    let dd = 0;
    for (let j = mpd - 1; j >= 0; j--) {
      const m = y0 + j;
      if (m >= first) {
        // Point v before the segment (max, min, dd): v may be the peak of a fall to the segment's min.
        const v = this.hIdx[s * H + (m % H)];
        if (max < 0) {
          max = v;
          min = v;
          dd = 0;
        } else {
          const cross = drawdownBps(v, min);
          if (cross > dd) dd = cross;
          if (v > max) max = v;
          if (v < min) min = v;
        }
      }
      const p = s * mpd + j;
      this.sMax[p] = max;
      this.sMin[p] = min;
      this.sDd[p] = dd;
    }
    const today = this.dayNoOf(this.markMs);
    const D = this.daySlots;
    const windows = [PERIOD_DAYS['7d'], PERIOD_DAYS['30d']];
    for (let w = 0; w < 2; w++) {
      const acc = emptySegment();
      for (let day = today - windows[w]; day < today; day++) {
        if (!hasDay(this, s, day)) continue;
        const p = s * D + (((day % D) + D) % D);
        appendSegment(acc, this.dMax[p], this.dMin[p], this.dDd[p]);
      }
      this.fMax[w][s] = acc.max;
      this.fMin[w][s] = acc.min;
      this.fDd[w][s] = acc.dd;
    }
  }
}


