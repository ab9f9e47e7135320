/**
 * Reads over the live ranking for the HTTP API: a leaderboard page (sorted, searched, filtered) and a trader's
 * public profile.
 *
 * No request walks the whole board. The board's own order is a slice of the sorted board. Other orders,
 * searches and filters are served from an index of the board (BoardIndex): its figures as columns, one sorted
 * order per column and direction, and a trigram index of the nicknames. A board's figures stay as they were at
 * its mark until the next one, so the index is built once per board — at the first such query after a mark (or
 * after an account left the board) — and every query after that touches only what it returns, plus, for a
 * search, the rows whose nickname holds the search's trigrams. Follower counts change between marks: their
 * order is re-sorted when they have changed. Rows are read from the service as they are returned, so they are
 * exactly what the board says now.
 */
import type { BoardRow, Period, RankingService } from '../../engine/core/ranking';
import type {
  BoardRules,
  LeaderboardPage,
  LeaderboardQuery,
  LeaderboardRow,
  LeaderboardSort,
  TraderStats,
} from '../../engine/protocol/sync';

/** Rows read per call while building an index (the service's page limit). */
const PAGE = 1000;

export function statsOf(r: BoardRow): TraderStats {
  return {
    rank: r.rank,
    returnBps: r.returnBps,
    pnl: r.pnl,
    maxDrawdownBps: r.maxDrawdownBps,
    winRateBps: r.winRateBps,
    closedRoundTrips: r.closedRoundTrips,
    trades: r.trades,
    followers: r.followers,
    rankChange: r.rankChange,
  };
}

const rowOf = (r: BoardRow): LeaderboardRow => ({ nickname: r.nickname, ...statsOf(r) });

/** Best-first direction of each column: a lower rank and a shallower drawdown are better. */
const ASCENDING_BEST = new Set(['rank', 'maxDrawdownBps']);

/** How a search matches a nickname: case- and width-insensitively. */
const searchKey = (s: string) => s.normalize('NFKC').toLowerCase();

type Column = Exclude<LeaderboardSort, 'rank'>;

/**
 * Nicknames by account slot, with the slots holding each trigram. Slots are only added, so the index grows with
 * the accounts and serves every period's board. A nickname that changed (an account record again) is indexed
 * again when a board holding it is next indexed; its old trigrams stay posted and are filtered out by the check
 * against the nickname itself.
 */
class NicknameIndex {
  private readonly names: string[] = [];
  private readonly keys: string[] = [];
  private readonly postings = new Map<string, number[]>();

  constructor(private readonly service: RankingService) {}

  /** Indexes accounts registered since the last call. */
  private update(): void {
    const a = this.service.accounts;
    for (let s = this.keys.length; s < a.count; s++) {
      this.names.push(a.nickname[s]);
      this.keys.push('');
      this.post(s, searchKey(a.nickname[s]));
    }
  }

  /** The nickname a board row shows for a slot: indexed again if it is not the one indexed (slots not indexed
   *  yet are, with their nickname then, at the next search). */
  check(slot: number, nickname: string): void {
    if (slot >= this.names.length || this.names[slot] === nickname) return;
    this.names[slot] = nickname;
    this.post(slot, searchKey(nickname));
  }

  /** Posts the slot under each trigram of `key` it is not posted under yet, and makes `key` its nickname. */
  private post(slot: number, key: string): void {
    const old = this.keys[slot];
    this.keys[slot] = key;
    for (let i = 0; i + 3 <= key.length; i++) {
      const g = key.substring(i, i + 3);
      if (old.includes(g)) continue;
      let list = this.postings.get(g);
      if (!list) this.postings.set(g, (list = []));
      // A trigram seen twice in one nickname: its slot was just posted, so it is last.
      if (list[list.length - 1] !== slot) list.push(slot);
    }
  }

  /**
   * Slots whose nickname contains `needle`, ascending. A needle of three or more characters is looked up by its
   * rarest trigram and checked against those nicknames only; a shorter one, which matches a large share of any
   * board anyway, is checked against every nickname.
   */
  matching(needle: string): number[] {
    this.update();
    const keys = this.keys;
    const out: number[] = [];
    if (needle.length < 3) {
      for (let s = 0; s < keys.length; s++) if (keys[s].includes(needle)) out.push(s);
      return out;
    }
    let rarest: number[] | undefined;
    for (let i = 0; i + 3 <= needle.length; i++) {
      const list = this.postings.get(needle.substring(i, i + 3));
      if (!list) return out;
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    for (const s of rarest!) if (keys[s].includes(needle)) out.push(s);
    return out;
  }
}

/** One board as of its build: figures by board position (0 = rank 1), and sorted orders built as asked for. */
class BoardIndex {
  readonly size: number;
  /** Account slot at each position, and each slot's position (−1: not on this board). */
  private readonly slots: Int32Array;
  private readonly positionOf: Int32Array;
  private readonly columns: Record<Exclude<Column, 'followers'>, Float64Array>;
  /** Follower counts the followers orders were built with. */
  private followersAt: Int32Array | undefined;
  /** Positions in a column's order (best first or worst first), and each position's place in that order. */
  private readonly orders = new Map<string, { order: Int32Array; placeOf: Int32Array }>();

  constructor(
    private readonly service: RankingService,
    period: Period,
    readonly asOf: number,
    nicknames: NicknameIndex,
  ) {
    const size = service.boardSize(period);
    const a = service.accounts;
    this.size = size;
    this.slots = new Int32Array(size);
    this.positionOf = new Int32Array(a.count).fill(-1);
    const col = () => new Float64Array(size);
    this.columns = { returnBps: col(), pnl: col(), maxDrawdownBps: col(), winRateBps: col(), trades: col() };
    const c = this.columns;
    for (let at = 0; at < size; at += PAGE) {
      const rows = service.top(period, Math.min(PAGE, size - at), at);
      for (let i = 0; i < rows.length; i++) {
        const p = at + i;
        const r = rows[i];
        const slot = a.slot(r.account)!;
        this.slots[p] = slot;
        this.positionOf[slot] = p;
        nicknames.check(slot, r.nickname);
        c.returnBps[p] = r.returnBps;
        c.pnl[p] = r.pnl;
        c.maxDrawdownBps[p] = r.maxDrawdownBps;
        c.winRateBps[p] = r.winRateBps ?? NaN;
        c.trades[p] = r.trades;
      }
    }
  }

  /** Positions of the given account slots on this board, ascending (best first). */
  positions(slots: number[]): Int32Array {
    const out: number[] = [];
    for (const s of slots) {
      const p = s < this.positionOf.length ? this.positionOf[s] : -1;
      if (p >= 0) out.push(p);
    }
    return Int32Array.from(out).sort();
  }

  trades(position: number): number {
    return this.columns.trades[position];
  }

  /** How many rows have at least `min` trades: a binary search of the trades order. */
  countTradesAtLeast(min: number): number {
    const { order } = this.sorted('trades', false);
    const trades = this.columns.trades;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (trades[order[mid]] >= min) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * The board in `column` order: missing values (a win rate with no round trip closed) last either way, ties in
   * board order.
   */
  sorted(column: Column, asc: boolean): { order: Int32Array; placeOf: Int32Array } {
    const key = `${column}:${asc}`;
    if (column === 'followers' && this.followersChanged()) {
      this.orders.delete('followers:true');
      this.orders.delete('followers:false');
    }
    let sorted = this.orders.get(key);
    if (sorted) return sorted;
    const values = column === 'followers' ? Float64Array.from(this.followersAt!) : this.columns[column];
    const order = new Int32Array(this.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((x, y) => {
      const a = values[x];
      const b = values[y];
      if (a === b) return x - y;
      if (Number.isNaN(a)) return Number.isNaN(b) ? x - y : 1;
      if (Number.isNaN(b)) return -1;
      return asc ? a - b : b - a;
    });
    const placeOf = new Int32Array(this.size);
    for (let i = 0; i < order.length; i++) placeOf[order[i]] = i;
    this.orders.set(key, (sorted = { order, placeOf }));
    return sorted;
  }

  /** Compares live follower counts with those the followers orders used (takes a snapshot the first time). */
  private followersChanged(): boolean {
    const live = this.service.accounts.followers;
    const at = this.followersAt;
    if (at) {
      let i = 0;
      while (i < this.size && at[i] === live[this.slots[i]]) i++;
      if (i === this.size) return false;
    }
    const fresh = new Int32Array(this.size);
    for (let i = 0; i < this.size; i++) fresh[i] = live[this.slots[i]];
    this.followersAt = fresh;
    return at !== undefined;
  }
}

interface Indexes {
  nicknames: NicknameIndex;
  boards: Partial<Record<Period, BoardIndex>>;
}
const indexesOf = new WeakMap<RankingService, Indexes>();

function indexes(service: RankingService): Indexes {
  let x = indexesOf.get(service);
  if (!x) indexesOf.set(service, (x = { nicknames: new NicknameIndex(service), boards: {} }));
  return x;
}

/** The period's board index, rebuilt when the board has changed: a new mark, or an account that left it. */
function boardIndex(service: RankingService, period: Period): BoardIndex {
  const x = indexes(service);
  const current = x.boards[period];
  if (current && Object.is(current.asOf, service.asOf) && current.size === service.boardSize(period)) return current;
  return (x.boards[period] = new BoardIndex(service, period, service.asOf, x.nicknames));
}

/** What it takes to appear on a board, from the ranking's own settings (the app explains an empty board with it). */
export function boardRules(service: RankingService): BoardRules {
  const { minTrades, minAccountAgeMs, markIntervalMs } = service.cfg;
  return { minTrades, minAccountAgeMs, markIntervalMs };
}

export function leaderboard(service: RankingService, period: Period, q: LeaderboardQuery): LeaderboardPage {
  const asOf = Number.isNaN(service.asOf) ? null : service.asOf;
  const rules = boardRules(service);
  const size = service.boardSize(period);
  const asc = (q.order ?? (ASCENDING_BEST.has(q.sort) ? 'asc' : 'desc')) === 'asc';
  if (q.sort === 'rank' && asc && !q.search && q.minTrades === undefined) {
    const rows = q.offset < size ? service.top(period, q.limit, q.offset) : [];
    return { period, asOf, rules, total: size, rows: rows.map(rowOf) };
  }
  const board = boardIndex(service, period);
  const minTrades = q.minTrades;
  const keep = (p: number) => minTrades === undefined || board.trades(p) >= minTrades;
  const end = q.offset + q.limit;
  const page: number[] = [];
  let total: number;

  if (q.search) {
    // The matches (usually few) in the requested order: by their place in the column's order.
    const found = board.positions(indexes(service).nicknames.matching(searchKey(q.search))).filter(keep);
    total = found.length;
    if (q.sort === 'rank') page.push(...(asc ? found : found.reverse()).subarray(q.offset, end));
    else if (found.length * 8 < board.size) {
      const { order, placeOf } = board.sorted(q.sort, asc);
      page.push(
        ...found
          .map((p) => placeOf[p])
          .sort()
          .subarray(q.offset, end)
          .map((place) => order[place]),
      );
    } else {
      // Most of the board matches: walking the column's order over a membership map is cheaper than sorting.
      const { order } = board.sorted(q.sort, asc);
      const member = new Uint8Array(board.size);
      for (const p of found) member[p] = 1;
      for (let i = 0, kept = 0; i < order.length && kept < end; i++)
        if (member[order[i]] && kept++ >= q.offset) page.push(order[i]);
    }
  } else {
    // The whole board in the column's order, less those under minTrades (counted from the trades order): walk
    // the order until the page is full.
    total = minTrades === undefined ? board.size : board.countTradesAtLeast(minTrades);
    const order = q.sort === 'rank' ? null : board.sorted(q.sort, asc).order;
    const at = (i: number) => (order ? order[i] : asc ? i : board.size - 1 - i);
    for (let i = 0, kept = 0; i < board.size && kept < Math.min(end, total); i++) {
      const p = at(i);
      if (!keep(p)) continue;
      if (kept++ >= q.offset) page.push(p);
    }
  }
  return { period, asOf, rules, total, rows: page.map((p) => rowOf(service.top(period, 1, p)[0])) };
}
