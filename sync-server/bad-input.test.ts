/**
 * Everything a client can send wrong over the WebSocket: each gets a clear refusal, none crashes the server,
 * none changes anyone's data. Floods meet the per-connection and per-account limits, and a consumer that stops
 * reading is cut off with a reason once its send buffer is full.
 */
import { describe, expect, it } from 'vitest';
import type { BalanceView, OrderView, ServerMessage, Session } from '../engine/protocol/sync';
import { MAX_WS_FRAME_BYTES } from '../engine/protocol/sync';
import { LOT, MARKET, eventually, http, signUp } from './testing/harness';
import { limitOrder, serverPerTest } from './testing/per-test';

const t = serverPerTest();
const limit = limitOrder;

type Reject = Extract<ServerMessage, { type: 'reject' }>;

/** What an account owns and has open: must be unchanged by anything refused. */
async function state(s: Session) {
  const b = await http<BalanceView[]>(t.server.url, 'GET', '/api/v1/balances', { token: s.accessToken });
  const o = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=500', {
    token: s.accessToken,
  });
  return { balances: b.body, orders: o.body.orders };
}

async function metric(name: string): Promise<number> {
  const text = (await http(t.server.url, 'GET', '/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
  return line ? Number(line.split(' ').at(-1)) : NaN;
}

describe('malformed and refused messages', () => {
  it('refuses bad JSON, unknown ops, wrong types, binary frames and unknown markets with a reason, and keeps serving', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const c = await t.connect(alice);
    const before = await state(alice);

    const next = async (send: () => void) => {
      const from = c.messages.length;
      send();
      return c.waitFor<Reject>((m) => m.type === 'reject', 'reject', 5_000, from);
    };
    expect(await next(() => c.sendRaw('{"op":"ping",'))).toMatchObject({ id: null, op: null, reason: 'BAD_JSON' });
    expect(await next(() => c.sendRaw('null'))).toMatchObject({ id: null, reason: 'BAD_MESSAGE' });
    expect(await next(() => c.sendRaw('[1,2,3]'))).toMatchObject({ id: null, reason: 'BAD_MESSAGE' });
    expect(await next(() => c.send({ op: 'order.teleport', id: 7 }))).toMatchObject({ id: 7, reason: 'UNKNOWN_OP' });
    expect(await next(() => c.send({ id: 8 }))).toMatchObject({
      id: 8,
      reason: 'BAD_MESSAGE',
      message: expect.stringContaining('op'),
    });
    expect(await next(() => c.sendRaw(Buffer.from('{"op":"ping","id":1}'), true))).toMatchObject({
      reason: 'BAD_MESSAGE',
      message: expect.stringMatching(/binary/),
    });

    // Wrong types and extra fields are named in the message.
    const badPrice = await next(() =>
      c.send({
        ...limit('x1', 'buy', 100_000, 2 * LOT),
        id: 'p',
        order: { ...limit('x1', 'buy', 100_000, 2 * LOT).order, price: '100000' },
      }),
    );
    expect(badPrice).toMatchObject({ id: 'p', reason: 'BAD_MESSAGE', message: expect.stringContaining('order.price') });
    const extra = await next(() => c.send({ op: 'ping', id: 'e', admin: true }));
    expect(extra).toMatchObject({ id: 'e', reason: 'BAD_MESSAGE', message: expect.stringContaining('admin') });
    const negative = await next(() => c.send({ ...limit('x2', 'buy', -5, 2 * LOT), id: 'n' }));
    expect(negative).toMatchObject({ id: 'n', reason: 'BAD_MESSAGE' });
    const float = await next(() => c.send({ ...limit('x3', 'buy', 100_000, 1.5), id: 'f' }));
    expect(float).toMatchObject({ id: 'f', reason: 'BAD_MESSAGE', message: expect.stringContaining('order.quantity') });
    const badId = await next(() => c.send({ op: 'ping', id: { nested: 1 } }));
    expect(badId).toMatchObject({ id: null, reason: 'BAD_MESSAGE' });
    const badCid = await next(() =>
      c.send({ op: 'order.new', id: 'c', order: { ...limit('has space', 'buy', 100_000, 2 * LOT).order } }),
    );
    expect(badCid).toMatchObject({ id: 'c', reason: 'BAD_MESSAGE', message: expect.stringContaining('clientOrderId') });

    // Refused by the engine or the gateway, with the engine's reason.
    expect(await c.request({ op: 'subscribe', channel: 'book', market: 'DOGE-KRW' })).toMatchObject({
      type: 'reject',
      reason: 'UNKNOWN_MARKET',
    });
    expect(await c.request({ op: 'subscribe', channel: 'candles', market: MARKET })).toMatchObject({
      type: 'reject',
      reason: 'BAD_MESSAGE',
    });
    expect(await c.request({ op: 'subscribe', channel: 'book', market: MARKET, interval: '1m' })).toMatchObject({
      type: 'reject',
      reason: 'BAD_MESSAGE',
    });
    expect(
      await c.request({
        op: 'order.new',
        order: { ...limit('u1', 'buy', 100_000, 2 * LOT).order, market: 'DOGE-KRW' },
      }),
    ).toMatchObject({ type: 'reject', reason: 'UNKNOWN_MARKET' });
    expect(await c.request(limit('u2', 'buy', 100_000, LOT + 1))).toMatchObject({
      type: 'reject',
      op: 'order.new',
      reason: 'BELOW_LOT_SIZE',
    });
    expect(await c.request(limit('u3', 'buy', 1, LOT))).toMatchObject({ type: 'reject', reason: 'BELOW_MIN_NOTIONAL' });
    expect(await c.request(limit('u4', 'buy', 10_000_000, 100 * LOT))).toMatchObject({
      type: 'reject',
      reason: 'INSUFFICIENT_FUNDS',
    });
    expect(
      await c.request({
        op: 'order.new',
        order: { market: MARKET, clientOrderId: 'u5', side: 'buy', type: 'market', quantity: LOT },
      }),
    ).toMatchObject({ type: 'reject', reason: 'NO_LIQUIDITY' });
    expect(await c.request({ op: 'order.cancel', market: MARKET, orderId: 999_999 })).toMatchObject({
      type: 'reject',
      reason: 'UNKNOWN_ORDER',
    });

    // Still connected and served, and nothing changed.
    await c.sync();
    expect(c.isOpen).toBe(true);
    expect(c.ofType('reject').every((r) => r.message.length > 0)).toBe(true);
    expect(await state(alice)).toEqual(before);
    expect(await metric('lpj_ws_bad_messages_total')).toBeGreaterThan(0);
  });

  it('closes a connection that sends a frame over the limit with 1009, and nobody else notices', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const other = await t.connect(alice);
    const c = await t.connect(alice);
    c.sendRaw(JSON.stringify({ op: 'ping', id: 'x'.repeat(MAX_WS_FRAME_BYTES) }));
    const closed = await c.closed;
    expect(closed.code).toBe(1009);
    await other.sync();
    const again = await t.connect(alice);
    // A frame just under the limit is fine (refused for its id's length, not cut off).
    again.sendRaw(JSON.stringify({ op: 'ping', id: 'y'.repeat(MAX_WS_FRAME_BYTES - 100) }));
    expect(await again.waitFor((m) => m.type === 'reject', 'reject')).toMatchObject({ reason: 'BAD_MESSAGE' });
    expect(again.isOpen).toBe(true);
  });

  it("refuses order entry without a sign-in, with a bad token, and on another account's orders", async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const anon = await t.connect();
    expect(await anon.request(limit('a1', 'buy', 100_000, 2 * LOT))).toMatchObject({
      type: 'reject',
      op: 'order.new',
      reason: 'NOT_AUTHENTICATED',
    });
    expect(await anon.request({ op: 'order.cancel_all' })).toMatchObject({
      type: 'reject',
      reason: 'NOT_AUTHENTICATED',
    });
    expect(await anon.request({ op: 'auth', token: 'not-a-token' })).toMatchObject({
      type: 'reject',
      op: 'auth',
      reason: 'TOKEN_INVALID',
    });
    // A refresh token is not an access token.
    expect(await anon.request({ op: 'auth', token: alice.refreshToken })).toMatchObject({
      type: 'reject',
      reason: 'TOKEN_INVALID',
    });
    expect(await anon.request(limit('a1', 'buy', 100_000, 2 * LOT))).toMatchObject({
      type: 'reject',
      reason: 'NOT_AUTHENTICATED',
    });
    // Public data needs no sign-in.
    expect(await anon.request({ op: 'subscribe', channel: 'book', market: MARKET })).toMatchObject({ type: 'ack' });

    const b = await t.connect(bob);
    const bobOrder = await b.ok(limit('bob-1', 'sell', 101_000, 3 * LOT));
    const bobBefore = await state(bob);
    const a = await t.connect(alice);
    const aliceBefore = await state(alice);
    expect(await a.request({ op: 'order.cancel', market: MARKET, orderId: bobOrder.orderId! })).toMatchObject({
      type: 'reject',
      reason: 'UNKNOWN_ORDER',
    });
    expect(
      await a.request({ op: 'order.amend', market: MARKET, orderId: bobOrder.orderId!, quantity: 2 * LOT }),
    ).toMatchObject({ type: 'reject', reason: 'UNKNOWN_ORDER' });
    expect(await a.ok({ op: 'order.cancel_all', market: MARKET })).toMatchObject({ result: { cancelled: 0 } });
    // Bob's order is neither visible to Alice nor reported to her.
    expect(
      (await http(t.server.url, 'GET', `/api/v1/orders/${bobOrder.orderId}`, { token: alice.accessToken })).status,
    ).toBe(404);
    expect(
      (await http(t.server.url, 'GET', `/api/v1/orders/${bobOrder.orderId}`, { token: bob.accessToken })).status,
    ).toBe(200);
    await a.sync();
    expect(a.ofType('order')).toEqual([]);
    expect(await state(bob)).toEqual(bobBefore);
    expect(await state(alice)).toEqual(aliceBefore);
    expect(bobBefore.orders[0]).toMatchObject({ orderId: bobOrder.orderId, status: 'open', quantity: 3 * LOT });
  });

  it('refuses an expired access token on the socket and over HTTP until it is refreshed', async () => {
    let clock = Date.UTC(2025, 0, 1);
    await t.start({ now: () => clock, accessTtlMs: 60_000 });
    const alice = await signUp(t.server.url, 'alice');
    const c = await t.connect(alice);
    expect(await c.ok(limit('t1', 'buy', 99_000, 2 * LOT))).toMatchObject({ op: 'order.new' });

    clock += 60_000;
    // The signed-in socket stops trading when its token expires; reads are refused too.
    expect(await c.request(limit('t2', 'buy', 99_000, 2 * LOT))).toMatchObject({
      type: 'reject',
      reason: 'TOKEN_EXPIRED',
      message: expect.stringMatching(/refresh/),
    });
    expect(await c.request({ op: 'order.cancel_all' })).toMatchObject({ type: 'reject', reason: 'TOKEN_EXPIRED' });
    const fresh = await t.connect();
    expect(await fresh.request({ op: 'auth', token: alice.accessToken })).toMatchObject({
      type: 'reject',
      reason: 'TOKEN_EXPIRED',
    });
    const me = await http<{ error: { code: string } }>(t.server.url, 'GET', '/api/v1/me', { token: alice.accessToken });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('TOKEN_EXPIRED');

    const refreshed = await http<Session>(t.server.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: alice.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.accessExpiresAt).toBe(clock + 60_000);
    // The refresh ended the old session, so its socket is closed, saying why; a new one signs in with the new token.
    expect(await c.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'SESSION_REFRESHED' });
    const again = await t.connect(refreshed.body);
    expect(await again.ok(limit('t2', 'buy', 99_000, 2 * LOT))).toMatchObject({ op: 'order.new' });
    const orders = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders', {
      token: refreshed.body.accessToken,
    });
    expect(orders.body.orders.map((o) => o.clientOrderId)).toEqual(['t2', 't1']);

    // An expired refresh token cannot be traded in.
    clock += 31 * 24 * 3_600_000;
    const late = await http<{ error: { code: string } }>(t.server.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: refreshed.body.refreshToken },
    });
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('TOKEN_EXPIRED');
  });
});

describe('closed connections', () => {
  it('ignores orders a signed-out connection sends before it has read the close', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice', 'alice-password');
    const c = await t.connect(alice);
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    // The client is not reading when the sign-out happens, so it still thinks it is connected and sends.
    socket.pause();
    expect((await http(t.server.url, 'POST', '/api/v1/auth/signout', { token: alice.accessToken })).status).toBe(204);
    c.send({ ...limit('after-signout', 'buy', 99_000, 2 * LOT), id: 'o' });
    c.send({ op: 'order.cancel_all', id: 'x' });
    // Give the server time to read both frames before the client reads the close.
    await new Promise((r) => setTimeout(r, 200));
    socket.resume();
    expect((await c.closed).code).toBe(1008);
    expect(c.ofType('ack')).toHaveLength(1); // the auth
    const again = await http<Session>(t.server.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: 'alice', password: 'alice-password' },
    });
    const orders = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders', {
      token: again.body.accessToken,
    });
    expect(orders.body.orders).toEqual([]);
    expect(await metric('lpj_orders_total{result="accepted"}')).toBeNaN();
  });
});

describe('floods', () => {
  it('holds one connection to its message budget, naming each refused request, and cuts off one that keeps on', async () => {
    // A frozen clock: the budget does not refill during the test.
    const clock = Date.UTC(2025, 0, 1);
    await t.start({ now: () => clock, wsRate: { perSecond: 1, burst: 5 } });
    const c = await t.connect();
    const other = await t.connect();
    for (let i = 0; i < 8; i++) c.send({ op: 'ping', id: i });
    await c.waitFor((m) => m.type === 'reject' && m.id === 7, 'the 8th ping refused');
    expect(c.ofType('pong').map((p) => p.id)).toEqual([0, 1, 2, 3, 4]);
    expect(c.ofType('reject')).toEqual(
      [5, 6, 7].map((id) => ({
        type: 'reject',
        id,
        op: 'ping',
        reason: 'RATE_LIMITED',
        message: expect.stringContaining('messages/s'),
      })),
    );

    // Going on regardless: cut off with a reason.
    for (let i = 0; i < 60; i++) c.send({ op: 'ping', id: 100 + i });
    expect(await c.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await c.closed).code).toBe(1008);
    // Another connection has its own budget.
    await other.sync();
  });

  it('holds an account to its order budget across all its connections', async () => {
    const clock = Date.UTC(2025, 0, 1);
    await t.start({ now: () => clock, accountOrderRate: { perSecond: 1, burst: 3 } });
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const a1 = await t.connect(alice);
    const a2 = await t.connect(alice);
    expect(await a1.ok(limit('o1', 'buy', 99_000, 2 * LOT))).toMatchObject({ op: 'order.new' });
    expect(await a2.ok(limit('o2', 'buy', 99_001, 2 * LOT))).toMatchObject({ op: 'order.new' });
    expect(await a1.ok(limit('o3', 'buy', 99_002, 2 * LOT))).toMatchObject({ op: 'order.new' });
    const limited = await a2.request(limit('o4', 'buy', 99_003, 2 * LOT));
    expect(limited).toMatchObject({
      type: 'reject',
      op: 'order.new',
      reason: 'RATE_LIMITED',
      message: expect.stringContaining('orders/s'),
    });
    expect(await a1.request({ op: 'order.cancel_all' })).toMatchObject({ type: 'reject', reason: 'RATE_LIMITED' });
    // Reads are not orders; another account has its own budget.
    await a1.sync();
    const b = await t.connect(bob);
    expect(await b.ok(limit('b1', 'sell', 101_000, 2 * LOT))).toMatchObject({ op: 'order.new' });
    const orders = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders', {
      token: alice.accessToken,
    });
    expect(orders.body.orders.map((o) => o.clientOrderId)).toEqual(['o3', 'o2', 'o1']);
    expect(await metric('lpj_orders_total{result="rate_limited"}')).toBe(2);
  });

  it('disconnects a consumer that stops reading once its send buffer is full, saying why, and serves the others', async () => {
    await t.start({ maxBufferedBytes: 64 * 1024, wsRate: { perSecond: 100_000, burst: 100_000 } });
    const alice = await signUp(t.server.url, 'alice');
    const maker = await t.connect(alice);
    // A deep book, so each snapshot is several kilobytes.
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) pending.push(maker.ok(limit(`deep-${i}`, 'buy', 90_000 + i, 2 * LOT)));
    await Promise.all(pending);

    const healthy = await t.connect();
    await healthy.ok({ op: 'subscribe', channel: 'book', market: MARKET });
    const slow = await t.connect();
    await slow.ok({ op: 'subscribe', channel: 'book', market: MARKET });
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const receivedBefore = slow.messages.length;

    // The slow client keeps asking for snapshots and the book keeps changing; it reads nothing. Once the server
    // stops sending to it, fewer than the 100 snapshots of a round go out.
    let round = 0;
    for (let sentInRound = Infinity; sentInRound >= 100;) {
      if (++round > 100) throw new Error('the slow consumer was never cut off');
      const out = await metric('lpj_ws_messages_out_total');
      for (let i = 0; i < 100; i++) slow.send({ op: 'snapshot', id: `s${round}-${i}`, market: MARKET });
      await maker.ok(limit(`flood-${round}`, 'sell', 100_000 + round, 2 * LOT));
      await healthy.sync();
      sentInRound = (await metric('lpj_ws_messages_out_total')) - out;
    }
    expect(slow.messages.length).toBe(receivedBefore);
    // It reads again, promptly: what was queued before the cut, then the close frame with the reason.
    socket.resume();
    const closed = await slow.closed;
    expect(closed).toEqual({ code: 4008, reason: 'SLOW_CONSUMER' });

    // The healthy subscriber kept up and its book is intact.
    await healthy.sync();
    expect(healthy.isOpen).toBe(true);
    expect(healthy.ofType('book.delta').length).toBeGreaterThanOrEqual(round);
    await maker.sync();
    expect((await http(t.server.url, 'GET', '/healthz')).status).toBe(200);
    await eventually(async () => (await metric('lpj_ws_connections')) === 2, 'the slow connection to be gone');
    const orders = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=500', {
      token: alice.accessToken,
    });
    expect(orders.body.orders).toHaveLength(200 + round);
  });
});
