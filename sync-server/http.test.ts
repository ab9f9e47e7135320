/**
 * The HTTP side of the sync server: sign-up, sign-in, refresh and sign-out (which closes the account's sockets),
 * order history paging, health, readiness, metrics and the OpenAPI document, the notification stream resumed
 * with Last-Event-ID, refusals of bad requests, and a log that never holds a password or a token.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Session, type HttpError, type Notification, type OrderView, type StreamTicket } from '../engine/protocol/sync';
import { LOT, LPJ, MARKET, SseClient, http, signUp } from './testing/harness';
import { limitOrder, serverPerTest } from './testing/per-test';

const t = serverPerTest();
const limit = limitOrder;

const errorCode = (r: { body: unknown }) => (r.body as HttpError).error.code;

describe('accounts', () => {
  it('signs up, refuses a taken nickname and a wrong password, signs in, and rotates tokens on refresh', async () => {
    await t.start();
    const signup = await http<Session>(t.server.url, 'POST', '/api/v1/auth/signup', {
      body: { nickname: 'Kim_1', password: 'correct horse' },
    });
    expect(signup.status).toBe(201);
    expect(Session.safeParse(signup.body).success).toBe(true);
    const me = await http<{ accountId: number; nickname: string }>(t.server.url, 'GET', '/api/v1/me', {
      token: signup.body.accessToken,
    });
    expect(me.body).toMatchObject({ accountId: signup.body.accountId, nickname: 'Kim_1' });
    // New accounts get the grant.
    expect(
      (await http(t.server.url, 'GET', '/api/v1/balances', { token: signup.body.accessToken })).body,
    ).toContainEqual({ asset: 'KRW', available: 10_000_000, held: 0 });

    // The nickname is taken, whatever its case.
    for (const nickname of ['Kim_1', 'kim_1']) {
      const dup = await http(t.server.url, 'POST', '/api/v1/auth/signup', {
        body: { nickname, password: 'another password' },
      });
      expect(dup.status).toBe(409);
      expect(errorCode(dup)).toBe('NICKNAME_TAKEN');
    }
    const wrong = await http(t.server.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: 'Kim_1', password: 'wrong horse' },
    });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong)).toBe('BAD_CREDENTIALS');
    const nobody = await http(t.server.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: 'nobody', password: 'correct horse' },
    });
    expect(nobody.status).toBe(401);
    expect(errorCode(nobody)).toBe('BAD_CREDENTIALS');
    const signin = await http<Session>(t.server.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: 'kim_1', password: 'correct horse' },
    });
    expect(signin.status).toBe(200);
    expect(signin.body.accountId).toBe(signup.body.accountId);
    expect(signin.body.accessToken).not.toBe(signup.body.accessToken);

    const refreshed = await http<Session>(t.server.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: signin.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.accountId).toBe(signup.body.accountId);
    expect(refreshed.body.refreshToken).not.toBe(signin.body.refreshToken);
    expect(refreshed.body.accessToken).not.toBe(signin.body.accessToken);
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: refreshed.body.accessToken })).status).toBe(200);
    // The old refresh token is spent: used again, it must have leaked, so the session it led to ends too.
    const again = await http(t.server.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: signin.body.refreshToken },
    });
    expect(again.status).toBe(401);
    expect(errorCode(again)).toBe('TOKEN_REUSED');
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: refreshed.body.accessToken })).status).toBe(401);
    // The first session, another sign-in, is untouched.
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: signup.body.accessToken })).status).toBe(200);
  });

  it("signs out: the token stops working and the account's sockets are closed with a reason", async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const a = await t.connect(alice);
    const b = await t.connect(bob);
    const out = await http(t.server.url, 'POST', '/api/v1/auth/signout', { token: alice.accessToken });
    expect(out.status).toBe(204);
    expect(await a.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'SIGNED_OUT' });
    expect((await a.closed).code).toBe(1008);
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: alice.accessToken })).status).toBe(401);
    expect(
      (await http(t.server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: alice.refreshToken } })).status,
    ).toBe(401);
    const again = await t.connect();
    expect(await again.request({ op: 'auth', token: alice.accessToken })).toMatchObject({
      type: 'reject',
      reason: 'TOKEN_INVALID',
    });
    // Bob is not affected.
    await b.sync();
    expect(b.isOpen).toBe(true);
    expect(await b.ok(limit('b1', 'buy', 99_000, 2 * LOT))).toMatchObject({ op: 'order.new' });
    expect((await http(t.server.url, 'POST', '/api/v1/auth/signout')).status).toBe(401);
  });

  it('refuses malformed and unauthenticated requests with a code and a message', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const cases: [string, string, Parameters<typeof http>[3], number, string][] = [
      ['POST', '/api/v1/auth/signup', { rawBody: '{"nickname": "bob", "password": ' }, 400, ''],
      ['POST', '/api/v1/auth/signup', { body: { nickname: 'b', password: 'long enough' } }, 400, 'BAD_REQUEST'],
      ['POST', '/api/v1/auth/signup', { body: { nickname: 'bob', password: 'short' } }, 400, 'BAD_REQUEST'],
      [
        'POST',
        '/api/v1/auth/signup',
        { body: { nickname: 'bob', password: 'long enough', admin: true } },
        400,
        'BAD_REQUEST',
      ],
      ['POST', '/api/v1/auth/signup', { body: { nickname: ['bob'], password: 'long enough' } }, 400, 'BAD_REQUEST'],
      ['GET', '/api/v1/orders', {}, 401, 'NOT_AUTHENTICATED'],
      ['GET', '/api/v1/orders', { token: 'forged' }, 401, 'TOKEN_INVALID'],
      ['GET', '/api/v1/orders?limit=0', { token: alice.accessToken }, 400, 'BAD_REQUEST'],
      ['GET', '/api/v1/orders?limit=abc', { token: alice.accessToken }, 400, 'BAD_REQUEST'],
      ['GET', '/api/v1/orders?status=weird', { token: alice.accessToken }, 400, 'BAD_REQUEST'],
      ['GET', '/api/v1/orders/-1', { token: alice.accessToken }, 400, 'BAD_REQUEST'],
      ['GET', '/api/v1/orders/12345', { token: alice.accessToken }, 404, 'UNKNOWN_ORDER'],
      ['GET', '/api/v1/markets/DOGE-KRW/book', {}, 404, 'UNKNOWN_MARKET'],
      ['GET', '/api/v1/nothing-here', {}, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, opts, status, code] of cases) {
      const r = await http(t.server.url, method, path, opts);
      expect(r.status, `${method} ${path}`).toBe(status);
      const body = HttpErrorShape(r.body);
      expect(body.message.length, `${method} ${path}`).toBeGreaterThan(0);
      if (code) expect(body.code, `${method} ${path}`).toBe(code);
    }
    // Nothing was created along the way.
    expect(
      (await http(t.server.url, 'POST', '/api/v1/auth/signin', { body: { nickname: 'bob', password: 'long enough' } }))
        .status,
    ).toBe(401);
    expect((await http(t.server.url, 'GET', '/healthz')).status).toBe(200);
  });
});

function HttpErrorShape(body: unknown): { code: string; message: string } {
  const e = (body as HttpError | undefined)?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string')
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  return e;
}

describe('order history', () => {
  it('pages orders newest first with ?before=, filters by status, and pages fills', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const a = await t.connect(alice);
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await a.ok(limit(`o${i}`, 'sell', 100_000 + i, 2 * LOT))).orderId!);
    // Two of them trade, one is cancelled.
    const b = await t.connect(bob);
    await b.ok(limit('take', 'buy', 100_001, 4 * LOT));
    await a.ok({ op: 'order.cancel', market: MARKET, orderId: ids[6] });

    const pages: number[][] = [];
    let before: number | undefined;
    for (;;) {
      const r = await http<{ orders: OrderView[]; nextBefore?: number }>(
        t.server.url,
        'GET',
        `/api/v1/orders?limit=3${before ? `&before=${before}` : ''}`,
        { token: alice.accessToken },
      );
      expect(r.status).toBe(200);
      pages.push(r.body.orders.map((o) => o.orderId));
      if (r.body.nextBefore === undefined) break;
      before = r.body.nextBefore;
      if (pages.length > 5) throw new Error('paging does not end');
    }
    expect(pages).toEqual([ids.slice(4).reverse(), ids.slice(1, 4).reverse(), [ids[0]]]);

    const open = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?status=open', {
      token: alice.accessToken,
    });
    expect(open.body.orders.map((o) => o.orderId)).toEqual([ids[5], ids[4], ids[3], ids[2]]);
    const closed = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?status=closed', {
      token: alice.accessToken,
    });
    expect(closed.body.orders.map((o) => [o.orderId, o.status])).toEqual([
      [ids[6], 'cancelled'],
      [ids[1], 'filled'],
      [ids[0], 'filled'],
    ]);
    expect(
      (
        await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?market=XRP-KRW', {
          token: alice.accessToken,
        })
      ).body.orders,
    ).toEqual([]);
    // Bob sees only his own.
    const bobs = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders', { token: bob.accessToken });
    expect(bobs.body.orders.map((o) => o.clientOrderId)).toEqual(['take']);

    const fills1 = await http<{ fills: { tradeId: number; orderId: number }[]; nextBefore?: number }>(
      t.server.url,
      'GET',
      '/api/v1/trades?limit=1',
      { token: alice.accessToken },
    );
    expect(fills1.body.fills).toHaveLength(1);
    expect(fills1.body.fills[0].orderId).toBe(ids[1]);
    const fills2 = await http<{ fills: { tradeId: number; orderId: number }[]; nextBefore?: number }>(
      t.server.url,
      'GET',
      `/api/v1/trades?limit=1&before=${fills1.body.nextBefore}`,
      { token: alice.accessToken },
    );
    expect(fills2.body.fills.map((f) => f.orderId)).toEqual([ids[0]]);
    expect(fills2.body.fills[0].tradeId).toBeLessThan(fills1.body.fills[0].tradeId);
  });
});

describe('operations endpoints', () => {
  it('answers /healthz, /readyz, /metrics with the lpj_ counters, and a valid OpenAPI document', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const a = await t.connect(alice);
    await a.ok(limit('m1', 'buy', 99_000, 2 * LOT));
    await a.request(limit('m2', 'buy', 1, LOT));
    a.sendRaw('not json');
    await a.waitFor((m) => m.type === 'reject' && m.reason === 'BAD_JSON', 'bad json');

    expect((await http(t.server.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await http(t.server.url, 'GET', '/readyz')).body).toEqual({ status: 'ready' });
    const metrics = await http(t.server.url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    const value = (series: string) =>
      Number(
        metrics.text
          .split('\n')
          .find((l) => l.startsWith(series + ' '))
          ?.split(' ')[1],
      );
    expect(value('lpj_ws_connections')).toBe(1);
    expect(value('lpj_orders_total{result="accepted"}')).toBe(1);
    expect(value('lpj_orders_total{result="rejected"}')).toBe(1);
    expect(value('lpj_ws_bad_messages_total{reason="BAD_JSON"}')).toBe(1);
    expect(value('lpj_ws_messages_in_total')).toBeGreaterThanOrEqual(4);
    expect(value('lpj_order_ack_seconds_count')).toBe(2);
    expect(value('lpj_committed_commands_total')).toBeGreaterThanOrEqual(4);
    expect(metrics.text).toMatch(/^lpj_http_requests_total\{status="2xx"\} \d+/m);
    expect(metrics.text).toMatch(/^lpj_db_commit_seconds_bucket/m);
    expect(metrics.text).toMatch(/^nodejs_eventloop_lag_seconds /m);

    const doc = await http<{ openapi: string; paths: Record<string, Record<string, { responses: object }>> }>(
      t.server.url,
      'GET',
      '/api/v1/openapi.json',
    );
    expect(doc.status).toBe(200);
    expect(JSON.parse(doc.text)).toEqual(doc.body);
    expect(doc.body.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/signup',
      '/api/v1/auth/signin',
      '/api/v1/auth/refresh',
      '/api/v1/auth/signout',
      '/api/v1/orders',
      '/api/v1/orders/{id}',
      '/api/v1/trades',
      '/api/v1/balances',
      '/api/v1/markets',
      '/notifications/stream',
    ]) {
      expect(Object.keys(doc.body.paths), path).toContain(path);
    }
    // Every documented path answers something other than "no such route".
    for (const path of Object.keys(doc.body.paths)) {
      const concrete = path.replace('{id}', path.includes('markets') ? MARKET : '1');
      for (const method of Object.keys(doc.body.paths[path])) {
        if (path.endsWith('/stream')) continue;
        const r = await http(t.server.url, method.toUpperCase(), concrete, method === 'post' ? { body: {} } : {});
        expect(r.status === 404 ? errorCode(r) : 'routed', `${method} ${path}`).not.toBe('NOT_FOUND');
      }
    }
  });
});

describe('notifications', () => {
  it('streams fill notifications over SSE and resumes after Last-Event-ID without loss or repeats', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const a = await t.connect(alice);
    const b = await t.connect(bob);
    const trade = async (i: number) => {
      await a.ok(limit(`s${i}`, 'sell', 100_000, LPJ));
      await b.ok(limit(`b${i}`, 'buy', 100_000, LPJ));
    };
    await trade(1);

    const first = await SseClient.open(`${t.server.url}/notifications/stream`, {
      authorization: `Bearer ${alice.accessToken}`,
    });
    t.track(first);
    expect(first.status).toBe(200);
    await first.waitForCount(1);
    await trade(2);
    await first.waitForCount(2);
    const seen = first.events.map((e) => JSON.parse(e.data) as Notification);
    expect(seen.map((n) => n.kind)).toEqual(['fill', 'fill']);
    expect(first.events.map((e) => Number(e.id))).toEqual(seen.map((n) => n.id));
    expect(first.events[0].event).toBe('fill');
    // A kind and its figures in minimal units, no finished text: the app words it in the user's language.
    expect(seen[0]).toEqual({
      id: seen[0].id,
      ts: seen[0].ts,
      kind: 'fill',
      data: {
        market: MARKET,
        orderId: expect.any(Number),
        tradeId: expect.any(Number),
        side: 'sell',
        price: 100_000,
        quantity: LPJ,
        fee: 50,
      },
    });
    first.close();

    // Missed while away.
    await trade(3);
    await trade(4);
    // A single-use ticket in the query, as an EventSource sends it, and the resume point in Last-Event-ID.
    const ticket = await http<StreamTicket>(t.server.url, 'POST', '/api/v1/notifications/ticket', {
      token: alice.accessToken,
    });
    const resumed = await SseClient.open(
      `${t.server.url}/notifications/stream?ticket=${encodeURIComponent(ticket.body.ticket)}`,
      { 'last-event-id': first.events[1].id! },
    );
    t.track(resumed);
    await resumed.waitForCount(2);
    await trade(5);
    await resumed.waitForCount(3);
    const after = resumed.events.map((e) => JSON.parse(e.data) as Notification);
    const all = (await http<Notification[]>(t.server.url, 'GET', '/api/v1/notifications', { token: alice.accessToken }))
      .body;
    expect(all).toHaveLength(5);
    expect([...seen, ...after]).toEqual(all);
    // Bob's own stream holds his fills only.
    const bobs = await SseClient.open(`${t.server.url}/api/v1/notifications/stream?after=4`, {
      authorization: `Bearer ${bob.accessToken}`,
    });
    t.track(bobs);
    await bobs.waitForCount(1);
    expect((JSON.parse(bobs.events[0].data) as Notification).data).toMatchObject({ side: 'buy', quantity: LPJ });
    expect(Number(bobs.events[0].id)).toBeGreaterThan(4);

    const denied = await SseClient.open(`${t.server.url}/notifications/stream`);
    t.track(denied);
    expect(denied.status).toBe(401);
  });
});

describe('logs', () => {
  it('never log a password or a token', async () => {
    let log = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        log += chunk.toString();
        done();
      },
    });
    await t.start({ logLevel: 'trace', logDestination: sink });
    const password = 'Secret-Passw0rd-xyz';
    const s = await http<Session>(t.server.url, 'POST', '/api/v1/auth/signup', {
      body: { nickname: 'alice', password },
    });
    await http(t.server.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: 'alice', password: `${password}-wrong` },
    });
    await http(t.server.url, 'POST', '/api/v1/auth/signup', { rawBody: `{"nickname":"bob","password":"${password}"` });
    const signin = await http<Session>(t.server.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: 'alice', password },
    });
    const refreshed = await http<Session>(t.server.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: signin.body.refreshToken },
    });
    await http(t.server.url, 'GET', '/api/v1/me', { token: s.body.accessToken });
    await http(t.server.url, 'GET', `/api/v1/me?token=${s.body.accessToken}`);
    const ticket = await http<StreamTicket>(t.server.url, 'POST', '/api/v1/notifications/ticket', {
      token: s.body.accessToken,
    });
    const sse = await SseClient.open(`${t.server.url}/notifications/stream?ticket=${ticket.body.ticket}`);
    t.track(sse);
    const c = await t.connect();
    await c.request({ op: 'auth', token: refreshed.body.accessToken });
    await c.request({ op: 'auth', token: `${s.body.accessToken}x` });
    c.sendRaw(`{"op":"auth","token":"${refreshed.body.refreshToken}"`);
    await c.waitFor((m) => m.type === 'reject' && m.reason === 'BAD_JSON', 'bad json');
    await http(t.server.url, 'POST', '/api/v1/auth/signout', { token: refreshed.body.accessToken });
    sse.close();
    await c.closed;
    // A spent refresh token used again.
    await http(t.server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: signin.body.refreshToken } });
    await t.server.close();

    expect(log).toContain('sync server listening');
    expect(log).toContain('/api/v1/auth/signin');
    for (const secret of [
      password,
      s.body.accessToken,
      s.body.refreshToken,
      signin.body.accessToken,
      signin.body.refreshToken,
      refreshed.body.accessToken,
      refreshed.body.refreshToken,
      ticket.body.ticket,
    ]) {
      expect(log.includes(secret), `a secret in the log: ${secret.slice(0, 4)}…`).toBe(false);
    }
  });
});
