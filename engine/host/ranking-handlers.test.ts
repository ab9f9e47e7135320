/**
 * The ranking and copy-trading host methods against a stand-in sync server that answers with contract-valid
 * bodies and records what it was asked: the queries passed through, the sorts done here, the strategy verb
 * chosen, and how signed-out, unreachable and refused calls are answered. The real server's side of these
 * endpoints is tested in sync-server/.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveStatus } from '../protocol/api';
import { ApiError } from '../protocol/errors';
import type { LeaderboardRow, MyStrategy, SubscriptionView, TraderProfile, TraderStats } from '../protocol/sync';
import { SyncHttp } from '../node/sync/sync-http';
import { rankingHandlers, type RankingLink } from './ranking-handlers';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Seen {
  method: string;
  url: string;
  auth?: string;
  body?: unknown;
}
type Route = (req: Seen) => { status?: number; body: unknown } | undefined;

async function standIn(route: Route): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const s: Seen = {
        method: req.method!,
        url: req.url!,
        auth: req.headers.authorization,
        body: raw ? JSON.parse(raw) : undefined,
      };
      seen.push(s);
      const answer = route(s) ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no route' } } };
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

function link(url: string, account?: { id: number; nickname: string }): RankingLink {
  const http = new SyncHttp(url);
  return {
    status: (): LiveStatus => ({ serverUrl: url, connection: account ? 'online' : 'signed_out', account }),
    withToken: (call) => call(http, 'token-1'),
  };
}

const stats = (rank: number, extra: Partial<TraderStats> = {}): TraderStats => ({
  rank,
  returnBps: 100,
  pnl: 1_000,
  maxDrawdownBps: 50,
  winRateBps: null,
  closedRoundTrips: 0,
  trades: 3,
  followers: 0,
  rankChange: null,
  ...extra,
});
const row = (rank: number, nickname: string, extra: Partial<TraderStats> = {}): LeaderboardRow => ({
  ...stats(rank, extra),
  nickname,
});

const subscription = (id: number, leader: string, status: SubscriptionView['status'] = 'active'): SubscriptionView => ({
  id,
  leader,
  status,
  endReason: null,
  allocation: 1_000_000,
  equity: 1_000_000,
  pnl: 0,
  freeCash: 1_000_000,
  holdings: {},
  stopLossBps: null,
  profitShareBps: 1_000,
  highWaterMark: 0,
  owed: 0,
  feesPaid: 0,
  createdAt: id,
  endedAt: null,
  settlements: [],
});

describe('ranking.board', () => {
  it('passes a sort the server offers straight through, with the search and the page', async () => {
    const server = await standIn(() => ({ body: { period: '7d', asOf: 5, total: 1, rows: [row(1, 'alice')] } }));
    const h = rankingHandlers(link(server.url));
    const board = await h['ranking.board']({
      period: '7d',
      sort: 'pnl',
      order: 'asc',
      search: 'ali',
      limit: 20,
      offset: 40,
    });
    expect(board).toEqual({ period: '7d', asOf: 5, total: 1, rows: [row(1, 'alice')] });
    const q = new URL(server.seen[0].url, server.url);
    expect(q.pathname).toBe('/api/v1/leaderboards/7d');
    expect(Object.fromEntries(q.searchParams)).toEqual({
      sort: 'pnl',
      order: 'asc',
      search: 'ali',
      limit: '20',
      offset: '40',
    });
    expect(server.seen[0].auth).toBeUndefined();
  });

  it('sorts by nickname and by rank change itself, over the board read in rank order, and says so past 1,000 rows', async () => {
    const total = 1_500;
    const names = Array.from({ length: total }, (_, i) => `t${String((i * 7919) % total).padStart(4, '0')}`);
    const server = await standIn((req) => {
      const q = new URL(req.url, 'http://x').searchParams;
      const offset = Number(q.get('offset')),
        limit = Number(q.get('limit'));
      const rows = names
        .slice(offset, offset + limit)
        .map((n, i) => row(offset + i + 1, n, { rankChange: (offset + i) % 5 === 0 ? null : ((offset + i) % 9) - 4 }));
      return { body: { period: 'all', asOf: 9, total, rows } };
    });
    const h = rankingHandlers(link(server.url));
    const byName = await h['ranking.board']({ period: 'all', sort: 'nickname', limit: 10, offset: 0 });
    expect(server.seen.every((s) => new URL(s.url, 'http://x').searchParams.get('sort') === 'rank')).toBe(true);
    expect(server.seen).toHaveLength(5); // 5 pages of 200
    expect(byName.sortedWithin).toBe(1_000);
    expect(byName.total).toBe(1_000);
    const firstThousand = names.slice(0, 1_000).sort();
    expect(byName.rows.map((r) => r.nickname)).toEqual(firstThousand.slice(0, 10));

    const byChange = await h['ranking.board']({ period: 'all', sort: 'rankChange', limit: 200, offset: 700 });
    const changes = byChange.rows.map((r) => r.rankChange);
    const firstNull = changes.includes(null) ? changes.indexOf(null) : changes.length;
    expect(changes.slice(0, firstNull)).toEqual([...changes.slice(0, firstNull)].sort((a, b) => b! - a!));
    expect(changes.slice(firstNull).every((c) => c === null)).toBe(true);
    expect(firstNull).toBe(100); // 800 ranked changes, then the 200 traders new to the board
  });

  it('answers OFFLINE when the server cannot be reached', async () => {
    const h = rankingHandlers(link('http://127.0.0.1:9'));
    await expect(h['ranking.board']({ period: '1d', sort: 'rank', limit: 50, offset: 0 })).rejects.toMatchObject({
      code: 'OFFLINE',
    });
  });
});

describe('ranking.profile', () => {
  const profile: TraderProfile = {
    nickname: 'Alice',
    joinedAt: 1,
    asOf: 2,
    stats: { '1d': stats(1), '7d': stats(1), '30d': stats(2), all: stats(3) },
    equity: { hourly: [], daily: [], flows: [] },
    recentTrades: [],
    followers: 4,
    strategy: { open: true, description: 'd', profitShareBps: 500 },
  };

  it('tells whether I already copy the trader, and whether it is me', async () => {
    const server = await standIn((req) => {
      if (req.url.startsWith('/api/v1/traders/')) return { body: profile };
      if (req.url === '/api/v1/subscriptions')
        return { body: [subscription(3, 'Bob'), subscription(7, 'Alice'), subscription(2, 'Alice', 'ended')] };
      return undefined;
    });
    const p = await rankingHandlers(link(server.url, { id: 1, nickname: 'carol' }))['ranking.profile']({
      nickname: 'alice',
    });
    expect(p.viewer).toEqual({ signedIn: true, self: false, subscriptionId: 7 });
    expect(server.seen.find((s) => s.url === '/api/v1/subscriptions')?.auth).toBe('Bearer token-1');

    const mine = await rankingHandlers(link(server.url, { id: 2, nickname: 'alice' }))['ranking.profile']({
      nickname: 'alice',
    });
    expect(mine.viewer).toEqual({ signedIn: true, self: true });
    const anon = await rankingHandlers(link(server.url))['ranking.profile']({ nickname: 'Alice' });
    expect(anon.viewer).toEqual({ signedIn: false, self: false });
  });

  it('keeps the server’s UNKNOWN_TRADER', async () => {
    const server = await standIn(() => ({
      status: 404,
      body: { error: { code: 'UNKNOWN_TRADER', message: 'no such trader' } },
    }));
    await expect(rankingHandlers(link(server.url))['ranking.profile']({ nickname: 'ghost' })).rejects.toMatchObject({
      code: 'UNKNOWN_TRADER',
    });
  });
});

describe('copy.*', () => {
  it('answers NOT_SIGNED_IN without asking the server when no one is signed in', async () => {
    const server = await standIn(() => ({ body: [] }));
    const h = rankingHandlers(link(server.url));
    for (const call of [
      () => h['copy.subscriptions'](),
      () => h['copy.followers'](),
      () => h['copy.strategy.get'](),
      () => h['copy.subscribe']({ leader: 'a', allocation: 1 }),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ code: 'NOT_SIGNED_IN' });
    }
    expect(server.seen).toHaveLength(0);
  });

  it('opens a strategy with POST, changes only what changed with PATCH, closes it with DELETE', async () => {
    let current: MyStrategy | null = null;
    const server = await standIn((req) => {
      if (req.method === 'GET')
        return current ? { body: current } : { status: 404, body: { error: { code: 'NO_STRATEGY', message: 'none' } } };
      const b = (req.body ?? {}) as Partial<MyStrategy>;
      if (req.method === 'POST')
        current = { open: true, description: b.description ?? '', profitShareBps: b.profitShareBps!, followers: 0 };
      if (req.method === 'PATCH') current = { ...current!, ...b };
      if (req.method === 'DELETE') current = { ...current!, open: false };
      return { body: current };
    });
    const h = rankingHandlers(link(server.url, { id: 1, nickname: 'lead' }));
    expect(await h['copy.strategy.get']()).toEqual({ strategy: null });
    await h['copy.strategy.set']({ open: true, description: 'swing', profitShareBps: 1_000 });
    await h['copy.strategy.set']({ open: true, description: 'swing', profitShareBps: 1_500 });
    const closed = await h['copy.strategy.set']({ open: false });
    expect(closed.strategy).toEqual({ open: false, description: 'swing', profitShareBps: 1_500, followers: 0 });
    const writes = server.seen.filter((s) => s.method !== 'GET').map((s) => [s.method, s.body]);
    expect(writes).toEqual([
      ['POST', { profitShareBps: 1_000, description: 'swing' }],
      ['PATCH', { profitShareBps: 1_500 }],
      ['DELETE', undefined],
    ]);
  });

  it('subscribes, changes and stops a copy, keeping the server’s refusal codes', async () => {
    const server = await standIn((req) => {
      if (req.method === 'POST' && (req.body as { allocation: number }).allocation > 5_000_000) {
        return {
          status: 400,
          body: { error: { code: 'INSUFFICIENT_BALANCE', message: 'more than your available balance' } },
        };
      }
      if (req.method === 'POST') return { status: 201, body: subscription(9, 'lead') };
      if (req.method === 'PATCH') return { body: subscription(9, 'lead', 'paused') };
      if (req.method === 'DELETE') return { body: subscription(9, 'lead', 'closing') };
      return undefined;
    });
    const h = rankingHandlers(link(server.url, { id: 2, nickname: 'follow' }));
    await expect(h['copy.subscribe']({ leader: 'lead', allocation: 9_000_000 })).rejects.toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
    });
    expect((await h['copy.subscribe']({ leader: 'lead', allocation: 1_000_000, stopLossBps: 2_000 })).id).toBe(9);
    expect((await h['copy.update']({ id: 9, change: { action: 'pause' } })).status).toBe('paused');
    expect((await h['copy.unsubscribe']({ id: 9 })).status).toBe('closing');
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/subscriptions',
      'POST /api/v1/subscriptions',
      'PATCH /api/v1/subscriptions/9',
      'DELETE /api/v1/subscriptions/9',
    ]);
    expect(server.seen[1].body).toEqual({ leader: 'lead', allocation: 1_000_000, stopLossBps: 2_000 });
    expect(server.seen[2].body).toEqual({ action: 'pause' });
  });
});
