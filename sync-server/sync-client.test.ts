/**
 * The app's sync client against the real server, through a proxy that can cut the network.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PracticeEntry, Session } from '../engine/protocol/sync';
import { SyncClient, SyncOrderError, type SyncStatus } from '../engine/node/sync/sync-client';
import { TcpProxy } from '../engine/node/sync/testing/tcp-proxy';
import { startSyncServer, type SyncServer } from './app';
import { defaultConfig } from './config';

const ONE = 100_000_000; // 1 LPJ

let dir: string;
let server: SyncServer;
let proxy: TcpProxy;
const clients: SyncClient[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sync-client-'));
  server = await startSyncServer(defaultConfig({ dataDir: dir, port: 0, logLevel: 'silent' }));
  proxy = await new TcpProxy(server.port).start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await proxy.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(through: 'proxy' | 'direct' = 'proxy', store?: { session?: Session }): SyncClient {
  const c = new SyncClient({
    serverUrl: `http://127.0.0.1:${through === 'proxy' ? proxy.port : server.port}`,
    backoff: { baseMs: 20, maxMs: 100 },
    heartbeatMs: 100,
    silenceMs: 400,
    sessionStore: store ? { load: () => store.session, save: (s) => (store.session = s) } : undefined,
  });
  clients.push(c);
  const log: SyncStatus[] = [];
  statusLog.set(c, log);
  c.on('status', (status) => log.push(status));
  return c;
}

function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const v = probe();
      if (v !== undefined && v !== false) return resolve(v);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

/** Every status each client went through, so a short-lived one (a reconnect that succeeds at once) is not missed. */
const statusLog = new WeakMap<SyncClient, SyncStatus[]>();
const statusIs = (c: SyncClient, s: SyncStatus) => until(`status ${s}`, () => c.status === s);
/** Waits until the client has passed through `s` since the log had `from` entries. */
const passedThrough = (c: SyncClient, s: SyncStatus, from: number) =>
  until(`status ${s}`, () => statusLog.get(c)!.slice(from).includes(s));
const mark = (c: SyncClient) => statusLog.get(c)!.length;

describe('the sync client', () => {
  it('signs up, trades, and mirrors the book through a reconnect', async () => {
    const alice = client();
    alice.connect();
    await alice.signUp('alice', 'password-1');
    alice.subscribe('book', 'LPJ-KRW');
    await statusIs(alice, 'online');
    const placed = await alice.placeOrder({
      market: 'LPJ-KRW',
      side: 'sell',
      type: 'limit',
      price: 1_000,
      quantity: 2 * ONE,
    });
    expect(placed.duplicate).toBe(false);
    await until('ask in the mirror', () => alice.book('LPJ-KRW')?.asks.length === 1);

    const before = mark(alice);
    proxy.cut();
    await passedThrough(alice, 'reconnecting', before);
    await statusIs(alice, 'online');
    // The book is mirrored again from a fresh snapshot after the reconnect, and matches the server.
    await until('mirror after reconnect', () => alice.book('LPJ-KRW')?.asks.length === 1);
    const server_ = server.exchange.engine.depth('LPJ-KRW', 100)!;
    expect(alice.book('LPJ-KRW')).toMatchObject({ asks: server_.asks, bids: server_.bids });
  });

  it('sends orders placed while the link is down once it is back, and never twice', async () => {
    const bob = client();
    bob.connect();
    await bob.signUp('bob', 'password-1');
    await statusIs(bob, 'online');
    proxy.hold(true);
    const before = mark(bob);
    proxy.cut();
    await passedThrough(bob, 'reconnecting', before);
    const offline = bob.placeOrder({
      market: 'LPJ-KRW',
      side: 'buy',
      type: 'limit',
      price: 900,
      quantity: 2 * ONE,
      clientOrderId: 'while-offline',
    });
    expect(bob.unanswered).toBe(1);
    proxy.hold(false);
    const done = await offline;
    expect(done).toMatchObject({ clientOrderId: 'while-offline', duplicate: false });
    const orders = server.exchange.engine.openOrders(bob.account!.id);
    expect(orders.filter((o) => o.clientOrderId === 'while-offline')).toHaveLength(1);
  });

  it('a resend after the answer was lost gets the original order, not a second one', async () => {
    const carol = client();
    carol.connect();
    await carol.signUp('carol', 'password-1');
    await statusIs(carol, 'online');
    // The server places the order but its answer is lost, and then the link dies.
    proxy.mute(true);
    const pending = carol.placeOrder({
      market: 'LPJ-KRW',
      side: 'buy',
      type: 'limit',
      price: 950,
      quantity: 2 * ONE,
      clientOrderId: 'lost-ack',
    });
    await until('order reached the server', () =>
      server.exchange.engine.orderByClientId(carol.account!.id, 'lost-ack'),
    );
    proxy.cut();
    proxy.mute(false);
    const result = await pending;
    expect(result.duplicate).toBe(true);
    expect(result.orderId).toBe(server.exchange.engine.orderByClientId(carol.account!.id, 'lost-ack')!.id);
    expect(server.exchange.engine.openOrders(carol.account!.id)).toHaveLength(1);
  });

  it('notices a silent link and reconnects by itself', async () => {
    const dave = client();
    dave.connect();
    await statusIs(dave, 'online');
    // The connection stays open but nothing comes back: only the heartbeat can tell the link is dead.
    proxy.mute(true);
    const silentSince = Date.now();
    await statusIs(dave, 'reconnecting');
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(300);
    proxy.mute(false);
    await statusIs(dave, 'online');
  });

  it('refuses to trade before sign-in, and reports an engine refusal with its reason', async () => {
    const eve = client();
    eve.connect();
    await expect(
      eve.placeOrder({ market: 'LPJ-KRW', side: 'buy', type: 'limit', price: 1_000, quantity: ONE }),
    ).rejects.toMatchObject({ reason: 'NOT_AUTHENTICATED' });
    await eve.signUp('eve', 'password-1');
    await statusIs(eve, 'online');
    const refused = eve.placeOrder({ market: 'LPJ-KRW', side: 'buy', type: 'limit', price: 1_000, quantity: ONE + 1 });
    await expect(refused).rejects.toBeInstanceOf(SyncOrderError);
    await expect(refused).rejects.toMatchObject({ reason: 'BELOW_LOT_SIZE' });
  });

  it('keeps its session across restarts of the app and backs up the practice journal once', async () => {
    const store: { session?: Session } = {};
    const first = client('direct', store);
    await first.signUp('frank', 'password-1');
    first.close();
    const again = client('direct', store);
    again.connect();
    await statusIs(again, 'online');
    expect(again.account?.nickname).toBe('frank');

    const entries: PracticeEntry[] = Array.from({ length: 1_200 }, (_, i) => ({
      localId: `p${i}`,
      kind: 'fill',
      market: 'LPJ-KRW',
      ts: 1_000 + i,
      data: { price: 1_000 + i },
    }));
    const synced = new Set<string>();
    const outbox = {
      pending: (n: number) => entries.filter((e) => !synced.has(e.localId)).slice(0, n),
      markSynced: (ids: string[]) => ids.forEach((id) => synced.add(id)),
    };
    expect(await again.syncPractice(outbox)).toEqual({ uploaded: 1_200, duplicates: 0 });
    synced.clear(); // as if the app lost its record of what it uploaded
    expect(await again.syncPractice(outbox)).toEqual({ uploaded: 0, duplicates: 1_200 });
  });

  it('refreshes an expired session once for every call that needs it, and signs its socket in again after the refresh closes it', async () => {
    // A server whose clock the test moves, so the access token expires exactly when it says.
    await server.close();
    let clock = Date.now();
    server = await startSyncServer(defaultConfig({ dataDir: dir, port: 0, logLevel: 'silent', now: () => clock }));
    const store: { session?: Session } = {};
    const gina = client('direct', store);
    gina.connect();
    await gina.signUp('gina', 'password-1');
    await statusIs(gina, 'online');
    const first = store.session!;
    clock += 16 * 60_000; // past the 15-minute access token

    // Four calls at once all meet TOKEN_EXPIRED. A second refresh with the same refresh token would look like a
    // leak to the server and end the session; one shared refresh keeps it.
    const before = mark(gina);
    const answers = await Promise.all([1, 2, 3, 4].map(() => gina.withFreshToken((t) => gina.http.balances(t))));
    expect(answers.map((b) => b.find((x) => x.asset === 'KRW')?.available)).toEqual([
      10_000_000, 10_000_000, 10_000_000, 10_000_000,
    ]);
    expect(store.session!.refreshToken).not.toBe(first.refreshToken);
    // The refresh closed the old session's socket; the client signs the new one in and trades on.
    await passedThrough(gina, 'reconnecting', before);
    await statusIs(gina, 'online');
    const placed = await gina.placeOrder({
      market: 'LPJ-KRW',
      side: 'buy',
      type: 'limit',
      price: 90_000,
      quantity: ONE,
    });
    expect(placed.duplicate).toBe(false);
    expect(statusLog.get(gina)!.slice(before)).not.toContain('signed_out');
    expect(gina.account?.nickname).toBe('gina');
  });

  it('deletes the account only with its password, and is signed out after', async () => {
    const store: { session?: Session } = {};
    const hana = client('direct', store);
    hana.connect();
    await hana.signUp('hana', 'hana-password');
    await statusIs(hana, 'online');
    const id = hana.account!.id;
    await hana.placeOrder({ market: 'LPJ-KRW', side: 'buy', type: 'limit', price: 90_000, quantity: ONE });
    await expect(hana.deleteAccount('not-the-password')).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
    expect(hana.account?.id).toBe(id);
    expect(server.exchange.engine.openOrders(id)).toHaveLength(1);

    await hana.deleteAccount('hana-password');
    expect(hana.account).toBeUndefined();
    expect(store.session).toBeUndefined();
    expect(server.exchange.engine.openOrders(id)).toEqual([]);
    await statusIs(hana, 'online'); // market data goes on, signed out
    await expect(hana.signIn('hana', 'hana-password')).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
  });
});
