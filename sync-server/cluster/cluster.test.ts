/**
 * One core and two gateways joined by a real nats-server with JetStream: clients on different gateways trade LPJ
 * and see the same book, tape and balances; an order resent through the other gateway is answered, not placed
 * twice. Skips, saying why, where no nats-server is installed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BalanceView, OrderView, ServerMessage } from '../../engine/protocol/sync';
import { BookMirror } from '../../engine/node/sync/book-mirror';
import { defaultConfig } from '../config';
import {
  honestPairTradesAt,
  http,
  LOT,
  MARKET,
  signUp,
  startTestServer,
  tempDir,
  TEST_GRANT,
  type TestServer,
} from '../testing/harness';
import { NO_NATS_SERVER, startNatsServer, type NatsServer } from '../testing/nats-server';
import { TestWsClient } from '../testing/ws-client';
import { startGatewayNode, type GatewayNode } from './gateway-node';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function startCluster(): Promise<{
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
  const core = await startTestServer(dir.path, { natsUrl: nats.url });
  cleanup.push(() => core.close());
  const gateway = async () => {
    const g = await startGatewayNode(
      defaultConfig({ dataDir: dir.path, port: 0, logLevel: process.env.CLUSTER_LOG ?? 'silent' }),
      nats.url,
    );
    cleanup.push(() => g.close());
    return g;
  };
  return { core, a: await gateway(), b: await gateway(), nats, dir: dir.path };
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

/** Polls a condition that a background process makes true (a reconnect, a readiness flip). */
async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lpj = (balances: BalanceView[]) => balances.find((b) => b.asset === 'LPJ')!;
const lastBalance = (c: TestWsClient) =>
  (c.messages.filter((m) => m.type === 'balance') as Extract<ServerMessage, { type: 'balance' }>[]).at(-1)!.balances;

describe.skipIf(NO_NATS_SERVER)(
  `a cluster of one core and two gateways${NO_NATS_SERVER ? ` (${NO_NATS_SERVER})` : ''}`,
  () => {
    it('two clients on different gateways trade LPJ and see the same book, tape and balances', async () => {
      const { core, a, b } = await startCluster();
      // Sign-up and every other HTTP call go through a gateway, which hands them to the core.
      const alice = await signUp(a.url, 'alice');
      const bob = await signUp(b.url, 'bob');
      const ca = await client(a.wsUrl, alice.accessToken);
      const cb = await client(b.wsUrl, bob.accessToken);
      for (const c of [ca, cb]) {
        await c.ok({ op: 'subscribe', channel: 'book', market: MARKET });
        await c.ok({ op: 'subscribe', channel: 'trades', market: MARKET });
        await c.waitFor((m) => m.type === 'book.snapshot', 'the book snapshot');
      }
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
  },
);
