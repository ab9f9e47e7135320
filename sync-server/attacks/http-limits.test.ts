/**
 * What a client can make the server do over HTTP, bounded: leaderboard sorts and searches are served from an
 * index instead of the whole board.
 */
import { describe, expect, it } from 'vitest';
import { LeaderboardQuery, type LeaderboardPage } from '../../engine/protocol/sync';
import { PERIODS, RankingService, type BoardRow, type Period } from '../../engine/ranking';
import { COIN, LPJ, account, flow, price, trade } from '../../engine/ranking/testing/history';
import { leaderboard } from '../ranking/ranking-queries';

/** Every row of a board, best first. */
function boardRows(service: RankingService, period: Period): BoardRow[] {
  const rows: BoardRow[] = [];
  for (let at = 0; at < service.boardSize(period); at += 1000) rows.push(...service.top(period, 1000, at));
  return rows;
}

/** The leaderboard as sorting the whole board gives it: what the index must agree with, row for row. */
function wholeBoard(service: RankingService, period: Period, board: BoardRow[], q: LeaderboardQuery): LeaderboardPage {
  let rows = board;
  if (q.search) rows = rows.filter((r) => r.nickname.normalize('NFKC').toLowerCase().includes(q.search!.normalize('NFKC').toLowerCase()));
  if (q.minTrades !== undefined) rows = rows.filter((r) => r.trades >= q.minTrades!);
  const asc = (q.order ?? (q.sort === 'rank' || q.sort === 'maxDrawdownBps' ? 'asc' : 'desc')) === 'asc';
  rows = [...rows].sort((a, b) => {
    const x = a[q.sort];
    const y = b[q.sort];
    if (x === y) return a.rank - b.rank;
    if (x === null) return 1;
    if (y === null) return -1;
    return asc ? x - y : y - x;
  });
  const asOf = Number.isNaN(service.asOf) ? null : service.asOf;
  return {
    period,
    asOf,
    total: rows.length,
    rows: rows.slice(q.offset, q.offset + q.limit).map(({ account: _, ...r }) => ({ nickname: r.nickname, rank: r.rank, returnBps: r.returnBps, pnl: r.pnl, maxDrawdownBps: r.maxDrawdownBps, winRateBps: r.winRateBps, closedRoundTrips: r.closedRoundTrips, trades: r.trades, followers: r.followers, rankChange: r.rankChange })),
  };
}

describe('leaderboard queries', () => {
  const HOUR = 3_600_000;
  const T0 = Date.UTC(2026, 0, 1);
  let seed = 7;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };

  it('sorts, searches and filters from an index that agrees with sorting the whole board, reading only the rows it returns', () => {
    const N = 1_500;
    const service = new RankingService({ markets: [LPJ], minTrades: 1, minAccountAgeMs: 0 });
    service.apply(price(T0, LPJ, 100_000));
    const names = ['kim', 'Ｋｉｍ', 'lee', 'park', 'choi', 'der', '김', '이'];
    for (let i = 1; i <= N; i++) {
      service.apply(account(T0, i, `${names[i % names.length]}${i}${i % 7 === 0 ? 'zz' : ''}`));
      service.apply(flow(T0, i, 10_000_000));
      service.apply(flow(T0, i, COIN, 'LPJ'));
    }
    let ts = T0 + 1;
    let CLOSED = 0;
    const trades = (count: number) => {
      for (let k = 0; k < count; k++) {
        const b = 1 + Math.floor(random() * N);
        const s = 1 + ((b + Math.floor(random() * (N - 1))) % N);
        if (b === CLOSED || s === CLOSED) continue;
        service.apply(trade(ts++, LPJ, b, s, 90_000 + Math.floor(random() * 20_000), COIN / 100));
      }
    };
    trades(N * 4);
    for (let i = 1; i <= N; i += 5) service.apply({ type: 'followers', ts, account: i, delta: 1 });
    service.advanceTo(T0 + 2 * HOUR);

    const queries: LeaderboardQuery[] = [];
    for (const sort of ['rank', 'returnBps', 'pnl', 'maxDrawdownBps', 'winRateBps', 'trades', 'followers'] as const)
      for (const order of [undefined, 'asc', 'desc'] as const)
        for (const search of [undefined, 'k', 'ki', 'KIM', 'kim1', 'ｋｉｍ2', '김1', 'zz', 'nobody'])
          for (const minTrades of [undefined, 6])
            for (const offset of [0, 37]) queries.push(LeaderboardQuery.parse({ sort, order, search, minTrades, offset, limit: 25 }));
    const agree = (period: Period) => {
      const board = boardRows(service, period);
      for (const q of queries) expect(leaderboard(service, period, q), JSON.stringify({ period, q })).toEqual(wholeBoard(service, period, board, q));
    };
    for (const p of PERIODS) agree(p);

    // Built once per board: from then on a query reads from the service only the rows it returns.
    const top = service.top.bind(service);
    let read = 0;
    service.top = (period, limit, offset) => {
      const rows = top(period, limit, offset);
      read += rows.length;
      return rows;
    };
    for (const q of queries) {
      read = 0;
      const page = leaderboard(service, 'all', q);
      expect(read).toBe(page.rows.length);
    }
    service.top = top;

    // Between marks follower counts change (and so does their order); a renamed trader and a closed account
    // change the board; a mark changes every figure. Each time the answers still agree.
    for (let i = 2; i <= N; i += 3) service.apply({ type: 'followers', ts, account: i, delta: 1 });
    agree('all');
    service.apply(account(ts, 10, 'renamed-kim'));
    service.apply({ type: 'account_closed', ts, account: (CLOSED = 21) });
    agree('7d');
    trades(N);
    service.advanceTo(T0 + 3 * HOUR);
    for (const p of PERIODS) agree(p);
  });
});
