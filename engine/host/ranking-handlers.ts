/**
 * The API methods of leaderboards, trader profiles and copy trading (see ../protocol/api: ranking.*, copy.*).
 * They call the sync server of the live market over HTTP: boards and profiles without an account, the rest
 * with the signed-in session's token (refreshed once if it has expired). The server's answers are validated
 * against the sync contract in SyncHttp and reshaped into the UI's contract here.
 *
 * Not being signed in, or the server being unreachable, is an ApiError with a code the UI names
 * (NOT_SIGNED_IN, OFFLINE); the server's own refusals keep their codes (INSUFFICIENT_BALANCE, …).
 */
import type {
  BoardRules,
  CopyChange,
  CopyFollower,
  CopySettlement,
  CopySubscription,
  LiveStatus,
  MyStrategy as MyStrategyView,
  RankingBoard,
  RankingQuery,
  RankingRow,
  RankingSort,
  TraderProfile as TraderProfileView,
} from '../protocol/api';
import { ApiError } from '../protocol/errors';
import type { FollowerView, LeaderboardSort, MyStrategy, SettlementView, SubscriptionView } from '../protocol/sync';
import type { SyncClient } from '../node/sync/sync-client';
import { SyncHttp, SyncHttpError } from '../node/sync/sync-http';
import type { LiveMarket } from './live-market';

/** Sorts the server offers; the others (nickname, rank change) are applied here over the board's first rows. */
const SERVER_SORTS = new Set<string>([
  'rank',
  'returnBps',
  'pnl',
  'maxDrawdownBps',
  'winRateBps',
  'trades',
  'followers',
] satisfies LeaderboardSort[]);
/** How many rows of a board a host-side sort looks at (the server pages at most 200 at a time). */
const LOCAL_SORT_ROWS = 1_000;
const SERVER_PAGE = 200;

/**
 * What these methods need of the live market: its server, who is signed in, and a way to call with a fresh
 * token. The token must come from the live market's own SyncClient — a second client would refresh the same
 * session on its own and invalidate the other's refresh token.
 */
export interface RankingLink {
  status(): LiveStatus;
  withToken<T>(call: (http: SyncHttp, token: string) => Promise<T>): Promise<T>;
}

/** The link for the app host's live market. */
export function rankingLink(live: LiveMarket): RankingLink {
  // LiveMarket keeps its SyncClient to itself and offers no accessor for it; this is the one place that reaches it.
  const client = () => (live as unknown as { client: SyncClient }).client;
  return {
    status: () => live.status(),
    withToken: (call) => {
      const c = client();
      return c.withFreshToken((token) => call(c.http, token));
    },
  };
}

function apiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof SyncHttpError) {
    if (err.code === 'UNREACHABLE')
      return new ApiError('OFFLINE', 'the sync server cannot be reached; try again when it is back');
    if (err.code === 'NOT_AUTHENTICATED' || err.status === 401)
      return new ApiError('NOT_SIGNED_IN', 'sign in to the live market first');
    return new ApiError(err.code, err.message);
  }
  return new ApiError('INTERNAL', err instanceof Error ? err.message : String(err));
}

/** The host-side sorts: by nickname, or by rank change (not on yesterday's board sorts last either way). */
function compareRows(
  sort: Exclude<RankingSort, LeaderboardSort>,
  order: 'asc' | 'desc',
): (a: RankingRow, b: RankingRow) => number {
  const sign = order === 'asc' ? 1 : -1;
  return (a, b) => {
    if (sort === 'rankChange' && (a.rankChange === null || b.rankChange === null)) {
      return (a.rankChange === null ? 1 : 0) - (b.rankChange === null ? 1 : 0) || a.rank - b.rank;
    }
    const d = sort === 'nickname' ? a.nickname.localeCompare(b.nickname) : a.rankChange! - b.rankChange!;
    return d * sign || a.rank - b.rank;
  };
}

function subscriptionOf(s: SubscriptionView): CopySubscription {
  return {
    id: s.id,
    leader: s.leader,
    status: s.status,
    endReason: s.endReason,
    allocation: s.allocation,
    equity: s.equity,
    pnl: s.pnl,
    freeCash: s.freeCash,
    holdings: s.holdings,
    stopLossBps: s.stopLossBps,
    profitShareBps: s.profitShareBps,
    owed: s.owed,
    feesPaid: s.feesPaid,
    createdAt: s.createdAt,
    endedAt: s.endedAt,
  };
}

function followerOf(f: FollowerView): CopyFollower {
  return {
    subscriptionId: f.subscriptionId,
    nickname: f.nickname,
    status: f.status,
    allocation: f.allocation,
    equity: f.equity,
    since: f.since,
    profitShareBps: f.profitShareBps,
    feesPaid: f.feesPaid,
  };
}

function settlementOf(s: SettlementView): CopySettlement {
  return {
    id: s.id,
    subscriptionId: s.subscriptionId,
    period: s.period,
    role: s.role,
    counterparty: s.counterparty,
    profit: s.profit,
    fee: s.fee,
    paid: s.paid,
    owed: s.owed,
    profitShareBps: s.profitShareBps,
    ts: s.ts,
  };
}

function strategyOf(s: MyStrategy): MyStrategyView {
  return { open: s.open, description: s.description, profitShareBps: s.profitShareBps, followers: s.followers };
}

export function rankingHandlers(link: RankingLink) {
  /** Public reads go to the server the live market is pointed at, one HTTP client per address. */
  let publicHttp: SyncHttp | undefined;
  let publicOrigin = '';
  const open = (): SyncHttp => {
    const origin = link.status().serverUrl;
    if (!publicHttp || publicOrigin !== origin) {
      publicHttp = new SyncHttp(origin);
      publicOrigin = origin;
    }
    return publicHttp;
  };

  const mine = async <T>(what: string, call: (http: SyncHttp, token: string) => Promise<T>): Promise<T> => {
    const status = link.status();
    if (!status.account) throw new ApiError('NOT_SIGNED_IN', `sign in to the live market to see ${what}`);
    try {
      return await link.withToken(call);
    } catch (err) {
      throw apiError(err);
    }
  };

  async function board(q: RankingQuery): Promise<RankingBoard> {
    const http = open();
    const search = q.search || undefined;
    try {
      if (SERVER_SORTS.has(q.sort)) {
        const page = await http.leaderboard(q.period, {
          sort: q.sort as LeaderboardSort,
          order: q.order,
          search,
          limit: q.limit,
          offset: q.offset,
        });
        return {
          period: page.period,
          asOf: page.asOf,
          ...(page.rules && { rules: page.rules }),
          total: page.total,
          rows: page.rows,
        };
      }
      // Read the board's first rows in rank order and sort those.
      const rows: RankingRow[] = [];
      let total = 0;
      let asOf: number | null = null;
      let rules: BoardRules | undefined;
      while (rows.length < LOCAL_SORT_ROWS) {
        const page = await http.leaderboard(q.period, {
          sort: 'rank',
          search,
          limit: SERVER_PAGE,
          offset: rows.length,
        });
        total = page.total;
        asOf = page.asOf;
        rules = page.rules;
        rows.push(...page.rows);
        if (page.rows.length < SERVER_PAGE || rows.length >= total) break;
      }
      const order = q.order ?? (q.sort === 'nickname' ? 'asc' : 'desc');
      rows.sort(compareRows(q.sort as Exclude<RankingSort, LeaderboardSort>, order));
      return {
        period: q.period,
        asOf,
        ...(rules && { rules }),
        total: Math.min(total, rows.length),
        rows: rows.slice(q.offset, q.offset + q.limit),
        ...(total > rows.length && { sortedWithin: rows.length }),
      };
    } catch (err) {
      throw apiError(err);
    }
  }

  async function profile(nickname: string): Promise<TraderProfileView> {
    const status = link.status();
    let p;
    try {
      p = await open().trader(nickname);
    } catch (err) {
      throw apiError(err);
    }
    const self = status.account?.nickname.toLowerCase() === p.nickname.toLowerCase();
    let subscriptionId: number | undefined;
    if (status.account && !self) {
      // Whether I already copy this trader decides between Subscribe and Manage; a failure here only hides that.
      try {
        const subs = await link.withToken((http, token) => http.subscriptions(token));
        subscriptionId = subs.find(
          (s) => s.leader === p.nickname && (s.status === 'active' || s.status === 'paused'),
        )?.id;
      } catch {
        subscriptionId = undefined;
      }
    }
    return {
      nickname: p.nickname,
      joinedAt: p.joinedAt,
      asOf: p.asOf,
      stats: p.stats,
      equity: p.equity,
      recentTrades: p.recentTrades,
      followers: p.followers,
      strategy: p.strategy,
      viewer: { signedIn: !!status.account, self, ...(subscriptionId !== undefined && { subscriptionId }) },
    };
  }

  async function strategyGet(): Promise<{ strategy: MyStrategyView | null }> {
    try {
      return { strategy: strategyOf(await mine('your strategy', (http, t) => http.strategy(t))) };
    } catch (err) {
      if (err instanceof ApiError && err.code === 'NO_STRATEGY') return { strategy: null };
      throw err;
    }
  }

  async function strategySet(p: {
    open: boolean;
    description?: string;
    profitShareBps?: number;
  }): Promise<{ strategy: MyStrategyView | null }> {
    const { strategy: current } = await strategyGet();
    if (!p.open) {
      if (!current || !current.open) return { strategy: current };
      return { strategy: strategyOf(await mine('your strategy', (http, t) => http.closeStrategy(t))) };
    }
    if (!current || !current.open) {
      if (p.profitShareBps === undefined) throw new ApiError('BAD_REQUEST', 'give the profit share to open a strategy');
      const body = {
        profitShareBps: p.profitShareBps,
        ...(p.description !== undefined && { description: p.description }),
      };
      return { strategy: strategyOf(await mine('your strategy', (http, t) => http.openStrategy(t, body))) };
    }
    const change = {
      ...(p.description !== undefined && p.description !== current.description && { description: p.description }),
      ...(p.profitShareBps !== undefined &&
        p.profitShareBps !== current.profitShareBps && { profitShareBps: p.profitShareBps }),
    };
    if (Object.keys(change).length === 0) return { strategy: current };
    return { strategy: strategyOf(await mine('your strategy', (http, t) => http.updateStrategy(t, change))) };
  }

  return {
    'ranking.board': board,
    'ranking.profile': ({ nickname }: { nickname: string }) => profile(nickname),
    'copy.strategy.get': strategyGet,
    'copy.strategy.set': strategySet,
    'copy.subscriptions': async () => {
      const items = await mine('your copies', (http, t) => http.subscriptions(t));
      return { items: items.map(subscriptionOf).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id) };
    },
    'copy.subscribe': async (p: { leader: string; allocation: number; stopLossBps?: number }) =>
      subscriptionOf(await mine('copy trading', (http, t) => http.subscribe(t, p))),
    'copy.update': async ({ id, change }: { id: number; change: CopyChange }) =>
      subscriptionOf(await mine('copy trading', (http, t) => http.updateSubscription(t, id, change))),
    'copy.unsubscribe': async ({ id }: { id: number }) =>
      subscriptionOf(await mine('copy trading', (http, t) => http.unsubscribe(t, id))),
    'copy.followers': async () => ({
      items: (await mine('your followers', (http, t) => http.followers(t))).map(followerOf),
    }),
    'copy.settlements': async () => ({
      items: (await mine('your settlements', (http, t) => http.settlements(t))).settlements.map(settlementOf),
    }),
  };
}
