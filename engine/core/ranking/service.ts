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
import { changeBps, drawdownBps } from './exact';
import { UNIT } from './accounts';
import type { RankingConfig } from './config';
import type { BatchOptions } from './batch';
import { PERIOD_DAYS, relayout, type Period } from './core';
import { emptySegment, appendSegment, hasDay, withToday } from './drawdown';
import { periodFrame } from './figures';
import { RankingReadModel } from './read-model';
import type { RankingRecord } from './records';

// Local aliases for the per-account loop (some module loaders route each imported call through a getter).
const fall = drawdownBps;
const change = changeBps;

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
    const old = this.windowCap;
    const mpd = this.cfg.marksPerDay;
    this.sMax = relayout(this.sMax, old, capacity, mpd, -1);
    this.sMin = relayout(this.sMin, old, capacity, mpd, -1);
    this.sDd = relayout(this.sDd, old, capacity, mpd, 0);
    this.fMax = [relayout(this.fMax?.[0], old, capacity, 1, -1), relayout(this.fMax?.[1], old, capacity, 1, -1)];
    this.fMin = [relayout(this.fMin?.[0], old, capacity, 1, -1), relayout(this.fMin?.[1], old, capacity, 1, -1)];
    this.fDd = [relayout(this.fDd?.[0], old, capacity, 1, 0), relayout(this.fDd?.[1], old, capacity, 1, 0)];
    this.windowCap = capacity;
  }

  private windowCap = 0;

  /** Applies records in order; boards move on at each mark they cross. */
  applyAll(records: Iterable<RankingRecord>): void {
    for (const r of records) this.apply(r);
  }

  /**
   * Start-up: a fresh service brought up to date from the log, reporting progress like the batch does, then
   * carried to `until` (now) so the boards are current.
   */
  static async replay(
    config: RankingConfig,
    records: AsyncIterable<RankingRecord> | Iterable<RankingRecord>,
    opts: BatchOptions = {},
  ): Promise<RankingService> {
    const every = opts.progressEvery ?? 1_000_000;
    if (!Number.isSafeInteger(every) || every < 1) throw new RangeError('progressEvery must be a positive integer');
    const svc = new RankingService(config);
    let n = 0;
    let ts = 0;
    const report = (done: boolean) =>
      opts.onProgress?.({
        records: n,
        ts,
        fraction: opts.totalRecords ? Math.min(1, n / opts.totalRecords) : null,
        done,
      });
    for await (const r of records) {
      svc.apply(r);
      ts = r.ts;
      if (++n % every === 0) report(false);
    }
    if (opts.until !== undefined) svc.advanceTo(opts.until);
    report(true);
    return svc;
  }

  protected override afterMark(ms: number, dayStart: boolean): void {
    const a = this.accounts;
    const n = a.count;
    if (dayStart) {
      if (!Number.isNaN(this.builtAt)) this.closeDay();
      for (let s = 0; s < n; s++) if (!a.closed[s]) this.prepareDay(s);
    }
    const f = periodFrame(this);
    const { hIdx, hTrades, dIdx, dTrades } = this;
    const { firstMark, closed, ranked, registeredTs } = a;
    const minTrades = this.cfg.minTrades;
    const youngest = this.markMs - this.cfg.minAccountAgeMs;
    const markNo = this.markNo;
    const cols = [this.cols['1d'], this.cols['7d'], this.cols['30d'], this.cols.all];
    // Only the return and the filters, for all four periods in one pass per account (the batch goes through
    // fillFigures period by period; the agreement test holds the two to the same integers).
    for (let s = 0; s < n; s++) {
      if (closed[s]) continue;
      const first = firstMark[s];
      const rk = ranked[s] === 1 && first < markNo && registeredTs[s] <= youngest;
      const now = f.now + s;
      const idx = hIdx[now];
      const trades = hTrades[now];
      for (let w = 0; w < 4; w++) {
        let idx0 = UNIT;
        let trades0 = 0;
        if (w === 0) {
          if (f.m1 >= first) {
            idx0 = hIdx[f.h1 + s];
            trades0 = hTrades[f.h1 + s];
          }
        } else if (w < 3) {
          if ((w === 1 ? f.m7 : f.m30) >= first) {
            const p = (w === 1 ? f.d7 : f.d30) + s;
            idx0 = dIdx[p];
            trades0 = dTrades[p];
          }
        }
        const c = cols[w];
        c.ret[s] = change(idx0, idx);
        c.ok[s] = rk && idx0 > 0 && trades - trades0 >= minTrades ? 1 : 0;
      }
    }
    this.buildBoards();
  }

  /**
   * The window's prepared segment (yesterday's suffix from this mark's offset into the day, or the whole days
   * of 7d / 30d) followed by today so far.
   */
  protected override drawdown(s: number, period: Period): number {
    if (period === 'all') return this.allDd[s];
    let max: number;
    let min: number;
    let dd: number;
    if (period === '1d') {
      const j = (this.markNo - this.dayStartMark(this.dayNoOf(this.markMs))) * this.windowCap + s;
      max = this.sMax[j];
      min = this.sMin[j];
      dd = this.sDd[j];
    } else {
      const w = period === '7d' ? 0 : 1;
      max = this.fMax[w][s];
      min = this.fMin[w][s];
      dd = this.fDd[w][s];
    }
    return withToday(this, s, max, min, dd);
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
        const v = this.hIdx[(m % H) * this.cap + s];
        if (max < 0) {
          max = v;
          min = v;
          dd = 0;
        } else {
          const cross = fall(v, min);
          if (cross > dd) dd = cross;
          if (v > max) max = v;
          if (v < min) min = v;
        }
      }
      const p = j * this.windowCap + s;
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
        const p = (((day % D) + D) % D) * this.cap + s;
        appendSegment(acc, this.dMax[p], this.dMin[p], this.dDd[p]);
      }
      this.fMax[w][s] = acc.max;
      this.fMin[w][s] = acc.min;
      this.fDd[w][s] = acc.dd;
    }
  }
}
