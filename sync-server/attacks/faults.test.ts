/**
 * Faults inside the server, against the real server: a command the matching engine fails on, a journal that
 * cannot commit, another connection holding server.db's write lock, a disk that refuses writes, and a bug that
 * throws where nothing catches it. A fault that concerns one command or request costs only that one; a store
 * that cannot go on stops the server honestly (/readyz, a fatal log line, exit 1) so that a restart recovers
 * every acknowledged order. Each test ends with two fresh accounts trading LPJ (honestPairTrades).
 *
 * The faults are injected from outside the server's code: a wrapper around the live engine object, a trigger
 * or a lock taken through another SQLite connection, a file-size limit on the process, a module preloaded
 * into the server process.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { Command, EngineEvent } from '../../engine/core/matching/types';
import type { OrderView, ServerMessage, Session } from '../../engine/protocol/sync';
import { LOT, MARKET, eventually, honestPairTrades, http, signUp, tempDir } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';
import { TestWsClient } from '../testing/ws-client';

const t = serverPerTest();
const MAIN = resolve(import.meta.dirname, '../main.ts');
const PRICE = 100_000;
/** Where orders a test leaves resting go: far enough above PRICE that an honest pair's trade never meets them. */
const RESTING_SELL = PRICE + 1_000;

interface LogLine {
  level: number;
  msg: string;
  err?: { message: string };
  command?: Command;
}
/** SQLite's and pino's numbers: error 50, fatal 60. */
const ERROR = 50;
const FATAL = 60;

/** The server's log as parsed lines (pino writes one JSON object per line). */
function captureLog(): { lines: LogLine[]; logDestination: { write: (line: string) => void } } {
  const lines: LogLine[] = [];
  return { lines, logDestination: { write: (line) => void lines.push(JSON.parse(line) as LogLine) } };
}

function withDb(path: string, use: (db: Database.Database) => void): void {
  const db = new Database(path);
  try {
    use(db);
  } finally {
    db.close();
  }
}

/** Every order of the account, newest first, read page by page from the order history. */
async function ordersOf(session: Session): Promise<OrderView[]> {
  const all: OrderView[] = [];
  for (let before: number | undefined; ;) {
    const r = await http<{ orders: OrderView[]; nextBefore?: number }>(
      t.server.url,
      'GET',
      `/api/v1/orders?limit=500${before ? `&before=${before}` : ''}`,
      {
        token: session.accessToken,
      },
    );
    expect(r.status).toBe(200);
    all.push(...r.body.orders);
    if (r.body.nextBefore === undefined) return all;
    before = r.body.nextBefore;
  }
}

/** The reply the gateway sends for an order whose command failed inside the server (named by its request id). */
const internalReject = (m: ServerMessage) =>
  m.type === 'reject' && (m.reason === 'INTERNAL' || m.reason === 'ENGINE_FAULT');

describe('a command the matching engine fails on', () => {
  it('is refused alone, logged with the command, and leaves no trace; the same order sent again trades, and so do honest pairs', async () => {
    const log = captureLog();
    await t.start({ logDestination: log.logDestination, logLevel: 'info' });
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const a = await t.connect(alice);
    const b = await t.connect(bob);
    await b.ok(limitOrder('bob-buy', 'buy', PRICE, LOT));
    const engine = t.server.exchange.engine;
    const before = { alice: engine.balances(alice.accountId), bob: engine.balances(bob.accountId) };

    // The poisoned sell is applied in full (in memory it fills Bob's buy) and then the engine throws, as a bug in
    // a later step of a command would: the state is left half changed.
    const apply = engine.apply.bind(engine);
    engine.apply = (cmd: Command): EngineEvent[] => {
      const events = apply(cmd);
      if (cmd.type === 'place' && cmd.clientOrderId === 'poison') throw new Error('injected engine fault');
      return events;
    };
    a.send({ ...limitOrder('poison', 'sell', PRICE, LOT), id: 'poisoned' });
    const refusal = await a.waitFor(internalReject, 'the refusal of the poisoned order');
    expect(refusal).toMatchObject({ id: 'poisoned', op: 'order.new', reason: 'ENGINE_FAULT' });

    // The sell never happened: the live state was rebuilt from the journal, Bob's buy still rests, nobody heard
    // of a fill, no trade printed.
    expect(t.server.exchange.engine).not.toBe(engine);
    expect(t.server.exchange.engine.balances(alice.accountId)).toEqual(before.alice);
    expect(t.server.exchange.engine.balances(bob.accountId)).toEqual(before.bob);
    expect(t.server.exchange.engine.openOrders(bob.accountId).map((o) => o.clientOrderId)).toEqual(['bob-buy']);
    expect(t.server.exchange.engine.lastPrice(MARKET)).toBeUndefined();
    await Promise.all([a.sync(), b.sync()]);
    expect([...a.ofType('fill'), ...b.ofType('fill')]).toEqual([]);
    expect((await ordersOf(alice)).map((o) => o.clientOrderId)).toEqual([]);
    const logged = log.lines.filter((l) => l.level === ERROR && /matching engine failed on a command/.test(l.msg));
    expect(logged).toHaveLength(1);
    expect(logged[0].err?.message).toBe('injected engine fault');
    expect(logged[0].command).toMatchObject({
      type: 'place',
      account: alice.accountId,
      clientOrderId: 'poison',
      side: 'sell',
      price: PRICE,
    });
    expect((await http(t.server.url, 'GET', '/metrics')).text).toMatch(/^lpj_engine_faults_total 1$/m);

    // Everything goes on: the same sell under a new id fills Bob's buy, reads answer, the server is ready.
    await a.ok(limitOrder('resent', 'sell', PRICE, LOT));
    await b.waitFor((m) => m.type === 'fill', 'Bob’s fill');
    expect((await ordersOf(bob)).find((o) => o.clientOrderId === 'bob-buy')?.status).toBe('filled');
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    await honestPairTrades(t.server);
  });
});

describe('a journal that cannot commit', () => {
  it('stops the server: /readyz says why, the log says it at fatal level, orders are refused; a restart keeps every acknowledged order', async () => {
    const log = captureLog();
    await t.start({ logDestination: log.logDestination, logLevel: 'info' });
    const alice = await signUp(t.server.url, 'alice');
    const a = await t.connect(alice);
    await a.ok(limitOrder('kept', 'sell', RESTING_SELL, LOT));
    // The disk refuses the journal's next write, as a full disk or an I/O error would.
    const markets = join(t.dataDir, 'markets.db');
    withDb(markets, (db) =>
      db.exec(
        "CREATE TRIGGER refuse BEFORE INSERT ON journal_batches BEGIN SELECT RAISE(ABORT, 'injected write failure'); END",
      ),
    );
    a.send({ ...limitOrder('lost', 'sell', PRICE + 1, LOT), id: 'lost' });
    await a.waitFor(internalReject, 'the refusal of the order whose commit failed');
    expect((await t.server.fatal).message).toMatch(/injected write failure/);

    const ready = await http<{ status: string; reason: string }>(t.server.url, 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({
      status: 'not ready',
      reason: expect.stringMatching(/^the order journal cannot go on: .*injected write failure/),
    });
    expect(log.lines.filter((l) => l.level === FATAL).map((l) => l.msg)).toEqual([
      'the order journal cannot go on; the server must restart to recover',
    ]);
    // Nothing more is taken on: an order now is refused, not acknowledged and then lost.
    const from = a.ofType('reject').length;
    a.send({ ...limitOrder('later', 'sell', PRICE + 2, LOT), id: 'later' });
    await eventually(() => a.ofType('reject').length > from, 'the refusal of an order sent after the failure');
    expect(a.ofType('ack').some((m) => m.id === 'later')).toBe(false);

    // What a supervisor does: restart on the same data folder (the disk repaired).
    await t.disconnectAll();
    await t.server.close();
    withDb(markets, (db) => db.exec('DROP TRIGGER refuse'));
    await t.start();
    expect((await ordersOf(alice)).map((o) => o.clientOrderId)).toEqual(['kept']);
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    await honestPairTrades(t.server);
  });
});

/**
 * Holds server.db's write lock from another thread, as another process could, until `release()` or for
 * `forMs`. The server runs on this test's thread: a lock held from here could never be let go while the
 * server waits for it.
 */
function holdWriteLock(path: string, forMs?: number) {
  const flags = new Int32Array(new SharedArrayBuffer(8)); // [0]: release now; [1]: released
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const flags = new Int32Array(workerData.flags);
    const db = new Database(workerData.path);
    db.prepare('BEGIN IMMEDIATE').run();
    parentPort.postMessage('locked');
    Atomics.wait(flags, 0, 0, workerData.forMs ?? Infinity);
    db.prepare('ROLLBACK').run();
    Atomics.store(flags, 1, 1);
    db.close();
    `,
    {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        path,
        flags: flags.buffer,
        forMs,
      },
    },
  );
  const locked = new Promise<void>((resolveLocked, reject) => {
    worker.once('message', () => resolveLocked());
    worker.once('error', reject);
  });
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  return {
    locked,
    released: () => Atomics.load(flags, 1) === 1,
    release: async () => {
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      await exited;
    },
  };
}

describe('another connection holding server.db’s write lock', () => {
  it('makes a request wait for it, or fail alone with 503 and Retry-After past the busy timeout; orders go on and the server trades after', async () => {
    await t.start();
    const serverDb = join(t.dataDir, 'server.db');

    // Held for a moment: the sign-up waits for the lock and succeeds.
    const brief = holdWriteLock(serverDb, 500);
    await brief.locked;
    const waited = await http(t.server.url, 'POST', '/api/v1/auth/signup', {
      body: { nickname: 'patient', password: 'pw-patient-secret' },
    });
    expect(waited.status).toBe(201);
    expect(brief.released()).toBe(true); // it could only commit once the lock was let go
    await brief.release();

    // Held past the busy timeout (5 s): the sign-up fails alone, saying when to try again.
    const alice = await signUp(t.server.url, 'alice');
    const a = await t.connect(alice);
    const long = holdWriteLock(serverDb);
    try {
      await long.locked;
      const refused = await http<{ error: { code: string } }>(t.server.url, 'POST', '/api/v1/auth/signup', {
        body: { nickname: 'hasty', password: 'pw-hasty-secret' },
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body.error.code).toBe('BUSY');
      // Orders do not need server.db to be acknowledged: one placed while the lock is still held is.
      await a.ok(limitOrder('during', 'sell', RESTING_SELL, LOT));
      expect(long.released()).toBe(false);
    } finally {
      await long.release();
    }
    // The read models caught up once the lock was gone, and the refused sign-up succeeds when tried again.
    expect((await ordersOf(alice)).map((o) => o.clientOrderId)).toEqual(['during']);
    expect(
      (
        await http(t.server.url, 'POST', '/api/v1/auth/signup', {
          body: { nickname: 'hasty', password: 'pw-hasty-secret' },
        })
      ).status,
    ).toBe(201);
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    await honestPairTrades(t.server);
  }, 30_000);
});

/** The server as its own process (main.ts), on the test's data folder. */
interface Child {
  url: string;
  wsUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stdout (its JSON log), parsed. */
  log: () => LogLine[];
  proc: ChildProcess;
}
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts main.ts, optionally under a wrapper command (e.g. prlimit) and with extra node flags; waits until it listens. */
function startChild(opts: { wrapper?: string[]; nodeArgs?: string[] } = {}): Promise<Child> {
  const args = [
    ...(opts.nodeArgs ?? []),
    '--import',
    'tsx',
    MAIN,
    '--port',
    '0',
    '--data-dir',
    t.dataDir,
    '--log-level',
    'warn',
  ];
  const [command, ...prefix] = opts.wrapper ?? [process.execPath];
  const proc = spawn(command, opts.wrapper ? [...prefix, process.execPath, ...args] : args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    proc.on('exit', (code, signal) => done({ code, signal })),
  );
  const log = () =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  return new Promise((resolveChild, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${err}`)), 30_000);
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const m = /sync server: (http:\/\/\S+) \(WebSocket (ws:\/\/\S+)\)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolveChild({ url: m[1], wsUrl: m[2], exited, log, proc });
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the server exited (${code ?? signal}) before listening: ${err}`)),
    );
  });
}

describe('the server process', () => {
  it.each([
    ['an exception nobody catches', 'throw', 'uncaught exception: exiting'],
    ['a promise rejection nobody handles', 'reject', 'unhandled promise rejection: exiting'],
  ])(
    'logs %s at fatal level and exits 1; a restart keeps every acknowledged order',
    async (_what, mode, message) => {
      // A bug planted in the process: on SIGUSR2 it throws from a callback, or rejects a promise nobody awaits.
      const planted = tempDir('planted-bug-');
      try {
        const preload = join(planted.path, 'bug.mjs');
        writeFileSync(
          preload,
          `process.on('SIGUSR2', () => setImmediate(() => {
          if (${JSON.stringify(mode)} === 'throw') throw new Error('planted bug');
          void Promise.reject(new Error('planted bug'));
        }));\n`,
        );
        const child = await startChild({ nodeArgs: ['--import', preload] });
        const alice = await signUp(child.url, 'alice');
        const a = await TestWsClient.connect(child.wsUrl);
        try {
          await a.ok({ op: 'auth', token: alice.accessToken });
          await a.ok(limitOrder('acked', 'sell', RESTING_SELL, LOT));
        } finally {
          await a.close();
        }
        child.proc.kill('SIGUSR2');
        expect(await child.exited).toEqual({ code: 1, signal: null });
        expect(child.log().filter((l) => l.level === FATAL)).toEqual([
          expect.objectContaining({ msg: message, err: expect.objectContaining({ message: 'planted bug' }) }),
        ]);
      } finally {
        planted.remove();
      }
      await t.start();
      expect((await ordersOf(await signIn('alice'))).map((o) => o.clientOrderId)).toEqual(['acked']);
      await honestPairTrades(t.server);
    },
    60_000,
  );

  it('exits 1 with a fatal log line when the disk refuses its writes, and a restart keeps every acknowledged order', async () => {
    // The process may not write a file past 1 MiB, as a full disk would refuse it: the first log or database
    // that needs more fails its write with an I/O error.
    const child = await startChild({ wrapper: ['prlimit', `--fsize=${1 << 20}`] });
    const alice = await signUp(child.url, 'alice');
    const bob = await signUp(child.url, 'bob');
    const clients = await Promise.all(
      [alice, alice, bob, bob].map(async (s) => {
        const c = await TestWsClient.connect(child.wsUrl);
        await c.ok({ op: 'auth', token: s.accessToken });
        return c;
      }),
    );
    const acked = new Set<string>();
    let n = 0;
    let running = true;
    void child.exited.then(() => (running = false));
    try {
      // Orders from four connections, within their rate limits, until the process gives up: Alice's sells above
      // PRICE, Bob's buys (two lots, for the minimum notional) below it, so they rest out of the honest pair's way.
      while (running) {
        await Promise.all(
          clients.map(async (c, i) => {
            const id = `o${n++}`;
            const order =
              i < 2
                ? limitOrder(id, 'sell', RESTING_SELL + (n % 40), LOT)
                : limitOrder(id, 'buy', PRICE - 1_000 - (n % 40), 2 * LOT);
            const reply = await c.request(order, 2_000).catch(() => undefined);
            if (reply?.type === 'ack') acked.add(id);
          }),
        );
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
    expect(await child.exited).toEqual({ code: 1, signal: null });
    expect(child.log().filter((l) => l.level === FATAL).length).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(0);

    await t.start();
    const kept = new Set(
      [...(await ordersOf(await signIn('alice'))), ...(await ordersOf(await signIn('bob')))].map(
        (o) => o.clientOrderId,
      ),
    );
    for (const id of acked) expect(kept.has(id), `acknowledged order ${id} is kept`).toBe(true);
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    await honestPairTrades(t.server);
  }, 120_000);
});

async function signIn(nickname: string): Promise<Session> {
  const r = await http<Session>(t.server.url, 'POST', '/api/v1/auth/signin', {
    body: { nickname, password: `pw-${nickname}-secret` },
  });
  expect(r.status).toBe(200);
  return r.body;
}
