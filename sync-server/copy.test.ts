/**
 * Copy trading end to end on a real server with real clients: a leader and two followers, mirrored fills sized
 * exactly (lot rounding, skips below a lot), notifications on both sides, pause / resume, add / reduce funds,
 * stop-loss, unsubscribe, scheduled settlement above the high-water mark (idempotent on a rerun), every bad
 * input, a leader deleting their account, and the ledger's totals unchanged by all of it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Notification, Session, SettlementPage, SubscriptionView } from '../engine/protocol/sync';
import { SUB_ACCOUNT_BASE } from './copy/copy-service';
import { LOT, LPJ, MARKET, TEST_GRANT, eventually, http, signUp } from './testing/harness';
import { serverPerTest } from './testing/per-test';
import type { TestWsClient } from './testing/ws-client';

const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);
const DAY = 86_400_000;
const PRICE = 100_000;

let clock = T0;
const srv = serverPerTest();

beforeEach(async () => {
  clock = T0;
  await srv.start({
    now: () => clock,
    scheduleEveryMs: 0,
    accessTtlMs: 1000 * DAY,
    ranking: { minTrades: 0, minAccountAgeMs: 0 },
    copy: { minAllocation: 100_000 },
    wsRate: { perSecond: 10_000, burst: 10_000 },
  });
});

interface Trader {
  s: Session;
  ws: TestWsClient;
}

async function trader(name: string): Promise<Trader> {
  const s = await signUp(srv.server.url, name);
  return { s, ws: await srv.connect(s) };
}

let cid = 0;
const order = (t: Trader, side: 'buy' | 'sell', price: number, quantity: number) =>
  t.ws.ok({
    op: 'order.new',
    order: { market: MARKET, clientOrderId: `o${++cid}`, side, type: 'limit', price, quantity },
  });

const api = <T>(t: Trader | null, method: string, path: string, body?: unknown) =>
  http<T>(srv.server.url, method, path, { token: t?.s.accessToken, body });

async function settled(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await srv.server.copy.idle();
  await new Promise((r) => setImmediate(r));
  await srv.server.copy.idle();
}

async function notes(t: Trader, kind?: string): Promise<Notification[]> {
  const r = await api<Notification[]>(t, 'GET', '/api/v1/notifications?limit=500');
  return kind ? r.body.filter((n) => n.kind === kind) : r.body;
}

async function subscribe(
  t: Trader,
  leader: string,
  allocation: number,
  stopLossBps?: number,
): Promise<SubscriptionView> {
  const r = await api<SubscriptionView>(t, 'POST', '/api/v1/subscriptions', {
    leader,
    allocation,
    ...(stopLossBps ? { stopLossBps } : {}),
  });
  expect(r.status, r.text).toBe(201);
  return r.body;
}

const krw = (id: number) => srv.server.exchange.engine.balances(id).KRW ?? { available: 0, held: 0 };

/** Every asset's total over all ledger accounts (fee account, users, copy sub-accounts) equals the grants. */
function expectConservation(users: number): void {
  const ids = [
    0,
    ...Array.from({ length: users }, (_, i) => i + 1),
    ...srv.server.copy.store.running().map((r) => r.sub_account),
  ];
  for (const r of srv.server.copy.store.bySubscriber(0)) ids.push(r.sub_account);
  const all = new Set(ids);
  for (let id = SUB_ACCOUNT_BASE; srv.server.exchange.engine.hasAccount(id); id++) all.add(id);
  const totals: Record<string, number> = {};
  for (const id of all)
    for (const [asset, b] of Object.entries(srv.server.exchange.engine.balances(id)))
      totals[asset] = (totals[asset] ?? 0) + b.available + b.held;
  for (const [asset, amount] of Object.entries(TEST_GRANT)) expect(totals[asset], asset).toBe(amount * users);
}

/** Maker, leader and two followers; the market priced at PRICE by a first trade; the leader's strategy open. */
async function cast() {
  const maker = await trader('maker');
  const leader = await trader('leader');
  const f1 = await trader('follower1');
  const f2 = await trader('follower2');
  await order(maker, 'sell', PRICE, LPJ);
  await order(f2, 'buy', PRICE, LPJ); // prices the market; f2 is not the leader, so nothing is copied
  await order(maker, 'sell', PRICE, 80 * LPJ);
  await order(maker, 'buy', PRICE / 2, 80 * LPJ);
  const open = await api(leader, 'POST', '/api/v1/strategy', { profitShareBps: 2_000, description: 'momentum' });
  expect(open.status, open.text).toBe(201);
  return { maker, leader, f1, f2 };
}

/** A trade at `price` between f2 (seller) and the maker, with the maker's other orders out of the way; the
 *  maker then bids `bid` for the close-outs to sell into. */
async function movePrice(maker: Trader, f2: Trader, price: number, bid = price - 3_000): Promise<void> {
  await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
  // In steps the price band allows (10% from the last trade on the shipped market).
  for (let last = srv.server.exchange.engine.lastPrice(MARKET)!; last !== price;) {
    last = price < last ? Math.max(price, Math.ceil(last * 0.9)) : Math.min(price, Math.floor(last * 1.1));
    await order(f2, 'sell', last, LPJ);
    await order(maker, 'buy', last, LPJ);
  }
  await order(maker, 'buy', bid, 80 * LPJ);
  await settled();
}

const proportional = (allocation: number, equity: number, qty: number) => {
  const wanted = Math.floor((allocation * qty) / equity);
  return { wanted, lots: wanted - (wanted % LOT) };
};

describe('copy trading on the server', () => {
  it('mirrors a leader fill proportionally, rounds to the lot, skips below a lot, and notifies both sides', async () => {
    const { leader, f1, f2 } = await cast();
    const s1 = await subscribe(f1, 'leader', 1_000_000);
    const s2 = await subscribe(f2, 'leader', 100_000);
    expect(krw(f1.s.accountId).available).toBe(TEST_GRANT.KRW - 1_000_000);
    expect((await notes(leader, 'new_follower')).length).toBe(2);

    const equity = srv.server.ranking.service.equityNow(leader.s.accountId);
    const qty = 30_000_000; // 0.3 LPJ
    await order(leader, 'buy', PRICE, qty);
    await settled();
    const want1 = proportional(1_000_000, equity, qty);
    const want2 = proportional(100_000, equity, qty);
    expect(want1.lots).toBeGreaterThan(0);
    expect(want1.lots).toBeLessThan(want1.wanted); // rounded down to the lot
    expect(want2.lots).toBe(0);
    const v1 = (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s1.id}`)).body;
    expect(v1.holdings[MARKET]).toBe(want1.lots);
    const v2 = (await api<SubscriptionView>(f2, 'GET', `/api/v1/subscriptions/${s2.id}`)).body;
    expect(v2.holdings[MARKET]).toBeUndefined();
    expect(v2.freeCash).toBe(100_000);

    const executed = await notes(f1, 'copy_executed');
    expect(executed.at(-1)!.data).toMatchObject({
      subscriptionId: s1.id,
      leader: 'leader',
      side: 'buy',
      quantity: want1.lots,
    });
    const skipped = await notes(f2, 'copy_skipped');
    expect(skipped.at(-1)!.data).toMatchObject({
      subscriptionId: s2.id,
      reason: 'BELOW_LOT_SIZE',
      wanted: want2.wanted,
    });
    expect((await notes(leader, 'fill_mirrored')).at(-1)!.data).toMatchObject({ placed: 1, skipped: 1 });
    // The copy never spends more than its allocation.
    expect(v1.freeCash + Math.floor((want1.lots * PRICE) / LPJ)).toBeLessThanOrEqual(1_000_000);
    expectConservation(4);
  });

  it('pauses, resumes, adds and reduces funds, and returns everything on unsubscribe', async () => {
    const { leader, f1 } = await cast();
    const s = await subscribe(f1, 'leader', 1_000_000);
    expect((await api(f1, 'PATCH', `/api/v1/subscriptions/${s.id}`, { action: 'pause' })).status).toBe(200);
    await order(leader, 'buy', PRICE, 5 * LPJ);
    await settled();
    let v = (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body;
    expect(v.status).toBe('paused');
    expect(v.holdings[MARKET]).toBeUndefined();
    expect((await api(f1, 'PATCH', `/api/v1/subscriptions/${s.id}`, { action: 'resume' })).status).toBe(200);
    await order(leader, 'buy', PRICE, 5 * LPJ);
    await settled();
    v = (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body;
    expect(v.holdings[MARKET]).toBeGreaterThan(0);

    const before = krw(f1.s.accountId).available;
    const add = await api<SubscriptionView>(f1, 'PATCH', `/api/v1/subscriptions/${s.id}`, {
      action: 'addFunds',
      amount: 500_000,
    });
    expect(add.body.allocation).toBe(1_500_000);
    expect(krw(f1.s.accountId).available).toBe(before - 500_000);
    const reduce = await api<SubscriptionView>(f1, 'PATCH', `/api/v1/subscriptions/${s.id}`, {
      action: 'reduceFunds',
      amount: 200_000,
    });
    expect(reduce.body.allocation).toBe(1_300_000);
    expect(krw(f1.s.accountId).available).toBe(before - 300_000);
    const tooMuch = await api<{ error: { code: string } }>(f1, 'PATCH', `/api/v1/subscriptions/${s.id}`, {
      action: 'reduceFunds',
      amount: 1_250_000,
    });
    expect(tooMuch.status).toBe(400);
    expect(['INSUFFICIENT_FREE_FUNDS', 'BELOW_MIN_ALLOCATION']).toContain(tooMuch.body.error.code);

    const end = await api<SubscriptionView>(f1, 'DELETE', `/api/v1/subscriptions/${s.id}`);
    await settled();
    const ended = (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body;
    expect(end.status).toBe(200);
    expect(ended.status).toBe('ended');
    expect(ended.endReason).toBe('unsubscribed');
    const sub = srv.server.copy.store.subscription(s.id)!.sub_account;
    expect(krw(sub)).toEqual({ available: 0, held: 0 });
    expect(srv.server.exchange.engine.balances(sub).LPJ?.available ?? 0).toBe(0);
    expect((await notes(f1, 'copy_ended')).length).toBe(1);
    expect((await notes(leader, 'follower_left')).length).toBe(1);
    expectConservation(4);
  });

  it('stops copying and closes out at the stop-loss', async () => {
    const { maker, leader, f1, f2 } = await cast();
    const s = await subscribe(f1, 'leader', 1_000_000, 1_000);
    await order(leader, 'buy', PRICE, 60 * LPJ);
    await settled();
    expect(
      (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body.holdings[MARKET],
    ).toBeGreaterThan(0);
    // The price halves, and the copy has lost far more than 10%.
    await movePrice(maker, f2, PRICE / 2);
    await eventually(
      async () => (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body.status === 'ended',
      'the stop-loss close-out',
    );
    const v = (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body;
    expect(v.endReason).toBe('stop_loss');
    expect((await notes(f1, 'stop_loss_hit')).length).toBe(1);
    expect(krw(srv.server.copy.store.subscription(s.id)!.sub_account).available).toBe(0);
    expectConservation(4);
  });

  it('sets a stop-loss on a running copy, removes it, and the one in force stops the copy', async () => {
    const { maker, leader, f1, f2 } = await cast();
    const s = await subscribe(f1, 'leader', 1_000_000);
    const patch = (body: unknown) => api<SubscriptionView>(f1, 'PATCH', `/api/v1/subscriptions/${s.id}`, body);
    expect((await patch({ action: 'stopLoss', stopLossBps: 500 })).body.stopLossBps).toBe(500);
    expect((await patch({ action: 'stopLoss', stopLossBps: null })).body.stopLossBps).toBeNull();
    expect((await patch({ action: 'stopLoss', stopLossBps: 10_000 })).status).toBe(400);
    expect((await patch({ action: 'stopLoss', stopLossBps: 1_000 })).body.stopLossBps).toBe(1_000);
    await order(leader, 'buy', PRICE, 60 * LPJ);
    await settled();
    await movePrice(maker, f2, PRICE / 2);
    await eventually(
      async () => (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body.status === 'ended',
      'the stop-loss close-out',
    );
    expect((await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body.endReason).toBe('stop_loss');
    // An ended copy's stop-loss cannot be changed.
    expect((await patch({ action: 'stopLoss', stopLossBps: 200 })).status).toBe(409);
    expectConservation(4);
  });

  it('settles profit share above the high-water mark each period, once per period', async () => {
    const { maker, leader, f1, f2 } = await cast();
    const s = await subscribe(f1, 'leader', 1_000_000);
    await order(leader, 'buy', PRICE, 40 * LPJ);
    await settled();
    const held = (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body.holdings[MARKET];
    // The price rises 20%: a trade at 120,000 marks it.
    await movePrice(maker, f2, 120_000);
    const leaderBefore = krw(leader.s.accountId).available;
    clock = T0 + DAY;
    srv.server.runSchedule();
    await settled();
    let page = (await api<SettlementPage>(f1, 'GET', '/api/v1/settlements')).body;
    expect(page.settlements.length).toBe(1);
    const first = page.settlements[0];
    expect(first.role).toBe('subscriber');
    expect(first.profit).toBeGreaterThan(0);
    expect(first.fee).toBe(Math.floor((first.profit * 2_000) / 10_000));
    expect(first.paid).toBe(first.fee);
    expect(first.highWaterMark).toBe(first.profit - first.fee);
    expect(first.periodKey).toBe(`${s.id}:${first.period}`);
    expect(krw(leader.s.accountId).available).toBe(leaderBefore + first.paid);
    const leaderView = (await api<SettlementPage>(leader, 'GET', '/api/v1/settlements')).body.settlements;
    expect(leaderView[0]).toMatchObject({
      role: 'leader',
      counterparty: 'follower1',
      paid: first.paid,
      periodKey: first.periodKey,
    });
    expect((await notes(f1, 'settlement_paid')).length).toBe(1);
    expect((await notes(leader, 'settlement_received')).length).toBe(1);

    // A rerun of the same period pays nothing and records nothing.
    srv.server.runSchedule();
    await settled();
    expect((await api<SettlementPage>(f1, 'GET', '/api/v1/settlements')).body.settlements.length).toBe(1);
    expect(krw(leader.s.accountId).available).toBe(leaderBefore + first.paid);

    // Next period the price is back at 100,000: below the mark, no fee.
    await movePrice(maker, f2, PRICE);
    clock = T0 + 2 * DAY;
    srv.server.runSchedule();
    await settled();
    page = (await api<SettlementPage>(f1, 'GET', '/api/v1/settlements')).body;
    expect(page.settlements.length).toBe(2);
    expect(page.settlements[0]).toMatchObject({ fee: 0, paid: 0, highWaterMark: first.highWaterMark });

    // Then 130,000: only the gain above the mark is charged.
    await movePrice(maker, f2, 130_000);
    clock = T0 + 3 * DAY;
    srv.server.runSchedule();
    await settled();
    page = (await api<SettlementPage>(f1, 'GET', '/api/v1/settlements')).body;
    const third = page.settlements[0];
    expect(third.fee).toBe(Math.floor(((third.profit - first.highWaterMark) * 2_000) / 10_000));
    expect(third.fee).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(0);
    expectConservation(4);
  });

  it('answers every bad input with a clear error, and ends the copies of a leader who deletes their account', async () => {
    const { leader, f1, f2 } = await cast();
    const code = async (r: Promise<{ status: number; body: unknown }>) => {
      const x = await r;
      return [x.status, (x.body as { error?: { code: string } }).error?.code];
    };
    expect(await code(api(leader, 'POST', '/api/v1/subscriptions', { leader: 'leader', allocation: 200_000 }))).toEqual(
      [400, 'SELF_SUBSCRIBE'],
    );
    expect(await code(api(f1, 'POST', '/api/v1/subscriptions', { leader: 'nobody', allocation: 200_000 }))).toEqual([
      404,
      'UNKNOWN_TRADER',
    ]);
    expect(await code(api(f1, 'POST', '/api/v1/subscriptions', { leader: 'leader', allocation: 99_999 }))).toEqual([
      400,
      'BELOW_MIN_ALLOCATION',
    ]);
    expect(
      await code(api(f1, 'POST', '/api/v1/subscriptions', { leader: 'leader', allocation: TEST_GRANT.KRW + 1 })),
    ).toEqual([400, 'INSUFFICIENT_BALANCE']);
    expect(await code(api(f1, 'POST', '/api/v1/subscriptions', { leader: 'leader', allocation: -5 }))).toEqual([
      400,
      'BAD_REQUEST',
    ]);
    expect(await code(api(f1, 'POST', '/api/v1/subscriptions', { leader: 'maker', allocation: 200_000 }))).toEqual([
      404,
      'NO_STRATEGY',
    ]);
    expect(await code(api(leader, 'POST', '/api/v1/strategy', { profitShareBps: 3_001 }))).toEqual([
      400,
      'BAD_REQUEST',
    ]);
    expect(await code(api(leader, 'POST', '/api/v1/strategy', { profitShareBps: 1_000 }))).toEqual([
      409,
      'STRATEGY_EXISTS',
    ]);
    const s = await subscribe(f1, 'leader', 200_000);
    expect(await code(api(f1, 'POST', '/api/v1/subscriptions', { leader: 'leader', allocation: 200_000 }))).toEqual([
      409,
      'ALREADY_SUBSCRIBED',
    ]);
    expect(await code(api(f2, 'GET', `/api/v1/subscriptions/${s.id}`))).toEqual([404, 'UNKNOWN_SUBSCRIPTION']);
    expect(await code(api(f1, 'PATCH', `/api/v1/subscriptions/${s.id}`, { action: 'resume' }))).toEqual([
      409,
      'SUBSCRIPTION_NOT_ACTIVE',
    ]);

    // A new rate applies to new periods: the running copy keeps the rate of the period in progress.
    const patched = await api<{ profitShareBps: number; followers: number }>(leader, 'PATCH', '/api/v1/strategy', {
      profitShareBps: 500,
    });
    expect(patched.body).toMatchObject({ profitShareBps: 500, followers: 1 });
    expect((await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body.profitShareBps).toBe(2_000);

    expect((await api(leader, 'DELETE', '/api/v1/strategy')).status).toBe(200);
    expect(await code(api(f2, 'POST', '/api/v1/subscriptions', { leader: 'leader', allocation: 200_000 }))).toEqual([
      409,
      'STRATEGY_CLOSED',
    ]);

    await order(leader, 'buy', PRICE, 20 * LPJ);
    await settled();
    // Deletion asks for the password again (signUp's default one).
    expect((await api(leader, 'DELETE', '/api/v1/me', { password: `pw-${leader.s.nickname}-secret` })).status).toBe(
      204,
    );
    await settled();
    const v = (await api<SubscriptionView>(f1, 'GET', `/api/v1/subscriptions/${s.id}`)).body;
    expect(v).toMatchObject({ status: 'ended', endReason: 'leader_deleted' });
    expect(krw(srv.server.copy.store.subscription(s.id)!.sub_account).available).toBe(0);
    expect((await api(leader, 'GET', '/api/v1/me')).status).toBe(401);
    expect(await code(api(null, 'GET', '/api/v1/traders/leader'))).toEqual([404, 'UNKNOWN_TRADER']);
    expect(await code(api(f2, 'POST', '/api/v1/subscriptions', { leader: 'leader', allocation: 200_000 }))).toEqual([
      404,
      'UNKNOWN_TRADER',
    ]);
    expectConservation(4);
  });
});
