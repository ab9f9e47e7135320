/**
 * Leaderboards on a real server: rows and profiles after trades, returns untouched by grants and copy
 * allocations, paging / search / filters, and the incremental ranking agreeing exactly with a batch recompute
 * of the server's own ranking log — also after a restart, which rebuilds the ranking from that log.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { LeaderboardPage, Session, TraderProfile } from '../engine/protocol/sync';
import { compareWithBatch } from './ranking/verify';
import { LPJ, MARKET, http, signUp } from './testing/harness';
import { serverPerTest } from './testing/per-test';
import type { TestWsClient } from './testing/ws-client';

const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);
const HOUR = 3_600_000;

let clock = T0;
const options = () => ({
  now: () => clock,
  scheduleEveryMs: 0,
  accessTtlMs: 1000 * 24 * HOUR,
  ranking: { minTrades: 1, minAccountAgeMs: 0 },
  copy: { minAllocation: 100_000 },
});
const srv = serverPerTest();

beforeEach(async () => {
  clock = T0;
  await srv.start(options());
});

const ws = (s: Session): Promise<TestWsClient> => srv.connect(s);
let cid = 0;
const limit = (c: TestWsClient, side: 'buy' | 'sell', price: number, quantity: number) =>
  c.ok({
    op: 'order.new',
    order: { market: MARKET, clientOrderId: `r${++cid}`, side, type: 'limit', price, quantity },
  });

describe('leaderboards on the server', () => {
  it('ranks by return after trades, unaffected by allocations, and agrees exactly with the batch recompute', async () => {
    const [a, b, c] = [
      await signUp(srv.server.url, 'alpha'),
      await signUp(srv.server.url, 'bravo'),
      await signUp(srv.server.url, 'charlie'),
    ];
    const [wa, wb] = [await ws(a), await ws(b)];
    await limit(wa, 'sell', 100_000, 10 * LPJ);
    await limit(wb, 'buy', 100_000, 10 * LPJ);
    clock += HOUR;
    srv.server.runSchedule();
    // The price rises 10% (as far as the price band lets one trade move it): bravo, who bought, gains; alpha,
    // who sold, missed it.
    await limit(wa, 'sell', 110_000, LPJ);
    await limit(wb, 'buy', 110_000, LPJ);
    // Charlie copies bravo: an allocation moves money, it is not a loss for charlie.
    expect(
      (
        await http(srv.server.url, 'POST', '/api/v1/strategy', {
          token: b.accessToken,
          body: { profitShareBps: 1_000 },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await http(srv.server.url, 'POST', '/api/v1/subscriptions', {
          token: c.accessToken,
          body: { leader: 'bravo', allocation: 500_000 },
        })
      ).status,
    ).toBe(201);
    clock += HOUR;
    srv.server.runSchedule();

    const board = await http<LeaderboardPage>(srv.server.url, 'GET', '/api/v1/leaderboards/all');
    expect(board.status).toBe(200);
    expect(board.body.asOf).toBe(T0 + 2 * HOUR - ((T0 + 2 * HOUR) % HOUR));
    expect(board.body.rows.map((r) => r.nickname)).toEqual(['bravo', 'alpha']); // charlie has no trade yet
    const [top, second] = board.body.rows;
    expect(top).toMatchObject({ rank: 1, trades: 2, followers: 1 });
    expect(top.returnBps).toBeGreaterThan(0);
    expect(top.pnl).toBeGreaterThan(0);
    expect(second.rank).toBe(2);
    expect(second.returnBps).toBeLessThan(top.returnBps);

    const searched = await http<LeaderboardPage>(srv.server.url, 'GET', '/api/v1/leaderboards/all?search=ALP&sort=pnl');
    expect(searched.body.rows.map((r) => r.nickname)).toEqual(['alpha']);
    expect((await http<LeaderboardPage>(srv.server.url, 'GET', '/api/v1/leaderboards/1d?minTrades=3')).body.total).toBe(
      0,
    );
    expect((await http(srv.server.url, 'GET', '/api/v1/leaderboards/2d')).status).toBe(400);
    expect((await http(srv.server.url, 'GET', '/api/v1/leaderboards/all?limit=0')).status).toBe(400);

    const profile = await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/bravo');
    expect(profile.status).toBe(200);
    expect(profile.body.stats.all).toMatchObject({ rank: 1, returnBps: top.returnBps, pnl: top.pnl });
    expect(profile.body.strategy).toEqual({ open: true, description: '', profitShareBps: 1_000 });
    expect(profile.body.recentTrades.length).toBe(2);
    expect(profile.body.equity.hourly.length).toBeGreaterThan(0);
    const charlie = await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/charlie');
    // Charlie only holds the grant (10,000,000 KRW and 100 LPJ, valued from the first price of 100,000): the
    // 10% rise makes +5% and +1,000,000 exactly; the 500,000 allocated to the copy is not counted as a loss.
    expect(charlie.body.stats.all.returnBps).toBe(500);
    expect(charlie.body.stats.all.pnl).toBe(1_000_000);
    expect((await http(srv.server.url, 'GET', '/api/v1/traders/nobody')).status).toBe(404);

    const check = compareWithBatch(
      srv.server.ranking.config,
      srv.server.ranking.service,
      srv.server.ranking.records(),
      clock,
    );
    expect(check.difference).toBeUndefined();
    expect(check.agree).toBe(true);
    expect(check.batch.boards.all.length).toBe(2);

    // A restart rebuilds the ranking from its log: the same boards.
    const before = srv.server.ranking.service.boards();
    await srv.disconnectAll();
    await srv.server.close();
    await srv.start(options());
    expect(srv.server.ranking.service.boards()).toEqual(before);
  });
});
