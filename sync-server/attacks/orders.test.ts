/**
 * The worst orders a signed-in client can send over the WebSocket, against the real server on the shipped
 * configuration: prices and quantities at the edge of the safe-integer range, a stop or an amend there, a buy
 * by a quote amount of 2^53 − 1, a limit buy at ten times the last price. Each is refused with its reason and
 * changes nothing; the server stays ready and answers; and two fresh accounts still trade LPJ afterwards
 * (honestPairTrades).
 */
import { describe, expect, it } from 'vitest';
import type { BalanceView, OrderView, ServerMessage, Session } from '../../engine/protocol/sync';
import { LOT, LPJ, MARKET, honestPairTrades, http, signUp } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';
import type { TestWsClient } from '../testing/ws-client';

const t = serverPerTest();

/** 2^53 − 1: the largest price, quantity or amount a message may carry. */
const TOP = Number.MAX_SAFE_INTEGER;
/** The largest quantity on the shipped market's lot grid. */
const TOP_LOTS = TOP - (TOP % LOT);

type Reply = Extract<ServerMessage, { type: 'ack' | 'reject' }>;

/** What an account owns and has open. */
async function state(s: Session): Promise<{ balances: BalanceView[]; orders: OrderView[] }> {
  const b = await http<BalanceView[]>(t.server.url, 'GET', '/api/v1/balances', { token: s.accessToken });
  const o = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=500', {
    token: s.accessToken,
  });
  expect(b.status).toBe(200);
  expect(o.status).toBe(200);
  // Refusals are in the order history too; what must not change is what is open and what is owned.
  return { balances: b.body, orders: o.body.orders.filter((x) => x.status === 'open' || x.status === 'waiting') };
}

const order = (clientOrderId: string, fields: Record<string, unknown>) => ({
  op: 'order.new' as const,
  order: { market: MARKET, clientOrderId, ...fields },
});

interface Attack {
  name: string;
  reason: string;
  /** Sets the market up (as the attacker, `a`, or through other accounts); returns the order the attack is on. */
  setup?(a: TestWsClient): Promise<number | undefined>;
  /** Sends the attack; resolves with its reply. */
  send(a: TestWsClient, orderId: number): Promise<Reply>;
}

const attacks: Attack[] = [
  {
    name: 'a sell limit of 100 LPJ at 9007199254740991 (its notional is 100 times the safe range)',
    reason: 'AMOUNT_OUT_OF_RANGE',
    send: (a) => a.request(order('top-sell', { side: 'sell', type: 'limit', price: TOP, quantity: 100 * LPJ })),
  },
  {
    name: 'a buy limit of 1 LPJ at 9007199254740991 (its notional fits; notional + fee does not)',
    reason: 'AMOUNT_OUT_OF_RANGE',
    send: (a) => a.request(order('top-buy', { side: 'buy', type: 'limit', price: TOP, quantity: LPJ })),
  },
  {
    name: 'a buy stop-market with its stop at 9007199254740991 (the band above the stop leaves the range)',
    reason: 'AMOUNT_OUT_OF_RANGE',
    send: (a) => a.request(order('top-stop', { side: 'buy', type: 'stop_market', stopPrice: TOP, quantity: LOT })),
  },
  {
    name: 'a sell stop-limit at 9007199254740991',
    reason: 'AMOUNT_OUT_OF_RANGE',
    send: (a) =>
      a.request(
        order('top-stop-limit', {
          side: 'sell',
          type: 'stop_limit',
          stopPrice: 100_000,
          price: TOP,
          quantity: 10 * LPJ,
        }),
      ),
  },
  {
    name: 'an amend of a resting sell to 9007199254740991',
    reason: 'AMOUNT_OUT_OF_RANGE',
    setup: async (a) => (await a.ok(limitOrder('resting', 'sell', 150_000, 10 * LPJ))).orderId,
    send: (a, orderId) => a.request({ op: 'order.amend', market: MARKET, orderId, price: TOP }),
  },
  {
    name: 'an amend of a sell resting at 1,000,000,000 KRW to the largest quantity',
    reason: 'AMOUNT_OUT_OF_RANGE',
    setup: async (a) => (await a.ok(limitOrder('resting', 'sell', 1_000_000_000, 10 * LPJ))).orderId,
    send: (a, orderId) => a.request({ op: 'order.amend', market: MARKET, orderId, quantity: TOP_LOTS }),
  },
  {
    name: 'a quantity of 2^53 − 1 (off the lot grid)',
    reason: 'BELOW_LOT_SIZE',
    send: (a) => a.request(order('top-qty', { side: 'sell', type: 'limit', price: 100_000, quantity: TOP })),
  },
  {
    name: 'the largest on-lot quantity at 1,000,000,000 KRW',
    reason: 'AMOUNT_OUT_OF_RANGE',
    send: (a) =>
      a.request(order('top-lots', { side: 'sell', type: 'limit', price: 1_000_000_000, quantity: TOP_LOTS })),
  },
  {
    // Its notional at the best bid fits the range (9 × 10^12 KRW); the LPJ to hold for it does not exist.
    name: 'a market sell of the largest on-lot quantity',
    reason: 'INSUFFICIENT_FUNDS',
    setup: async () => {
      await honestPairTrades(t.server); // prices the market at 100,000 …
      const bidder = await t.connect(await signUp(t.server.url, 'bidder'));
      await bidder.ok(limitOrder('bid', 'buy', 99_000, LPJ)); // … and leaves a bid to sell into
      return undefined;
    },
    send: (a) => a.request(order('top-market', { side: 'sell', type: 'market', quantity: TOP_LOTS })),
  },
  {
    name: 'a market buy by a quote amount of 2^53 − 1',
    reason: 'INSUFFICIENT_FUNDS',
    setup: async () => {
      const seller = await t.connect(await signUp(t.server.url, 'seller'));
      await seller.ok(limitOrder('ask', 'sell', 101_000, LPJ));
      return undefined;
    },
    send: (a) => a.request(order('top-quote', { side: 'buy', type: 'market', quoteAmount: TOP })),
  },
  {
    name: 'a limit buy at ten times the last price',
    reason: 'PRICE_OUT_OF_BAND',
    setup: async () => {
      await honestPairTrades(t.server); // the last price is 100,000
      const seller = await t.connect(await signUp(t.server.url, 'seller'));
      await seller.ok(limitOrder('far-ask', 'sell', 1_000_000, LPJ)); // a far ask rests: the passive side is free
      return undefined;
    },
    send: (a) => a.request(limitOrder('pump', 'buy', 1_000_000, LPJ)),
  },
  {
    name: 'an amend of a resting buy to ten times the last price',
    reason: 'PRICE_OUT_OF_BAND',
    setup: async (a) => {
      await honestPairTrades(t.server); // the last price is 100,000
      return (await a.ok(limitOrder('low-bid', 'buy', 90_000, LPJ))).orderId;
    },
    send: (a, orderId) => a.request({ op: 'order.amend', market: MARKET, orderId, price: 1_000_000 }),
  },
];

describe('the worst orders', () => {
  it.each(attacks)('$name: refused $reason, and the exchange keeps trading', async ({ reason, setup, send }) => {
    await t.start();
    const attacker = await signUp(t.server.url, 'attacker');
    const a = await t.connect(attacker);
    const orderId = (await setup?.(a)) ?? 0;
    const before = await state(attacker);
    expect(await send(a, orderId)).toMatchObject({ type: 'reject', reason });
    // The refusal changed nothing, and the same connection is still served.
    await a.sync();
    expect(await state(attacker)).toEqual(before);
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    expect((await http(t.server.url, 'GET', '/api/v1/orders', { token: attacker.accessToken })).status).toBe(200);
    await honestPairTrades(t.server);
  });

  it('a resting sell of one lot at 9007199254740991 is accepted and harmless: no one can reach it', async () => {
    await t.start();
    const attacker = await signUp(t.server.url, 'attacker');
    const a = await t.connect(attacker);
    // One lot at the top price is worth 9 × 10^13 KRW: in range, and on the passive side, so it may rest.
    expect(await a.request(order('top-lot', { side: 'sell', type: 'limit', price: TOP, quantity: LOT }))).toMatchObject(
      { type: 'ack' },
    );
    await honestPairTrades(t.server); // prices the market at 100,000 beneath it
    const buyer = await t.connect(await signUp(t.server.url, 'buyer'));
    expect(await buyer.request(limitOrder('reach', 'buy', TOP, LOT))).toMatchObject({
      type: 'reject',
      reason: 'PRICE_OUT_OF_BAND',
    });
    // A market buy is banded around the last trade: it expires without reaching the lot at the top.
    expect(await buyer.request(order('sweep', { side: 'buy', type: 'market', quantity: LOT }))).toMatchObject({
      type: 'ack',
    });
    await buyer.waitFor(
      (m) => m.type === 'order' && m.order.clientOrderId === 'sweep' && m.order.status !== 'open',
      'the sweep’s end',
    );
    expect(t.server.exchange.engine.lastPrice(MARKET)).toBe(100_000);
    expect((await state(attacker)).orders).toMatchObject([{ price: TOP, status: 'open' }]);
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    await honestPairTrades(t.server);
  });
});
