/**
 * The ranking state machine shared by the incremental service and the batch recompute: applies records in
 * order, marks every account at each mark boundary and keeps the equity snapshots the periods are measured
 * from. Subclasses add what they derive at each mark through `afterMark`.
 *
 * Timeline: marks fall on multiples of the mark interval; a mark at T values the state after every record with
 * ts < T (a record at exactly T comes after it). Every interval gets its mark, even one without records, so the
 * snapshot rings are indexed by mark number alone.
 *
 * Snapshots per account:
 * - hourly ring (one day + 1 marks): index, cumulative PnL, equity and cumulative trade / round-trip / win counts;
 * - daily ring (dailyRetentionDays): the same values at each day start, and the drawdown summary of that day;
 * - the drawdown summary of the current day so far and the all-time peak and drawdown of the index.
 * An account's series starts at its registration mark with origin values (index UNIT, nothing else), so a period
 * that starts before an account existed is measured from its registration.
 */
import { DAY_MS, RankingError, resolveConfig, type RankingConfig, type ResolvedRankingConfig } from './config';
import { AccountTable, UNIT } from './accounts';
import { clampAmount, drawdownBps } from './exact';
import type { RankingRecord } from './records';

export type Period = '1d' | '7d' | '30d' | 'all';
export const PERIODS: readonly Period[] = ['1d', '7d', '30d', 'all'];
/** Whole days of history before the current day start for the day-based periods. */
export const PERIOD_DAYS = { '7d': 7, '30d': 30 } as const;

/**
 * Rings are laid out position-major (all accounts' values for one mark side by side): a mark writes one
 * contiguous run and a period start is read as one, instead of one cache line per account. Growing re-lays
 * each position's run out at the new stride.
 */
export function relayout(
  old: Float64Array | undefined,
  oldCap: number,
  cap: number,
  positions: number,
  fill: number,
): Float64Array {
  const next = new Float64Array(cap * positions);
  if (fill !== 0) next.fill(fill);
  if (old) for (let p = 0; p < positions; p++) next.set(old.subarray(p * oldCap, (p + 1) * oldCap), p * cap);
  return next;
}

// Local alias for the per-account loop (some module loaders route each imported call through a getter).
const fall = drawdownBps;

export class RankingCore {
  readonly cfg: ResolvedRankingConfig;
  readonly accounts: AccountTable;
  /** Number of the last processed mark (its time is markNo × interval); NaN before the first record. */
  markNo = NaN;
  /** Marks processed so far (the mark the clock starts on is not one: nothing existed before it). */
  marksDone = 0;
  private lastTs = -Infinity;
  readonly hourSlots: number;
  readonly daySlots: number;

  hIdx!: Float64Array;
  hPnl!: Float64Array;
  hEq!: Float64Array;
  hTrades!: Float64Array;
  hTrips!: Float64Array;
  hWins!: Float64Array;
  dIdx!: Float64Array;
  dPnl!: Float64Array;
  dEq!: Float64Array;
  dTrades!: Float64Array;
  dTrips!: Float64Array;
  dWins!: Float64Array;
  /** Drawdown summary (max, min, max drawdown in bps) of each completed day; max < 0 = no point that day. */
  dMax!: Float64Array;
  dMin!: Float64Array;
  dDd!: Float64Array;
  /** The current day so far. */
  pMax!: Float64Array;
  pMin!: Float64Array;
  pDd!: Float64Array;
  allPeak!: Float64Array;
  allDd!: Float64Array;

  constructor(config: RankingConfig) {
    this.cfg = resolveConfig(config);
    this.hourSlots = this.cfg.marksPerDay + 1;
    this.daySlots = this.cfg.dailyRetentionDays;
    this.accounts = new AccountTable(this.cfg);
    this.grow(this.accounts.capacity);
    const chained = this.accounts.onGrow;
    this.accounts.onGrow = (c) => {
      chained?.(c);
      this.grow(c);
    };
  }

  /** Slots per ring position: ring value (pos, slot) lives at pos × cap + slot. */
  cap = 0;

  protected grow(capacity: number): void {
    const H = this.hourSlots;
    const D = this.daySlots;
    const old = this.cap;
    const r = (a: Float64Array | undefined, positions: number) => relayout(a, old, capacity, positions, 0);
    this.hIdx = r(this.hIdx, H);
    this.hPnl = r(this.hPnl, H);
    this.hEq = r(this.hEq, H);
    this.hTrades = r(this.hTrades, H);
    this.hTrips = r(this.hTrips, H);
    this.hWins = r(this.hWins, H);
    this.dIdx = r(this.dIdx, D);
    this.dPnl = r(this.dPnl, D);
    this.dEq = r(this.dEq, D);
    this.dTrades = r(this.dTrades, D);
    this.dTrips = r(this.dTrips, D);
    this.dWins = r(this.dWins, D);
    this.dMax = r(this.dMax, D);
    this.dMin = r(this.dMin, D);
    this.dDd = r(this.dDd, D);
    this.pMax = r(this.pMax, 1);
    this.pMin = r(this.pMin, 1);
    this.pDd = r(this.pDd, 1);
    this.allPeak = r(this.allPeak, 1);
    this.allDd = r(this.allDd, 1);
    this.cap = capacity;
  }

  get markMs(): number {
    return this.markNo * this.cfg.markIntervalMs;
  }

  dayNoOf(ms: number): number {
    return Math.floor((ms - this.cfg.dayStartOffsetMs) / DAY_MS);
  }

  isDayStart(ms: number): boolean {
    return (ms - this.cfg.dayStartOffsetMs) % DAY_MS === 0;
  }

  /** Mark number of the start of day `dayNo`. */
  dayStartMark(dayNo: number): number {
    return (dayNo * DAY_MS + this.cfg.dayStartOffsetMs) / this.cfg.markIntervalMs;
  }

  /** Applies one record; records must come in non-decreasing ts order. */
  apply(r: RankingRecord): void {
    if (r === null || typeof r !== 'object') throw new RankingError('INVALID_RECORD', 'a record must be an object');
    const ts = r.ts;
    if (!Number.isSafeInteger(ts) || ts < 0)
      throw new RankingError('INVALID_RECORD', 'ts must be a non-negative safe integer');
    if (ts < this.lastTs)
      throw new RankingError('INVALID_RECORD', `record at ${ts} is older than the previous one (${this.lastTs})`);
    this.advanceTo(ts);
    this.lastTs = ts;
    const a = this.accounts;
    switch (r.type) {
      case 'trade':
        a.applyTrade(r);
        return;
      case 'price':
        a.setPrice(r.market, r.price);
        return;
      case 'flow': {
        const { slot, value } = a.applyFlow(r);
        this.flowApplied(slot, r, value);
        return;
      }
      case 'account': {
        const s = a.register(r, this.markNo);
        if (s !== null) this.initSeries(s);
        return;
      }
      case 'account_closed':
        this.accountClosed(a.close(r.account));
        return;
      case 'followers':
        a.setFollowers(r.account, r.delta);
        return;
      default:
        throw new RankingError('INVALID_RECORD', `unknown record type ${String((r as { type: unknown }).type)}`);
    }
  }

  /** Processes every mark up to and including `ms` (the clock moving on without records). */
  advanceTo(ms: number): void {
    if (!Number.isSafeInteger(ms)) throw new RankingError('INVALID_RECORD', 'time must be a safe integer');
    const target = Math.floor(ms / this.cfg.markIntervalMs);
    if (Number.isNaN(this.markNo)) {
      this.markNo = target;
      return;
    }
    while (this.markNo < target) this.mark(this.markNo + 1);
  }

  /** Origin values at the registration mark; the day summary and the all-time peak start from the origin. */
  private initSeries(s: number): void {
    const h = (this.markNo % this.hourSlots) * this.cap + s;
    this.hIdx[h] = UNIT;
    this.hPnl[h] = 0;
    this.hEq[h] = 0;
    this.hTrades[h] = 0;
    this.hTrips[h] = 0;
    this.hWins[h] = 0;
    this.pMax[s] = UNIT;
    this.pMin[s] = UNIT;
    this.pDd[s] = 0;
    this.allPeak[s] = UNIT;
    this.allDd[s] = 0;
  }

  private mark(no: number): void {
    const a = this.accounts;
    const ms = no * this.cfg.markIntervalMs;
    const dayStart = this.isDayStart(ms);
    const H = this.hourSlots;
    const D = this.daySlots;
    const hPos = no % H;
    const dayNo = this.dayNoOf(ms);
    const dPos = ((dayNo % D) + D) % D;
    const yPos = (((dayNo - 1) % D) + D) % D;
    const hBase = hPos * this.cap;
    const dBase = dPos * this.cap;
    const yBase = yPos * this.cap;
    for (let s = 0; s < a.count; s++) {
      if (a.closed[s]) continue;
      const e = a.equity(s);
      const idx = a.indexAt(s, e);
      // Both terms are safe integers, so the difference is exact wherever it is in range.
      const pnl = clampAmount(e - a.cumFlow[s]);
      const h = hBase + s;
      this.hIdx[h] = idx;
      this.hPnl[h] = pnl;
      this.hEq[h] = e;
      this.hTrades[h] = a.cumTrades[s];
      this.hTrips[h] = a.cumTrips[s];
      this.hWins[h] = a.cumWins[s];
      if (dayStart) {
        // Yesterday is complete: its summary is the day-so-far as of the previous mark.
        const y = yBase + s;
        this.dMax[y] = this.pMax[s];
        this.dMin[y] = this.pMin[s];
        this.dDd[y] = this.pDd[s];
        const d = dBase + s;
        this.dIdx[d] = idx;
        this.dPnl[d] = pnl;
        this.dEq[d] = e;
        this.dTrades[d] = a.cumTrades[s];
        this.dTrips[d] = a.cumTrips[s];
        this.dWins[d] = a.cumWins[s];
        this.pMax[s] = idx;
        this.pMin[s] = idx;
        this.pDd[s] = 0;
      } else {
        const dd = fall(this.pMax[s], idx);
        if (dd > this.pDd[s]) this.pDd[s] = dd;
        if (idx > this.pMax[s]) this.pMax[s] = idx;
        if (idx < this.pMin[s]) this.pMin[s] = idx;
      }
      const dd = fall(this.allPeak[s], idx);
      if (dd > this.allDd[s]) this.allDd[s] = dd;
      if (idx > this.allPeak[s]) this.allPeak[s] = idx;
    }
    this.markNo = no;
    this.marksDone++;
    this.afterMark(ms, dayStart);
  }

  /** Hook: runs after every account has been marked at `ms`. */
  protected afterMark(_ms: number, _dayStart: boolean): void {}

  /** Hook: an account was closed. */
  protected accountClosed(_slot: number): void {}

  /** Hook: money or coins worth `value` quote units moved into (> 0) or out of (< 0) an account. */
  protected flowApplied(_slot: number, _flow: Extract<RankingRecord, { type: 'flow' }>, _value: number): void {}

  /** Whether the account would appear on boards at all (before the window-specific trade filter). */
  rankable(s: number): boolean {
    const a = this.accounts;
    // Marked at least once since registration: a board only lists accounts valued at its mark.
    return (
      a.ranked[s] === 1 &&
      a.closed[s] === 0 &&
      a.firstMark[s] < this.markNo &&
      this.markMs - a.registeredTs[s] >= this.cfg.minAccountAgeMs
    );
  }
}
