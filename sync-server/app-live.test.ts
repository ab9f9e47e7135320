/**
 * The app host's live LPJ market against a real sync server on a free port: two app hosts (two users, each
 * with its own data folder) sign up, trade with each other, and see the same book, tape and balances; fills
 * arrive as notifications; a follower sees their copies' sub-accounts with their balances; the session survives a
 * restart of the app; the practice journal is backed up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppHost } from '../engine/host/app-host';
import type { EventFrame, LiveState, LiveStatus, Method, Params, Result } from '../engine/protocol/api';
import { ApiError } from '../engine/protocol/errors';
import { eventually, http, LPJ, startTestServer, tempDir, TEST_GRANT, type TestServer } from './testing/harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface App {
  host: AppHost;
  events: EventFrame[];
  dir: string;
}

function openApp(dir = tempDir('lpj-live-app-').path, serverUrl = 'http://127.0.0.1:9'): App {
  const host = AppHost.open({
    dataDir: dir,
    appVersion: '0.0.0',
    mode: 'web',
    practice: { ticksPerSecond: 0 },
    live: {
      defaultServerUrl: serverUrl,
      backoff: { baseMs: 50, maxMs: 200 },
      publishEveryMs: 20,
      notificationPollMs: 200,
      backupDelayMs: 50,
    },
  });
  const events: EventFrame[] = [];
  host.onEvent((e) => events.push(e));
  cleanups.push(() => host.close());
  return { host, events, dir };
}

async function server(): Promise<TestServer> {
  const dir = tempDir();
  const s = await startTestServer(dir.path);
  cleanups.push(() => dir.remove());
  cleanups.push(() => s.close());
  return s;
}

/** A typed request, as the UI makes it. */
const call = <M extends Method>(app: App, method: M, params: Params<M>) =>
  app.host.invoke(method, params) as Promise<Result<M>>;
const status = (app: App) => app.host.invoke('live.status', {}) as Promise<LiveStatus>;
const state = (app: App) => app.host.invoke('live.state', {}) as Promise<LiveState>;
const balance = (s: LiveState, asset: string) => s.balances.find((b) => b.asset === asset) ?? { available: 0, held: 0 };

async function online(app: App): Promise<void> {
  await eventually(async () => (await status(app)).connection === 'online', 'online', 10_000);
}

describe('live LPJ market in the app host', () => {
  it('opens with no server: offline, retrying, refusing orders, with an empty market', async () => {
    const app = openApp();
    await eventually(async () => (await status(app)).connection === 'offline', 'offline');
    const s = await status(app);
    expect(s).toMatchObject({
      serverUrl: 'http://127.0.0.1:9',
      connection: 'offline',
      reason: 'cannot reach http://127.0.0.1:9',
    });
    expect(s.account).toBeUndefined();
    const st = await state(app);
    expect(st).toMatchObject({ market: undefined, bids: [], asks: [], trades: [], balances: [], openOrders: [] });
    await expect(
      app.host.invoke('live.place', { side: 'buy', orderType: 'limit', price: 10_000, quantity: LPJ }),
    ).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    await expect(app.host.invoke('live.setServer', { url: 'ftp://example.com' })).rejects.toBeInstanceOf(ApiError);
    await expect(app.host.invoke('live.setServer', { url: 'http://127.0.0.1:7780/some/path' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(app.events.some((e) => e.name === 'live.status' && e.payload.connection === 'offline')).toBe(true);
  });

  it('two users trade LPJ with each other and both apps agree on book, tape, balances and notifications', async () => {
    const srv = await server();
    const alice = openApp();
    const bob = openApp();
    for (const app of [alice, bob]) {
      const s = (await app.host.invoke('live.setServer', { url: srv.url })) as LiveStatus;
      expect(s.serverUrl).toBe(new URL(srv.url).origin);
    }
    await eventually(async () => (await status(alice)).connection === 'signed_out', 'connected, signed out', 10_000);

    await alice.host.invoke('live.signUp', { nickname: 'alice_live', password: 'alice-password' });
    await bob.host.invoke('live.signUp', { nickname: 'bob_live', password: 'bob-password' });
    await expect(
      bob.host.invoke('live.signUp', { nickname: 'bob_live', password: 'bob-password' }),
    ).rejects.toMatchObject({ code: 'NICKNAME_TAKEN' });
    await online(alice);
    await online(bob);
    expect((await status(alice)).account).toMatchObject({ nickname: 'alice_live' });

    const before = await state(alice);
    expect(before.market).toMatchObject({ id: 'LPJ-KRW', base: 'LPJ', quote: 'KRW', baseDecimals: 8 });
    expect(balance(before, 'KRW').available).toBe(TEST_GRANT.KRW);
    expect(balance(before, 'LPJ').available).toBe(TEST_GRANT.LPJ);

    // Alice offers 1 LPJ at 10,000 KRW: it rests, both apps see the ask.
    const ask = await call(alice, 'live.place', { side: 'sell', orderType: 'limit', price: 10_000, quantity: LPJ });
    expect(ask).toMatchObject({ status: 'accepted', fills: 0 });
    await eventually(
      async () => (await state(bob)).asks.some(([p, q]) => p === 10_000 && q === LPJ),
      'ask in bob’s book',
    );
    const resting = await state(alice);
    expect(resting.openOrders).toEqual([
      expect.objectContaining({ id: ask.orderId, side: 'sell', price: 10_000, remaining: LPJ }),
    ]);
    expect(balance(resting, 'LPJ').held).toBe(LPJ);

    // A refusal is an answer with the engine's reason.
    expect(
      await bob.host.invoke('live.place', { side: 'buy', orderType: 'limit', price: 10_000, quantity: 1 }),
    ).toMatchObject({ status: 'rejected', reason: 'BELOW_LOT_SIZE' });

    // Bob takes it.
    const bid = await call(bob, 'live.place', { side: 'buy', orderType: 'limit', price: 10_000, quantity: LPJ });
    expect(bid.status).toBe('accepted');
    await eventually(
      async () => (await state(alice)).trades.length === 1 && (await state(bob)).trades.length === 1,
      'the trade on both tapes',
    );
    const [a, b] = [await state(alice), await state(bob)];
    expect(a.trades).toEqual(b.trades);
    expect(a.trades[0]).toMatchObject({ price: 10_000, quantity: LPJ, takerSide: 'buy' });
    expect(a.lastPrice).toBe(10_000);
    await eventually(async () => (await state(bob)).ticker?.last === 10_000, 'ticker after the trade');
    const bars = await call(bob, 'live.candles', { interval: '1m', limit: 10 });
    expect(bars.at(-1)).toMatchObject({ open: 10_000, close: 10_000, volume: LPJ });
    expect(a.asks).toEqual(b.asks);
    expect(a.bids).toEqual(b.bids);
    expect(a.asks.some(([p]) => p === 10_000)).toBe(false);
    // Maker fee 5 bps and taker fee 10 bps of 10,000 KRW, in whole won.
    expect(balance(a, 'KRW')).toEqual({ asset: 'KRW', available: TEST_GRANT.KRW + 10_000 - 5, held: 0 });
    expect(balance(a, 'LPJ')).toEqual({ asset: 'LPJ', available: TEST_GRANT.LPJ - LPJ, held: 0 });
    expect(balance(b, 'KRW')).toEqual({ asset: 'KRW', available: TEST_GRANT.KRW - 10_000 - 10, held: 0 });
    expect(balance(b, 'LPJ')).toEqual({ asset: 'LPJ', available: TEST_GRANT.LPJ + LPJ, held: 0 });
    expect(a.openOrders).toEqual([]);
    expect(a.fills).toEqual([
      expect.objectContaining({ orderId: ask.orderId, side: 'sell', price: 10_000, quantity: LPJ, fee: 5 }),
    ]);
    expect(b.fills).toEqual([expect.objectContaining({ orderId: bid.orderId, side: 'buy', fee: 10 })]);
    expect(alice.events.some((e) => e.name === 'live.update' && e.payload.mine)).toBe(true);

    // Each side is told of its fill, live, and the centre lists it unread until marked read.
    for (const [app, side] of [
      [alice, 'sell'],
      [bob, 'buy'],
    ] as const) {
      await eventually(() => app.events.some((e) => e.name === 'notification'), 'fill notification', 10_000);
      expect(app.host.live.notifications.streaming).toBe(true); // over the stream, opened with a ticket
      const n = app.events.find((e) => e.name === 'notification')!;
      // The fill's figures, in minimal units with their market: the UI words them in the user's language.
      expect(n.payload).toMatchObject({
        kind: 'fill',
        read: false,
        data: { market: 'LPJ-KRW', side, price: 10_000, quantity: LPJ },
      });
      expect(n.payload).not.toHaveProperty('title');
      const list = (await app.host.invoke('notifications.list', {})) as {
        items: { id: number; read: boolean }[];
        unread: number;
        markets: { id: string; baseDecimals: number }[];
      };
      expect(list.unread).toBe(1);
      // With the server's markets, which give the figures their units.
      expect(list.markets).toEqual([expect.objectContaining({ id: 'LPJ-KRW', baseDecimals: 8 })]);
      expect(await app.host.invoke('notifications.markRead', { all: true })).toEqual({ unread: 0 });
      expect(
        ((await app.host.invoke('notifications.list', {})) as { items: { read: boolean }[] }).items.every(
          (i) => i.read,
        ),
      ).toBe(true);
    }

    // Cancel-all and cancel answer as answers.
    const later = await call(alice, 'live.place', { side: 'sell', orderType: 'limit', price: 12_000, quantity: LPJ });
    expect(await alice.host.invoke('live.cancelAll', {})).toEqual({ cancelled: 1 });
    expect(await alice.host.invoke('live.cancel', { orderId: ask.orderId! })).toMatchObject({ status: 'rejected' });

    // All my orders and trades: the live venue lists every order with its end, and my fills with their side.
    const { venues } = await call(alice, 'history.list', { limit: 50 });
    const live = venues.find((v) => v.venue === 'live')!;
    expect(live.state).toBe('ok');
    expect(live.markets).toEqual([expect.objectContaining({ id: 'LPJ-KRW', sizeDecimals: 8, lotSize: 1_000_000 })]);
    expect(live.orders.map((o) => [o.id, o.status, o.filled])).toEqual([
      [later.orderId, 'cancelled', 0],
      [ask.orderId, 'filled', LPJ],
    ]);
    expect(live.fills).toEqual([
      expect.objectContaining({ venue: 'live', orderId: ask.orderId, side: 'sell', liquidity: 'maker', fee: 5 }),
    ]);
    expect(venues.map((v) => [v.venue, v.state])).toEqual([
      ['practice', 'ok'],
      ['paper', 'ok'],
      ['live', 'ok'],
    ]);
    // With the server gone, the live venue says so and the others still list.
    await srv.close();
    const gone = (await call(alice, 'history.list', { limit: 50 })).venues;
    expect(gone.find((v) => v.venue === 'live')!.state).toMatch(/^(offline|signed_out)$/);
    expect(gone.find((v) => v.venue === 'practice')!.state).toBe('ok');

    // No token ever leaves the host: not in a result, not in an event.
    const seen = JSON.stringify([alice.events, bob.events, await status(alice), await state(alice)]);
    expect(seen).not.toMatch(/accessToken|refreshToken/);
  }, 60_000);

  it('shows my copies’ sub-accounts beside my balances, and tells the app when the copy’s money moves', async () => {
    const srv = await server();
    const leader = openApp(undefined, srv.url);
    const follower = openApp(undefined, srv.url);
    await leader.host.invoke('live.signUp', { nickname: 'lead_copy', password: 'lead-password' });
    await follower.host.invoke('live.signUp', { nickname: 'follow_copy', password: 'follow-password' });
    await online(leader);
    await online(follower);
    expect((await state(follower)).copies).toEqual([]);
    await call(leader, 'copy.strategy.set', { open: true, profitShareBps: 1_000 });
    const sub = await call(follower, 'copy.subscribe', { leader: 'lead_copy', allocation: 2_000_000 });

    // The allocation left my balance and shows as the copy's, with whom it copies.
    const mine = async () => state(follower);
    await eventually(async () => (await mine()).copies.length === 1, 'the copy in my account', 10_000);
    const s = await mine();
    expect(balance(s, 'KRW').available).toBe(TEST_GRANT.KRW - 2_000_000);
    expect(s.copies).toEqual([
      {
        subscriptionId: sub.id,
        leader: 'lead_copy',
        status: 'active',
        balances: [{ asset: 'KRW', available: 2_000_000, held: 0 }],
      },
    ]);

    // The copy's money moving (here: the allocation returned) reaches the app as a change of mine.
    const from = follower.events.length;
    await call(follower, 'copy.unsubscribe', { id: sub.id });
    await eventually(
      () => follower.events.slice(from).some((e) => e.name === 'live.update' && e.payload.mine),
      'an update of my account',
      10_000,
    );
    await eventually(async () => (await mine()).copies.length === 0, 'the ended copy gone', 10_000);
    expect(balance(await mine(), 'KRW').available).toBe(TEST_GRANT.KRW);
  }, 60_000);

  it('keeps the server address and the session across a restart of the app, and signs out and in', async () => {
    const srv = await server();
    const dir = tempDir('lpj-live-app-');
    cleanups.push(() => dir.remove());
    const first = openApp(dir.path);
    await first.host.invoke('live.setServer', { url: srv.url });
    await first.host.invoke('live.signUp', { nickname: 'carol_live', password: 'carol-password' });
    await online(first);
    first.host.close();

    const again = openApp(dir.path, 'http://127.0.0.1:9'); // the stored server address wins over the default
    expect((await status(again)).serverUrl).toBe(new URL(srv.url).origin);
    await online(again);
    expect((await status(again)).account).toMatchObject({ nickname: 'carol_live' });
    const out = (await again.host.invoke('live.signOut', {})) as LiveStatus;
    expect(out.account).toBeUndefined();
    await eventually(async () => (await status(again)).connection === 'signed_out', 'signed out');
    await expect(
      again.host.invoke('live.place', { side: 'buy', orderType: 'limit', price: 10_000, quantity: LPJ }),
    ).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(await again.host.invoke('notifications.list', {})).toEqual({ items: [], unread: 0, markets: [] });
    await expect(
      again.host.invoke('live.signIn', { nickname: 'carol_live', password: 'wrong-password' }),
    ).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
    await again.host.invoke('live.signIn', { nickname: 'carol_live', password: 'carol-password' });
    await online(again);

    // Deleting the account asks for its password; a wrong one changes nothing.
    await expect(call(again, 'live.deleteAccount', { password: 'wrong-password' })).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
    });
    expect((await status(again)).account).toMatchObject({ nickname: 'carol_live' });
    expect((await call(again, 'live.deleteAccount', { password: 'carol-password' })).account).toBeUndefined();
    await eventually(async () => (await status(again)).connection === 'signed_out', 'signed out after deletion');
    await expect(
      again.host.invoke('live.signIn', { nickname: 'carol_live', password: 'carol-password' }),
    ).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
  }, 60_000);

  it('backs up the offline practice journal once per entry', async () => {
    const srv = await server();
    const app = openApp(undefined, srv.url);
    const session = await call(app, 'live.signUp', { nickname: 'dave_live', password: 'dave-password' });
    expect(session.account).toBeDefined();
    await online(app);
    const placed = await call(app, 'practice.place', { side: 'buy', orderType: 'limit', price: 9_000, quantity: LPJ });
    expect(placed.status).toBe('accepted');
    await app.host.invoke('practice.cancel', { orderId: placed.orderId! });
    await app.host.live.backupPractice();

    const signIn = await http<{ accessToken: string }>(srv.url, 'POST', '/api/v1/auth/signin', {
      body: { nickname: 'dave_live', password: 'dave-password' },
    });
    const journal = async () =>
      (
        await http<{ localId: string; kind: string; data: Record<string, unknown> }[]>(
          srv.url,
          'GET',
          '/api/v1/practice/journal',
          { token: signIn.body.accessToken },
        )
      ).body;
    await eventually(async () => (await journal()).length === 2, 'order and cancel backed up');
    const entries = await journal();
    expect(entries.map((e) => e.kind).sort()).toEqual(['cancel', 'order']);
    expect(entries.find((e) => e.kind === 'order')!.data).toMatchObject({
      orderId: placed.orderId,
      side: 'buy',
      price: 9_000,
      quantity: LPJ,
    });

    // Nothing new: nothing goes up again.
    await app.host.live.backupPractice();
    expect(await journal()).toHaveLength(2);
  }, 30_000);

  it('keeps the last book through a dropped connection, marked by the status, and follows the server again after it', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const first = await startTestServer(dir.path);
    const port = Number(new URL(first.url).port);
    const seller = openApp(undefined, first.url);
    await call(seller, 'live.signUp', { nickname: 'erin_live', password: 'erin-password' });
    await online(seller);
    const ask = await call(seller, 'live.place', { side: 'sell', orderType: 'limit', price: 11_000, quantity: LPJ });
    expect(ask.status).toBe('accepted');
    const watcher = openApp(undefined, first.url); // market data only, nobody signed in
    const hasAsk = (levels: [number, number][]) => levels.some(([p, q]) => p === 11_000 && q === LPJ);
    await eventually(async () => hasAsk((await state(watcher)).asks), 'the ask in the watcher’s book');

    // Counted from before the close: the update the drop itself publishes may come before the status is read.
    const pushedSince = watcher.events.length;
    await first.close();
    await eventually(async () => (await status(watcher)).connection === 'reconnecting', 'reconnecting', 10_000);
    // The book shown is the last one received, not an empty one; updates published meanwhile carry it too.
    expect(hasAsk((await state(watcher)).asks)).toBe(true);
    await eventually(
      () => watcher.events.slice(pushedSince).some((e) => e.name === 'live.update'),
      'an update',
      15_000,
    );
    for (const e of watcher.events.slice(pushedSince))
      if (e.name === 'live.update') expect(hasAsk(e.payload.asks)).toBe(true);

    // Back on the same address: the fresh snapshot replaces what was kept (the seller's order is still there).
    const second = await startTestServer(dir.path, { port });
    cleanups.push(() => second.close());
    await eventually(async () => (await status(watcher)).connection === 'signed_out', 'connected again', 15_000);
    await online(seller);
    expect(await call(seller, 'live.cancelAll', {})).toEqual({ cancelled: 1 });
    await eventually(async () => !hasAsk((await state(watcher)).asks), 'the cancelled ask gone from the book', 10_000);
  }, 60_000);
});
