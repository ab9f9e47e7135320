/**
 * The worst trailing stops, brackets and OCO pairs a signed-in client can send over the WebSocket, against the
 * real server on the shipped configuration: an absurd trailing percent, a trailing distance of 2^53 − 1, exits
 * on the wrong side of their entry, exits at the top of the safe range, an OCO pair with one leg, and an OCO
 * that tries to link another user's order. Each is refused with the engine's reason (the same codes the
 * matching engine and the paper engine use) and changes nothing; the victim's orders are untouched; and two
 * fresh accounts still trade LPJ afterwards (honestPairTrades).
 */
import { describe, expect, it } from 'vitest';
import type { ClientMessage, OrderView, ServerMessage, Session } from '../../engine/protocol/sync';
import { LOT, LPJ, MARKET, honestPairTrades, http, signUp } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';

const t = serverPerTest();

const TOP = Number.MAX_SAFE_INTEGER;

type Reply = Extract<ServerMessage, { type: 'ack' | 'reject' }>;

/** An order message with any fields: the attacks send some the contract does not allow (typed loosely on purpose). */
const order = (clientOrderId: string, fields: Record<string, unknown>) =>
  ({ op: 'order.new', order: { market: MARKET, clientOrderId, ...fields } }) as Extract<
    ClientMessage,
    { op: 'order.new' }
  >;

/** What an account has open, and its balances. */
async function state(s: Session): Promise<unknown> {
  const b = await http(t.server.url, 'GET', '/api/v1/balances', { token: s.accessToken });
  const o = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=500', {
    token: s.accessToken,
  });
  return { balances: b.body, orders: o.body.orders.filter((x) => x.status === 'open' || x.status === 'waiting') };
}

const attacks: { name: string; reason: string; fields: Record<string, unknown> }[] = [
  {
    name: 'a trailing stop of 1,000,000,000 basis points',
    reason: 'INVALID_TRAIL',
    fields: { side: 'sell', type: 'trailing_stop', quantity: LPJ, trailBps: 1_000_000_000 },
  },
  {
    name: 'a trailing stop of 100% (10,000 basis points)',
    reason: 'INVALID_TRAIL',
    fields: { side: 'sell', type: 'trailing_stop', quantity: LPJ, trailBps: 10_000 },
  },
  {
    name: 'a trailing sell whose distance is 2^53 − 1 KRW (its trigger would be below zero)',
    reason: 'INVALID_TRAIL',
    fields: { side: 'sell', type: 'trailing_stop', quantity: LPJ, trailAmount: TOP },
  },
  {
    name: 'a trailing buy whose distance takes its trigger past 2^53 − 1',
    reason: 'AMOUNT_OUT_OF_RANGE',
    fields: { side: 'buy', type: 'trailing_stop', quantity: LOT, trailAmount: TOP - 100_000 + 1 },
  },
  {
    name: 'a trailing stop with both an amount and a percent',
    reason: 'INVALID_ORDER',
    fields: { side: 'sell', type: 'trailing_stop', quantity: LPJ, trailAmount: 1_000, trailBps: 100 },
  },
  {
    name: 'a bracket buy whose take-profit is below its entry',
    reason: 'INVALID_BRACKET',
    fields: { side: 'buy', type: 'limit', price: 100_000, quantity: LPJ, takeProfitPrice: 90_000 },
  },
  {
    name: 'a bracket buy whose stop-loss is above its entry',
    reason: 'INVALID_BRACKET',
    fields: { side: 'buy', type: 'limit', price: 100_000, quantity: LPJ, stopLossPrice: 110_000 },
  },
  {
    name: 'a bracket sell whose stop-loss buy-back is at 2^53 − 1 (its hold leaves the range)',
    reason: 'AMOUNT_OUT_OF_RANGE',
    fields: { side: 'sell', type: 'limit', price: 100_000, quantity: LPJ, stopLossPrice: TOP },
  },
  {
    name: 'an OCO buy with its stop at 2^53 − 1',
    reason: 'AMOUNT_OUT_OF_RANGE',
    fields: { side: 'buy', type: 'oco', quantity: LPJ, takeProfitPrice: 90_000, stopLossPrice: TOP - 1 },
  },
  {
    name: 'an OCO with only a take-profit',
    reason: 'INVALID_ORDER',
    fields: { side: 'sell', type: 'oco', quantity: LPJ, takeProfitPrice: 110_000 },
  },
  {
    name: 'an OCO sell whose take-profit is below the last price',
    reason: 'INVALID_BRACKET',
    fields: { side: 'sell', type: 'oco', quantity: LPJ, takeProfitPrice: 95_000, stopLossPrice: 90_000 },
  },
  {
    name: 'an OCO sell of more LPJ than the account owns',
    reason: 'INSUFFICIENT_FUNDS',
    fields: { side: 'sell', type: 'oco', quantity: 1_000_000 * LPJ, takeProfitPrice: 110_000, stopLossPrice: 90_000 },
  },
];

describe('the worst trailing stops, brackets and OCO pairs', () => {
  it.each(attacks)('$name: refused $reason, and the exchange keeps trading', async ({ reason, fields }) => {
    await t.start();
    await honestPairTrades(t.server); // the last price is 100,000
    const attacker = await signUp(t.server.url, 'attacker');
    const a = await t.connect(attacker);
    const before = await state(attacker);
    expect(await a.request(order('attack', fields))).toMatchObject({ type: 'reject', reason });
    await a.sync();
    expect(await state(attacker)).toEqual(before);
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    await honestPairTrades(t.server);
  });

  it("an OCO cannot link, cancel or amend another user's order: the victim's pair stays whole", async () => {
    await t.start();
    await honestPairTrades(t.server);
    const victim = await signUp(t.server.url, 'victim');
    const v = await t.connect(victim);
    const pair = (await v.request(
      order('victim-oco', {
        side: 'sell',
        type: 'oco',
        quantity: 2 * LOT, // worth the minimum at its stop-loss price
        takeProfitPrice: 120_000,
        stopLossPrice: 80_000,
      }),
    )) as Reply;
    expect(pair).toMatchObject({ type: 'ack' });
    const victimBefore = await state(victim);
    const takeProfit = (victimBefore as { orders: OrderView[] }).orders.find((o) => o.type === 'limit')!;
    const stopLoss = (victimBefore as { orders: OrderView[] }).orders.find((o) => o.type === 'stop_market')!;
    expect(takeProfit.ocoOrderId).toBe(stopLoss.orderId);

    const attacker = await signUp(t.server.url, 'attacker');
    const a = await t.connect(attacker);
    // No message can name an order to link to: the field is not in the contract.
    expect(
      await a.request(
        order('link', { side: 'sell', type: 'limit', price: 120_000, quantity: LOT, ocoOrderId: takeProfit.orderId }),
      ),
    ).toMatchObject({ type: 'reject', reason: 'BAD_MESSAGE' });
    // Another user's legs are unknown to the attacker, whether cancelled or amended.
    for (const orderId of [takeProfit.orderId, stopLoss.orderId]) {
      expect(await a.request({ op: 'order.cancel', market: MARKET, orderId })).toMatchObject({
        type: 'reject',
        reason: 'UNKNOWN_ORDER',
      });
      expect(await a.request({ op: 'order.amend', market: MARKET, orderId, price: 130_000 })).toMatchObject({
        type: 'reject',
        reason: 'UNKNOWN_ORDER',
      });
    }
    // Its own legs cannot be amended either: the pair shares one hold.
    expect(
      await v.request({ op: 'order.amend', market: MARKET, orderId: takeProfit.orderId, price: 125_000 }),
    ).toMatchObject({ type: 'reject', reason: 'ORDER_NOT_AMENDABLE' });
    await a.sync();
    expect(await state(victim)).toEqual(victimBefore);
    await honestPairTrades(t.server);
  });

  it('a bracket entry that fills places linked exits; the take-profit filling cancels the stop-loss (oco)', async () => {
    await t.start();
    await honestPairTrades(t.server);
    const trader = await signUp(t.server.url, 'trader');
    const seller = await t.connect(await signUp(t.server.url, 'seller'));
    const buyer = await t.connect(await signUp(t.server.url, 'buyer'));
    const me = await t.connect(trader);
    await seller.ok(limitOrder('ask', 'sell', 100_000, LOT));
    await me.ok(
      order('entry', {
        side: 'buy',
        type: 'limit',
        price: 100_000,
        quantity: LOT,
        takeProfitPrice: 104_000,
        stopLossPrice: 96_000,
      }),
    );
    await me.waitFor((m) => m.type === 'order' && m.order.type === 'stop_market', 'the stop-loss exit');
    await buyer.ok(limitOrder('lift', 'buy', 104_000, LOT));
    await me.waitFor(
      (m) => m.type === 'order' && m.order.type === 'stop_market' && m.order.status === 'cancelled',
      'the stop-loss cancelled',
    );
    const o = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?limit=10', {
      token: trader.accessToken,
    });
    const [stopLoss, takeProfit, entry] = o.body.orders;
    expect(entry).toMatchObject({ status: 'filled', takeProfitPrice: 104_000, stopLossPrice: 96_000 });
    expect(takeProfit).toMatchObject({ status: 'filled', parentOrderId: entry.orderId, ocoOrderId: stopLoss.orderId });
    expect(stopLoss).toMatchObject({ status: 'cancelled', reason: 'oco', parentOrderId: entry.orderId });
    await honestPairTrades(t.server);
  });
});
