/**
 * Pumping followers: a leader with a follower trades with their own second account far above the market, so
 * that copies would buy the second account's coins at that price. Against the real server on the shipped
 * configuration: the market is priced at 100,000 KRW by two honest accounts; the follower copies 10% of the
 * leader's size.
 *
 * Copies are priced against the market's reference (the last trade price the leader took no part in) with the
 * slippage limit around it, so the follower never buys above reference + 1%; a leader fill beyond that is not
 * copied, and the follower is told why (AWAY_FROM_MARKET). Tried both ways: straight to ten times the market
 * (the band around the last trade holds a limit and a market order alike, so nothing prints), and a walk up in
 * 10% steps within the band, where the leader's fills print but are not copied. A leader buying at the market is still copied. The same marks value the
 * copies for settlements and stop-losses: walking the price up before a settlement charges no profit share on
 * it, and walking it down does not trip the followers' stop-loss into selling to the second account's bids.
 * Each test ends with two fresh accounts trading (honestPairTrades).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Notification, Session, SettlementPage, SubscriptionView } from '../../engine/protocol/sync';
import { LOT, LPJ, MARKET, eventually, honestPairTrades, http, signUp } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';
import type { TestWsClient } from '../testing/ws-client';

const t = serverPerTest();
/** Time allowed for a condition (a fill, a copy's result) and for a whole test, on a slow, loaded machine. */
const WAIT_MS = 20_000;
const TEST_MS = 120_000;

const DAY = 86_400_000;
const MARKET_PRICE = 100_000;
/** Where the honest maker offers the leader a buy at the market. */
const AT_MARKET = 100_500;
/** The shipped copy slippage (1%) around the market price, on the 1 KRW tick. */
const COPY_LIMIT = 101_000;
const ALLOCATION = 2_000_000;

interface Trader {
  s: Session;
  ws: TestWsClient;
}

let cid = 0;
const trader = async (name: string): Promise<Trader> => {
  const s = await signUp(t.server.url, name);
  return { s, ws: await t.connect(s) };
};
const limit = (who: Trader, side: 'buy' | 'sell', price: number, quantity: number) =>
  who.ws.request(limitOrder(`p${++cid}`, side, price, quantity));
const api = <T>(who: Trader, method: string, path: string, body?: unknown) =>
  http<T>(t.server.url, method, path, { token: who.s.accessToken, body });
const notes = async (who: Trader, kind: string) =>
  (await api<Notification[]>(who, 'GET', '/api/v1/notifications?limit=500')).body.filter((n) => n.kind === kind);
const subscription = async (who: Trader, id: number) =>
  (await api<SubscriptionView>(who, 'GET', `/api/v1/subscriptions/${id}`)).body;

let maker: Trader;
let taker: Trader;
let leader: Trader;
let second: Trader;
let follower: Trader;
let subId: number;
/** The server's clock: real time, moved on by a test that needs a settlement period to end. */
let clock = 0;

beforeEach(async () => {
  clock = Date.now();
  await t.start({ now: () => clock, accessTtlMs: 30 * DAY });
  maker = await trader('honest_maker');
  taker = await trader('honest_taker');
  leader = await trader('pump_leader');
  second = await trader('pump_second');
  follower = await trader('follower');
  // Two honest accounts price the market; the ask side is then empty.
  expect((await limit(maker, 'sell', MARKET_PRICE, LPJ)).type).toBe('ack');
  expect((await limit(taker, 'buy', MARKET_PRICE, LPJ)).type).toBe('ack');
  await eventually(
    () => t.server.exchange.engine.lastPrice(MARKET) === MARKET_PRICE,
    'the market priced at 100,000',
    WAIT_MS,
  );
  expect(
    (await api(leader, 'POST', '/api/v1/strategy', { profitShareBps: 2_000, description: 'to the moon' })).status,
  ).toBe(201);
  const sub = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
    leader: 'pump_leader',
    allocation: ALLOCATION,
  });
  expect(sub.status, sub.text).toBe(201);
  subId = sub.body.id;
}, TEST_MS);

/** Waits until the follower has been told about `count` skipped copies, and every copy order has its result. */
async function skipsReach(count: number): Promise<Notification[]> {
  await eventually(
    async () => (await notes(follower, 'copy_skipped')).length >= count,
    `${count} skipped copies`,
    WAIT_MS,
  );
  await t.server.copy.idle();
  return notes(follower, 'copy_skipped');
}

/** The follower's copy sub-account holds and has spent only what its earlier copies at the market did. */
async function expectNotDragged(before = { holding: 0, freeCash: ALLOCATION, copies: 0 }): Promise<void> {
  await t.server.copy.idle();
  const v = await subscription(follower, subId);
  expect(v.holdings[MARKET] ?? 0).toBe(before.holding);
  expect(v.freeCash).toBe(before.freeCash);
  expect(await notes(follower, 'copy_executed')).toHaveLength(before.copies);
}

/**
 * The leader buys `quantity` from an honest ask just above the market and the follower's copy follows it there;
 * returns the follower's subscription after its copy.
 */
async function copyAtMarket(quantity: number): Promise<SubscriptionView> {
  expect((await limit(maker, 'sell', AT_MARKET, quantity + quantity / 10)).type).toBe('ack');
  expect((await limit(leader, 'buy', AT_MARKET, quantity)).type).toBe('ack');
  await eventually(
    async () => (await notes(follower, 'copy_executed')).length === 1,
    'the copy of a buy at the market',
    WAIT_MS,
  );
  await t.server.copy.idle();
  await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
  return subscription(follower, subId);
}

/**
 * The leader trades `steps` times with the second account, each step as far as the band allows from the last
 * trade (up: the leader buys from the second account's ask; down: sells to its bid), with 3 LPJ of bait left
 * at each price for the followers' copies. Returns the last price.
 */
async function walk(direction: 'up' | 'down', steps: number, from: number): Promise<number> {
  let price = from;
  const skipsBefore = (await notes(follower, 'copy_skipped')).length;
  for (let k = 1; k <= steps; k++) {
    price = direction === 'up' ? Math.floor((price * 11_000) / 10_000) : Math.ceil((price * 9_000) / 10_000);
    await second.ws.ok({ op: 'order.cancel_all', market: MARKET });
    expect((await limit(second, direction === 'up' ? 'sell' : 'buy', price, 4 * LPJ)).type).toBe('ack');
    expect((await limit(leader, direction === 'up' ? 'buy' : 'sell', price, LPJ)).type).toBe('ack');
    const at = price;
    await eventually(() => t.server.exchange.engine.lastPrice(MARKET) === at, `step ${k} printed at ${at}`, WAIT_MS);
    const skips = await skipsReach(skipsBefore + k);
    expect(skips.every((n) => (n.data as { reason: string }).reason === 'AWAY_FROM_MARKET')).toBe(true);
  }
  return price;
}

/** The pumping accounts take their orders off the book, and two fresh accounts trade at the last price. */
async function honestUsersStillTrade(): Promise<void> {
  await second.ws.ok({ op: 'order.cancel_all', market: MARKET });
  await honestPairTrades(t.server);
}

describe('a leader pumping the price with their own second account', () => {
  it(
    'straight to ten times the market: the band holds both the limit and the market order, so nothing prints to copy',
    async () => {
      const pumped = 10 * MARKET_PRICE;
      // The second account offers 5 LPJ at ten times the market: a sell far above is allowed to rest.
      expect((await limit(second, 'sell', pumped, 5 * LPJ)).type).toBe('ack');
      const direct = await limit(leader, 'buy', pumped, LPJ);
      expect(direct).toMatchObject({ type: 'reject', reason: 'PRICE_OUT_OF_BAND' });
      // A market order is banded around the last trade too: the only ask is beyond it, so it expires unfilled.
      const market = await leader.ws.request({
        op: 'order.new',
        order: { market: MARKET, clientOrderId: `p${++cid}`, side: 'buy', type: 'market', quantity: LPJ },
      });
      expect(market.type).toBe('ack');
      await leader.ws.waitFor(
        (m) => m.type === 'order' && m.order.clientOrderId === `p${cid}` && m.order.status !== 'open',
        'the market order’s end',
        WAIT_MS,
      );
      expect(t.server.exchange.engine.lastPrice(MARKET)).toBe(MARKET_PRICE);
      await expectNotDragged();
      // The bait is untouched: none of it went to the leader, nor to the follower.
      const bait = t.server.exchange.engine.openOrders(second.s.accountId);
      expect(bait.map((o) => [o.price, o.remaining])).toEqual([[pumped, 5 * LPJ]]);
      expect(await notes(follower, 'copy_executed')).toEqual([]);
      await honestUsersStillTrade();
    },
    TEST_MS,
  );

  it(
    'a buy at the market is copied; walking up from there in 10% steps within the band, no step is',
    async () => {
      const afterCopy = await copyAtMarket(LPJ);
      const [copied] = await notes(follower, 'copy_executed');
      const { quantity, quoteAmount } = copied.data as { quantity: number; quoteAmount: number };
      expect(quantity).toBeGreaterThanOrEqual(10 * LOT);
      expect(quoteAmount).toBe(Math.floor((AT_MARKET * quantity) / LPJ));
      expect(quoteAmount).toBeLessThanOrEqual(Math.floor((COPY_LIMIT * quantity) / LPJ));
      expect(afterCopy.holdings[MARKET]).toBe(quantity);

      // The copy's own trade at 100,500 is the market's last price the leader took no part in.
      const top = await walk('up', 5, AT_MARKET);
      expect(top).toBeGreaterThan(160_000);
      await expectNotDragged({ holding: quantity, freeCash: afterCopy.freeCash, copies: 1 });
      // The bait at the top of the walk is untouched.
      expect(t.server.exchange.engine.openOrders(second.s.accountId).map((o) => [o.price, o.remaining])).toEqual([
        [top, 3 * LPJ],
      ]);
      await honestUsersStillTrade();
    },
    TEST_MS,
  );

  it(
    'walking the price up just before a settlement charges no profit share on it',
    async () => {
      const afterCopy = await copyAtMarket(LPJ);
      const top = await walk('up', 5, AT_MARKET);
      // At the last price the copy would show a 60% gain; at the market it shows the fee it paid.
      const leaderKrw = t.server.exchange.engine.balances(leader.s.accountId).KRW.available;
      clock += DAY;
      t.server.runSchedule();
      await t.server.copy.idle();
      const page = (await api<SettlementPage>(follower, 'GET', '/api/v1/settlements')).body;
      expect(page.settlements).toHaveLength(1);
      const [settlement] = page.settlements;
      const held = afterCopy.holdings[MARKET];
      expect(settlement.profit).toBe(afterCopy.freeCash + Math.floor((AT_MARKET * held) / LPJ) - ALLOCATION);
      expect(settlement.profit).toBeLessThan(Math.floor(((top - AT_MARKET) * held) / LPJ));
      expect(settlement).toMatchObject({ fee: 0, paid: 0 });
      expect(t.server.exchange.engine.balances(leader.s.accountId).KRW.available).toBe(leaderKrw);
      await honestUsersStillTrade();
    },
    TEST_MS,
  );

  it(
    'walking the price down does not trip the followers’ stop-loss into selling to the second account',
    async () => {
      const stopped = await api<SubscriptionView>(follower, 'PATCH', `/api/v1/subscriptions/${subId}`, {
        action: 'stopLoss',
        stopLossBps: 1_000,
      });
      expect(stopped.status, stopped.text).toBe(200);
      // Most of the follower's allocation goes into LPJ, so a 40% fall at the last price would pass the 10% stop.
      const afterCopy = await copyAtMarket(90 * LPJ);
      const held = afterCopy.holdings[MARKET];
      expect(Math.floor((AT_MARKET * held) / LPJ)).toBeGreaterThan(ALLOCATION / 3);
      const bottom = await walk('down', 5, AT_MARKET);
      expect(bottom).toBeLessThan(60_000);
      t.server.runSchedule();
      await t.server.copy.idle();
      const v = await subscription(follower, subId);
      expect(v.status).toBe('active');
      expect(v.holdings[MARKET]).toBe(held);
      expect(await notes(follower, 'stop_loss_hit')).toEqual([]);
      await honestUsersStillTrade();
    },
    TEST_MS,
  );
});
