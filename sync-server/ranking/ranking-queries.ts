/**
 * Reads over the live ranking for the HTTP API: a leaderboard page (sorted, searched, filtered) and a trader's
 * public profile. The board's own order is a slice of the sorted board; other orders and filters go over the
 * board's rows, which the service keeps as of the last mark.
 */
import type { BoardRow, Period, RankingService } from '../../engine/ranking';
import type { LeaderboardPage, LeaderboardQuery, LeaderboardRow, TraderStats } from '../../engine/protocol/sync';

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

export function leaderboard(service: RankingService, period: Period, q: LeaderboardQuery): LeaderboardPage {
  const asOf = Number.isNaN(service.asOf) ? null : service.asOf;
  const size = service.boardSize(period);
  const plain = q.sort === 'rank' && q.order !== 'desc' && !q.search && q.minTrades === undefined;
  if (plain) {
    const rows = q.offset < size ? service.top(period, q.limit, q.offset) : [];
    return { period, asOf, total: size, rows: rows.map(rowOf) };
  }
  let rows: BoardRow[] = [];
  for (let at = 0; at < size; at += PAGE) rows.push(...service.top(period, PAGE, at));
  if (q.search) {
    const needle = q.search.normalize('NFKC').toLowerCase();
    rows = rows.filter((r) => r.nickname.normalize('NFKC').toLowerCase().includes(needle));
  }
  if (q.minTrades !== undefined) rows = rows.filter((r) => r.trades >= q.minTrades!);
  const asc = (q.order ?? (ASCENDING_BEST.has(q.sort) ? 'asc' : 'desc')) === 'asc';
  const key = q.sort;
  // A missing win rate (no round trip closed) sorts last either way; ties keep the board's order.
  rows.sort((a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === y) return a.rank - b.rank;
    if (x === null) return 1;
    if (y === null) return -1;
    return asc ? x - y : y - x;
  });
  return { period, asOf, total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit).map(rowOf) };
}
