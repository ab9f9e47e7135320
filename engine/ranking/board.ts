/**
 * A sorted leaderboard: accounts in rank order plus each slot's rank, rebuilt from the figure columns. Reading
 * the top N is then a slice of `order`.
 *
 * Order: return descending, ties by registration order (lower slot first). The two are packed into one double
 * key — (2^28 − return) × 2^24 + slot, below 2^53 — so the native numeric sort of a Float64Array does the work
 * without a comparator callback. Returns above 2^28 bps (2.68 million %) compare as equal and fall back to the
 * tie rule.
 */
import { MAX_ACCOUNTS } from './accounts';
import type { RankingCore } from './core';
import type { BoardRow, FigureColumns } from './figures';

const RET_CAP = 2 ** 28;

export class Board {
  order = new Int32Array(0);
  size = 0;
  /** 1-based rank per slot at the last build; 0 = not on the board. */
  rank: Int32Array;
  /** Ranks at the end of the previous day. */
  prevRank: Int32Array;
  private keys = new Float64Array(0);

  constructor(capacity: number) {
    this.rank = new Int32Array(capacity);
    this.prevRank = new Int32Array(capacity);
  }

  grow(capacity: number): void {
    const r = new Int32Array(capacity);
    r.set(this.rank);
    this.rank = r;
    const p = new Int32Array(capacity);
    p.set(this.prevRank);
    this.prevRank = p;
  }

  /** The previous day's board becomes the reference for rank changes. */
  closeDay(): void {
    this.prevRank.set(this.rank);
  }

  build(count: number, cols: FigureColumns): void {
    if (this.keys.length < count) this.keys = new Float64Array(Math.max(count, this.keys.length * 2));
    const keys = this.keys;
    const rank = this.rank;
    let n = 0;
    for (let s = 0; s < count; s++) {
      rank[s] = 0;
      if (cols.ok[s] === 0) continue;
      let r = cols.ret[s];
      if (r > RET_CAP) r = RET_CAP;
      keys[n++] = (RET_CAP - r) * MAX_ACCOUNTS + s;
    }
    const sorted = keys.subarray(0, n).sort();
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, this.order.length * 2));
    const order = this.order;
    for (let i = 0; i < n; i++) {
      const s = sorted[i] % MAX_ACCOUNTS;
      order[i] = s;
      rank[s] = i + 1;
    }
    this.size = n;
  }

  row(core: RankingCore, cols: FigureColumns, s: number): BoardRow {
    const a = core.accounts;
    const rank = this.rank[s];
    const prev = this.prevRank[s];
    return {
      rank,
      account: a.ids[s],
      nickname: a.nickname[s],
      returnBps: cols.ret[s],
      pnl: cols.pnl[s],
      maxDrawdownBps: cols.dd[s],
      winRateBps: cols.win[s] < 0 ? null : cols.win[s],
      closedRoundTrips: cols.trips[s],
      trades: cols.trades[s],
      followers: a.followers[s],
      rankChange: prev > 0 && rank > 0 ? prev - rank : null,
    };
  }

  rows(core: RankingCore, cols: FigureColumns, offset: number, limit: number): BoardRow[] {
    const end = Math.min(this.size, offset + limit);
    const out: BoardRow[] = [];
    for (let i = offset; i < end; i++) out.push(this.row(core, cols, this.order[i]));
    return out;
  }
}
