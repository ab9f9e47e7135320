/**
 * What a client can make the server do over HTTP, bounded, against the real server: request rates per address
 * and per account (reads and writes alike), the work of one book snapshot or history page (every query an index
 * search), what an account can store (practice backup, notifications); and leaderboard sorts and searches
 * served from an index instead of the whole board. Each attack on the server ends with two fresh accounts
 * trading LPJ (honestPairTrades).
 */
import Database from 'better-sqlite3';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LeaderboardQuery,
  type Candle,
  type LeaderboardPage,
  type Notification,
  type PracticeEntry,
} from '../../engine/protocol/sync';
import { PERIODS, RankingService, type BoardRow, type Period } from '../../engine/core/ranking';
import { COIN, LPJ, account, flow, price, trade } from '../../engine/core/ranking/testing/history';
import { defaultLimits, type ServerLimits } from '../config';
import { ServerCandles } from '../market-data/candles';
import { leaderboard } from '../ranking/ranking-queries';
import { LOT, MARKET, honestPairTrades, http, signUp } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';

const t = serverPerTest();

const limits = (l: Partial<ServerLimits>): { limits: ServerLimits } => ({ limits: { ...defaultLimits(), ...l } });

interface Answer {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** An HTTP request from a given loopback address (another client machine, as far as the server can tell). */
function from(
  localAddress: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<Answer> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(t.server.url + path, { method, localAddress, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {}, headers: res.headers }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every row of a board, best first. */
function boardRows(service: RankingService, period: Period): BoardRow[] {
  const rows: BoardRow[] = [];
  for (let at = 0; at < service.boardSize(period); at += 1000) rows.push(...service.top(period, 1000, at));
  return rows;
}

/** The leaderboard as sorting the whole board gives it: what the index must agree with, row for row. */
function wholeBoard(service: RankingService, period: Period, board: BoardRow[], q: LeaderboardQuery): LeaderboardPage {
  let rows = board;
  if (q.search)
    rows = rows.filter((r) =>
      r.nickname.normalize('NFKC').toLowerCase().includes(q.search!.normalize('NFKC').toLowerCase()),
    );
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
  const { minTrades, minAccountAgeMs, markIntervalMs } = service.cfg;
  return {
    period,
    asOf,
    rules: { minTrades, minAccountAgeMs, markIntervalMs },
    total: rows.length,
    rows: rows.slice(q.offset, q.offset + q.limit).map(({ account: _, ...r }) => ({
      nickname: r.nickname,
      rank: r.rank,
      returnBps: r.returnBps,
      pnl: r.pnl,
      maxDrawdownBps: r.maxDrawdownBps,
      winRateBps: r.winRateBps,
      closedRoundTrips: r.closedRoundTrips,
      trades: r.trades,
      followers: r.followers,
      rankChange: r.rankChange,
    })),
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
            for (const offset of [0, 37])
              queries.push(LeaderboardQuery.parse({ sort, order, search, minTrades, offset, limit: 25 }));
    const agree = (period: Period) => {
      const board = boardRows(service, period);
      for (const q of queries)
        expect(leaderboard(service, period, q), JSON.stringify({ period, q })).toEqual(
          wholeBoard(service, period, board, q),
        );
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

describe('request rates', () => {
  it('limits one address on reads and writes alike with 429 and Retry-After, never the health probes, and not other addresses', async () => {
    await t.start(limits({ httpPerIp: { max: 6, windowMs: 60_000 } }));
    const flooder = await signUp(t.server.url, 'flooder');
    const answers: number[] = [];
    for (let i = 0; i < 3; i++) {
      answers.push((await from('127.0.0.2', 'GET', '/api/v1/markets')).status);
      answers.push(
        (
          await from('127.0.0.2', 'POST', '/api/v1/practice/journal', {
            token: flooder.accessToken,
            body: { entries: [] },
          })
        ).status,
      );
    }
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
    for (const [method, path] of [
      ['GET', '/api/v1/markets/LPJ-KRW/book'],
      ['POST', '/api/v1/practice/journal'],
    ] as const) {
      const refused = await from('127.0.0.2', method, path, {
        token: flooder.accessToken,
        body: method === 'POST' ? { entries: [] } : undefined,
      });
      expect(refused.status).toBe(429);
      expect(refused.body.error?.code).toBe('RATE_LIMITED');
      expect(refused.body.error?.message).toMatch(/more than 6 requests in 60 s from this address/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect((await from('127.0.0.2', 'GET', '/healthz')).status).toBe(200);
    expect((await from('127.0.0.2', 'GET', '/readyz')).status).toBe(200);
    expect((await from('127.0.0.3', 'GET', '/api/v1/markets')).status).toBe(200);
    await honestPairTrades(t.server);
  });

  it('limits one account across its addresses, and leaves the address to others', async () => {
    await t.start(limits({ httpPerAccount: { max: 4, windowMs: 60_000 } }));
    const busy = await signUp(t.server.url, 'busy');
    const other = await signUp(t.server.url, 'other');
    const statuses: number[] = [];
    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'])
      statuses.push((await from(address, 'GET', '/api/v1/balances', { token: busy.accessToken })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await from('127.0.0.7', 'GET', '/api/v1/orders', { token: busy.accessToken });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/for this account/);
    // The same addresses serve another account and anonymous readers.
    expect((await from('127.0.0.6', 'GET', '/api/v1/balances', { token: other.accessToken })).status).toBe(200);
    expect((await from('127.0.0.6', 'GET', '/api/v1/markets')).status).toBe(200);
    await honestPairTrades(t.server);
  });
});

describe('work per request', () => {
  it('caps a book snapshot at 1,000 levels per side', async () => {
    await t.start();
    const maker = await signUp(t.server.url, 'maker');
    const c = await t.connect(maker);
    for (let i = 0; i < 5; i++) await c.ok(limitOrder(`b${i}`, 'buy', 95_000 + i * 100, 2 * LOT));
    const two = await http<{ bids: [number, number][] }>(t.server.url, 'GET', '/api/v1/markets/LPJ-KRW/book?levels=2');
    expect(two.body.bids).toEqual([
      [95_400, 2 * LOT],
      [95_300, 2 * LOT],
    ]);
    expect((await http(t.server.url, 'GET', '/api/v1/markets/LPJ-KRW/book?levels=1000')).status).toBe(200);
    const over = await http<{ error: { code: string; message: string } }>(
      t.server.url,
      'GET',
      '/api/v1/markets/LPJ-KRW/book?levels=1001',
    );
    expect(over.status).toBe(400);
    expect(over.body.error.message).toMatch(/levels/);
    await honestPairTrades(t.server);
  });

  it('serves every history page (orders, fills, notifications, practice backup, candles) by an index search in its own order', async () => {
    // Every statement the server runs while serving the pages is recorded, then explained: each table is reached
    // by SEARCH (a bounded range of an index, never a SCAN of a table or a whole index), rows come in the index's
    // order (no temporary sort), and open orders come from their own index without stepping over closed ones.
    const statementProto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<
      'all' | 'get' | 'iterate',
      (...a: unknown[]) => unknown
    > & { source?: string };
    const ran = new Set<string>();
    const originals = { all: statementProto.all, get: statementProto.get, iterate: statementProto.iterate };
    for (const name of ['all', 'get', 'iterate'] as const) {
      const original = originals[name];
      statementProto[name] = function (this: { source: string }, ...args: unknown[]) {
        ran.add(this.source);
        return original.apply(this, args);
      };
    }
    try {
      await t.start();
      const a = await signUp(t.server.url, 'reader');
      const b = await signUp(t.server.url, 'counterpart');
      const ca = await t.connect(a);
      const cb = await t.connect(b);
      await ca.ok(limitOrder('s1', 'sell', 100_000, LOT));
      await cb.ok(limitOrder('b1', 'buy', 100_000, LOT));
      await ca.ok(limitOrder('s2', 'sell', 101_000, LOT));
      const entries: PracticeEntry[] = [1, 1, 2].map((ts, i) => ({
        localId: `e${i}`,
        kind: 'order',
        market: MARKET,
        ts,
        data: { price: 1 },
      }));
      expect(
        (await http(t.server.url, 'POST', '/api/v1/practice/journal', { token: a.accessToken, body: { entries } }))
          .status,
      ).toBe(200);
      ran.clear();
      const pages = [
        '/api/v1/orders',
        '/api/v1/orders?status=open',
        '/api/v1/orders?status=closed&before=1000',
        `/api/v1/orders?market=${MARKET}&before=1000&limit=10`,
        `/api/v1/orders?market=${MARKET}&status=open`,
        '/api/v1/trades',
        `/api/v1/trades?market=${MARKET}&before=1000`,
        '/api/v1/notifications?after=0',
        '/api/v1/practice/journal?afterTs=0',
        '/api/v1/practice/journal?afterTs=1&afterId=e0&limit=1',
        `/api/v1/markets/${MARKET}/candles?interval=1m&limit=100`,
        `/api/v1/markets/${MARKET}/candles?interval=1h&from=0&limit=10`,
      ];
      for (const page of pages)
        expect((await http(t.server.url, 'GET', page, { token: a.accessToken })).status, page).toBe(200);
      expect(
        (await http(t.server.url, 'DELETE', '/api/v1/practice/journal?beforeTs=2', { token: a.accessToken })).status,
      ).toBe(200);
      // The pages above really are the ones asked for: a's open order, its fill, its backup after the cursor.
      const open = await http<{ orders: { clientOrderId: string }[] }>(
        t.server.url,
        'GET',
        '/api/v1/orders?status=open',
        { token: a.accessToken },
      );
      expect(open.body.orders.map((o) => o.clientOrderId)).toEqual(['s2']);
      ran.delete('');
      const selects = [...ran].filter(
        (sql) =>
          /^\s*(SELECT|WITH)/i.test(sql) &&
          /\bFROM\s+(orders|fills|notifications|practice_entries|candle_days)\b/i.test(sql),
      );
      expect(selects.length).toBeGreaterThanOrEqual(8);
      const db = new Database(join(t.dataDir, 'server.db'), { readonly: true });
      const candlesDb = new Database(join(t.dataDir, 'candles.db'), { readonly: true, fileMustExist: false });
      try {
        for (const sql of selects) {
          const target = /candle_days/.test(sql) ? candlesDb : db;
          const params = (sql.match(/\?/g) ?? []).map(() => 1);
          const plan = (target.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
            (r) => r.detail,
          );
          for (const step of plan) {
            expect(step, `${sql}\n${plan.join('\n')}`).not.toMatch(/^SCAN (?!CONSTANT ROW)/);
            expect(step, `${sql}\n${plan.join('\n')}`).not.toMatch(/TEMP B-TREE/);
          }
          if (/status IN \('open', 'waiting'\)/.test(sql) && !/market = \?/.test(sql))
            expect(plan.join('\n'), sql).toMatch(/orders_open_by_account/);
        }
      } finally {
        db.close();
        candlesDb.close();
      }
    } finally {
      Object.assign(statementProto, originals);
    }
    await honestPairTrades(t.server);
  });
});

describe('candle pages', () => {
  it('builds a closed day’s hour, 4-hour and daily candles once, and serves every later page from them', async () => {
    const DAY = 86_400_000;
    const T0 = Date.UTC(2026, 0, 5);
    let clock = T0 + 10 * 3_600_000;
    await t.start({ now: () => clock });
    // One trade on each of three days, each by a fresh pair (tokens are issued on the server's clock).
    const prices = [100_000, 101_000, 99_500];
    for (let day = 0; day < 3; day++) {
      clock = T0 + day * DAY + (10 + day) * 3_600_000;
      await honestPairTrades(t.server, prices[day]);
    }
    clock = T0 + 3 * DAY + 3_600_000; // an hour into the fourth day: the first three are closed
    const reads: [number, number][] = [];
    const history = ServerCandles.prototype.history;
    ServerCandles.prototype.history = function (this: ServerCandles, market, interval, from, to) {
      reads.push([from, to]);
      return history.call(this, market, interval, from, to);
    };
    try {
      const page = async (interval: string) => {
        const r = await http<{ candles: Candle[] }>(
          t.server.url,
          'GET',
          `/api/v1/markets/${MARKET}/candles?interval=${interval}&from=${T0}&limit=1000`,
        );
        expect(r.status).toBe(200);
        return r.body.candles;
      };
      const daily = await page('1d');
      expect(daily.map((c) => [c.openTime, c.open, c.close])).toEqual(prices.map((p, day) => [T0 + day * DAY, p, p]));
      expect(reads.length).toBe(4); // three closed days, then the open one
      reads.length = 0;
      expect(await page('1d')).toEqual(daily);
      expect(reads).toEqual([[T0 + 3 * DAY, T0 + 1000 * DAY]]); // only the day still open
      expect((await page('4h')).map((c) => c.openTime)).toEqual([
        T0 + 8 * 3_600_000,
        T0 + DAY + 8 * 3_600_000,
        T0 + 2 * DAY + 12 * 3_600_000,
      ]);
      const hourly = await page('1h');
      expect(hourly.map((c) => c.openTime)).toEqual(prices.map((_, day) => T0 + day * DAY + (10 + day) * 3_600_000));
      // A window starting inside a day reads that part of it directly, and agrees with the cached whole day.
      const inside = await http<{ candles: Candle[] }>(
        t.server.url,
        'GET',
        `/api/v1/markets/${MARKET}/candles?interval=1h&from=${T0 + DAY + 6 * 3_600_000}&limit=48`,
      );
      expect(inside.body.candles).toEqual(hourly.slice(1, 3));
    } finally {
      ServerCandles.prototype.history = history;
    }
    await honestPairTrades(t.server);
  });
});

describe('what an account can store', () => {
  it('keeps the newest notifications and deletes the oldest, so new fills always get in', async () => {
    await t.start(limits({ notifications: 10 }));
    const seller = await signUp(t.server.url, 'noisy');
    const buyer = await signUp(t.server.url, 'taker');
    const s = await t.connect(seller);
    const b = await t.connect(buyer);
    for (let i = 0; i < 25; i++) {
      await s.ok(limitOrder(`s${i}`, 'sell', 100_000, LOT));
      await b.ok({ ...limitOrder(`b${i}`, 'buy', 100_000, LOT) });
    }
    await b.waitFor((m) => m.type === 'fill' && m.fill.orderId > 0 && b.ofType('fill').length >= 25, '25 fills');
    const kept = await http<Notification[]>(t.server.url, 'GET', '/api/v1/notifications?after=0&limit=500', {
      token: buyer.accessToken,
    });
    const fills = kept.body.filter((n) => n.kind === 'fill');
    // The newest ten at least, and no more than a tenth past the bound (deletion runs once per tenth).
    expect(kept.body.length).toBeGreaterThanOrEqual(10);
    expect(kept.body.length).toBeLessThanOrEqual(11);
    const lastFill = b.ofType('fill').at(-1)!.fill;
    expect(fills.at(-1)!.data?.tradeId).toBe(lastFill.tradeId);
    const ids = kept.body.map((n) => n.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    await honestPairTrades(t.server);
  });

  it('refuses a practice upload past the entry or byte quota whole, with what to delete, and takes it once room is made', async () => {
    await t.start(limits({ practiceEntries: 5, practiceBytes: 4_000 }));
    const me = await signUp(t.server.url, 'practiser');
    const entry = (i: number, ts = i, text = 'x'): PracticeEntry => ({
      localId: `p${i}`,
      kind: 'fill',
      market: 'BTC-KRW',
      ts,
      data: { note: text },
    });
    const upload = (entries: PracticeEntry[]) =>
      http<{ stored: number; duplicates: number; error?: { code: string; message: string } }>(
        t.server.url,
        'POST',
        '/api/v1/practice/journal',
        { token: me.accessToken, body: { entries } },
      );
    const list = async () =>
      (
        await http<PracticeEntry[]>(t.server.url, 'GET', '/api/v1/practice/journal', { token: me.accessToken })
      ).body.map((e) => e.localId);

    expect((await upload([1, 2, 3].map((i) => entry(i)))).body).toEqual({ stored: 3, duplicates: 0 });
    const full = await upload([3, 4, 5, 6].map((i) => entry(i)));
    expect(full.status).toBe(413);
    expect(full.body.error?.code).toBe('QUOTA_EXCEEDED');
    expect(full.body.error?.message).toMatch(
      /holds 3 of 5 entries .* adds 3 .*DELETE \/api\/v1\/practice\/journal\?beforeTs=/,
    );
    expect(await list()).toEqual(['p1', 'p2', 'p3']);
    // Entries already stored cost nothing again.
    expect((await upload([1, 2, 3, 4, 5].map((i) => entry(i)))).body).toEqual({ stored: 2, duplicates: 3 });

    expect(
      (await http(t.server.url, 'DELETE', '/api/v1/practice/journal?beforeTs=3', { token: me.accessToken })).body,
    ).toEqual({ deleted: 2 });
    expect((await upload([6, 7].map((i) => entry(i)))).body).toEqual({ stored: 2, duplicates: 0 });
    expect(await list()).toEqual(['p3', 'p4', 'p5', 'p6', 'p7']);

    // Bytes count too: a few large entries fill the backup before the count does.
    expect((await http(t.server.url, 'DELETE', '/api/v1/practice/journal', { token: me.accessToken })).body).toEqual({
      deleted: 5,
    });
    const big = (i: number) => entry(i, i, 'y'.repeat(190));
    const large = await upload(
      Array.from({ length: 5 }, (_, i) => ({
        ...big(i),
        data: Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`k${k}`, 'y'.repeat(190)])),
      })),
    );
    expect(large.status).toBe(413);
    expect(large.body.error?.message).toMatch(/of 4000 bytes/);
    expect(await list()).toEqual([]);
    await honestPairTrades(t.server);
  });

  it('pages the practice backup by time and id, so entries sharing a time are not skipped between pages', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'pager');
    const entries: PracticeEntry[] = ['a', 'b', 'c', 'd'].map((id) => ({
      localId: id,
      kind: 'order',
      market: 'BTC-KRW',
      ts: 1_000,
      data: {},
    }));
    await http(t.server.url, 'POST', '/api/v1/practice/journal', { token: me.accessToken, body: { entries } });
    const first = await http<PracticeEntry[]>(t.server.url, 'GET', '/api/v1/practice/journal?limit=2', {
      token: me.accessToken,
    });
    const last = first.body.at(-1)!;
    const second = await http<PracticeEntry[]>(
      t.server.url,
      'GET',
      `/api/v1/practice/journal?limit=2&afterTs=${last.ts}&afterId=${last.localId}`,
      { token: me.accessToken },
    );
    expect([...first.body, ...second.body].map((e) => e.localId)).toEqual(['a', 'b', 'c', 'd']);
    await honestPairTrades(t.server);
  });
});

describe('sessions per account', () => {
  it('signs out the oldest session past the cap, closing its sockets, and keeps the newer ones', async () => {
    await t.start(limits({ sessions: 3 }));
    const first = await signUp(t.server.url, 'roamer');
    const oldSocket = await t.connect(first);
    const signIn = async () =>
      (
        await http<{ accessToken: string }>(t.server.url, 'POST', '/api/v1/auth/signin', {
          body: { nickname: 'roamer', password: 'pw-roamer-secret' },
        })
      ).body;
    const later = [await signIn(), await signIn()];
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: first.accessToken })).status).toBe(200);
    later.push(await signIn()); // the fourth: the first goes
    const refused = await http<{ error: { code: string } }>(t.server.url, 'GET', '/api/v1/me', {
      token: first.accessToken,
    });
    expect(refused.status).toBe(401);
    const bye = await oldSocket.waitFor((m) => m.type === 'bye', 'the old session’s socket told why');
    expect(bye).toMatchObject({ code: 'SESSION_REVOKED' });
    for (const s of later)
      expect((await http(t.server.url, 'GET', '/api/v1/me', { token: s.accessToken })).status).toBe(200);
    await honestPairTrades(t.server);
  });
});
