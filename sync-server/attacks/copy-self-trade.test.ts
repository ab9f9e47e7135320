/**
 * A follower's copy trading against the follower's own orders. A copy sub-account belongs to its subscriber in
 * the matching engine, so self-trade prevention spans the two: a copy never buys from the follower's resting
 * sell nor sells into the follower's resting bid, whether it is copying the leader's trade or closing out on
 * "Stop copying". The copy order is the one cancelled (its sub-account's mode is cancel_incoming): it fills only
 * what others offered before the follower's order, the follower's order stays, a copy that got nothing is
 * reported skipped with SELF_TRADE_PREVENTED, and coins a close-out could not sell go back to the follower in
 * kind.
 *
 * Against the real server on the shipped configuration: two honest accounts price the market at 100,000 KRW,
 * and the follower copies the leader with 2,000,000 KRW. After each scenario no trade in the journal joins two
 * accounts of one owner, the ledger's totals are the grants, the follower sees the copy's balances (GET
 * /api/v1/copy-accounts, and `copy_balance` pushes), and two fresh accounts still trade (honestPairTrades).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  CopyAccountView,
  Notification,
  ServerMessage,
  Session,
  SubscriptionView,
} from '../../engine/protocol/sync';
import { Prng } from '../../engine/core/random/prng';
import { LPJ, LOT, MARKET, TEST_GRANT, eventually, honestPairTrades, http, signUp } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';
import type { TestWsClient } from '../testing/ws-client';

const t = serverPerTest();
/** Time allowed for a condition (a fill, a copy's result) and for a whole test, on a slow, loaded machine. */
const WAIT_MS = 20_000;
const TEST_MS = 180_000;

const MARKET_PRICE = 100_000;
/** Within the shipped copy slippage (1%) above the market: a copy buy would reach it. */
const NEAR_ASK = 100_500;
const ALLOCATION = 2_000_000;

interface Trader {
  s: Session;
  ws: TestWsClient;
}

let cid = 0;
let users = 0;
const trader = async (name: string): Promise<Trader> => {
  const s = await signUp(t.server.url, name);
  users++;
  return { s, ws: await t.connect(s) };
};
const limit = (who: Trader, side: 'buy' | 'sell', price: number, quantity: number) =>
  who.ws.ok(limitOrder(`st${++cid}`, side, price, quantity));
const api = <T>(who: Trader, method: string, path: string, body?: unknown) =>
  http<T>(t.server.url, method, path, { token: who.s.accessToken, body });
const notes = async (who: Trader, kind: string) =>
  (await api<Notification[]>(who, 'GET', '/api/v1/notifications?limit=500')).body.filter((n) => n.kind === kind);
const subscription = async (who: Trader, id: number) =>
  (await api<SubscriptionView>(who, 'GET', `/api/v1/subscriptions/${id}`)).body;
const engine = () => t.server.exchange.engine;
const openOrders = (who: Trader) =>
  engine()
    .openOrders(who.s.accountId)
    .map((o) => [o.side, o.price, o.remaining]);
const lpj = (who: Trader) => engine().balance(who.s.accountId, 'LPJ');

let maker: Trader;
let taker: Trader;
let leader: Trader;
let follower: Trader;
let subId: number;
let subAccount: number;

beforeEach(async () => {
  users = 0;
  await t.start();
  maker = await trader('honest_maker');
  taker = await trader('honest_taker');
  leader = await trader('the_leader');
  follower = await trader('the_follower');
  await limit(maker, 'sell', MARKET_PRICE, LPJ);
  await limit(taker, 'buy', MARKET_PRICE, LPJ);
  await eventually(() => engine().lastPrice(MARKET) === MARKET_PRICE, 'the market priced at 100,000', WAIT_MS);
  expect((await api(leader, 'POST', '/api/v1/strategy', { profitShareBps: 1_000 })).status).toBe(201);
  const sub = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
    leader: 'the_leader',
    allocation: ALLOCATION,
  });
  expect(sub.status, sub.text).toBe(201);
  subId = sub.body.id;
  subAccount = t.server.copy.store.subscription(subId)!.sub_account;
}, TEST_MS);

/** Every trade the journal holds, by the owner of each side: none may have the same owner on both sides. */
function expectNoTradeWithinAnOwner(): number {
  const owner = (account: number) => engine().ownerOf(account) ?? account;
  const trades = t.server.exchange.journal.eventsSince(MARKET, 0, 100_000).filter((e) => e.type === 'trade') as {
    makerAccount: number;
    takerAccount: number;
  }[];
  for (const tr of trades) expect(owner(tr.makerAccount), JSON.stringify(tr)).not.toBe(owner(tr.takerAccount));
  return trades.length;
}

/** Each asset's total over every ledger account (fee account and sub-accounts included) is what was granted. */
function expectConservation(): void {
  const totals = engine().ledger.totals();
  for (const [asset, amount] of Object.entries(TEST_GRANT)) expect(totals.get(asset), asset).toBe(amount * users);
}

/** How many copies the follower has been told about, done or skipped. */
const copyResults = async () =>
  (await notes(follower, 'copy_executed')).length + (await notes(follower, 'copy_skipped')).length;

/** The leader trades at `price` (a limit order on `side`), and the follower hears of the copy's result. */
async function leaderTrades(side: 'buy' | 'sell', price: number, quantity: number): Promise<void> {
  const before = await copyResults();
  await limit(leader, side, price, quantity);
  await eventually(async () => (await copyResults()) > before, 'the copy’s result', WAIT_MS);
  await t.server.copy.idle();
}

describe('a copy meeting its follower’s own orders', () => {
  it(
    'copying a leader’s buy, the copy is cancelled at the follower’s resting sell instead of buying from it',
    async () => {
      await limit(follower, 'sell', NEAR_ASK, 20 * LPJ);
      await limit(maker, 'sell', NEAR_ASK + 300, 20 * LPJ);
      // The leader takes 10 of the follower's 20: the rest is the best ask when the copy arrives.
      await leaderTrades('buy', NEAR_ASK, 10 * LPJ);
      await eventually(async () => (await notes(follower, 'copy_skipped')).length === 1, 'the skip', WAIT_MS);
      const [skip] = await notes(follower, 'copy_skipped');
      expect(skip.data).toMatchObject({ reason: 'SELF_TRADE_PREVENTED', side: 'buy', market: MARKET });
      expect(await notes(follower, 'copy_executed')).toEqual([]);
      // The follower's sell and the maker's behind it are untouched; the copy holds nothing and spent nothing.
      expect(openOrders(follower)).toEqual([['sell', NEAR_ASK, 10 * LPJ]]);
      expect(openOrders(maker)).toEqual([['sell', NEAR_ASK + 300, 20 * LPJ]]);
      const v = await subscription(follower, subId);
      expect(v.holdings[MARKET] ?? 0).toBe(0);
      expect(v.freeCash).toBe(ALLOCATION);
      expect(engine().balance(subAccount, 'KRW')).toEqual({ available: ALLOCATION, held: 0 });
      expect(engine().balance(subAccount, 'LPJ')).toEqual({ available: 0, held: 0 });
      expect(expectNoTradeWithinAnOwner()).toBe(2);
      expectConservation();
      await follower.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await honestPairTrades(t.server);
    },
    TEST_MS,
  );

  it(
    'on "Stop copying", the close-out sells to others’ better bids and stops at the follower’s own; the rest goes back in kind',
    async () => {
      // A copy at the market first: the maker offers, the leader buys, the copy buys its share from the maker.
      await limit(maker, 'sell', NEAR_ASK, 20 * LPJ);
      await leaderTrades('buy', NEAR_ASK, 10 * LPJ);
      await eventually(async () => (await notes(follower, 'copy_executed')).length === 1, 'the copy', WAIT_MS);
      const held = (await subscription(follower, subId)).holdings[MARKET];
      expect(held).toBeGreaterThan(30 * LOT);
      await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });

      // Bids: someone else's small one on top, the follower's below it, the maker's further down.
      await limit(taker, 'buy', 99_500, 30 * LOT);
      await limit(follower, 'buy', 99_000, 5 * LPJ);
      await limit(maker, 'buy', 95_000, 20 * LPJ);
      const followerLpj = lpj(follower).available;
      const stopped = await api<SubscriptionView>(follower, 'DELETE', `/api/v1/subscriptions/${subId}`);
      expect(stopped.status, stopped.text).toBe(200);
      await t.server.copy.idle();
      await eventually(async () => (await subscription(follower, subId)).status === 'ended', 'the end', WAIT_MS);

      const [ended] = await notes(follower, 'copy_ended');
      expect(ended.data).toMatchObject({ returnedCoins: { LPJ: held - 30 * LOT } });
      // The follower's bid and the maker's are untouched; the taker's was filled by the close-out.
      expect(openOrders(follower)).toEqual([['buy', 99_000, 5 * LPJ]]);
      expect(openOrders(maker)).toEqual([['buy', 95_000, 20 * LPJ]]);
      expect(openOrders(taker)).toEqual([]);
      expect(lpj(follower).available).toBe(followerLpj + held - 30 * LOT);
      expect(engine().balances(subAccount)).toMatchObject({ KRW: { available: 0, held: 0 }, LPJ: { available: 0 } });
      expectNoTradeWithinAnOwner();
      expectConservation();
      await follower.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await honestPairTrades(t.server);
    },
    TEST_MS,
  );

  it(
    'the follower sees the copy’s money: its balances over HTTP and pushed over WebSocket when they change',
    async () => {
      const accounts = await api<CopyAccountView[]>(follower, 'GET', '/api/v1/copy-accounts');
      expect(accounts.status).toBe(200);
      expect(accounts.body).toEqual([
        {
          subscriptionId: subId,
          account: subAccount,
          leader: 'the_leader',
          status: 'active',
          balances: [{ asset: 'KRW', available: ALLOCATION, held: 0 }],
        },
      ]);
      // Nobody else reads them, and a copy that ended is no longer listed.
      expect((await api<CopyAccountView[]>(leader, 'GET', '/api/v1/copy-accounts')).body).toEqual([]);
      expect((await http(t.server.url, 'GET', '/api/v1/copy-accounts')).status).toBe(401);

      await limit(maker, 'sell', NEAR_ASK, 20 * LPJ);
      const from = follower.ws.ofType('copy_balance').length;
      await leaderTrades('buy', NEAR_ASK, 10 * LPJ);
      const pushed = await follower.ws.waitFor<Extract<ServerMessage, { type: 'copy_balance' }>>(
        (m) => m.type === 'copy_balance' && m.balances.some((b) => b.asset === 'LPJ' && b.available > 0),
        'the copy’s balances after its fill',
        WAIT_MS,
      );
      expect(follower.ws.ofType('copy_balance').length).toBeGreaterThan(from);
      expect(pushed.account).toBe(subAccount);
      const v = await subscription(follower, subId);
      expect(pushed.balances.find((b) => b.asset === 'LPJ')?.available).toBe(v.holdings[MARKET]);
      // The leader is told nothing of the follower's copy.
      expect(leader.ws.ofType('copy_balance')).toEqual([]);

      await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await limit(maker, 'buy', 99_000, 20 * LPJ);
      expect((await api(follower, 'DELETE', `/api/v1/subscriptions/${subId}`)).status).toBe(200);
      await t.server.copy.idle();
      expect((await api<CopyAccountView[]>(follower, 'GET', '/api/v1/copy-accounts')).body).toEqual([]);
      expectNoTradeWithinAnOwner();
      expectConservation();
      await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await honestPairTrades(t.server);
    },
    TEST_MS,
  );

  it(
    'random rounds of the follower’s own orders around the market, the leader trading both ways, then "Stop copying": never a trade between the follower and the copy',
    async () => {
      const rnd = new Prng(20_250_117);
      const price = () => MARKET_PRICE + (Math.floor(rnd.next() * 21) - 10) * 100;
      for (let round = 0; round < 8; round++) {
        // The follower rests orders on both sides near the market, often right where the copy would trade.
        await follower.ws.ok({ op: 'order.cancel_all', market: MARKET });
        await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
        await limit(follower, 'sell', price() + 600, (1 + Math.floor(rnd.next() * 5)) * LPJ);
        await limit(follower, 'buy', price() - 600, (1 + Math.floor(rnd.next() * 5)) * LPJ);
        // The maker offers the leader a trade on the side the leader takes, behind the follower's order or not.
        const leaderBuysNow = rnd.next() < 0.6;
        const at = leaderBuysNow ? MARKET_PRICE + 900 : MARKET_PRICE - 900;
        await limit(maker, leaderBuysNow ? 'sell' : 'buy', at, 10 * LPJ);
        await limit(maker, leaderBuysNow ? 'sell' : 'buy', leaderBuysNow ? at + 50 : at - 50, 10 * LPJ);
        // Every fill of the leader is copied or skipped (the leader may trade with the follower's order too).
        await leaderTrades(leaderBuysNow ? 'buy' : 'sell', at, (1 + Math.floor(rnd.next() * 4)) * LPJ);
        expectNoTradeWithinAnOwner();
        expectConservation();
      }
      // Stop copying with the follower's bid at the top of the book.
      await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await follower.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await limit(follower, 'buy', MARKET_PRICE - 500, 5 * LPJ);
      await limit(maker, 'buy', MARKET_PRICE - 2_000, 50 * LPJ);
      expect((await api(follower, 'DELETE', `/api/v1/subscriptions/${subId}`)).status).toBe(200);
      await t.server.copy.idle();
      await eventually(async () => (await subscription(follower, subId)).status === 'ended', 'the end', WAIT_MS);
      expect(openOrders(follower)).toEqual([['buy', MARKET_PRICE - 500, 5 * LPJ]]);
      expect(Object.values(engine().balances(subAccount)).every((b) => b.available === 0 && b.held === 0)).toBe(true);
      expect(expectNoTradeWithinAnOwner()).toBeGreaterThan(8);
      expectConservation();
      await follower.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await maker.ws.ok({ op: 'order.cancel_all', market: MARKET });
      await honestPairTrades(t.server);
    },
    TEST_MS,
  );
});
