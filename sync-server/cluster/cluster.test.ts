/**
 * One core and two gateways joined by a real nats-server with JetStream: clients on different gateways trade LPJ
 * and see the same book, tape and balances; an order resent through the other gateway is answered, not placed
 * twice. Skips, saying why, where no nats-server is installed.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  BalanceView,
  Notification,
  OrderView,
  PracticeEntry,
  ServerMessage,
  StreamTicket,
} from '../../engine/protocol/sync';
import { BookMirror } from '../../engine/node/sync/book-mirror';
import { defaultConfig, type ServerConfig } from '../config';
import {
  eventually,
  honestPairTradesAt,
  http,
  LOT,
  MARKET,
  signUp,
  SseClient,
  startTestServer,
  tempDir,
  TEST_GRANT,
  type TestServer,
} from '../testing/harness';
import { startServerProcess } from '../testing/server-process';
import { NO_NATS_SERVER, startNatsServer, type NatsServer } from '../testing/nats-server';
import { TestWsClient } from '../testing/ws-client';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startGatewayNode, type GatewayNode } from './gateway-node';
import { STREAM } from './wire';
import { formatHlc } from '../../engine/core/cloud/hlc';
import { balanceViews } from '../trading/exchange';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function startCluster(core: Partial<ServerConfig> = {}): Promise<{
  core: TestServer;
  a: GatewayNode;
  b: GatewayNode;
  nats: NatsServer;
  dir: string;
}> {
  const nats = await startNatsServer();
  cleanup.push(() => nats.stop());
  const dir = tempDir();
  cleanup.push(async () => dir.remove());
  const c = await startTestServer(dir.path, { natsUrl: nats.url, ...core });
  cleanup.push(() => c.close());
  const gateway = async () => {
    const g = await startGatewayNode(
      defaultConfig({ dataDir: dir.path, port: 0, logLevel: process.env.CLUSTER_LOG ?? 'silent' }),
      nats.url,
    );
    cleanup.push(() => g.close());
    return g;
  };
  return { core: c, a: await gateway(), b: await gateway(), nats, dir: dir.path };
}

async function client(wsUrl: string, token: string): Promise<TestWsClient> {
  const c = await TestWsClient.connect(wsUrl);
  cleanup.push(() => c.close());
  await c.ok({ op: 'auth', token });
  return c;
}

/** The book a client holds from its snapshot and the deltas after it, as the app's mirror keeps it. */
function bookOf(c: TestWsClient) {
  const mirror = new BookMirror(MARKET);
  for (const m of c.messages) {
    if (m.type === 'book.snapshot') mirror.snapshot(m);
    else if (m.type === 'book.delta') expect(mirror.delta(m)).not.toBe('gap');
  }
  return { seq: mirror.seq, ...mirror.levels() };
}

/**
 * Alice signed up and connected through gateway `a`, Bob through `b`, each watching the book (its snapshot
 * received) and the trades.
 */
async function aliceAndBob(a: { url: string; wsUrl: string }, b: { url: string; wsUrl: string }) {
  const alice = await signUp(a.url, 'alice');
  const bob = await signUp(b.url, 'bob');
  const ca = await client(a.wsUrl, alice.accessToken);
  const cb = await client(b.wsUrl, bob.accessToken);
  for (const c of [ca, cb]) {
    await c.ok({ op: 'subscribe', channel: 'book', market: MARKET });
    await c.ok({ op: 'subscribe', channel: 'trades', market: MARKET });
    await c.waitFor((m) => m.type === 'book.snapshot', 'the book snapshot');
  }
  return { alice, bob, ca, cb };
}

/** An IOC bid placed in the core itself, as its own schedule or liquidity provider places orders. */
const bidInCore = (core: TestServer, account: number, clientOrderId: string, quantity = LOT) =>
  new Promise<unknown>((resolve, reject) =>
    core.exchange.place(
      account,
      { market: MARKET, clientOrderId, side: 'buy', type: 'limit', timeInForce: 'IOC', price: 100_000, quantity },
      { resolve, reject },
    ),
  );

/** Every message the events stream holds, with its id. */
async function storedMessages(natsUrl: string) {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(STREAM);
    const out: { subject: string; id: string | undefined; body: unknown }[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(STREAM, { seq });
      if (m) out.push({ subject: m.subject, id: m.header?.get('Nats-Msg-Id'), body: m.json() });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** A background process makes these true (a reconnect, a readiness flip): they get longer than the default. */
const waitUntil = (check: () => Promise<boolean>, what: string) => eventually(check, what, 20_000);

const tradesOf = (c: TestWsClient) =>
  c.messages.filter((m): m is Extract<ServerMessage, { type: 'trade' }> => m.type === 'trade');
const lpj = (balances: BalanceView[]) => balances.find((b) => b.asset === 'LPJ')!;
const lastBalance = (c: TestWsClient) =>
  (c.messages.filter((m) => m.type === 'balance') as Extract<ServerMessage, { type: 'balance' }>[]).at(-1)!.balances;

describe.skipIf(NO_NATS_SERVER)(
  `a cluster of one core and two gateways${NO_NATS_SERVER ? ` (${NO_NATS_SERVER})` : ''}`,
  () => {
    it('two clients on different gateways trade LPJ and see the same book, tape and balances', async () => {
      const { core, a, b } = await startCluster();
      // Sign-up and every other HTTP call go through a gateway, which hands them to the core.
      const { alice, bob, ca, cb } = await aliceAndBob(a, b);
      const rest = await ca.ok({
        op: 'order.new',
        order: {
          market: MARKET,
          clientOrderId: 'ask-1',
          side: 'sell',
          type: 'limit',
          price: 100_000,
          quantity: 5 * LOT,
        },
      });
      await cb.ok({
        op: 'order.new',
        order: {
          market: MARKET,
          clientOrderId: 'bid-1',
          side: 'buy',
          type: 'limit',
          timeInForce: 'IOC',
          price: 100_000,
          quantity: 2 * LOT,
        },
      });
      // The tape: the same trade on both gateways.
      const ta = await ca.waitFor((m) => m.type === 'trade', 'the trade on gateway A');
      const tb = await cb.waitFor((m) => m.type === 'trade', 'the trade on gateway B');
      expect(ta).toEqual(tb);
      expect(ta).toMatchObject({ price: 100_000, quantity: 2 * LOT, takerSide: 'buy' });
      // The book: both mirrors reach the trade's sequence number and hold what the core's engine holds.
      const tradeSeq = (ta as { seq: number }).seq;
      for (const c of [ca, cb]) await c.waitFor((m) => m.type === 'book.delta' && m.seq >= tradeSeq, 'the delta');
      const depth = core.exchange.engine.depth(MARKET, 100)!;
      expect(bookOf(ca)).toEqual({ seq: depth.seq, bids: depth.bids, asks: depth.asks });
      expect(bookOf(cb)).toEqual(bookOf(ca));
      expect(bookOf(ca).asks).toEqual([[100_000, 3 * LOT]]);
      // Balances: each side is told its own, and the other gateway's HTTP says the same.
      await ca.waitFor((m) => m.type === 'fill', 'alice’s fill');
      await cb.waitFor((m) => m.type === 'fill', 'bob’s fill');
      await ca.waitFor(
        (m) => m.type === 'balance' && lpj(m.balances).held === 3 * LOT,
        'alice’s balance after the fill',
      );
      await cb.waitFor(
        (m) => m.type === 'balance' && lpj(m.balances).available === TEST_GRANT.LPJ + 2 * LOT,
        'bob’s balance after the fill',
      );
      const viaB = await http<BalanceView[]>(b.url, 'GET', '/api/v1/balances', { token: alice.accessToken });
      const viaA = await http<BalanceView[]>(a.url, 'GET', '/api/v1/balances', { token: bob.accessToken });
      expect(viaB.body).toEqual(lastBalance(ca));
      expect(viaA.body).toEqual(lastBalance(cb));
      expect(lpj(viaB.body)).toEqual({ asset: 'LPJ', available: TEST_GRANT.LPJ - 5 * LOT, held: 3 * LOT });
      expect(rest.orderId).toBeGreaterThan(0);
      // Below alice's resting ask, so the honest pair trade with each other.
      await honestPairTradesAt(b.url, b.wsUrl, 99_000);
    });

    it('answers an order resent through the other gateway with the original, placing it once', async () => {
      const { a, b } = await startCluster();
      const alice = await signUp(a.url, 'alice');
      const order = {
        op: 'order.new' as const,
        order: {
          market: MARKET,
          clientOrderId: 'once',
          side: 'buy' as const,
          type: 'limit' as const,
          price: 100_000,
          quantity: LOT,
        },
      };
      const onA = await client(a.wsUrl, alice.accessToken);
      const first = await onA.ok(order);
      await onA.close();
      // The client lost gateway A and sends the same order again through B.
      const onB = await client(b.wsUrl, alice.accessToken);
      const again = await onB.ok(order);
      expect(again).toMatchObject({ orderId: first.orderId, duplicate: true });
      // Both copies at once through both gateways, for a new order: one placement.
      const onA2 = await client(a.wsUrl, alice.accessToken);
      const twice = { ...order, order: { ...order.order, clientOrderId: 'twice' } };
      const [x, y] = await Promise.all([onA2.ok(twice), onB.ok(twice)]);
      expect(x.orderId).toBe(y.orderId);
      const orders = await http<{ orders: OrderView[] }>(b.url, 'GET', '/api/v1/orders', { token: alice.accessToken });
      expect(orders.body.orders.map((o) => o.clientOrderId).sort()).toEqual(['once', 'twice']);
      // Above alice's bids, so the honest pair trade with each other.
      await honestPairTradesAt(a.url, a.wsUrl, 101_000);
    });
    it('closes the sockets of a sign-in ended through one gateway on every gateway', async () => {
      const { a, b } = await startCluster();
      const alice = await signUp(a.url, 'alice');
      const onB = await client(b.wsUrl, alice.accessToken);
      const out = await http(a.url, 'POST', '/api/v1/auth/signout', { token: alice.accessToken });
      expect(out.status).toBe(204);
      const bye = await onB.waitFor((m) => m.type === 'bye', 'the bye on gateway B');
      expect(bye).toMatchObject({ code: 'SIGNED_OUT' });
      expect((await onB.closed).code).toBe(1008);
      await honestPairTradesAt(b.url, b.wsUrl, 100_000);
    });

    it('tells a device on another gateway that the account’s synced state changed, once per upload', async () => {
      const { a, b } = await startCluster();
      const alice = await signUp(a.url, 'alice');
      const laptop = await client(b.wsUrl, alice.accessToken);
      const change = {
        id: 'theme-1',
        kind: 'setting',
        key: 'theme',
        hlc: formatHlc({ wall: Date.now(), counter: 0, node: 'desk' }),
        value: 'light',
      };
      const up = await http<{ cursor: number }>(a.url, 'POST', '/api/v1/cloud/changes', {
        token: alice.accessToken,
        body: { device: { id: 'desk', name: 'desk' }, changes: [change] },
      });
      expect(up.status).toBe(200);
      const told = await laptop.waitFor((m) => m.type === 'cloud.changed', 'the cloud change on gateway B');
      expect(told).toMatchObject({ cursor: up.body.cursor, device: 'desk' });
      // The same change again stores nothing, so nobody is told to pull.
      const again = await http(a.url, 'POST', '/api/v1/cloud/changes', {
        token: alice.accessToken,
        body: { device: { id: 'desk', name: 'desk' }, changes: [change] },
      });
      expect(again.status).toBe(200);
      await honestPairTradesAt(b.url, b.wsUrl, 100_000);
      expect(laptop.messages.filter((m) => m.type === 'cloud.changed')).toHaveLength(1);
    });

    it('refuses orders while the core is away, then places a resend once when it is back', async () => {
      const { core, a, nats, dir } = await startCluster();
      const alice = await signUp(a.url, 'alice');
      const onA = await client(a.wsUrl, alice.accessToken);
      const order = (clientOrderId: string) => ({
        op: 'order.new' as const,
        order: {
          market: MARKET,
          clientOrderId,
          side: 'buy' as const,
          type: 'limit' as const,
          price: 100_000,
          quantity: LOT,
        },
      });
      const placed = await onA.ok(order('before'));
      await core.close();
      const refused = await onA.request(order('during'));
      expect(refused).toMatchObject({ type: 'reject', reason: 'CORE_UNAVAILABLE' });
      // The core comes back on its journal; the gateway and the client's socket stayed up.
      const again = await startTestServer(dir, { natsUrl: nats.url });
      cleanup.push(() => again.close());
      expect(await onA.ok(order('before'))).toMatchObject({ orderId: placed.orderId, duplicate: true });
      const during = await onA.ok(order('during'));
      expect(during.duplicate).toBeUndefined();
      await onA.waitFor((m) => m.type === 'order' && m.order.clientOrderId === 'during', 'the resent order’s update');
      const orders = await http<{ orders: OrderView[] }>(a.url, 'GET', '/api/v1/orders', { token: alice.accessToken });
      expect(orders.body.orders.map((o) => o.clientOrderId).sort()).toEqual(['before', 'during']);
      await honestPairTradesAt(a.url, a.wsUrl, 101_000);
    });

    it('a gateway that loses NATS refuses orders and sign-ins with the reason, keeps its clients, and resumes', async () => {
      const { a, nats } = await startCluster();
      const alice = await signUp(a.url, 'alice');
      const onA = await client(a.wsUrl, alice.accessToken);
      await onA.ok({ op: 'subscribe', channel: 'trades', market: MARKET });
      await nats.kill();
      await waitUntil(
        async () => (await http(a.url, 'GET', '/readyz')).status === 503,
        'the gateway to say it is not ready',
      );
      expect((await http(a.url, 'GET', '/readyz')).body).toMatchObject({ status: 'not ready' });
      const refused = await onA.request({
        op: 'order.new',
        order: { market: MARKET, clientOrderId: 'cut', side: 'buy', type: 'limit', price: 100_000, quantity: LOT },
      });
      expect(refused).toMatchObject({ type: 'reject', reason: 'CORE_UNAVAILABLE' });
      expect((refused as { message: string }).message).toMatch(/lost its connection/);
      expect(onA.isOpen).toBe(true);
      await nats.restart();
      await waitUntil(
        async () => (await http(a.url, 'GET', '/readyz')).status === 200,
        'the gateway to be ready again',
      );
      // Orders are taken again, and the stream goes on where it stopped (the consumer NATS lost is made again
      // at the next sequence, which takes a few heartbeats): alice hears of her order, then of others' trades.
      await onA.ok({
        op: 'order.new',
        order: { market: MARKET, clientOrderId: 'after', side: 'buy', type: 'limit', price: 100_000, quantity: LOT },
      });
      await onA.waitFor(
        (m) => m.type === 'order' && m.order.clientOrderId === 'after',
        'alice’s order update through the stream',
        30_000,
      );
      await honestPairTradesAt(a.url, a.wsUrl, 101_000);
      await onA.waitFor((m) => m.type === 'trade', 'a trade after NATS came back');
    }, 90_000);

    it('a gateway killed with -9: its clients go to the other and resync; restarted, it serves the book gap-free', async () => {
      const { core, b, nats, dir } = await startCluster();
      const children: ChildProcess[] = [];
      cleanup.push(async () => {
        for (const c of children) c.kill('SIGKILL');
      });
      const startA = () => startServerProcess(dir, children, ['--nats', nats.url, '--role', 'gateway']);
      const a = await startA();
      const alice = await signUp(a.url, 'alice');
      const onA = await client(a.wsUrl, alice.accessToken);
      const order = {
        op: 'order.new' as const,
        order: {
          market: MARKET,
          clientOrderId: 'kept',
          side: 'buy' as const,
          type: 'limit' as const,
          price: 99_500,
          quantity: 2 * LOT,
        },
      };
      const placed = await onA.ok(order);
      a.proc.kill('SIGKILL');
      await onA.closed;
      // The client moves to gateway B: signs in, takes the book, resends what it was not sure of.
      const onB = await client(b.wsUrl, alice.accessToken);
      await onB.ok({ op: 'subscribe', channel: 'book', market: MARKET });
      const snap = await onB.waitFor((m) => m.type === 'book.snapshot', 'the book on gateway B');
      expect(snap).toMatchObject({ bids: [[99_500, 2 * LOT]] });
      expect(await onB.ok(order)).toMatchObject({ orderId: placed.orderId, duplicate: true });
      // Gateway A again: a new subscriber there gets the core's book, and the deltas after it join without a gap.
      const again = await startA();
      const bob = await signUp(again.url, 'bob');
      const onA2 = await client(again.wsUrl, bob.accessToken);
      await onA2.ok({ op: 'subscribe', channel: 'book', market: MARKET });
      await onA2.waitFor((m) => m.type === 'book.snapshot', 'the book on the restarted gateway');
      await honestPairTradesAt(again.url, again.wsUrl, 100_000);
      const depth = core.exchange.engine.depth(MARKET, 100)!;
      await onA2.waitFor((m) => m.type === 'book.delta' && m.seq >= depth.seq, 'the deltas of the honest trade');
      expect(bookOf(onA2)).toEqual({ seq: depth.seq, bids: depth.bids, asks: depth.asks });
    }, 90_000);

    it('the core killed with -9: no acknowledged order is lost, and the gateways resume with its restart', async () => {
      const nats = await startNatsServer();
      cleanup.push(() => nats.stop());
      const dir = tempDir();
      cleanup.push(async () => dir.remove());
      const children: ChildProcess[] = [];
      cleanup.push(async () => {
        for (const c of children) c.kill('SIGKILL');
      });
      const startCore = () => startServerProcess(dir.path, children, ['--nats', nats.url, '--role', 'core']);
      const core = await startCore();
      const g = await startGatewayNode(defaultConfig({ dataDir: dir.path, port: 0, logLevel: 'silent' }), nats.url);
      cleanup.push(() => g.close());
      const alice = await signUp(g.url, 'alice');
      const onG = await client(g.wsUrl, alice.accessToken);
      await onG.ok({ op: 'subscribe', channel: 'book', market: MARKET });
      await onG.waitFor((m) => m.type === 'book.snapshot', 'the book');
      // Orders stream in; the core dies under them.
      const acked: number[] = [];
      const sent = Array.from({ length: 40 }, (_, i) =>
        onG
          .request({
            op: 'order.new',
            order: {
              market: MARKET,
              clientOrderId: `o${i}`,
              side: 'buy',
              type: 'limit',
              price: 90_000 + i * 100,
              quantity: 2 * LOT,
            },
          })
          .then((r) => {
            if (r.type === 'ack') acked.push(i);
          }),
      );
      await onG.waitFor((m) => m.type === 'ack' && m.op === 'order.new', 'the first acknowledged order');
      core.proc.kill('SIGKILL');
      await core.exited;
      await Promise.allSettled(sent);
      expect(acked.length).toBeGreaterThan(0);
      await startCore();
      // Every order acknowledged before the kill is still there.
      const orders = await http<{ orders: OrderView[] }>(g.url, 'GET', '/api/v1/orders?limit=500', {
        token: alice.accessToken,
      });
      const kept = new Set(orders.body.orders.map((o) => o.clientOrderId));
      for (const i of acked) expect(kept.has(`o${i}`)).toBe(true);
      // The gateway took fresh books from the restarted core: a new subscriber sees what the journal holds.
      const bob = await signUp(g.url, 'bob');
      const late = await client(g.wsUrl, bob.accessToken);
      const open = orders.body.orders.filter((o) => o.status === 'open').length;
      await waitUntil(async () => {
        const from = late.messages.length;
        late.send({ op: 'snapshot', id: `s${from}`, market: MARKET });
        const snap = await late.waitFor((m) => m.type === 'book.snapshot', 'a book snapshot', 10_000, from);
        return snap.type === 'book.snapshot' && snap.bids.length === open;
      }, 'the gateway’s book to hold every order the journal kept');
      await honestPairTradesAt(g.url, g.wsUrl, 100_000);
    }, 90_000);

    it('the core killed between a commit and its publish: restarted, it republishes it, and every client hears each trade and order update once', async () => {
      const nats = await startNatsServer();
      cleanup.push(() => nats.stop());
      const dir = tempDir();
      cleanup.push(async () => dir.remove());
      const children: ChildProcess[] = [];
      cleanup.push(async () => {
        for (const c of children) c.kill('SIGKILL');
      });
      const startCore = (env: Record<string, string> = {}) =>
        startServerProcess(dir.path, children, ['--nats', nats.url, '--role', 'core'], 30_000, env);
      // This core dies in the turn of the first commit that holds a trade, after the journal has it.
      const core = await startCore({ LPJ_CORE_KILL_BEFORE_PUBLISH: 'trade' });
      const gateway = async () => {
        const g = await startGatewayNode(defaultConfig({ dataDir: dir.path, port: 0, logLevel: 'silent' }), nats.url);
        cleanup.push(() => g.close());
        return g;
      };
      const a = await gateway();
      const b = await gateway();
      const { ca, cb } = await aliceAndBob(a, b);
      const ask = await ca.ok({
        op: 'order.new',
        order: { market: MARKET, clientOrderId: 'ask', side: 'sell', type: 'limit', price: 100_000, quantity: 5 * LOT },
      });
      const bid = {
        op: 'order.new' as const,
        order: {
          market: MARKET,
          clientOrderId: 'bid',
          side: 'buy' as const,
          type: 'limit' as const,
          timeInForce: 'IOC' as const,
          price: 100_000,
          quantity: 2 * LOT,
        },
      };
      // The bid trades, the journal commits it, and the core dies before a word of it reaches the stream.
      const lost = cb.request(bid);
      await core.exited;
      expect(await lost).toMatchObject({ type: 'reject', reason: 'CORE_UNAVAILABLE' });
      expect(ca.messages.some((m) => m.type === 'trade')).toBe(false);
      await startCore();
      // The restarted core publishes what the stream missed: both sides hear the trade, their fills and orders.
      for (const c of [ca, cb]) await c.waitFor((m) => m.type === 'trade', 'the trade, republished');
      await ca.waitFor((m) => m.type === 'fill', 'alice’s fill, republished');
      await cb.waitFor((m) => m.type === 'fill', 'bob’s fill, republished');
      await ca.waitFor(
        (m) => m.type === 'order' && m.order.orderId === ask.orderId && m.order.filled === 2 * LOT,
        'alice’s ask, partly filled',
      );
      // The client resends what it was not told of: answered with the original, not placed again.
      const again = await cb.ok(bid);
      expect(again.duplicate).toBe(true);
      await cb.waitFor(
        (m) => m.type === 'order' && m.order.orderId === again.orderId && m.order.status === 'filled',
        'bob’s bid, filled',
      );
      // A second trade, then another restart with nothing missed, then a third: nothing reaches anyone twice.
      await cb.ok({ ...bid, order: { ...bid.order, clientOrderId: 'bid-2', quantity: LOT } });
      for (const c of [ca, cb]) await c.waitFor(() => tradesOf(c).length === 2, 'the second trade');
      const second = children[children.length - 1];
      second.kill('SIGKILL');
      await new Promise((r) => second.once('exit', r));
      await startCore();
      await honestPairTradesAt(a.url, a.wsUrl, 99_000);
      for (const c of [ca, cb]) await c.waitFor(() => tradesOf(c).length === 3, 'the third trade');
      const lastSeq = tradesOf(ca)[2].seq;
      for (const c of [ca, cb]) {
        await c.waitFor((m) => m.type === 'book.delta' && m.seq >= lastSeq, 'the third trade’s delta');
        // The tape gap-free, each trade once; each fill once; no order update twice.
        expect(tradesOf(c).map((t) => t.tradeId)).toEqual([1, 2, 3].map((i) => tradesOf(c)[0].tradeId + i - 1));
        const fills = c.messages.filter((m) => m.type === 'fill').map((m) => m.fill.tradeId);
        expect(new Set(fills).size).toBe(fills.length);
        const orders = c.messages.filter((m) => m.type === 'order').map((m) => JSON.stringify(m));
        expect(new Set(orders).size).toBe(orders.length);
      }
      expect(tradesOf(ca)).toEqual(tradesOf(cb));
      // The books: no gap in either client's deltas, and both hold what is left of alice's ask.
      expect(bookOf(ca)).toEqual(bookOf(cb));
      expect(bookOf(ca).asks).toEqual([[100_000, 2 * LOT]]);
    }, 120_000);

    it('holds what the stream refused while NATS was away from a running core, and stores it once, in order, before newer commits', async () => {
      const { core, a, b, nats } = await startCluster();
      const { bob, ca, cb } = await aliceAndBob(a, b);
      const ask = await ca.ok({
        op: 'order.new',
        order: { market: MARKET, clientOrderId: 'ask', side: 'sell', type: 'limit', price: 100_000, quantity: 5 * LOT },
      });
      await ca.waitFor((m) => m.type === 'order' && m.order.orderId === ask.orderId, 'the ask on the stream');
      const held = async () => {
        const text = (await http(core.url, 'GET', '/metrics')).text;
        return Number(/^lpj_stream_held_messages (\d+)/m.exec(text)?.[1]);
      };
      await nats.kill();
      // Two trades commit in the core while NATS is away from it (no gateway can reach it: Bob's bids are
      // placed in the core itself).
      await bidInCore(core, bob.accountId, 'away-1');
      await waitUntil(async () => (await held()) > 0, 'the core to hold what the stream refused');
      await bidInCore(core, bob.accountId, 'away-2');
      await nats.restart();
      await waitUntil(async () => (await held()) === 0, 'the core to have the stream store what it held');
      // A newer commit, through a gateway once it is back: after the held ones on the stream.
      await waitUntil(async () => (await http(b.url, 'GET', '/readyz')).status === 200, 'gateway B to be ready');
      await cb.ok({
        op: 'order.new',
        order: {
          market: MARKET,
          clientOrderId: 'back',
          side: 'buy',
          type: 'limit',
          timeInForce: 'IOC',
          price: 100_000,
          quantity: LOT,
        },
      });
      for (const c of [ca, cb]) await c.waitFor(() => tradesOf(c).length === 3, 'the three trades', 30_000);
      const lastSeq = tradesOf(ca)[2].seq;
      for (const c of [ca, cb]) {
        await c.waitFor((m) => m.type === 'book.delta' && m.seq >= lastSeq, 'the last trade’s delta', 30_000);
        // The tape in commit order, each trade once; every delta once, in order, without a gap.
        const ids = tradesOf(c).map((t) => t.tradeId);
        expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2]);
        const deltas = c.messages.filter((m) => m.type === 'book.delta').map((m) => m.seq);
        expect(deltas).toEqual([...deltas].sort((x, y) => x - y));
        expect(new Set(deltas).size).toBe(deltas.length);
        expect(bookOf(c).asks).toEqual([[100_000, 2 * LOT]]);
      }
      expect(tradesOf(cb)).toEqual(tradesOf(ca));
      await ca.waitFor(() => ca.messages.filter((m) => m.type === 'fill').length === 3, 'alice’s three fills', 30_000);
      const fills = ca.messages.filter((m) => m.type === 'fill').map((m) => m.fill.tradeId);
      expect(fills).toEqual(tradesOf(ca).map((t) => t.tradeId));
      // The stream itself holds each message once (by its id): one sent again that it had after all was dropped.
      const stored = (await storedMessages(nats.url)).flatMap((m) => (m.id ? [m.id] : []));
      expect(new Set(stored).size).toBe(stored.length);
      await honestPairTradesAt(a.url, a.wsUrl, 99_000);
    }, 120_000);

    it('keeps an account’s order budget across gateways: one account sending through both at once gets no more', async () => {
      // A budget of 10 orders that barely refills, set on the core on purpose; the gateways keep the shipped one,
      // under which each of them alone would take every order sent here.
      const { a, b } = await startCluster({ accountOrderRate: { perSecond: 0.01, burst: 10 } });
      const alice = await signUp(a.url, 'alice');
      const connections = [
        await client(a.wsUrl, alice.accessToken),
        await client(a.wsUrl, alice.accessToken),
        await client(b.wsUrl, alice.accessToken),
        await client(b.wsUrl, alice.accessToken),
      ];
      const answers = await Promise.all(
        connections.flatMap((c, i) =>
          Array.from({ length: 5 }, (_, j) =>
            c.request({
              op: 'order.new',
              order: {
                market: MARKET,
                clientOrderId: `o${i}-${j}`,
                side: 'buy',
                type: 'limit',
                price: 90_000 + 100 * (i * 5 + j),
                quantity: 2 * LOT,
              },
            }),
          ),
        ),
      );
      const acked = answers.filter((r) => r.type === 'ack');
      const refused = answers.filter((r) => r.type === 'reject');
      expect(acked).toHaveLength(10);
      expect(refused).toHaveLength(10);
      for (const r of refused) expect(r).toMatchObject({ reason: 'RATE_LIMITED' });
      const orders = await http<{ orders: OrderView[] }>(b.url, 'GET', '/api/v1/orders', { token: alice.accessToken });
      expect(orders.body.orders).toHaveLength(10);
      // Another account's budget is its own.
      await honestPairTradesAt(b.url, b.wsUrl, 100_000);
    });

    it('publishes balances only for accounts a gateway watches, and those of a watcher the core forgot at once', async () => {
      const { core, a, nats, dir } = await startCluster();
      const alice = await signUp(a.url, 'alice');
      // Carol signed up and is signed in nowhere: no gateway watches her.
      const carol = await signUp(a.url, 'carol');
      const ca = await client(a.wsUrl, alice.accessToken);
      const ask = await ca.ok({
        op: 'order.new',
        order: { market: MARKET, clientOrderId: 'ask', side: 'sell', type: 'limit', price: 100_000, quantity: 5 * LOT },
      });
      await bidInCore(core, carol.accountId, 'carol-1');
      await ca.waitFor(
        (m) => m.type === 'balance' && lpj(m.balances).held === 4 * LOT,
        'alice’s balance after carol’s fill',
      );
      const types = (subject: string) =>
        storedMessages(nats.url).then((all) =>
          all
            .filter((m) => m.subject === subject)
            .flatMap((m) => (m.body as { m: ServerMessage[] }).m.map((x) => x.type)),
        );
      // Carol's orders and fills go out (a gateway she signs in to later has them from the core anyway); her
      // balances are not read nor sent.
      await waitUntil(async () => (await types(`lpj.ev.acct.${carol.accountId}`)).includes('fill'), 'carol’s fill');
      expect(await types(`lpj.ev.acct.${carol.accountId}`)).not.toContain('balance');
      expect(await types(`lpj.ev.acct.${alice.accountId}`)).toContain('balance');
      // The core starts again and knows nothing of who is signed in where: gateway A tells it, and alice gets her
      // balances as they are then, with no trade to carry them.
      const balancesBefore = ca.messages.filter((m) => m.type === 'balance').length;
      await core.close();
      const again = await startTestServer(dir, { natsUrl: nats.url });
      cleanup.push(() => again.close());
      await ca.waitFor(
        () => ca.messages.filter((m) => m.type === 'balance').length > balancesBefore,
        'alice’s balances from the restarted core',
        20_000,
      );
      expect(lastBalance(ca)).toEqual(balanceViews(again.exchange, alice.accountId));
      // And from then on with every commit that moves them.
      await bidInCore(again, carol.accountId, 'carol-2');
      await ca.waitFor(
        (m) => m.type === 'balance' && lpj(m.balances).held === 3 * LOT,
        'alice’s balance after carol’s second fill',
      );
      expect(ask.orderId).toBeGreaterThan(0);
      await honestPairTradesAt(a.url, a.wsUrl, 99_000);
    });

    it('serves the notification stream on every gateway, resuming after Last-Event-ID without loss or repeats', async () => {
      const { a, b } = await startCluster();
      const { alice, ca, cb } = await aliceAndBob(a, b);
      let trades = 0;
      // Alice's ask through gateway A, taken whole by Bob's bid through B: one fill notification each.
      const trade = async () => {
        trades++;
        const order = { market: MARKET, type: 'limit' as const, price: 100_000, quantity: LOT };
        await ca.ok({ op: 'order.new', order: { ...order, clientOrderId: `ask-${trades}`, side: 'sell' } });
        await cb.ok({ op: 'order.new', order: { ...order, clientOrderId: `bid-${trades}`, side: 'buy' } });
      };
      const open = async (url: string, headers: Record<string, string>) => {
        const s = await SseClient.open(url, headers);
        cleanup.push(async () => s.close());
        expect(s.status).toBe(200);
        return s;
      };
      await trade();
      // Alice's stream on gateway B, which did not place her orders: the backlog, then what comes live.
      const first = await open(`${b.url}/notifications/stream`, { authorization: `Bearer ${alice.accessToken}` });
      await first.waitForCount(1, 20_000);
      await trade();
      await first.waitForCount(2, 20_000);
      const seen = first.events.map((e) => JSON.parse(e.data) as Notification);
      expect(seen.map((n) => n.kind)).toEqual(['fill', 'fill']);
      expect(first.events.map((e) => Number(e.id))).toEqual(seen.map((n) => n.id));
      expect(seen[1].data).toMatchObject({ market: MARKET, side: 'sell', price: 100_000, quantity: LOT });
      first.close();
      // Missed while away, then resumed on gateway A with a ticket and Last-Event-ID, as an EventSource does.
      await trade();
      await trade();
      const ticket = await http<StreamTicket>(b.url, 'POST', '/api/v1/notifications/ticket', {
        token: alice.accessToken,
      });
      const streamUrl = `${a.url}/notifications/stream?ticket=${encodeURIComponent(ticket.body.ticket)}`;
      const resumed = await open(streamUrl, { 'last-event-id': first.events[1].id! });
      await resumed.waitForCount(2, 20_000);
      await trade();
      await resumed.waitForCount(3, 20_000);
      const after = resumed.events.map((e) => JSON.parse(e.data) as Notification);
      const all = await http<Notification[]>(b.url, 'GET', '/api/v1/notifications', { token: alice.accessToken });
      expect(all.body).toHaveLength(5);
      expect([...seen, ...after]).toEqual(all.body);
      // A ticket opens one stream, on any gateway.
      const again = await SseClient.open(streamUrl.replace(a.url, b.url));
      cleanup.push(async () => again.close());
      expect(again.status).toBe(401);
      // Signing out through gateway B ends the stream on A.
      expect((await http(b.url, 'POST', '/api/v1/auth/signout', { token: alice.accessToken })).status).toBe(204);
      await resumed.ended;
      await honestPairTradesAt(a.url, a.wsUrl, 100_000);
    });

    it('answers a history past NATS’s 1 MiB message limit through a gateway, whole and in order', async () => {
      const { a, b } = await startCluster();
      const alice = await signUp(a.url, 'alice');
      // A practice history of 1,000 entries of about 1.1 KB each, uploaded in bodies under the 256 KiB limit.
      const entries = Array.from({ length: 1_000 }, (_, i) => ({
        localId: `entry-${String(i).padStart(4, '0')}`,
        kind: 'order' as const,
        market: MARKET,
        ts: 1_700_000_000_000 + i,
        data: Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, `${k}${i}`.padEnd(200, k)])),
      }));
      for (let i = 0; i < entries.length; i += 200) {
        const up = await http(a.url, 'POST', '/api/v1/practice/journal', {
          token: alice.accessToken,
          body: { entries: entries.slice(i, i + 200) },
        });
        expect(up.status).toBe(200);
      }
      const read = await http<PracticeEntry[]>(b.url, 'GET', '/api/v1/practice/journal?limit=1000', {
        token: alice.accessToken,
      });
      expect(read.status).toBe(200);
      expect(Buffer.byteLength(read.text)).toBeGreaterThan(1024 * 1024);
      expect(read.body).toEqual(entries);
      await honestPairTradesAt(b.url, b.wsUrl, 100_000);
    });

    it('answers a gateway’s worst HTTP with a reason and keeps serving honest traders', async () => {
      const { a } = await startCluster();
      const huge = await http(a.url, 'POST', '/api/v1/auth/signup', {
        rawBody: `{"nickname":"${'x'.repeat(300_000)}"}`,
      });
      expect(huge.status).toBe(413);
      expect(huge.body).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
      const broken = await http(a.url, 'POST', '/api/v1/auth/signup', { rawBody: '{"nickname":' });
      expect(broken.status).toBe(400);
      // The notification stream, served by the gateway: a made-up ticket, no credentials, a broken resume point.
      const ticketless = await http(a.url, 'GET', '/notifications/stream?ticket=x');
      expect(ticketless.status).toBe(401);
      expect((await http(a.url, 'GET', '/api/v1/notifications/stream')).status).toBe(401);
      const alice = await signUp(a.url, 'alice');
      const badResume = await SseClient.open(`${a.url}/notifications/stream`, {
        authorization: `Bearer ${alice.accessToken}`,
        'last-event-id': '-1e400',
      });
      cleanup.push(async () => badResume.close());
      expect(badResume.status).toBe(400);
      const nowhere = await http(a.url, 'GET', '/api/v1/nothing-here');
      expect(nowhere.status).toBe(404);
      await honestPairTradesAt(a.url, a.wsUrl, 100_000);
    });
  },
);
