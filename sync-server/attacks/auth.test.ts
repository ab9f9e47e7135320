/**
 * Attacks on sign-in and sessions, each against a real server and each ending with an honest pair of new
 * accounts trading: password guessing (per nickname, in parallel, across a restart, and without learning which
 * nicknames exist), tokens smuggled into URLs, stream tickets replayed, stolen or guessed, a leaked refresh
 * token used after its owner moved on, and account deletion with a stolen access token but no password.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HttpError, Session, StreamTicket } from '../../engine/protocol/sync';
import { hashPassword } from '../accounts/passwords';
import { SIGN_IN_BACKOFF } from '../accounts/sign-in-throttle';
import { LOT, SseClient, TEST_GRANT, honestPairTrades, http, signUp, type HttpResult } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';

const t = serverPerTest();
const START = Date.UTC(2025, 0, 1);
const code = (r: HttpResult) => (r.body as HttpError | undefined)?.error?.code;
const message = (r: HttpResult<unknown>) => (r.body as HttpError | undefined)?.error?.message;
const signIn = (nickname: string, password: string) =>
  http<Session>(t.server.url, 'POST', '/api/v1/auth/signin', { body: { nickname, password } });
const ticketFor = async (s: Session) =>
  (await http<StreamTicket>(t.server.url, 'POST', '/api/v1/notifications/ticket', { token: s.accessToken })).body
    .ticket;
const openStream = async (s: Session) =>
  t.track(
    await SseClient.open(`${t.server.url}/notifications/stream?ticket=${encodeURIComponent(await ticketFor(s))}`),
  );
const serverDb = () => new Database(join(t.dataDir, 'server.db'), { timeout: 5_000 });
/** A test that checks some thirty passwords (~370 ms of scrypt each, more on a busy machine). */
const HASHING_TIMEOUT_MS = 120_000;

describe('password guessing', () => {
  it(
    'backs a nickname off exponentially after five failures, with Retry-After, the same whether or not the nickname exists',
    async () => {
      let clock = START;
      const now = () => clock;
      await t.start({ now });
      await signUp(t.server.url, 'victim', 'victim-password');
      await signUp(t.server.url, 'bystander', 'bystander-password');
      // A known and an unknown nickname, attempted at the same moments. The clock moves a second or more between
      // rounds, so the per-IP budget (5 a second) never decides an answer.
      const both = async (password: string) => [
        await signIn('victim', password),
        await signIn('ghost_account', password),
      ];
      for (let i = 0; i <= SIGN_IN_BACKOFF.freeFailures; i++) {
        clock += 1_000;
        for (const r of await both('wrong-guess')) expect(code(r)).toBe('BAD_CREDENTIALS');
      }
      // Locked for 1 s, then 2 s, then 4 s: refused with the wait in Retry-After before the password is even
      // checked, in the same words for both nicknames.
      for (const seconds of [1, 2, 4]) {
        const [victim, ghost] = await both('victim-password');
        for (const r of [victim, ghost]) {
          expect([r.status, code(r), r.headers.get('retry-after')]).toEqual([429, 'RATE_LIMITED', String(seconds)]);
        }
        expect(message(ghost)).toBe(message(victim));
        clock += seconds * 1_000 - 1;
        expect((await both('victim-password')).map((r) => r.status)).toEqual([429, 429]); // not quite over
        clock += 1;
        if (seconds < 4) for (const r of await both('wrong-guess')) expect(code(r)).toBe('BAD_CREDENTIALS'); // the next failure doubles it
      }
      const wrong = () => signIn('victim', 'wrong-guess');
      // Someone else signs in meanwhile as if nothing happened.
      expect((await signIn('bystander', 'bystander-password')).status).toBe(200);

      // The lock outlives a restart: it is kept in server.db.
      expect(code(await wrong())).toBe('BAD_CREDENTIALS');
      await t.server.close();
      await t.start({ now });
      expect((await signIn('victim', 'victim-password')).status).toBe(429);
      // Once the wait is over the right password works, and the count starts again from zero.
      clock += 8_000;
      expect((await signIn('victim', 'victim-password')).status).toBe(200);
      clock += 1_000;
      expect(code(await wrong())).toBe('BAD_CREDENTIALS');
      expect((await signIn('victim', 'victim-password')).status).toBe(200);

      clock += 60_000;
      await honestPairTrades(t.server);
    },
    HASHING_TIMEOUT_MS,
  );

  it('checks parallel guesses at one nickname one at a time, so a burst cannot slip past the lock', async () => {
    let clock = START;
    await t.start({ now: () => clock });
    await signUp(t.server.url, 'victim', 'victim-password');
    clock += 60_000; // a full per-IP budget: 20 at once
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn('victim', `guess-number-${i}`)));
    const checked = answers.filter((r) => r.status === 401);
    const refused = answers.filter((r) => r.status === 429);
    expect(checked.length + refused.length).toBe(20);
    // Without the one-at-a-time rule all twenty would be checked; with it, at most the free failures and the
    // one that sets the lock are, whatever the timing.
    expect(checked.length).toBeLessThanOrEqual(SIGN_IN_BACKOFF.freeFailures + 1);
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    clock += 60_000;
    await honestPairTrades(t.server);
  });

  it('verifies a hash made with the old scrypt parameters and replaces it at that sign-in', async () => {
    await t.start();
    await signUp(t.server.url, 'oldtimer', 'old-timer-password');
    const db = serverDb();
    try {
      // As written before the parameters were raised: N = 2^14.
      db.prepare("UPDATE accounts SET password_hash = ? WHERE nickname_key = 'oldtimer'").run(
        await hashPassword('old-timer-password', { N: 16_384, r: 8, p: 1 }),
      );
      const stored = () =>
        (
          db.prepare("SELECT password_hash FROM accounts WHERE nickname_key = 'oldtimer'").get() as {
            password_hash: string;
          }
        ).password_hash;
      expect(stored()).toMatch(/^scrypt\$16384\$8\$1\$/);
      expect(code(await signIn('oldtimer', 'not-the-password'))).toBe('BAD_CREDENTIALS');
      expect(stored()).toMatch(/^scrypt\$16384\$/); // a wrong password upgrades nothing
      expect((await signIn('oldtimer', 'old-timer-password')).status).toBe(200);
      expect(stored()).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect((await signIn('oldtimer', 'old-timer-password')).status).toBe(200);
    } finally {
      db.close();
    }
    await honestPairTrades(t.server);
  });
});

describe('tokens and tickets', () => {
  it('takes an access token from the Authorization header only, never from a URL', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const token = encodeURIComponent(alice.accessToken);
    for (const path of [
      `/api/v1/me?token=${token}`,
      `/api/v1/balances?token=${token}`,
      `/api/v1/orders?token=${token}`,
      `/api/v1/strategy?token=${token}`,
      `/api/v1/notifications?token=${token}`,
    ]) {
      const r = await http(t.server.url, 'GET', path);
      expect([path, r.status, code(r)]).toEqual([path, 401, 'NOT_AUTHENTICATED']);
    }
    expect((await http(t.server.url, 'POST', `/api/v1/notifications/ticket?token=${token}`)).status).toBe(401);
    const stream = t.track(await SseClient.open(`${t.server.url}/notifications/stream?token=${token}`));
    expect(stream.status).toBe(401);
    await honestPairTrades(t.server);
  });

  it('opens a stream once per ticket, within 30 s, for the session that asked, and refuses forged tickets with 4xx', async () => {
    let clock = START;
    await t.start({ now: () => clock });
    const alice = await signUp(t.server.url, 'alice');
    expect((await http(t.server.url, 'POST', '/api/v1/notifications/ticket')).status).toBe(401);
    const issued = await http<StreamTicket>(t.server.url, 'POST', '/api/v1/notifications/ticket', {
      token: alice.accessToken,
    });
    expect(issued.status).toBe(200);
    expect(issued.body.expiresAt).toBe(clock + 30_000);
    const url = (ticket: string) => `${t.server.url}/notifications/stream?ticket=${encodeURIComponent(ticket)}`;

    // Single use.
    const first = t.track(await SseClient.open(url(issued.body.ticket)));
    expect(first.status).toBe(200);
    const replay = t.track(await SseClient.open(url(issued.body.ticket)));
    expect([replay.status, replay.events]).toEqual([401, []]);
    first.close();

    // Short-lived.
    const late = await ticketFor(alice);
    clock += 30_000;
    const expired = await http(t.server.url, 'GET', `/notifications/stream?ticket=${encodeURIComponent(late)}`);
    expect([expired.status, code(expired)]).toEqual([401, 'TOKEN_EXPIRED']);

    // Bound to the session: signing it out spends its tickets too.
    const orphan = await ticketFor(alice);
    expect((await http(t.server.url, 'POST', '/api/v1/auth/signout', { token: alice.accessToken })).status).toBe(204);
    expect((await http(t.server.url, 'GET', `/notifications/stream?ticket=${encodeURIComponent(orphan)}`)).status).toBe(
      401,
    );

    // A session cannot hoard tickets.
    const bob = await signUp(t.server.url, 'bob');
    for (let i = 0; i < 4; i++)
      expect(
        (await http(t.server.url, 'POST', '/api/v1/notifications/ticket', { token: bob.accessToken })).status,
      ).toBe(200);
    const hoard = await http(t.server.url, 'POST', '/api/v1/notifications/ticket', { token: bob.accessToken });
    expect([hoard.status, code(hoard)]).toEqual([429, 'RATE_LIMITED']);

    // Forged, oversized, repeated and strange tickets are refused, never a 500.
    for (const query of [
      'ticket=',
      'ticket=x',
      `ticket=${'A'.repeat(43)}`,
      `ticket=${'x'.repeat(5_000)}`,
      'ticket=a&ticket=b',
      `ticket=${encodeURIComponent('☃\u0000\n')}`,
      `ticket=${encodeURIComponent(bob.accessToken)}`,
      `ticket=${encodeURIComponent(bob.refreshToken)}`,
    ]) {
      const r = await http(t.server.url, 'GET', `/notifications/stream?${query}`);
      expect([query.slice(0, 20), r.status >= 400 && r.status < 500]).toEqual([query.slice(0, 20), true]);
    }
    clock += 60_000;
    await honestPairTrades(t.server);
  });
});

describe('ending sessions', () => {
  it('closes the sockets and streams of a session that refreshes or signs out, and only those', async () => {
    await t.start();
    const one = await signUp(t.server.url, 'alice', 'alice-password');
    const two = (await signIn('alice', 'alice-password')).body;
    const [ws1, ws2] = [await t.connect(one), await t.connect(two)];
    const [sse1, sse2] = [await openStream(one), await openStream(two)];
    const notify = (tag: string) => t.server.notifications.add(one.accountId, 'stop_loss_hit', { leader: tag });

    // Refreshing the second device ends its session: its socket and stream close, the first device's do not.
    const refreshed = await http<Session>(t.server.url, 'POST', '/api/v1/auth/refresh', {
      body: { refreshToken: two.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect(await ws2.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'SESSION_REFRESHED' });
    expect((await ws2.closed).code).toBe(1008);
    await sse2.ended;
    notify('still here');
    await sse1.waitForCount(1);
    expect(ws1.isOpen).toBe(true);

    // The refreshed session streams again with a new ticket.
    const sse3 = await openStream(refreshed.body);
    notify('after the refresh');
    await sse3.waitForCount(1);

    // Signing out the first device closes its socket and stream; the refreshed session carries on.
    expect((await http(t.server.url, 'POST', '/api/v1/auth/signout', { token: one.accessToken })).status).toBe(204);
    expect(await ws1.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'SIGNED_OUT' });
    await sse1.ended;
    notify('one left');
    await sse3.waitForCount(2);
    expect(sse1.events.map((e) => JSON.parse(e.data).data.leader)).toEqual(['still here', 'after the refresh']);
    await honestPairTrades(t.server);
  });

  it('revokes every session of a sign-in when a spent refresh token comes back, closing their sockets and streams', async () => {
    await t.start();
    const signup = await signUp(t.server.url, 'alice', 'alice-password');
    const stolen = (await signIn('alice', 'alice-password')).body;
    const refresh = (s: Session) =>
      http<Session>(t.server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } });
    const second = (await refresh(stolen)).body;
    const third = (await refresh(second)).body;
    const ws = await t.connect(third);
    const sse = await openStream(third);
    const other = await t.connect(signup);

    // The thief replays the refresh token the owner already traded in.
    const replay = await refresh(stolen);
    expect([replay.status, code(replay)]).toEqual([401, 'TOKEN_REUSED']);
    expect(await ws.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'SESSION_REVOKED' });
    await sse.ended;
    for (const s of [stolen, second, third])
      expect((await http(t.server.url, 'GET', '/api/v1/me', { token: s.accessToken })).status).toBe(401);
    expect(code(await refresh(third))).toBe('TOKEN_INVALID');
    // The sign-up's session is another family: untouched.
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: signup.accessToken })).status).toBe(200);
    await other.sync();
    expect(other.isOpen).toBe(true);
    await honestPairTrades(t.server);
  });
});

describe('account deletion', () => {
  it('asks for the password, cancels the orders, keeps the ledger account, anonymises the nickname and ends every session', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice', 'alice-password');
    const bob = await signUp(t.server.url, 'bob', 'bob-password');
    const ws = await t.connect(alice);
    const sse = await openStream(alice);
    const price = 100_000;
    await ws.ok(limitOrder('rest-buy', 'buy', price - 1_000, 5 * LOT));
    await ws.ok(limitOrder('rest-sell', 'sell', price + 1_000, 5 * LOT));
    const engine = t.server.exchange.engine;
    expect(engine.openOrders(alice.accountId)).toHaveLength(2);
    const del = (token: string, body?: unknown) => http(t.server.url, 'DELETE', '/api/v1/me', { token, body });

    // A stolen access token is not enough.
    expect((await del(alice.accessToken)).status).toBe(400);
    expect(code(await del(alice.accessToken, { password: 'guessed-password' }))).toBe('BAD_CREDENTIALS');
    expect(code(await del(bob.accessToken, { password: 'alice-password' }))).toBe('BAD_CREDENTIALS'); // bob's own account, alice's password
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: alice.accessToken })).status).toBe(200);
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: bob.accessToken })).status).toBe(200);

    expect((await del(alice.accessToken, { password: 'alice-password' })).status).toBe(204);
    expect(await ws.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'ACCOUNT_DELETED' });
    await sse.ended;
    expect((await http(t.server.url, 'GET', '/api/v1/me', { token: alice.accessToken })).status).toBe(401);
    expect(
      code(await http(t.server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: alice.refreshToken } })),
    ).toBe('TOKEN_INVALID');
    // Orders cancelled, funds released; the ledger account stays, so the totals still add up.
    expect(engine.openOrders(alice.accountId)).toEqual([]);
    expect(engine.balances(alice.accountId)).toMatchObject({
      KRW: { available: TEST_GRANT.KRW, held: 0 },
      LPJ: { available: TEST_GRANT.LPJ, held: 0 },
    });
    for (const asset of ['KRW', 'LPJ'] as const) {
      const total = [0, alice.accountId, bob.accountId].reduce(
        (sum, id) => sum + (engine.balances(id)[asset]?.available ?? 0) + (engine.balances(id)[asset]?.held ?? 0),
        0,
      );
      expect(total, asset).toBe(2 * TEST_GRANT[asset]);
    }
    // The nickname is anonymised and free again; the new account gets a new id.
    const db = serverDb();
    try {
      expect(db.prepare('SELECT nickname FROM accounts WHERE id = ?').get(alice.accountId)).toEqual({
        nickname: `deleted-${alice.accountId}`,
      });
    } finally {
      db.close();
    }
    expect(code(await signIn('alice', 'alice-password'))).toBe('BAD_CREDENTIALS');
    const again = await signUp(t.server.url, 'alice', 'another-password');
    expect(again.accountId).toBeGreaterThan(bob.accountId);
    expect(engine.balances(again.accountId)).toMatchObject({ KRW: { available: TEST_GRANT.KRW } });
    await honestPairTrades(t.server);
  });

  it(
    "counts wrong deletion passwords towards the nickname's backoff",
    async () => {
      let clock = START;
      await t.start({ now: () => clock });
      const alice = await signUp(t.server.url, 'alice', 'alice-password');
      for (let i = 0; i <= SIGN_IN_BACKOFF.freeFailures; i++) {
        clock += 1_000;
        expect(
          code(
            await http(t.server.url, 'DELETE', '/api/v1/me', {
              token: alice.accessToken,
              body: { password: `guess-${i}` },
            }),
          ),
        ).toBe('BAD_CREDENTIALS');
      }
      const locked = await http(t.server.url, 'DELETE', '/api/v1/me', {
        token: alice.accessToken,
        body: { password: 'alice-password' },
      });
      expect([locked.status, code(locked)]).toEqual([429, 'RATE_LIMITED']);
      expect((await signIn('alice', 'alice-password')).status).toBe(429); // the same count as sign-in
      expect((await http(t.server.url, 'GET', '/api/v1/me', { token: alice.accessToken })).status).toBe(200); // not deleted
      clock += 1_000;
      expect(
        (
          await http(t.server.url, 'DELETE', '/api/v1/me', {
            token: alice.accessToken,
            body: { password: 'alice-password' },
          })
        ).status,
      ).toBe(204);
      clock += 60_000;
      await honestPairTrades(t.server);
    },
    HASHING_TIMEOUT_MS,
  );
});
