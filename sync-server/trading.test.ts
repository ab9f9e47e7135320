import { mulberry32 } from '../engine/core/random/prng';
/**
 * The sync server end to end over real sockets: sign-up to a first fill between two accounts, a mirrored book
 * that matches the server's after a random order stream, gap resync, idempotent resend after a reconnect, and
 * recovery of orders, balances and the book after a restart on the same data directory.
 */
import { settled, type OrderResult } from './trading/exchange';
import { describe, expect, it } from 'vitest';
import type { BalanceView, Fill, OrderView, ServerMessage, Session } from '../engine/protocol/sync';
import { BookMirror } from '../engine/node/sync/book-mirror';
import { LOT, LPJ, MARKET, TEST_GRANT, honestPairTrades, http, signUp } from './testing/harness';
import { limitOrder, serverPerTest } from './testing/per-test';
import { TestWsClient } from './testing/ws-client';

/** The random streams send faster than the default per-connection budget allows. */
const UNTHROTTLED = { wsRate: { perSecond: 100_000, burst: 100_000 } };

const t = serverPerTest();
const limit = limitOrder;

async function serverBook() {
  const r = await http<{ seq: number; bids: [number, number][]; asks: [number, number][] }>(
    t.server.url,
    'GET',
    `/api/v1/markets/${MARKET}/book?levels=1000`,
  ); // the most a snapshot returns
  expect(r.status).toBe(200);
  return r.body;
}

async function balances(s: Session): Promise<Record<string, BalanceView>> {
  const r = await http<BalanceView[]>(t.server.url, 'GET', '/api/v1/balances', { token: s.accessToken });
  expect(r.status).toBe(200);
  return Object.fromEntries(r.body.map((b) => [b.asset, b]));
}

/** Sends a random mix of limit orders, cancels and market orders from two accounts and waits for every reply. */
async function randomStream(a: TestWsClient, b: TestWsClient, seed: number, count: number): Promise<void> {
  const rand = mulberry32(seed);
  const live: { client: TestWsClient; orderId: number }[] = [];
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const client = rand() < 0.5 ? a : b;
    const r = rand();
    if (r < 0.15 && live.length > 0) {
      const [o] = live.splice(Math.floor(rand() * live.length), 1);
      pending.push(o.client.request({ op: 'order.cancel', market: MARKET, orderId: o.orderId }));
    } else if (r < 0.27) {
      // Stops that trigger later, when a trade reaches them, and then rest or trade.
      const side = rand() < 0.5 ? 'buy' : 'sell';
      const stopPrice = 100_000 + (side === 'buy' ? 1 : -1) * Math.floor(rand() * 10);
      pending.push(
        client.request({
          op: 'order.new',
          order: {
            market: MARKET,
            clientOrderId: `s${seed}-${i}`,
            side,
            type: 'stop_limit',
            stopPrice,
            price: stopPrice + (side === 'buy' ? 5 : -5),
            quantity: 2 * LOT,
          },
        }),
      );
    } else if (r < 0.34) {
      const side = rand() < 0.5 ? 'buy' : 'sell';
      pending.push(
        client.request({
          op: 'order.new',
          order: {
            market: MARKET,
            clientOrderId: `m${seed}-${i}`,
            side,
            type: 'market',
            quantity: (1 + Math.floor(rand() * 3)) * LOT,
          },
        }),
      );
    } else {
      const side = rand() < 0.5 ? 'buy' : 'sell';
      // Bids mostly below 100,000 and asks mostly above, overlapping enough to trade now and then.
      const price = 100_000 + (side === 'buy' ? -1 : 1) * (Math.floor(rand() * 40) - 5);
      const quantity = (2 + Math.floor(rand() * 5)) * LOT;
      const p = client.request(limit(`l${seed}-${i}`, side, price, quantity)).then((reply) => {
        if (reply.type === 'ack' && reply.orderId) live.push({ client, orderId: reply.orderId });
        return reply;
      });
      pending.push(p);
    }
    // Let some commands share a commit and others not.
    if (rand() < 0.3) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

describe('trading between two accounts', () => {
  it('works out of the box: the shipped configuration grants KRW and LPJ, so two fresh accounts can trade', async () => {
    await t.start();
    const s = await signUp(t.server.url, 'first_seller');
    expect((await balances(s)).LPJ.available).toBeGreaterThan(0);
    await honestPairTrades(t.server);
    expect(t.server.exchange.engine.lastPrice(MARKET)).toBe(100_000);
  });

  it('takes two new accounts from sign-up to their first fill, with orders, fills, balances and market data pushed', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    expect(alice.accountId).not.toBe(bob.accountId);
    expect(await balances(alice)).toEqual({
      KRW: { asset: 'KRW', available: TEST_GRANT.KRW, held: 0 },
      LPJ: { asset: 'LPJ', available: TEST_GRANT.LPJ, held: 0 },
    });

    const watcher = await t.connect();
    await watcher.ok({ op: 'subscribe', channel: 'trades', market: MARKET });
    await watcher.ok({ op: 'subscribe', channel: 'ticker', market: MARKET });
    const a = await t.connect(alice);
    const b = await t.connect(bob);
    // Alice is signed in on a second device too.
    const elsewhere = await t.connect(alice);
    expect(a.ofType('balance').at(-1)?.balances).toContainEqual({ asset: 'KRW', available: TEST_GRANT.KRW, held: 0 });

    const sell = await a.ok(limit('a-1', 'sell', 100_000, LPJ));
    expect(sell.orderId).toBeGreaterThan(0);
    // The seller's order is open and its LPJ held.
    await a.waitFor(
      (m) => m.type === 'order' && m.order.orderId === sell.orderId && m.order.status === 'open',
      'open order',
    );
    expect((await balances(alice)).LPJ).toEqual({ asset: 'LPJ', available: TEST_GRANT.LPJ - LPJ, held: LPJ });

    const bobFrames: unknown[] = [];
    b.ws.on('message', (data) => bobFrames.push(JSON.parse(data.toString())));
    const buy = await b.ok(limit('b-1', 'buy', 100_000, LPJ));
    // What the commit said to the taker came as one frame: its order, its fill and balance, then the reply.
    const replyFrame = bobFrames.find(
      (f): f is { type: string }[] => Array.isArray(f) && f.some((m) => m.type === 'ack'),
    );
    expect(replyFrame?.map((m) => m.type)).toEqual(['order', 'fill', 'balance', 'ack']);
    const bobFill = await b.waitFor<Extract<ServerMessage, { type: 'fill' }>>((m) => m.type === 'fill', 'bob fill');
    const aliceFill = await a.waitFor<Extract<ServerMessage, { type: 'fill' }>>((m) => m.type === 'fill', 'alice fill');
    expect(bobFill.fill).toMatchObject({
      orderId: buy.orderId,
      side: 'buy',
      price: 100_000,
      quantity: LPJ,
      quoteAmount: 100_000,
      liquidity: 'taker',
      fee: 100,
    });
    expect(aliceFill.fill).toMatchObject({
      orderId: sell.orderId,
      side: 'sell',
      price: 100_000,
      quantity: LPJ,
      quoteAmount: 100_000,
      liquidity: 'maker',
      fee: 50,
    });
    expect(aliceFill.fill.tradeId).toBe(bobFill.fill.tradeId);
    // Her other device is told the same, word for word: the order's updates, the fill and the balance.
    await elsewhere.waitFor((m) => m.type === 'fill', 'alice fill on her other device');
    await Promise.all([a.sync(), elsewhere.sync()]);
    const told = (c: TestWsClient) =>
      c.messages.filter(
        (m) => (m.type === 'order' && m.order.orderId === sell.orderId) || m.type === 'fill' || m.type === 'balance',
      );
    expect(told(elsewhere).slice(-3)).toEqual(told(a).slice(-3));
    expect(told(elsewhere).map((m) => m.type)).toContain('fill');
    await a.waitFor(
      (m) => m.type === 'order' && m.order.orderId === sell.orderId && m.order.status === 'filled',
      'alice order filled',
    );
    await b.waitFor(
      (m) => m.type === 'order' && m.order.orderId === buy.orderId && m.order.status === 'filled',
      'bob order filled',
    );

    // Money moved exactly: price × quantity between them, taker fee 10 bps, maker fee 5 bps, nothing left held.
    expect(await balances(bob)).toEqual({
      KRW: { asset: 'KRW', available: TEST_GRANT.KRW - 100_000 - 100, held: 0 },
      LPJ: { asset: 'LPJ', available: TEST_GRANT.LPJ + LPJ, held: 0 },
    });
    expect(await balances(alice)).toEqual({
      KRW: { asset: 'KRW', available: TEST_GRANT.KRW + 100_000 - 50, held: 0 },
      LPJ: { asset: 'LPJ', available: TEST_GRANT.LPJ - LPJ, held: 0 },
    });
    // The balance pushed last over the socket agrees with HTTP.
    await b.sync();
    expect(b.ofType('balance').at(-1)?.balances).toContainEqual({
      asset: 'KRW',
      available: TEST_GRANT.KRW - 100_100,
      held: 0,
    });

    // History over HTTP.
    const orders = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders', {
      token: bob.accessToken,
    });
    expect(orders.body.orders).toEqual([
      expect.objectContaining({
        orderId: buy.orderId,
        clientOrderId: 'b-1',
        status: 'filled',
        filled: LPJ,
        quantity: LPJ,
      }),
    ]);
    const trades = await http<{ fills: Fill[] }>(t.server.url, 'GET', '/api/v1/trades', { token: alice.accessToken });
    expect(trades.body.fills).toEqual([aliceFill.fill]);

    // The public tape and ticker.
    const trade = await watcher.waitFor<Extract<ServerMessage, { type: 'trade' }>>((m) => m.type === 'trade', 'trade');
    expect(trade).toMatchObject({
      market: MARKET,
      price: 100_000,
      quantity: LPJ,
      takerSide: 'buy',
      tradeId: bobFill.fill.tradeId,
    });
    await watcher.waitFor(
      (m) => m.type === 'ticker' && m.last === 100_000 && m.volume === LPJ,
      'ticker after the trade',
    );
    const ticker = await http<{ last: number; volume: number }>(
      t.server.url,
      'GET',
      `/api/v1/markets/${MARKET}/ticker`,
    );
    expect(ticker.body).toMatchObject({ last: 100_000, volume: LPJ, quoteVolume: 100_000 });

    // Each side heard only about its own orders.
    expect(a.ofType('order').every((m) => m.order.orderId === sell.orderId)).toBe(true);
    expect(b.ofType('order').every((m) => m.order.orderId === buy.orderId)).toBe(true);
  });

  it("keeps a mirrored book equal to the server's through a random order stream", async () => {
    await t.start(UNTHROTTLED);
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const a = await t.connect(alice);
    const b = await t.connect(bob);
    // Some book before the observer subscribes, so its snapshot is not empty.
    await randomStream(a, b, 1, 40);

    let observer!: TestWsClient;
    const mirror = followBook(MARKET, () => observer.send({ op: 'snapshot', id: 'resync', market: MARKET }));
    observer = await t.connect(undefined, (m) => mirror.handle(m));
    await observer.ok({ op: 'subscribe', channel: 'book', market: MARKET });
    await observer.waitFor((m) => m.type === 'book.snapshot', 'snapshot');
    expect(mirror.book.levels()).toEqual({ bids: (await serverBook()).bids, asks: (await serverBook()).asks });

    await randomStream(a, b, 2, 300);
    await observer.sync();
    const book = await serverBook();
    expect(mirror.book.levels()).toEqual({ bids: book.bids, asks: book.asks });
    expect(book.bids.length + book.asks.length).toBeGreaterThan(10);
    expect(mirror.applied).toBeGreaterThan(50);
    expect(mirror.gaps).toBe(0);
    expect(mirror.snapshots).toBe(1);
    // The stream exercised triggered stops, not only plain orders.
    const all = [];
    for (const s of [alice, bob])
      all.push(
        ...(
          await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=500', { token: s.accessToken })
        ).body.orders,
      );
    expect(all.filter((o) => o.type === 'stop_limit' && o.status !== 'waiting').length).toBeGreaterThan(0);
    // Deltas chain: each one's prevSeq is the previous one's seq.
    const deltas = observer.ofType('book.delta');
    const after = deltas.filter((d) => d.seq > observer.ofType('book.snapshot')[0].seq);
    for (let i = 1; i < after.length; i++) expect(after[i].prevSeq).toBe(after[i - 1].seq);
  });

  it('resyncs after a lost delta: the gap is noticed, a snapshot asked for, and the mirror ends equal', async () => {
    await t.start(UNTHROTTLED);
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const a = await t.connect(alice);
    const b = await t.connect(bob);
    let observer!: TestWsClient;
    const mirror = followBook(MARKET, () => observer.send({ op: 'snapshot', id: 'resync', market: MARKET }));
    observer = await t.connect(undefined, (m) => mirror.handle(m));
    await observer.ok({ op: 'subscribe', channel: 'book', market: MARKET });
    await observer.waitFor((m) => m.type === 'book.snapshot', 'snapshot');

    await randomStream(a, b, 3, 30);
    await observer.sync();
    mirror.dropNext = 1;
    // Two separate commits: the first delta is lost, the second one shows the gap.
    await a.ok(limit('gap-1', 'buy', 90_000, 2 * LOT));
    await a.ok(limit('gap-2', 'buy', 90_001, 2 * LOT));
    await observer.sync();
    expect(mirror.gaps).toBe(1);
    await observer.waitFor(
      (m) => m.type === 'book.snapshot',
      'resync snapshot',
      5_000,
      observer.messages.findIndex((m) => m.type === 'book.snapshot') + 1,
    );
    expect(mirror.snapshots).toBe(2);

    await randomStream(a, b, 4, 100);
    await observer.sync();
    const book = await serverBook();
    expect(mirror.book.levels()).toEqual({ bids: book.bids, asks: book.asks });
    expect(mirror.book.levels().bids.find(([price]) => price === 90_000)?.[1]).toBe(2 * LOT);
  });
});

describe('reconnect and resend', () => {
  it('answers a resend of an acknowledged order after a reconnect with the same order, not a second one', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const first = await t.connect(alice);
    const order = limit('resend-1', 'buy', 99_000, 2 * LOT);
    const ack = await first.ok(order);
    expect(ack.duplicate).toBeUndefined();
    const held = (await balances(alice)).KRW.held;
    expect(held).toBeGreaterThan(0);
    // The connection drops (the client never learns whether its order got through) and it resends.
    first.ws.terminate();
    const second = await t.connect(alice);
    const again = await second.ok(order);
    expect(again).toMatchObject({ orderId: ack.orderId, duplicate: true });
    // And once more on the same connection, after the original has been filled and left the book.
    const bob = await signUp(t.server.url, 'bob');
    const b = await t.connect(bob);
    await b.ok(limit('bob-1', 'sell', 99_000, 2 * LOT));
    await second.waitFor(
      (m) => m.type === 'order' && m.order.orderId === ack.orderId && m.order.status === 'filled',
      'filled',
    );
    expect(await second.ok(order)).toMatchObject({ orderId: ack.orderId, duplicate: true });

    const orders = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders', {
      token: alice.accessToken,
    });
    expect(orders.body.orders.map((o) => o.orderId)).toEqual([ack.orderId]);
    expect((await balances(alice)).LPJ.available).toBe(TEST_GRANT.LPJ + 2 * LOT);
  });

  it('places an order resent before the first copy committed only once, even when it filled at once', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const b = await t.connect(bob);
    await b.ok(limit('ask', 'sell', 100_000, 10 * LOT));
    // Both copies arrive before the commit: the first takes liquidity and is gone from the book at once.
    const order = {
      market: MARKET,
      clientOrderId: 'twice',
      side: 'buy' as const,
      type: 'market' as const,
      quantity: 2 * LOT,
    };
    const place = () => settled<OrderResult>((r) => t.server.exchange.place(alice.accountId, order, r));
    const [one, two] = await Promise.all([place(), place()]);
    expect(one).toMatchObject({ ok: true, duplicate: false });
    expect(two).toMatchObject({ ok: true, duplicate: true });
    expect(two.ok && one.ok && two.orderId === one.orderId).toBe(true);
    expect((await balances(alice)).LPJ.available).toBe(TEST_GRANT.LPJ + 2 * LOT);
    const orders = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders', {
      token: alice.accessToken,
    });
    expect(orders.body.orders).toHaveLength(1);

    // The same over one socket: two frames back to back.
    const a = await t.connect(alice);
    const again = { op: 'order.new' as const, order: { ...order, clientOrderId: 'twice-ws' } };
    const [r1, r2] = await Promise.all([a.request(again), a.request(again)]);
    expect(r1.type === 'ack' && r2.type === 'ack' && r1.orderId === r2.orderId).toBe(true);
    expect((await balances(alice)).LPJ.available).toBe(TEST_GRANT.LPJ + 4 * LOT);
  });
});

describe('restart', () => {
  it('recovers accounts, orders, fills, balances, the book and order-id idempotency after a restart', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice', 'alice-password');
    const bob = await signUp(t.server.url, 'bob');
    const a = await t.connect(alice);
    const b = await t.connect(bob);
    await randomStream(a, b, 5, 120);
    const rest = await a.ok(limit('resting', 'buy', 95_000, 2 * LOT));
    const before = {
      book: await serverBook(),
      aliceOrders: (
        await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=500', {
          token: alice.accessToken,
        })
      ).body.orders,
      aliceFills: (
        await http<{ fills: Fill[] }>(t.server.url, 'GET', '/api/v1/trades?limit=500', { token: alice.accessToken })
      ).body.fills,
      aliceBalances: await balances(alice),
      bobBalances: await balances(bob),
      ticker: (await http(t.server.url, 'GET', `/api/v1/markets/${MARKET}/ticker`)).body,
    };
    expect(before.aliceFills.length).toBeGreaterThan(0);
    await t.disconnectAll();
    await t.server.close();

    await t.start(UNTHROTTLED);
    // Tokens issued before the restart still work; so does the password.
    expect(await balances(alice)).toEqual(before.aliceBalances);
    expect(await balances(bob)).toEqual(before.bobBalances);
    expect(
      (
        await http(t.server.url, 'POST', '/api/v1/auth/signin', {
          body: { nickname: 'alice', password: 'alice-password' },
        })
      ).status,
    ).toBe(200);
    expect(await serverBook()).toEqual(before.book);
    expect(
      (
        await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=500', {
          token: alice.accessToken,
        })
      ).body.orders,
    ).toEqual(before.aliceOrders);
    expect(
      (await http<{ fills: Fill[] }>(t.server.url, 'GET', '/api/v1/trades?limit=500', { token: alice.accessToken }))
        .body.fills,
    ).toEqual(before.aliceFills);
    expect((await http(t.server.url, 'GET', `/api/v1/markets/${MARKET}/ticker`)).body).toEqual(before.ticker);
    const a2 = await t.connect(alice);
    expect(await a2.ok(limit('resting', 'buy', 95_000, 2 * LOT))).toMatchObject({
      orderId: rest.orderId,
      duplicate: true,
    });
    // New orders get new ids and the same account can cancel what it left resting.
    const next = await a2.ok(limit('after-restart', 'buy', 95_001, 2 * LOT));
    expect(next.orderId).toBeGreaterThan(Math.max(...before.aliceOrders.map((o) => o.orderId)));
    expect(await a2.ok({ op: 'order.cancel', market: MARKET, orderId: rest.orderId! })).toMatchObject({
      op: 'order.cancel',
    });
  });
});

/**
 * The production mirror (engine/node/sync/book-mirror.ts) fed from an observer's socket the way the sync client feeds
 * it: a snapshot replaces the book, a gap asks for a fresh snapshot. Counts what happened, and `dropNext` loses
 * the next deltas as a lossy link would.
 */
function followBook(market: string, requestSnapshot: () => void) {
  const follower = {
    book: new BookMirror(market),
    snapshots: 0,
    applied: 0,
    gaps: 0,
    dropNext: 0,
    handle(msg: ServerMessage): void {
      if (msg.type === 'book.snapshot' && msg.market === market) {
        follower.book.snapshot(msg);
        follower.snapshots++;
        return;
      }
      if (msg.type !== 'book.delta' || msg.market !== market) return;
      if (follower.dropNext > 0) {
        follower.dropNext--;
        return;
      }
      const outcome = follower.book.delta(msg);
      if (outcome === 'applied') follower.applied++;
      else if (outcome === 'gap') {
        follower.gaps++;
        requestSnapshot();
      }
    },
  };
  return follower;
}
