/**
 * Kill loop: the real server, as its own process, takes 1,000 concurrent orders from several accounts while
 * followers subscribe to a trading leader, add and take back funds, pause and unsubscribe; it is killed
 * (SIGKILL) at a random moment and restarted on the same data directory, ten times over.
 *
 * After every kill the ranking log verifies (the incremental ranking equals the batch recompute). After every
 * restart: every acknowledged order and subscription is there and an acknowledged unsubscribe stays ended; the
 * ledger adds up to exactly what was granted (fee account and copy sub-accounts included); every account row has
 * its ledger account and no user ledger account lacks its row; every subscription's sub-account holds exactly
 * what the copy says it holds (nothing for an ended one); the leader's follower count is the same in the
 * ranking, in its strategy and in its follower list, and equals the running subscriptions; the ranking log,
 * recovery included, verifies. At the end two fresh accounts still trade, the server stops cleanly on SIGTERM
 * and `npm run ranking:verify` passes on its data directory.
 *
 * The load and the kill points are drawn from a seeded generator (KILL_LOOP_SEED repeats a run); what is
 * asserted holds whatever they are, and nothing waits on a timing.
 */
import Database from 'better-sqlite3';
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/node/db/database';
import { openMatchingJournal } from '../../engine/node/matching-journal/journal';
import { LEDGER_STREAM } from '../../engine/core/matching/types';
import { mulberry32 } from '../../engine/core/random/prng';
import {
  frameMessages,
  type MyStrategy,
  type OrderView,
  type ServerMessage,
  type Session,
  type SubscriptionView,
  type TraderProfile,
} from '../../engine/protocol/sync';
import { DEFAULT_MARKETS_FILE, loadMarketsFile } from '../config';
import { SUB_ACCOUNT_BASE } from '../copy/copy-service';
import { serverMigrations } from '../db/migrations';
import { RankingFeed } from '../ranking/ranking-feed';
import { RankingLog } from '../ranking/ranking-log';
import { verifyLog } from '../ranking/verify';
import { LOT, MARKET, honestPairTradesAt, http, signUp, tempDir } from '../testing/harness';
import { startServerProcess, type ServerProcess } from '../testing/server-process';

const ROUNDS = 10;
const ORDERS = 1_000;
const ORDERS_PER_TURN = 25;
const TRADERS = 6;
const FOLLOWERS = 3;
const PRICE = 100_000;
const HOUR = 3_600_000;
/** Copy operations one follower makes at most in a round (it stops earlier when the server is killed). */
const COPY_OPS = 40;
/** Rate limits raised so that the load itself is not refused; everything else is the shipped default. */
const SERVER_ARGS = ['--ws-rate', '100000:100000', '--order-rate', '100000:100000', '--schedule-every-ms', '0'];
/** The ranking is verified with every account on the boards, so the comparison covers every figure. */
const VERIFY_SETTINGS = { minTrades: 0, minAccountAgeMs: 0 };
const { markets } = loadMarketsFile(DEFAULT_MARKETS_FILE);

let dir: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
const sockets: OrderClient[] = [];
beforeEach(() => {
  dir = tempDir('kill-loop-');
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dir.remove();
});

type Reply = Extract<ServerMessage, { type: 'ack' } | { type: 'reject' }>;

/** An order-entry connection whose requests resolve with their reply, or null once the connection is gone. */
class OrderClient {
  private readonly pending = new Map<string, (reply: Reply | null) => void>();
  private next = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      for (const m of frameMessages(data.toString()) as ServerMessage[]) {
        if ((m.type !== 'ack' && m.type !== 'reject') || m.id === null) continue;
        const settle = this.pending.get(String(m.id));
        this.pending.delete(String(m.id));
        settle?.(m);
      }
    });
    ws.on('close', () => {
      for (const settle of this.pending.values()) settle(null);
      this.pending.clear();
    });
    ws.on('error', () => undefined); // a reset when the server is killed is what this test does
  }

  static async open(wsUrl: string, session: Session): Promise<OrderClient> {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    const client = new OrderClient(ws);
    sockets.push(client);
    await new Promise<void>((resolveOpen, reject) => {
      ws.once('message', () => resolveOpen()); // the welcome
      ws.once('close', () => reject(new Error('closed before the welcome')));
    });
    const auth = await client.request({ op: 'auth', token: session.accessToken });
    if (auth?.type !== 'ack') throw new Error(`sign-in over WebSocket failed: ${JSON.stringify(auth)}`);
    return client;
  }

  request(body: Record<string, unknown>): Promise<Reply | null> {
    const id = `k${++this.next}`;
    return new Promise((settle) => {
      if (this.ws.readyState !== WebSocket.OPEN) return settle(null);
      this.pending.set(id, settle);
      this.ws.send(JSON.stringify({ ...body, id }));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

interface Cast {
  traders: Session[];
  leader: Session;
  followers: Session[];
}

/** What clients were told, to be found again after every restart. */
interface Told {
  orders: Map<number, Set<number>>;
  /** Subscriptions created (201), and whether an unsubscribe of it was answered `ended`. */
  subscriptions: Map<number, { follower: number; ended: boolean }>;
}

const api = <T>(server: ServerProcess, s: Session | null, method: string, path: string, body?: unknown) =>
  http<T>(server.url, method, path, { token: s?.accessToken, body });

/** Copy operations each follower makes before the orders start, so that some are under way when the kill comes. */
const COPY_OPS_BEFORE_ORDERS = 2;

/**
 * One follower's copy operations while the orders run: subscribe when not copying, otherwise add funds, take
 * some back, pause or resume, or unsubscribe. Stops when the server is gone. `started` is called once the
 * first few are done (or it stopped before).
 */
async function copyOperations(
  server: ServerProcess,
  follower: Session,
  rand: () => number,
  told: Told,
  isKilled: () => boolean,
  started: () => void,
): Promise<number> {
  let done = 0;
  try {
    const mine = (await api<SubscriptionView[]>(server, follower, 'GET', '/api/v1/subscriptions')).body;
    let running = mine.find((v) => v.status === 'active' || v.status === 'paused');
    for (let n = 0; n < COPY_OPS && !isKilled(); n++) {
      if (!running) {
        const r = await api<SubscriptionView>(server, follower, 'POST', '/api/v1/subscriptions', {
          leader: 'kleader',
          allocation: 200_000 + 100_000 * Math.floor(rand() * 9),
        });
        if (r.status === 201) {
          told.subscriptions.set(r.body.id, { follower: follower.accountId, ended: false });
          running = r.body;
        }
      } else {
        const x = rand();
        const path = `/api/v1/subscriptions/${running.id}`;
        if (x < 0.3) await api(server, follower, 'PATCH', path, { action: 'addFunds', amount: 100_000 });
        else if (x < 0.55) await api(server, follower, 'PATCH', path, { action: 'reduceFunds', amount: 100_000 });
        else if (x < 0.7) {
          const r = await api<SubscriptionView>(server, follower, 'PATCH', path, {
            action: running.status === 'paused' ? 'resume' : 'pause',
          });
          if (r.status === 200) running = r.body;
        } else {
          const r = await api<SubscriptionView>(server, follower, 'DELETE', path);
          if (r.status === 200 && r.body.status === 'ended') told.subscriptions.get(running.id)!.ended = true;
          running = undefined;
        }
      }
      if (++done === COPY_OPS_BEFORE_ORDERS) started();
    }
  } catch {
    // The server was killed under the request.
  }
  started();
  return done;
}

/** One round of load: the orders and copy operations at once, and SIGKILL when the `killAt`-th order reply arrives. */
async function loadAndKill(
  server: ServerProcess,
  cast: Cast,
  rand: () => number,
  round: number,
  killAt: number,
  told: Told,
): Promise<{ replies: number; copyOps: number }> {
  const orderers = [...cast.traders, cast.leader];
  const clients = await Promise.all(orderers.map((s) => OrderClient.open(server.wsUrl, s)));
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    server.proc.kill('SIGKILL');
  };
  const started: Promise<void>[] = [];
  const copying = cast.followers.map((f) => {
    let go!: () => void;
    started.push(new Promise<void>((r) => (go = r)));
    return copyOperations(server, f, rand, told, () => killed, go);
  });
  await Promise.all(started);
  let replies = 0;
  const orders: Promise<void>[] = [];
  for (let i = 0; i < ORDERS; i++) {
    // All sent without waiting for a reply, a few dozen per turn, so the kill can fall while they are read.
    if (i > 0 && i % ORDERS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
    const who = i % orderers.length;
    const account = orderers[who].accountId;
    const side = rand() < 0.5 ? 'buy' : 'sell';
    // The leader takes size across the spread (so its fills are big enough to copy); traders quote around it.
    const order =
      orderers[who] === cast.leader
        ? {
            side,
            type: 'limit',
            timeInForce: 'IOC',
            price: side === 'buy' ? PRICE + 5 : PRICE - 5,
            quantity: LOT * (20 + Math.floor(rand() * 40)),
          }
        : {
            side,
            type: 'limit',
            ...(rand() < 0.3 ? { timeInForce: 'IOC' } : {}),
            price: PRICE + Math.floor(rand() * 9) - 4,
            quantity: LOT * (1 + Math.floor(rand() * 3)),
          };
    orders.push(
      clients[who]
        .request({ op: 'order.new', order: { market: MARKET, clientOrderId: `r${round}-${i}`, ...order } })
        .then((reply) => {
          if (!reply) return;
          if (reply.type === 'ack' && reply.orderId !== undefined) told.orders.get(account)!.add(reply.orderId);
          if (++replies >= killAt) kill();
        }),
    );
  }
  await Promise.all(orders);
  kill();
  const exit = await server.exited;
  expect(exit.signal).toBe('SIGKILL');
  const copyOps = (await Promise.all(copying)).reduce((a, b) => a + b, 0);
  for (const c of clients) c.close();
  return { replies, copyOps };
}

/** The incremental ranking replayed from the data directory's log equals the batch recompute, on non-empty boards. */
async function expectRankingVerifies(dataDir: string): Promise<void> {
  const db = openDatabase(join(dataDir, 'server.db'), serverMigrations);
  try {
    const log = new RankingLog(db);
    const check = await verifyLog(
      RankingFeed.configOf({ markets, settings: VERIFY_SETTINGS }),
      () => log.records(),
      Date.now() + 2 * HOUR,
    );
    expect(check.difference).toBeUndefined();
    expect(check.agree).toBe(true);
    expect(check.batch.boards.all.length).toBeGreaterThan(0);
  } finally {
    db.close();
  }
}

/** Consistent copies of both files of a running server (SQLite's online backup), for reading beside it. */
async function copyOfFiles(dataDir: string): Promise<{ path: string; remove: () => void }> {
  const path = mkdtempSync(join(tmpdir(), 'kill-loop-copy-'));
  for (const file of ['server.db', 'markets.db']) {
    const db = new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
    try {
      await db.backup(join(path, file));
    } finally {
      db.close();
    }
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The ledger in `dataDir` against what was granted and against server.db: totals, account rows, and (given the
 * subscriptions as their followers see them) every sub-account's balance.
 */
function expectLedgerConsistent(dataDir: string, views?: Map<number, SubscriptionView>): void {
  const journal = openMatchingJournal({ path: join(dataDir, 'markets.db'), markets, snapshotOnClose: false });
  const db = new Database(join(dataDir, 'server.db'), { readonly: true });
  try {
    const ledger = journal.machine.ledger;
    const granted: Record<string, number> = {};
    for (let after = 0; ;) {
      const events = journal.eventsSince(LEDGER_STREAM, after, 10_000);
      if (events.length === 0) break;
      for (const e of events) {
        if (e.type === 'deposited') granted[e.asset] = (granted[e.asset] ?? 0) + e.amount;
        if (e.type === 'withdrawn') granted[e.asset] = (granted[e.asset] ?? 0) - e.amount;
      }
      after = events[events.length - 1].seq;
    }
    const totals: Record<string, number> = {};
    for (const account of ledger.accounts.values()) {
      for (const [asset, b] of account.balances) totals[asset] = (totals[asset] ?? 0) + b.available + b.held;
    }
    expect(totals).toEqual(granted);
    for (const [asset, amount] of Object.entries(granted)) expect(ledger.supply(asset), asset).toBe(amount);

    const rows = (db.prepare('SELECT id FROM accounts ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    const userAccounts = [...ledger.accounts.keys()]
      .filter((id) => id > 0 && id < SUB_ACCOUNT_BASE)
      .sort((a, b) => a - b);
    expect(userAccounts).toEqual(rows);

    const subscriptions = db.prepare('SELECT id, sub_account, ended_at FROM copy_subscriptions ORDER BY id').all() as {
      id: number;
      sub_account: number;
      ended_at: number | null;
    }[];
    const subAccounts = [...ledger.accounts.keys()].filter((id) => id >= SUB_ACCOUNT_BASE).sort((a, b) => a - b);
    expect(subAccounts).toEqual(subscriptions.map((s) => s.sub_account));
    if (!views) return;
    for (const s of subscriptions) {
      const view = views.get(s.id);
      expect(view, `subscription ${s.id}`).toBeDefined();
      const held = (asset: string) => {
        const b = journal.machine.balance(s.sub_account, asset);
        return b.available + b.held;
      };
      const ended = view!.status === 'ended';
      expect(ended, `subscription ${s.id} ended in both files`).toBe(s.ended_at !== null);
      expect({ id: s.id, KRW: held('KRW'), LPJ: held('LPJ') }).toEqual({
        id: s.id,
        KRW: ended ? 0 : view!.freeCash,
        LPJ: ended ? 0 : (view!.holdings[MARKET] ?? 0),
      });
    }
  } finally {
    db.close();
    journal.close();
  }
}

/** Everything the clients were told is there, and the copy side agrees with itself and with the ledger. */
async function expectRecovered(server: ServerProcess, dataDir: string, cast: Cast, told: Told): Promise<void> {
  for (const s of [...cast.traders, cast.leader]) {
    const seen = new Set<number>();
    for (let before: number | undefined; ;) {
      const page = await api<{ orders: OrderView[]; nextBefore?: number }>(
        server,
        s,
        'GET',
        `/api/v1/orders?limit=500${before ? `&before=${before}` : ''}`,
      );
      expect(page.status, page.text).toBe(200);
      for (const o of page.body.orders) seen.add(o.orderId);
      if (page.body.nextBefore === undefined) break;
      before = page.body.nextBefore;
    }
    expect(
      [...told.orders.get(s.accountId)!].filter((id) => !seen.has(id)),
      `acknowledged orders of ${s.nickname} missing`,
    ).toEqual([]);
  }

  const views = new Map<number, SubscriptionView>();
  for (const f of cast.followers) {
    const mine = await api<SubscriptionView[]>(server, f, 'GET', '/api/v1/subscriptions');
    for (const v of mine.body) views.set(v.id, v);
  }
  for (const [id, t] of told.subscriptions) {
    expect(views.has(id), `acknowledged subscription ${id}`).toBe(true);
    if (t.ended) expect(views.get(id)!.status, `acknowledged unsubscribe of ${id}`).toBe('ended');
  }
  // A close-out cut off by the kill was finished at start-up.
  expect([...views.values()].filter((v) => v.status === 'closing')).toEqual([]);
  const running = [...views.values()].filter((v) => v.status !== 'ended').length;
  const profile = await api<TraderProfile>(server, null, 'GET', '/api/v1/traders/kleader');
  const strategy = await api<MyStrategy>(server, cast.leader, 'GET', '/api/v1/strategy');
  const list = await api<unknown[]>(server, cast.leader, 'GET', '/api/v1/followers');
  expect({ ranking: profile.body.followers, strategy: strategy.body.followers, list: list.body.length }).toEqual({
    ranking: running,
    strategy: running,
    list: running,
  });

  const files = await copyOfFiles(dataDir);
  try {
    expectLedgerConsistent(files.path, views);
    await expectRankingVerifies(files.path);
  } finally {
    files.remove();
  }
}

describe('kill loop', () => {
  it('loses nothing acknowledged and stays consistent through ten kills at random moments', async () => {
    const seed = Number(process.env.KILL_LOOP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const rand = mulberry32(seed); // seeded, so a failing run can be repeated
    console.log(`kill loop: KILL_LOOP_SEED=${seed}`);
    const dataDir = join(dir.path, 'data');
    const start = () => startServerProcess(dataDir, children, SERVER_ARGS);
    let server = await start();
    const traders: Session[] = [];
    for (let i = 0; i < TRADERS; i++) traders.push(await signUp(server.url, `kt${i}`));
    const leader = await signUp(server.url, 'kleader');
    const followers: Session[] = [];
    for (let i = 0; i < FOLLOWERS; i++) followers.push(await signUp(server.url, `kf${i}`));
    expect((await api(server, leader, 'POST', '/api/v1/strategy', { profitShareBps: 1_000 })).status).toBe(201);
    const cast: Cast = { traders, leader, followers };
    const told: Told = {
      orders: new Map([...traders, leader].map((s) => [s.accountId, new Set<number>()])),
      subscriptions: new Map(),
    };

    const rounds: { killAt: number; replies: number; copyOps: number; copyCompleted: boolean }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const killAt = 1 + Math.floor(rand() * ORDERS);
      const load = await loadAndKill(server, cast, rand, round, killAt, told);
      await expectRankingVerifies(dataDir);
      server = await start();
      await expectRecovered(server, dataDir, cast, told);
      // Whether this start had to book a copy operation's ledger commands (reported, not required).
      rounds.push({ killAt, ...load, copyCompleted: server.stdout().includes('booking the ledger commands') });
    }
    console.log(
      JSON.stringify({
        rounds,
        acknowledgedOrders: [...told.orders.values()].reduce((a, s) => a + s.size, 0),
        subscriptions: told.subscriptions.size,
      }),
    );

    // The loop's traders leave the book, and two newcomers trade with each other.
    for (const s of [...traders, leader]) {
      const c = await OrderClient.open(server.wsUrl, s);
      expect((await c.request({ op: 'order.cancel_all', market: MARKET }))?.type).toBe('ack');
      c.close();
    }
    await honestPairTradesAt(server.url, server.wsUrl);
    server.proc.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expectLedgerConsistent(dataDir);
    await expectRankingVerifies(dataDir);
    const verify = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      resolve(import.meta.dirname, '../ranking/verify-main.ts'),
      '--data',
      dataDir,
      '--min-trades',
      '0',
      '--min-age-ms',
      '0',
    ]);
    expect(JSON.parse(verify.stdout.trim())).toMatchObject({ agree: true });
  }, 240_000);
});
