/**
 * The readable side of a ranking: figure columns and sorted boards per period, and the queries served from
 * them. How and when the boards are built is left to the subclass (every mark for the incremental service, the
 * day ends and the end of the stream for the batch).
 */
import type { AccountId } from '../matching/types';
import { Board } from './board';
import { RankingError, type RankingConfig } from './config';
import { PERIODS, RankingCore, type Period } from './core';
import { FigureColumns, figuresOf, periodFrame, type BoardRow, type PeriodFrame } from './figures';
import type { FlowKind, RankingRecord } from './records';

export interface EquityPoint {
  ts: number;
  equity: number;
}

/** Money or coins moved into or out of an account from outside its trading: a step in equity that is not profit. */
export interface EquityFlow {
  ts: number;
  kind: FlowKind;
  asset: string;
  /** Minimal units of `asset`; negative when it left the account. */
  amount: number;
  /** What it was worth when it moved, quote units (the step it made in equity). */
  value: number;
}

export interface EquityHistory {
  /** Equity at each mark of the last day (oldest first), from the account's registration at the earliest. */
  hourly: EquityPoint[];
  /** Equity at each day start kept (oldest first). */
  daily: EquityPoint[];
  /** The flows inside the time the points cover (after the mark before the first point), oldest first. */
  flows: EquityFlow[];
}

/** Flows kept per account for its equity curve: the latest ones (the rest are older than any curve shows). */
export const FLOWS_KEPT = 64;

/** Every board in full: what the incremental service and the batch recompute are compared on. */
export interface RankingBoards {
  asOf: number;
  boards: Record<Period, BoardRow[]>;
}

export const MAX_PAGE = 1000;

export abstract class RankingReadModel extends RankingCore {
  protected readonly cols: Record<Period, FigureColumns>;
  protected readonly boardOf: Record<Period, Board>;
  /** Mark number the boards were last built at; NaN = never. */
  protected builtAt = NaN;
  /** Latest flows by account slot, oldest first (accounts without any have no entry). */
  private readonly flowsOf = new Map<number, EquityFlow[]>();

  constructor(config: RankingConfig) {
    super(config);
    const cap = this.accounts.capacity;
    this.cols = {
      '1d': new FigureColumns(cap),
      '7d': new FigureColumns(cap),
      '30d': new FigureColumns(cap),
      all: new FigureColumns(cap),
    };
    this.boardOf = { '1d': new Board(cap), '7d': new Board(cap), '30d': new Board(cap), all: new Board(cap) };
    const chained = this.accounts.onGrow;
    this.accounts.onGrow = (c) => {
      chained?.(c);
      for (const p of PERIODS) {
        this.cols[p].grow(c);
        this.boardOf[p].grow(c);
      }
    };
  }

  /** Max drawdown of slot s over `period` at the current mark: how is up to the subclass. */
  protected abstract drawdown(s: number, period: Period): number;

  private frame: PeriodFrame | null = null;
  private frameAt = NaN;

  /** The board row of slot s, its figures computed from the snapshots as they stood at the build. */
  private row(period: Period, s: number): BoardRow {
    if (this.frameAt !== this.markNo || this.frame === null) {
      this.frame = periodFrame(this);
      this.frameAt = this.markNo;
    }
    const a = this.accounts;
    const b = this.boardOf[period];
    const rank = b.rank[s];
    const prev = b.prevRank[s];
    return {
      rank,
      account: a.ids[s],
      nickname: a.nickname[s],
      ...figuresOf(this, this.frame, s, period, this.drawdown(s, period)),
      followers: a.followers[s],
      rankChange: prev > 0 && rank > 0 ? prev - rank : null,
    };
  }

  private rows(period: Period, offset: number, limit: number): BoardRow[] {
    const b = this.boardOf[period];
    const end = Math.min(b.size, offset + limit);
    const out: BoardRow[] = [];
    for (let i = offset; i < end; i++) out.push(this.row(period, b.order[i]));
    return out;
  }

  protected buildBoards(): void {
    for (const p of PERIODS) this.boardOf[p].build(this.accounts.count, this.cols[p]);
    this.builtAt = this.markNo;
  }

  protected closeDay(): void {
    for (const p of PERIODS) this.boardOf[p].closeDay();
  }

  /** A closed account leaves every board at once, not at the next mark. */
  protected override accountClosed(slot: number): void {
    for (const p of PERIODS) this.cols[p].ok[slot] = 0;
    if (this.builtAt === this.markNo) this.buildBoards();
  }

  protected override flowApplied(slot: number, f: Extract<RankingRecord, { type: 'flow' }>, value: number): void {
    let list = this.flowsOf.get(slot);
    if (!list) this.flowsOf.set(slot, (list = []));
    list.push({ ts: f.ts, kind: f.kind, asset: f.asset, amount: f.amount, value });
    if (list.length > FLOWS_KEPT) list.splice(0, list.length - FLOWS_KEPT);
  }

  /** Time of the mark the boards describe; NaN before the first mark. */
  get asOf(): number {
    return Number.isNaN(this.builtAt) ? NaN : this.builtAt * this.cfg.markIntervalMs;
  }

  boardSize(period: Period): number {
    this.checkPeriod(period);
    return this.boardOf[period].size;
  }

  /** Rows [offset, offset + limit) of a board, best first. */
  top(period: Period, limit = 100, offset = 0): BoardRow[] {
    this.checkPeriod(period);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw new RankingError('INVALID_QUERY', `limit must be 1–${MAX_PAGE}`);
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new RankingError('INVALID_QUERY', 'offset must be a non-negative integer');
    return this.rows(period, offset, limit);
  }

  /** An account's figures over a period as of the last build (rank 0 when it is not on the board). */
  figures(period: Period, account: AccountId): BoardRow {
    this.checkPeriod(period);
    const s = this.profileSlot(account);
    if (Number.isNaN(this.builtAt) || this.accounts.firstMark[s] >= this.builtAt) {
      // Registered since the last mark: nothing has been measured yet.
      const a = this.accounts;
      return {
        rank: 0,
        account,
        nickname: a.nickname[s],
        returnBps: 0,
        pnl: 0,
        maxDrawdownBps: 0,
        winRateBps: null,
        closedRoundTrips: 0,
        trades: 0,
        followers: a.followers[s],
        rankChange: null,
      };
    }
    return this.row(period, s);
  }

  /** A deleted account has no profile any more; its id stays taken. */
  private profileSlot(account: AccountId): number {
    const s = this.accounts.slot(account);
    if (s === undefined) throw new RankingError('UNKNOWN_ACCOUNT', `account ${account} is not registered`);
    if (this.accounts.closed[s]) throw new RankingError('ACCOUNT_CLOSED', `account ${account} is closed`);
    return s;
  }

  /** Equity at the last prices right now (not as of the last mark), quote units: e.g. the leader equity a copy
   *  order is sized by. */
  equityNow(account: AccountId): number {
    return this.accounts.equity(this.profileSlot(account));
  }

  equityHistory(account: AccountId): EquityHistory {
    const s = this.profileSlot(account);
    const out: EquityHistory = { hourly: [], daily: [], flows: [] };
    if (Number.isNaN(this.markNo)) return out;
    const first = this.accounts.firstMark[s];
    const I = this.cfg.markIntervalMs;
    const H = this.hourSlots;
    const lastMark = this.markNo;
    for (let m = Math.max(first, lastMark - this.cfg.marksPerDay); m <= lastMark; m++) {
      out.hourly.push({ ts: m * I, equity: this.hEq[(m % H) * this.cap + s] });
    }
    const D = this.daySlots;
    const today = this.dayNoOf(lastMark * I);
    for (let day = today - D + 1; day <= today; day++) {
      const m = this.dayStartMark(day);
      if (m <= first || m > lastMark) continue;
      out.daily.push({ ts: m * I, equity: this.dEq[(((day % D) + D) % D) * this.cap + s] });
    }
    // A point at mark time T values what happened before T: a flow shows as the step into the first point after it.
    const from = Math.min(out.daily[0]?.ts ?? Infinity, out.hourly[0]?.ts ?? Infinity) - I;
    out.flows = (this.flowsOf.get(s) ?? []).filter((f) => f.ts >= from);
    return out;
  }

  boards(): RankingBoards {
    const boards = {} as Record<Period, BoardRow[]>;
    for (const p of PERIODS) {
      boards[p] = this.rows(p, 0, this.boardOf[p].size);
    }
    return { asOf: this.asOf, boards };
  }

  private checkPeriod(period: Period): void {
    if (!PERIODS.includes(period)) throw new RankingError('INVALID_QUERY', `unknown period ${String(period)}`);
  }
}
