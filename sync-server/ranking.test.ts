/**
 * Leaderboards on a real server: rows and profiles after trades, returns untouched by grants and copy
 * allocations, paging / search / filters, and the incremental ranking agreeing exactly with a batch recompute
 * of the server's own ranking log — also after a restart, which rebuilds the ranking from that log. Coins
 * granted before the market trades are valued at its listing price; a profile's curve carries its flows; a
 * board says what it takes to appear on it.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LeaderboardPage, Session, TraderProfile } from '../engine/protocol/sync';
import { compareWithBatch } from './ranking/verify';
import { DEFAULT_MARKETS_FILE, loadMarketsFile } from './config';
import { LPJ, MARKET, TEST_GRANT, honestPairTrades, http, signUp } from './testing/harness';
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

describe('values and flows an equity curve shows', () => {
  const listing = loadMarketsFile(DEFAULT_MARKETS_FILE).markets.find((m) => m.id === MARKET)!.listingPrice;
  /** The grant's worth at `price` won per LPJ. */
  const grantWorth = (price: number) => TEST_GRANT.KRW + (TEST_GRANT.LPJ / LPJ) * price;

  it('values the sign-up LPJ at the listing price until the market trades, and marks the grants on the curve', async () => {
    await signUp(srv.server.url, 'alpha');
    clock += HOUR;
    srv.server.runSchedule();
    const before = (await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/alpha')).body;
    // Nobody has traded yet, and the 100 LPJ already count, at the listing price.
    expect(srv.server.exchange.engine.lastPrice(MARKET)).toBeUndefined();
    expect(before.equity.hourly.at(-1)!.equity).toBe(grantWorth(listing));
    expect(before.equity.flows).toEqual([
      { ts: T0, kind: 'grant', asset: 'KRW', amount: TEST_GRANT.KRW, value: TEST_GRANT.KRW },
      { ts: T0, kind: 'grant', asset: 'LPJ', amount: TEST_GRANT.LPJ, value: (TEST_GRANT.LPJ / LPJ) * listing },
    ]);

    // The first trade, 10% above the listing price, moves the value of what alpha holds: a gain, not a flow.
    const [bravo, charlie] = [await signUp(srv.server.url, 'bravo'), await signUp(srv.server.url, 'charlie')];
    const [wb, wc] = [await ws(bravo), await ws(charlie)];
    const first = listing + listing / 10;
    await limit(wb, 'sell', first, LPJ);
    await limit(wc, 'buy', first, LPJ);
    clock += HOUR;
    srv.server.runSchedule();
    const after = (await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/alpha')).body;
    const rise = grantWorth(first) - grantWorth(listing);
    expect(after.equity.hourly.at(-1)!.equity).toBe(grantWorth(first));
    expect(after.stats.all.pnl).toBe(rise);
    // The return is the rise over what the grants were worth: the curve and the figure say the same.
    expect(after.stats.all.returnBps).toBe(Math.floor((rise * 10_000) / grantWorth(listing)));
    expect(after.equity.flows.map((f) => f.kind)).toEqual(['grant', 'grant']);

    // The live ranking and a batch recompute of the log (price records included) still agree exactly.
    const check = compareWithBatch(
      srv.server.ranking.config,
      srv.server.ranking.service,
      srv.server.ranking.records(),
      clock,
    );
    expect(check.difference).toBeUndefined();
    expect(check.agree).toBe(true);
  });

  it('values coin grants an earlier version left waiting for a first trade, at start-up', async () => {
    await signUp(srv.server.url, 'alpha');
    await srv.server.close();
    // The data folder as an earlier version left it: the LPJ grant waiting in ranking_pending, no price logged.
    const db = new Database(join(srv.dataDir, 'server.db'));
    const rows = db.prepare('SELECT id, record FROM ranking_log ORDER BY id').all() as { id: number; record: string }[];
    const waiting = rows.filter((r) => /"type":"price"|"asset":"LPJ"/.test(r.record));
    expect(waiting.length).toBe(2);
    for (const r of waiting) db.prepare('DELETE FROM ranking_log WHERE id = ?').run(r.id);
    db.prepare('INSERT INTO ranking_pending (record) VALUES (?)').run(
      waiting.find((r) => r.record.includes('"asset":"LPJ"'))!.record,
    );
    db.close();

    await srv.start(options());
    clock += HOUR;
    srv.server.runSchedule();
    const p = (await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/alpha')).body;
    expect(p.equity.hourly.at(-1)!.equity).toBe(grantWorth(listing));
    expect(p.stats.all.returnBps).toBe(0);
    const left = new Database(join(srv.dataDir, 'server.db'), { readonly: true });
    srv.server.ranking.records(); // flushes the queued log writes
    expect((left.prepare('SELECT count(*) AS n FROM ranking_pending').get() as { n: number }).n).toBe(0);
    left.close();
    // And a restart replays the released grant from the log: the same boards.
    const boards = srv.server.ranking.service.boards();
    await srv.server.close();
    await srv.start(options());
    expect(srv.server.ranking.service.boards()).toEqual(boards);
  });

  it('marks a copy allocation on the follower’s curve, with its value, and keeps it out of the return', async () => {
    const [maker, leader, follower] = [
      await signUp(srv.server.url, 'maker'),
      await signUp(srv.server.url, 'leader'),
      await signUp(srv.server.url, 'follower'),
    ];
    const [wm, wl] = [await ws(maker), await ws(leader)];
    await limit(wm, 'sell', listing, LPJ);
    await limit(wl, 'buy', listing, LPJ);
    await http(srv.server.url, 'POST', '/api/v1/strategy', { token: leader.accessToken, body: { profitShareBps: 0 } });
    clock += HOUR;
    const sub = await http(srv.server.url, 'POST', '/api/v1/subscriptions', {
      token: follower.accessToken,
      body: { leader: 'leader', allocation: 2_000_000 },
    });
    expect(sub.status).toBe(201);
    clock += HOUR;
    srv.server.runSchedule();
    const p = (await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/follower')).body;
    const allocation = p.equity.flows.find((f) => f.kind === 'allocation');
    expect(allocation).toMatchObject({ asset: 'KRW', amount: -2_000_000, value: -2_000_000, ts: T0 + HOUR });
    expect(p.equity.hourly.at(-1)!.equity).toBe(grantWorth(listing) - 2_000_000);
    expect(p.stats.all.returnBps).toBe(0);
    await honestPairTrades(srv.server);
  });

  it('tells an empty board’s entry rules, as the server is configured', async () => {
    await srv.disconnectAll();
    await srv.server.close();
    await srv.start({ ...options(), ranking: { minTrades: 7, minAccountAgeMs: 2 * 86_400_000 } });
    await signUp(srv.server.url, 'newcomer');
    clock += HOUR;
    srv.server.runSchedule();
    const board = await http<LeaderboardPage>(srv.server.url, 'GET', '/api/v1/leaderboards/7d');
    expect(board.body.total).toBe(0);
    expect(board.body.rules).toEqual({ minTrades: 7, minAccountAgeMs: 2 * 86_400_000, markIntervalMs: HOUR });
    const sorted = await http<LeaderboardPage>(srv.server.url, 'GET', '/api/v1/leaderboards/7d?sort=pnl&search=new');
    expect(sorted.body.rules).toEqual(board.body.rules);
  });
});
