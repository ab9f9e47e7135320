/**
 * The liquidity provider on a real server: off in the shipped configuration; switched on (a configuration
 * tested on purpose: the shipped liquidity section with `enabled: true`) it quotes both sides within seconds
 * through the ordinary order path and within its order budget, users trade with it both ways and can move the
 * price it quotes around, its accounts are on no leaderboard and cannot be copied or signed into, the ledger
 * adds up, a restart reuses its accounts, switching it off withdraws its quotes, the worst values the markets
 * file may hold are refused or harmless, and an honest pair of new users still trades beside it.
 *
 * Tests that need the provider to act at known moments give it a ManualClock (also the server's clock) and
 * step its turns; the rest of the server runs in real time.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectConserved } from '../../engine/core/matching/testing/ledger-checks';
import { LEDGER_STREAM, type EngineEvent } from '../../engine/core/matching/types';
import type { LeaderboardPage, TraderProfile } from '../../engine/protocol/sync';
import { ManualClock } from '../../engine/core/simulator/testing/manual-clock';
import { DEFAULT_MARKETS_FILE, loadMarketsFile, type LiquiditySettings, type ServerConfig } from '../config';
import { compareWithBatch } from '../ranking/verify';
import {
  LOT,
  LPJ,
  MARKET,
  eventually,
  honestPairTrades,
  http,
  signUp,
  tempDir,
  type TestServer,
} from '../testing/harness';
import { serverPerTest } from '../testing/per-test';

const shipped = loadMarketsFile(DEFAULT_MARKETS_FILE);
const settings = (changes: Partial<LiquiditySettings> = {}): LiquiditySettings => ({
  ...shipped.liquidity!,
  enabled: true,
  ...changes,
});
const AGENTS = settings().marketMakers.count + settings().noiseTraders.count + settings().momentumTakers.count;
const HOUR = 3_600_000;

const srv = serverPerTest();
/**
 * For tests that end with honestPairTrades beside the provider: the pair trades one lot (0.01 LPJ), which meets
 * the minimum notional (1,000 KRW) only at 100,000 KRW or more, and the shipped start price is 100,000 exactly.
 */
const ABOVE_ONE_LOT_MINIMUM = { startPrice: 200_000 };

/** Server options whose clock, the provider's pace included, moves only when the test says. */
function manual(changes: Partial<LiquiditySettings> = {}): { clock: ManualClock; options: Partial<ServerConfig> } {
  const clock = new ManualClock(Date.now());
  return {
    clock,
    options: { now: () => clock.now(), accessTtlMs: 24 * HOUR, liquidity: { ...settings(changes), clock } },
  };
}

/**
 * Runs `n` of the provider's turns, letting each turn's commands commit before the next: a commit is answered
 * only once the journal's log is synced to disk, which takes longer than a turn of the event loop.
 */
async function turns(server: TestServer, clock: ManualClock, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock.advance(1000 / server.config.liquidity!.ticksPerSecond);
    await eventually(() => server.liquidity!.pendingCommands === 0, `turn ${i + 1} of ${n} committed`, 15_000);
  }
}

const book = (server: TestServer) => server.exchange.engine.depth(MARKET, 50)!;

/** Deposits less withdrawals, per asset, from the journal's ledger stream: what the ledger's totals must equal. */
function external(server: TestServer): Map<string, number> {
  const out = new Map<string, number>();
  let after = 0;
  for (;;) {
    const page = server.exchange.journal.eventsSince(LEDGER_STREAM, after, 10_000);
    if (page.length === 0) return out;
    for (const e of page) {
      if (e.type === 'deposited') out.set(e.asset, (out.get(e.asset) ?? 0) + e.amount);
      if (e.type === 'withdrawn') out.set(e.asset, (out.get(e.asset) ?? 0) - e.amount);
    }
    after = page[page.length - 1].seq;
  }
}

/** Every trade the exchange commits from now on. */
function tape(server: TestServer): Extract<EngineEvent, { type: 'trade' }>[] {
  const trades: Extract<EngineEvent, { type: 'trade' }>[] = [];
  server.exchange.onCommit((events) => {
    for (const e of events) if (e.type === 'trade') trades.push(e);
  });
  return trades;
}

describe('the liquidity provider', () => {
  it('is off in the shipped configuration: no liquidity account, no order but users’', async () => {
    const server = await srv.start();
    expect(shipped.liquidity?.enabled).toBe(false);
    expect(server.config.liquidity?.enabled).toBe(false);
    expect(server.liquidity).toBeUndefined();
    // Switched on, it would have opened its accounts before the server started listening.
    expect(
      server.exchange.journal.eventsSince(LEDGER_STREAM, 0, 100).filter((e) => e.type === 'account_opened'),
    ).toEqual([]);
    expect((await http(server.url, 'GET', '/api/v1/traders/lp-maker-1')).status).toBe(404);
    expect(book(server)).toMatchObject({ bids: [], asks: [] });
    await honestPairTrades(server);
  });

  it('switched on, quotes both sides of the public book within seconds, through the order path, within its budget', async () => {
    const started = Date.now();
    const server = await srv.start({ liquidity: settings() });
    const lp = server.liquidity!;
    expect(lp.accounts.map((a) => a.nickname)).toEqual([
      'lp-maker-1',
      'lp-maker-2',
      'lp-maker-3',
      'lp-noise-1',
      'lp-noise-2',
      'lp-noise-3',
      'lp-noise-4',
      'lp-momentum-1',
    ]);
    await eventually(
      async () => {
        const r = await http<{ bids: [number, number][]; asks: [number, number][] }>(
          server.url,
          'GET',
          `/api/v1/markets/${MARKET}/book`,
        );
        return r.body.bids.length >= 3 && r.body.asks.length >= 3;
      },
      'three levels on each side of the public book',
      5_000,
    );
    // Every resting order is one of its accounts', in the order history under a client order id of its own,
    // priced on the tick grid and sized in whole lots above the minimum notional, as the exchange requires.
    const ids = new Set(lp.accounts.map((a) => a.id));
    let resting = 0;
    for (const { id } of lp.accounts) {
      for (const o of server.exchange.engine.openOrders(id, MARKET)) {
        resting++;
        expect(server.exchange.order(id, o.id)).toMatchObject({
          orderId: o.id,
          clientOrderId: expect.stringMatching(/^lp\./),
          status: 'open',
        });
        expect(o.quantity % LOT).toBe(0);
        expect((o.price * o.quantity) / LPJ).toBeGreaterThanOrEqual(1_000);
      }
    }
    const depth = book(server);
    expect(resting).toBeGreaterThan(0);
    expect([...depth.bids, ...depth.asks].reduce((n, [, q]) => n + q, 0)).toBe(
      lp.accounts.flatMap((a) => server.exchange.engine.openOrders(a.id, MARKET)).reduce((n, o) => n + o.remaining, 0),
    );
    expect(ids.size).toBe(AGENTS);
    // A turn sends at most ordersPerSecond / ticksPerSecond, and turns never bunch up.
    const { ordersPerSecond, ticksPerSecond } = settings();
    const turnsSoFar = Math.floor(((Date.now() - started) / 1000) * ticksPerSecond) + 1;
    expect(lp.stats().commands).toBeGreaterThan(0);
    expect(lp.stats().commands).toBeLessThanOrEqual(turnsSoFar * (ordersPerSecond / ticksPerSecond));
    expectConserved(server.exchange.engine, external(server));
    await server.close();
    expect(lp.stats().running).toBe(false);
  });

  it('sells to a user who buys and buys from a user who sells, and the ledger adds up', async () => {
    const { clock, options } = manual();
    const server = await srv.start(options);
    await turns(server, clock, 10);
    expect(book(server).bids.length).toBeGreaterThan(0);
    expect(book(server).asks.length).toBeGreaterThan(0);
    const lpIds = new Set(server.liquidity!.accounts.map((a) => a.id));
    const trades = tape(server);
    const user = await signUp(server.url, 'taker');
    const ws = await srv.connect(user);
    await ws.ok({
      op: 'order.new',
      order: { market: MARKET, clientOrderId: 'buy', side: 'buy', type: 'market', quoteAmount: 500_000 },
    });
    await ws.ok({
      op: 'order.new',
      order: { market: MARKET, clientOrderId: 'sell', side: 'sell', type: 'market', quantity: 5 * LPJ },
    });
    const mine = trades.filter((t) => t.takerAccount === user.accountId);
    expect(mine.filter((t) => t.takerSide === 'buy').length).toBeGreaterThan(0);
    expect(mine.filter((t) => t.takerSide === 'sell').length).toBeGreaterThan(0);
    for (const t of mine) expect(lpIds.has(t.makerAccount)).toBe(true);
    await ws.waitFor((m) => m.type === 'fill' && m.fill.side === 'sell', 'the user’s sell fill');
    expectConserved(server.exchange.engine, external(server));
    await turns(server, clock, 20);
    expectConserved(server.exchange.engine, external(server));
  });

  it('follows a price that users set instead of trading it back', async () => {
    // One market maker and nobody else, so a user can clear its whole ask ladder.
    const { clock, options } = manual({
      noiseTraders: { count: 0, grant: {} },
      momentumTakers: { count: 0, grant: {} },
      marketMakers: { ...settings().marketMakers, count: 1 },
    });
    const server = await srv.start(options);
    await turns(server, clock, 10);
    const before = book(server);
    const mid = Math.round((before.bids[0][0] + before.asks[0][0]) / 2);
    // A user offers 1 LPJ 5% above the market; another buys through the maker's ladder up to that offer.
    const [seller, buyer] = [await signUp(server.url, 'seller'), await signUp(server.url, 'buyer')];
    const [s, b] = [await srv.connect(seller), await srv.connect(buyer)];
    const high = Math.round(mid * 1.05);
    await s.ok({
      op: 'order.new',
      order: { market: MARKET, clientOrderId: 'offer', side: 'sell', type: 'limit', price: high, quantity: LPJ },
    });
    await b.ok({
      op: 'order.new',
      order: { market: MARKET, clientOrderId: 'sweep', side: 'buy', type: 'market', quoteAmount: 9_000_000 },
    });
    expect(server.exchange.engine.lastPrice(MARKET)).toBe(high);
    // The maker's fair value closes 2% of its gap to the last price each turn: 200 turns leave under 2% of it.
    await turns(server, clock, 200);
    const after = book(server);
    expect(after.bids[0][0]).toBeGreaterThan(mid * 1.03);
    expect(after.asks[0][0]).toBeGreaterThan(mid * 1.03);
    expect(after.bids[0][0]).toBeLessThan(high * 1.01);
    expectConserved(server.exchange.engine, external(server));
  });

  it('is on no leaderboard, cannot be copied or signed into, and its profile says it is the liquidity provider', async () => {
    const { clock, options } = manual();
    const server = await srv.start({ ...options, scheduleEveryMs: 0, ranking: { minTrades: 1, minAccountAgeMs: 0 } });
    await turns(server, clock, 10);
    const trades = tape(server);
    const user = await signUp(server.url, 'lpfan');
    const ws = await srv.connect(user);
    await ws.ok({
      op: 'order.new',
      order: { market: MARKET, clientOrderId: 'b', side: 'buy', type: 'market', quoteAmount: 300_000 },
    });
    await turns(server, clock, 40);
    clock.stall(HOUR);
    server.runSchedule();

    const nicknames = new Set(server.liquidity!.accounts.map((a) => a.nickname));
    for (const period of ['1d', '7d', '30d', 'all']) {
      const board = await http<LeaderboardPage>(server.url, 'GET', `/api/v1/leaderboards/${period}?limit=100`);
      expect(board.status).toBe(200);
      if (period === 'all') expect(board.body.rows.map((r) => r.nickname)).toEqual(['lpfan']);
      for (const r of board.body.rows) expect(nicknames.has(r.nickname)).toBe(false);
      const searched = await http<LeaderboardPage>(
        server.url,
        'GET',
        `/api/v1/leaderboards/${period}?search=lp-&sort=pnl`,
      );
      expect(searched.body.total).toBe(0);
    }
    const maker = server.liquidity!.accounts.find(
      (a) => a.id === trades.find((t) => t.takerAccount === user.accountId)!.makerAccount,
    )!;
    const profile = await http<TraderProfile>(server.url, 'GET', `/api/v1/traders/${maker.nickname}`);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ nickname: maker.nickname, kind: 'liquidity', strategy: null, followers: 0 });
    expect(profile.body.stats.all.rank).toBe(0);
    expect(profile.body.stats.all.trades).toBeGreaterThan(0);
    expect((await http<TraderProfile>(server.url, 'GET', '/api/v1/traders/lpfan')).body).toMatchObject({
      kind: 'user',
    });

    // Not copyable: the API takes no such leader, and copy trading itself finds no strategy to copy.
    const sub = await http(server.url, 'POST', '/api/v1/subscriptions', {
      token: user.accessToken,
      body: { leader: maker.nickname, allocation: 1_000_000 },
    });
    expect(sub.status).toBe(400);
    expect(() => server.copy.subscribe(user.accountId, maker.id, 1_000_000)).toThrow(
      expect.objectContaining({ code: 'NO_STRATEGY' }),
    );
    // Nobody can sign in as it, and no sign-up can take its name.
    const signIn = await http<{ accessToken?: string }>(server.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: maker.nickname, password: 'any-password-at-all' },
    });
    expect(signIn.status).toBeGreaterThanOrEqual(400);
    expect(signIn.body?.accessToken).toBeUndefined();
    expect(
      (
        await http(server.url, 'POST', '/api/v1/auth/signup', {
          body: { nickname: maker.nickname, password: 'any-password-at-all' },
        })
      ).status,
    ).toBe(400);

    const check = compareWithBatch(
      server.ranking.config,
      server.ranking.service,
      server.ranking.records(),
      clock.now(),
    );
    expect(check.difference).toBeUndefined();
    expect(check.agree).toBe(true);
  });

  it('reuses its accounts after a restart and carries on from its resting orders; switched off, it withdraws them', async () => {
    const { clock, options } = manual(ABOVE_ONE_LOT_MINIMUM);
    let server = await srv.start(options);
    await turns(server, clock, 10);
    const accounts = server.liquidity!.accounts;
    const resting = accounts.flatMap((a) => server.exchange.engine.openOrders(a.id, MARKET).map((o) => o.id));
    expect(resting.length).toBeGreaterThan(0);
    await srv.disconnectAll();
    await server.close();

    server = await srv.start(options);
    expect(server.liquidity!.accounts).toEqual(accounts);
    // Its quotes were journaled: they are in the book before its first turn.
    expect(accounts.flatMap((a) => server.exchange.engine.openOrders(a.id, MARKET).map((o) => o.id))).toEqual(resting);
    const ledger = server.exchange.journal.eventsSince(LEDGER_STREAM, 0, 10_000);
    for (const { id } of accounts) {
      expect(ledger.filter((e) => e.type === 'account_opened' && e.account === id).length).toBe(1);
      expect(ledger.filter((e) => e.type === 'deposited' && e.account === id).length).toBe(2); // KRW and LPJ, once
    }
    const sent = server.liquidity!.stats().commands;
    await turns(server, clock, 10);
    expect(server.liquidity!.stats().commands).toBeGreaterThan(sent);
    await server.close();

    server = await srv.start({
      ...options,
      liquidity: { ...settings({ ...ABOVE_ONE_LOT_MINIMUM, enabled: false }), clock },
    });
    expect(server.liquidity).toBeUndefined();
    for (const { id } of accounts) expect(server.exchange.engine.openOrders(id)).toEqual([]);
    expect(book(server)).toMatchObject({ bids: [], asks: [] });
    const db = new Database(join(srv.dataDir, 'server.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) FROM accounts WHERE kind = 'liquidity'").pluck().get()).toBe(AGENTS);
    } finally {
      db.close();
    }
    expectConserved(server.exchange.engine, external(server));
    await honestPairTrades(server);
  });

  it('leaves an honest pair of new users able to trade beside it', async () => {
    const { clock, options } = manual(ABOVE_ONE_LOT_MINIMUM);
    const server = await srv.start(options);
    await turns(server, clock, 20);
    // The pair trades one lot with each other: at a price strictly inside the provider's spread, where neither
    // of their orders meets one of its quotes first.
    for (let i = 0; i < 50 && !(book(server).asks[0][0] - book(server).bids[0][0] >= 2); i++)
      await turns(server, clock, 1);
    const { bids, asks } = book(server);
    const inside = Math.floor((bids[0][0] + asks[0][0]) / 2);
    expect(inside).toBeGreaterThan(bids[0][0]);
    expect(inside).toBeLessThan(asks[0][0]);
    await honestPairTrades(server, inside);
    await turns(server, clock, 10);
    expect(server.liquidity!.stats().running).toBe(true);
    expectConserved(server.exchange.engine, external(server));
  });
});

describe('the markets file’s liquidity section', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('liquidity-config-');
  });
  afterEach(() => dir.remove());
  /** A markets file with the shipped markets and grant and this liquidity section. */
  const writeMarkets = (liquidity: unknown): string => {
    const path = join(dir.path, 'markets.json');
    writeFileSync(path, JSON.stringify({ markets: shipped.markets, grant: shipped.grant, liquidity }));
    return path;
  };
  it('refuses a section that could not run, naming what is wrong', () => {
    const agents = (count: number, grant: Record<string, number> = {}) => ({ count, grant });
    const bad: [unknown, RegExp][] = [
      [settings({ market: 'BTC-KRW' }), /no market BTC-KRW/],
      [settings({ noiseTraders: agents(1, { BTC: 1 }) }), /noiseTraders\.grant: BTC/],
      [settings({ ticksPerSecond: 10, ordersPerSecond: 5 }), /ordersPerSecond must be at least ticksPerSecond/],
      [settings({ marketMakers: agents(0), noiseTraders: agents(0), momentumTakers: agents(0) }), /no agents/],
      [settings({ marketMakers: agents(21) }), /marketMakers\.count/],
      [settings({ marketMakers: agents(1, { KRW: 10_000_000_000_001 }) }), /marketMakers\.grant\.KRW/],
      [settings({ ticksPerSecond: 0 }), /ticksPerSecond/],
      [settings({ ordersPerSecond: 1.5 }), /ordersPerSecond/],
      [settings({ startPrice: -1 }), /startPrice/],
      [
        settings({ startPrice: 1_000_000_000_000 }),
        /marketMakers\.grant: 30000000000 LPJ at startPrice 1000000000000 is worth too much/,
      ],
      [{ ...settings(), refill: true }, /refill/],
      [{ enabled: 'yes' }, /liquidity\.enabled/],
    ];
    for (const [section, message] of bad)
      expect(() => loadMarketsFile(writeMarkets(section)), JSON.stringify(section)).toThrow(message);
    expect(loadMarketsFile(writeMarkets(settings())).liquidity).toEqual(settings());
  });

  it('runs at its most extreme allowed values without keeping honest users from trading', async () => {
    // The most agents, the largest grants, the fastest pace, and the highest start price those grants allow
    // (100,000 LPJ each, valued at it, just under (2^53 − 1) / 1,000 KRW).
    const max = { count: 20, grant: { KRW: 10_000_000_000_000, LPJ: 10_000_000_000_000 } };
    const startPrice = Math.floor(Number.MAX_SAFE_INTEGER / 1_000 / 100_000);
    const extreme = {
      startPrice,
      ticksPerSecond: 50,
      ordersPerSecond: 1_000,
      marketMakers: max,
      noiseTraders: max,
      momentumTakers: max,
    };
    expect(() => loadMarketsFile(writeMarkets(settings({ ...extreme, startPrice: startPrice + 1 })))).toThrow(
      /worth too much/,
    );
    const { clock, options } = manual(extreme);
    const server = await srv.start(options);
    expect(server.liquidity!.accounts.length).toBe(60);
    await turns(server, clock, 100);
    expect(server.liquidity!.stats()).toMatchObject({ running: true, skippedTicks: 0 });
    expect(book(server).bids.length).toBeGreaterThan(0);
    expect(book(server).asks.length).toBeGreaterThan(0);
    expectConserved(server.exchange.engine, external(server));
    await honestPairTrades(server);
  });

  it('is switched by --liquidity / SYNC_LIQUIDITY when the server runs as its own process', async () => {
    const run = (args: string[], env: Record<string, string> = {}) => {
      const proc = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          resolve(import.meta.dirname, '../main.ts'),
          '--port',
          '0',
          '--data-dir',
          join(dir.path, 'data'),
          '--log-level',
          'warn',
          ...args,
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, ...env },
        },
      );
      let err = '';
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (chunk: string) => (err += chunk));
      const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
      return { proc, exited, stderr: () => err };
    };
    const wrong = run(['--liquidity', 'maybe']);
    expect(await wrong.exited).toBe(2);
    expect(wrong.stderr()).toContain('--liquidity must be on or off');

    const on = run([], { SYNC_LIQUIDITY: 'on' });
    try {
      await eventually(() => /sync server: http:\/\/\S+/.test(on.stderr()), 'the server to listen', 15_000);
      const url = /sync server: (http:\/\/\S+)/.exec(on.stderr())![1];
      const profile = await http<TraderProfile>(url, 'GET', '/api/v1/traders/lp-maker-1');
      expect(profile.body).toMatchObject({ nickname: 'lp-maker-1', kind: 'liquidity' });
    } finally {
      on.proc.kill('SIGTERM');
      expect(await on.exited).toBe(0);
    }
  });
});
